#include "scenarios/scenario.hpp"

#include "scenarios/distribution_reader.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <yaml-cpp/depthguard.h>

namespace scenarios {

namespace {

using detail::DiagnosticSink;
using detail::MapReader;
using detail::Value;
namespace fs = std::filesystem;

// --- the schema ---------------------------------------------------------------------------
// Each list is every key its map may hold, in the order the documentation lists them (the
// order "expected one of" shows them). A new key: add it here and read it below.

const std::vector<std::string> kTopKeys{"name",   "description", "seed",    "duration",
                                        "warmup", "load",        "services"};
const std::vector<std::string> kLoadKeys{"name", "target", "arrivals", "rate"};
const std::vector<std::string> kServiceKeys{"workers", "service_time", "queue"};
const std::vector<std::string> kQueueKeys{"capacity"};
// Index order matches models::ArrivalProcess.
const std::vector<std::string> kArrivalNames{"poisson", "constant"};

constexpr std::uint64_t kMaxWorkers = 1'000'000;
constexpr std::uint64_t kMaxQueueCapacity = 1ULL << 40;

/// A load source as read, before its target is resolved.
struct ParsedLoad {
    std::optional<Value> name_value;
    std::optional<std::string> name;
    std::optional<Value> target_value;
    std::optional<std::string> target;
    models::LoadSourceParams params;
};

/// Everything read from the document; a field is empty where the file had a problem.
struct ParsedScenario {
    std::optional<std::string> name;
    std::uint64_t seed = 1;
    std::optional<sim::SimTime> duration;
    std::optional<Value> warmup_value;
    std::optional<sim::SimTime> warmup;
    std::vector<ParsedLoad> load;
    bool services_ok = false;               ///< `services` was a map: its names are known
    std::vector<std::string> service_names; ///< every key of `services`, in file order
    std::vector<models::ServiceParams> services;
};

// --- parse: read the document, collecting every problem ------------------------------------

std::optional<std::uint64_t> read_queue_capacity(DiagnosticSink& sink, const Value& v) {
    if (v.node.IsScalar() && v.node.Scalar() == "unbounded") return models::kUnbounded;
    if (!v.node.IsScalar() || v.node.Tag() == "!" ||
        v.node.Scalar().find_first_not_of("+-0123456789") != std::string::npos) {
        sink.error(
            v.mark, v.path,
            fmt::format("expected unbounded or an integer >= 0, got {}", detail::describe(v.node)));
        return std::nullopt;
    }
    return detail::read_integer(sink, v, 0, kMaxQueueCapacity,
                                "2^40, the limit on a queue's capacity; write unbounded for no "
                                "limit");
}

std::optional<models::ServiceParams> read_service(DiagnosticSink& sink, const std::string& name,
                                                  const Value& v, const fs::path& base_dir) {
    MapReader map(sink, v, "a map of service settings (workers, service_time, queue)",
                  kServiceKeys);
    if (!map.ok()) return std::nullopt;
    models::ServiceParams s;
    s.name = name;
    bool complete = true;
    if (const auto workers = map.get("workers")) {
        const auto n = detail::read_integer(sink, *workers, 1, kMaxWorkers,
                                            "the limit on workers per service");
        if (n)
            s.workers = static_cast<std::uint32_t>(*n);
        else
            complete = false;
    }
    if (const auto st =
            map.require("service_time", "a distribution, e.g. {dist: exponential, mean: 100ms}")) {
        if (auto d = detail::read_distribution(sink, *st, base_dir))
            s.service_time = std::move(*d);
        else
            complete = false;
    } else {
        complete = false;
    }
    if (const auto queue = map.get("queue")) {
        MapReader q(sink, *queue, "a map of queue settings, e.g. {capacity: 100}", kQueueKeys);
        if (const auto capacity = q.ok() ? q.get("capacity") : std::nullopt) {
            if (const auto c = read_queue_capacity(sink, *capacity))
                s.queue_capacity = *c;
            else
                complete = false;
        }
        if (!q.ok()) complete = false;
    }
    if (!complete) return std::nullopt;
    return s;
}

std::optional<ParsedLoad> read_load_source(DiagnosticSink& sink, const Value& v) {
    MapReader map(sink, v, "a load source, e.g. {name: users, target: api, rate: 90/s}", kLoadKeys);
    if (!map.ok()) return std::nullopt;
    ParsedLoad load;
    load.name_value = map.require("name", "a name for this load source, e.g. users");
    if (load.name_value) load.name = detail::read_name(sink, *load.name_value);
    load.target_value = map.require("target", "the name of the service that receives the load");
    if (load.target_value) load.target = detail::read_name(sink, *load.target_value);
    if (const auto arrivals = map.get("arrivals")) {
        if (const auto k = detail::read_choice(sink, *arrivals, kArrivalNames))
            load.params.arrivals = static_cast<models::ArrivalProcess>(*k);
    }
    if (const auto rate = map.require("rate", "a rate > 0, e.g. 90/s")) {
        if (const auto r = detail::read_rate(sink, *rate, true)) load.params.rate_per_second = *r;
    }
    if (load.name) load.params.name = *load.name;
    return load;
}

ParsedScenario parse_document(DiagnosticSink& sink, const YAML::Node& root,
                              const fs::path& base_dir) {
    ParsedScenario p;
    MapReader top(sink, detail::root_value(root),
                  "a map of scenario settings (name, duration, load, services, ...)", kTopKeys);
    if (!top.ok()) return p;

    if (const auto v = top.require("name", "text naming the scenario, e.g. mm3-validation"))
        p.name = detail::read_string(sink, *v);
    if (const auto v = top.get("description")) detail::read_string(sink, *v, true);
    if (const auto v = top.get("seed")) {
        if (const auto seed = detail::read_integer(sink, *v, 0, UINT64_MAX)) p.seed = *seed;
    }
    if (const auto v = top.require("duration", "the simulated time to run, a duration > 0, "
                                               "e.g. 2h"))
        p.duration = detail::read_duration(sink, *v, true);
    p.warmup_value = top.get("warmup");
    p.warmup = p.warmup_value ? detail::read_duration(sink, *p.warmup_value, false)
                              : std::optional<sim::SimTime>(sim::SimTime::zero());

    if (const auto v = top.require("load", "a list of load sources, e.g. "
                                           "[{name: users, target: api, rate: 90/s}]")) {
        if (const auto items = detail::read_sequence(sink, *v, "a list of load sources")) {
            if (items->empty())
                sink.error(v->mark, v->path,
                           "expected at least one load source, got an empty list");
            for (const auto& item : *items)
                if (auto load = read_load_source(sink, item)) p.load.push_back(std::move(*load));
        }
    }

    if (const auto v =
            top.require("services", "a map of service names to their settings, e.g. "
                                    "{api: {workers: 4, service_time: {dist: exponential, "
                                    "mean: 100ms}}}")) {
        const auto services =
            MapReader::named_items(sink, *v, "a map of service names to their settings");
        p.services_ok = services.ok();
        if (services.ok() && services.entries().empty())
            sink.error(v->mark, v->path, "expected at least one service, got an empty map");
        for (const auto& entry : services.entries()) {
            p.service_names.push_back(entry.key);
            if (!detail::is_valid_name(entry.key))
                sink.error(entry.key_mark, entry.value.path,
                           fmt::format("expected a service name of {}, got {}", detail::kNameRule,
                                       text::quote(entry.key)));
            // Read the settings even under a bad name, so their problems show up now too.
            if (auto s = read_service(sink, entry.key, entry.value, base_dir))
                p.services.push_back(std::move(*s));
        }
    }
    return p;
}

// --- build: resolve names and check what spans several keys -------------------------------

models::ModelParams build_model(DiagnosticSink& sink, ParsedScenario& p) {
    models::ModelParams m;
    if (p.duration && p.warmup && p.warmup_value && *p.warmup >= *p.duration) {
        sink.error(p.warmup_value->mark, p.warmup_value->path,
                   fmt::format("expected a warm-up shorter than duration ({}), got {}",
                               format_duration(*p.duration),
                               detail::describe(p.warmup_value->node)));
    }
    for (std::size_t i = 0; i < p.load.size(); ++i) {
        ParsedLoad& load = p.load[i];
        // A repeated name would make two sources share one random stream and one report row.
        if (load.name) {
            for (std::size_t j = 0; j < i; ++j) {
                if (p.load[j].name != load.name) continue;
                const YAML::Mark first = p.load[j].name_value->mark;
                sink.error(load.name_value->mark, load.name_value->path,
                           fmt::format("duplicate load source name {}; {}", text::quote(*load.name),
                                       first.is_null() ? std::string("the first was set by --set")
                                                       : fmt::format("the first is at line {}",
                                                                     first.line + 1)));
                break;
            }
        }
        // Without a readable `services` map every target would look unknown: say nothing.
        if (load.target && p.services_ok) {
            const auto& names = p.service_names;
            const auto it = std::find(names.begin(), names.end(), *load.target);
            if (it == names.end()) {
                std::string message = fmt::format("unknown service {}", text::quote(*load.target));
                const std::string suggestion = text::closest(*load.target, names);
                if (!suggestion.empty())
                    message += fmt::format("; did you mean {}?", text::quote(suggestion));
                else
                    message += fmt::format(" (services: {})", text::join(names));
                sink.error(load.target_value->mark, load.target_value->path, std::move(message));
            } else {
                load.params.target = static_cast<std::uint32_t>(it - names.begin());
            }
        }
        m.load.push_back(load.params);
    }
    if (p.duration) m.duration = *p.duration;
    if (p.warmup) m.warmup = *p.warmup;
    m.services = std::move(p.services);
    return m;
}

// --- text checks before YAML ---------------------------------------------------------------

/// The position and reason of the first byte that makes `text` not UTF-8 text (binary files,
/// other encodings, control characters YAML forbids), if any.
std::optional<Diagnostic> check_utf8_text(std::string_view text, const std::string& file) {
    int line = 1;
    int column = 1;
    std::size_t i = 0;
    if (text.starts_with("\xEF\xBB\xBF")) i = 3; // a byte order mark is allowed
    const auto bad = [&](std::string what) {
        return Diagnostic{file, line, column, "",
                          "the file is not UTF-8 text: " + what +
                              " (a binary file, or text in another encoding?)"};
    };
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                return bad(fmt::format("control character 0x{:02x}", c));
            if (c == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
            ++i;
            continue;
        }
        // A multi-byte character: a lead byte, then 1-3 continuation bytes; no overlong forms,
        // surrogates or code points past U+10FFFF. A bad one is reported at its lead byte.
        const auto invalid = [&] { return bad(fmt::format("invalid byte 0x{:02x}", c)); };
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            cp = c & 0x07u;
        } else {
            return invalid();
        }
        if (i + length > text.size()) return invalid();
        for (std::size_t k = 1; k < length; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return invalid();
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
        if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return invalid();
        i += length;
        ++column;
    }
    return std::nullopt;
}

std::string read_file(const std::string& path) {
    const auto fail = [&](std::string message) {
        throw ScenarioError({Diagnostic{path, 0, 0, "", std::move(message)}});
    };
    std::error_code ec;
    if (fs::is_directory(path, ec)) fail("cannot read the scenario: it is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(fmt::format("cannot read the scenario: {}", std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) fail(fmt::format("cannot read the scenario: {}", std::strerror(errno)));
    return text.str();
}

// --- the whole load ------------------------------------------------------------------------

Scenario load(std::string_view text, const std::string& file, const fs::path& base_dir,
              std::span<const Override> overrides) {
    if (auto d = check_utf8_text(text, file)) throw ScenarioError({std::move(*d)});

    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(std::string(text));
    } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp's own message for this case is "bad file", which helps nobody.
        throw ScenarioError({Diagnostic{file, e.mark.line + 1, e.mark.column + 1, "",
                                        "invalid YAML: nested too deeply for the YAML parser"}});
    } catch (const YAML::ParserException& e) {
        throw ScenarioError(
            {Diagnostic{file, e.mark.line + 1, e.mark.column + 1, "", "invalid YAML: " + e.msg}});
    }
    if (documents.empty())
        throw ScenarioError({Diagnostic{file, 0, 0, "",
                                        "the file is empty; expected a scenario: a map with "
                                        "name, duration, load and services"}});

    DiagnosticSink sink(file);
    // A trailing `---` makes an empty second document: harmless, so only real ones count.
    const auto extra = std::find_if(documents.begin() + 1, documents.end(),
                                    [](const YAML::Node& d) { return !d.IsNull(); });
    if (extra != documents.end()) {
        sink.error(extra->Mark(), "",
                   "expected one YAML document, got more: a scenario file holds one (remove "
                   "the extra ---)");
    }
    YAML::Node root = documents.front();
    detail::apply_overrides(root, overrides, sink);
    ParsedScenario parsed = parse_document(sink, root, base_dir);
    Scenario scenario;
    scenario.model = build_model(sink, parsed);
    if (!sink.empty()) throw ScenarioError(sink.sorted());

    scenario.name = *parsed.name;
    scenario.file = file;
    scenario.seed = parsed.seed;
    YAML::Emitter out;
    out << root;
    scenario.resolved_yaml = std::string(out.c_str()) + "\n";
    return scenario;
}

} // namespace

Scenario load_scenario_file(const std::string& path, std::span<const Override> overrides) {
    const std::string text = read_file(path);
    return load(text, path, fs::path(path).parent_path(), overrides);
}

Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            std::span<const Override> overrides) {
    return load(text, display_name, fs::path(display_name).parent_path(), overrides);
}

} // namespace scenarios

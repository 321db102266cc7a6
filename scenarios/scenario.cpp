#include "scenarios/scenario.hpp"

#include "models/call_graph.hpp"
#include "scenarios/distribution_reader.hpp"
#include "scenarios/key_table.hpp"
#include "scenarios/load_reader.hpp"
#include "scenarios/operations_reader.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/parsed_scenario.hpp"
#include "scenarios/step_reader.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/value_readers.hpp"
#include "scenarios/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <yaml-cpp/depthguard.h>

namespace tpssim::scenarios {

namespace {

using detail::DiagnosticSink;
using detail::MapReader;
using detail::ParsedStep;
using detail::TargetName;
using detail::Value;
namespace fs = std::filesystem;
using detail::KeySchema;
using detail::ParsedLoad;
using detail::ParsedScenario;
using detail::ParsedService;

// --- the schema ---------------------------------------------------------------------------
// Each list is every key its map may hold, in the order the documentation lists them (the
// order "expected one of" shows them). A new key: add it here and read it below.

const KeySchema kTopSchema({"name", "description", "seed", "start", "duration", "warmup", "load",
                            "services", "tracing", "deployments", "network", "monitoring", "alerts",
                            "chaos", "actions", "expect"},
                           {"tracing", "monitoring", "network"});
const std::vector<std::string> kTopKeys = kTopSchema.keys();
const KeySchema kLoadSchema({"name", "target", "arrivals", "rate", "multiplier", "steps", "trace",
                             "states", "users", "think_time", "timeout"},
                            {"multiplier", "trace", "think_time"});
const std::vector<std::string> kLoadKeys = kLoadSchema.keys();
const KeySchema kMmppStateSchema({"rate", "mean_duration"});
const std::vector<std::string> kMmppStateKeys = kMmppStateSchema.keys();
const KeySchema kServiceSchema({"kind", "workers", "queue", "service_time", "steps", "errors",
                                "capacity", "consumers", "max_deliver", "autoscaler", "startup",
                                "resources", "health_check"},
                               {"queue", "service_time", "errors", "autoscaler", "resources",
                                "health_check"});
const std::vector<std::string> kServiceKeys = kServiceSchema.keys();

constexpr std::uint64_t kMaxWorkers = 1'000'000;
constexpr std::uint64_t kMaxQueueCapacity = 1ULL << 40;
constexpr std::uint64_t kMaxDeliver = 1'000'000;
constexpr std::uint64_t kMaxKeepSlowest = 100'000;
constexpr std::uint64_t kMaxUsers = 1'000'000;

// --- parse: read the document, collecting every problem ------------------------------------

// `least` is 0 for a service's waiting room (0: no waiting, a loss system) and 1 for a Kanban
// queue (kind: queue), where 0 would reject every publish.
std::optional<std::uint64_t> read_queue_capacity(DiagnosticSink& sink, const Value& v,
                                                 std::int64_t least) {
    if (v.node.IsScalar() && v.node.Scalar() == "unbounded") return models::kUnbounded;
    if (!v.node.IsScalar() || v.node.Tag() == "!" ||
        v.node.Scalar().find_first_not_of("+-0123456789") != std::string::npos) {
        sink.error(v.mark, v.path,
                   fmt::format("expected unbounded or an integer >= {}, got {}", least,
                               detail::describe(v.node)));
        return std::nullopt;
    }
    if (least > 0 && v.node.Scalar() == "0") {
        sink.error(v.mark, v.path,
                   "expected unbounded or an integer >= 1 (a queue that stores nothing rejects "
                   "every publish), got 0");
        return std::nullopt;
    }
    return detail::read_integer(sink, v, least, kMaxQueueCapacity,
                                "2^40, the limit on a queue's capacity; write unbounded for no "
                                "limit");
}

const detail::KeyTable<models::ServiceParams> kQueue =
    detail::KeyTable<models::ServiceParams>("a map of queue settings, e.g. {capacity: 100}")
        .optional(
            "capacity", &models::ServiceParams::queue_capacity,
            [](DiagnosticSink& sink, const Value& v) { return read_queue_capacity(sink, v, 0); });

const detail::KeyTable<models::TracingParams> kTracing =
    detail::KeyTable<models::TracingParams>("tracing settings, e.g. {sample: 1%, keep_slowest: 20}")
        .optional("sample", &models::TracingParams::sample_fraction, detail::ratio(false))
        .optional("keep_slowest", &models::TracingParams::keep_slowest,
                  detail::integer(0, kMaxKeepSlowest, "the limit on traces kept whole"));

/// Why `key` has no place in a queue (kind: queue), or "" when it has.
std::string_view queue_misfit(std::string_view key) {
    if (key == "workers") return "its items are served by its consumer's workers";
    if (key == "service_time" || key == "steps") return "its consumer's steps do the work";
    if (key == "queue") return "its own size is capacity: N";
    if (key == "errors") return "it does no work of its own; put errors on its consumer";
    if (key == "autoscaler" || key == "startup" || key == "resources" || key == "health_check")
        return "it has no replicas of its own; put it on its consumer";
    return {};
}

bool queue_only(std::string_view key) {
    return key == "capacity" || key == "consumers" || key == "max_deliver";
}

/// A queue's `consumers`: the name of one service.
std::optional<TargetName> read_consumer(DiagnosticSink& sink, const Value& v) {
    if (v.node.IsSequence()) {
        sink.error(v.mark, v.path,
                   "expected the name of one service (a queue has one consumer), got a sequence");
        return std::nullopt;
    }
    if (auto name = detail::read_name(sink, v)) return TargetName{std::move(*name), v};
    return std::nullopt;
}

ParsedService read_service(DiagnosticSink& sink, const std::string& name,
                           const YAML::Mark& key_mark, const Value& v, const fs::path& base_dir) {
    ParsedService s;
    s.key_mark = key_mark;
    s.path = v.path;
    s.params.name = name;
    MapReader map(sink, v, "a map of service settings (workers, service_time or steps, queue, ...)",
                  kServiceKeys);
    if (!map.ok()) {
        s.ok = false;
        return s;
    }
    const auto fail = [&s] { s.ok = false; };
    const auto kind_value = map.get("kind");
    if (kind_value) {
        if (const auto k = detail::read_enum<models::ServiceKind>(sink, *kind_value))
            s.params.kind = *k;
        else
            s.ok = s.kind_known = false;
    }
    const bool is_queue = s.kind_known && s.params.kind == models::ServiceKind::Queue;
    const bool is_service = s.kind_known && s.params.kind == models::ServiceKind::Service;

    // Keys of the other kind: said once, and not read.
    std::vector<std::string> misplaced;
    for (const auto& e : map.entries()) {
        if (is_queue && !queue_misfit(e.key).empty()) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} does not apply to a queue (kind: queue): {}",
                                   text::quote(e.key), queue_misfit(e.key)));
        } else if (is_service && queue_only(e.key)) {
            std::string why =
                e.key == "capacity"
                    ? std::string("; a service's waiting room is queue: {capacity: N}")
                : kind_value ? std::string()
                             : fmt::format("; add kind: queue if {} is one", text::quote(name));
            sink.error(
                e.key_mark, e.value.path,
                fmt::format("{} applies only to a queue (kind: queue){}", text::quote(e.key), why));
        } else {
            continue;
        }
        misplaced.push_back(e.key);
        fail();
    }
    const auto get = [&](std::string_view key) -> std::optional<Value> {
        if (std::find(misplaced.begin(), misplaced.end(), key) != misplaced.end())
            return std::nullopt;
        return map.get(key);
    };

    if (const auto workers = get("workers")) {
        const auto n = detail::read_integer(sink, *workers, 1, kMaxWorkers,
                                            "the limit on workers per service");
        if (n)
            s.params.workers = static_cast<std::uint32_t>(*n);
        else
            fail();
    }
    if (const auto queue = get("queue")) {
        if (!kQueue.read_into(sink, *queue, s.params)) fail();
    }
    const auto service_time = get("service_time");
    const auto steps = get("steps");
    if (service_time && steps) {
        // Reported at whichever comes second in the file.
        const MapReader::Entry* second = nullptr;
        for (const auto& e : map.entries())
            if (e.key == "service_time" || e.key == "steps") second = &e;
        sink.error(second->key_mark, second->value.path,
                   "expected either service_time or steps (which replaces it), got both");
        fail();
    } else if (!service_time && !steps && is_service && !map.was_suggested("service_time") &&
               !map.was_suggested("steps")) {
        sink.error(v.mark, v.path,
                   "missing required key \"service_time\" or \"steps\" (a distribution, e.g. "
                   "{dist: exponential, mean: 100ms}, or a list of steps)");
        fail();
    } else if (!service_time && !steps && !is_queue) { // misspelt, or kind unreadable
        fail();
    }
    if (service_time) {
        if (auto d = detail::read_distribution(sink, *service_time, base_dir))
            s.params.service_time = std::move(*d);
        else
            fail();
    }
    if (steps) {
        if (auto parsed = detail::read_steps(sink, *steps, base_dir)) {
            s.steps = std::move(*parsed);
            for (const auto& step : s.steps)
                if (!step.ok) fail();
        } else {
            fail();
        }
    }
    if (const auto errors = get("errors")) {
        if (const auto p = detail::read_errors(sink, *errors))
            s.params.error_probability = *p;
        else
            fail();
    }
    if (const auto capacity = get("capacity")) {
        if (const auto c = read_queue_capacity(sink, *capacity, 1))
            s.params.queue_capacity = *c;
        else
            fail();
    }
    if (is_queue) {
        if (const auto c = map.require("consumers", "the service whose workers pull from this "
                                                    "queue, e.g. consumers: worker"))
            s.consumer = read_consumer(sink, *c);
        if (!s.consumer) fail();
    } else if (const auto c = get("consumers")) {
        s.consumer = read_consumer(sink, *c);
        if (!s.consumer) fail();
    }
    s.ops.autoscaler = get("autoscaler");
    s.ops.startup = get("startup");
    s.ops.resources = get("resources");
    s.ops.health_check = get("health_check");
    if (const auto m = get("max_deliver")) {
        if (const auto n = detail::read_integer(sink, *m, 0, kMaxDeliver,
                                                "the limit on deliveries; 0 means no limit"))
            s.params.max_deliver = static_cast<std::uint32_t>(*n);
        else
            fail();
    }
    return s;
}

/// Keys of open load (a rate over time) and of closed load (a population of users).
bool open_only(std::string_view key) {
    return key == "rate" || key == "multiplier" || key == "steps" || key == "trace";
}
bool closed_only(std::string_view key) {
    return key == "users" || key == "think_time";
}

/// A Markov-modulated source's states: two or more {rate, mean_duration}, one rate > 0.
bool read_mmpp_states(DiagnosticSink& sink, const Value& v, std::vector<models::MmppState>& out) {
    const auto items = detail::read_sequence(
        sink, v,
        "a list of states, e.g. [{rate: 50/s, mean_duration: 5m}, {rate: 400/s, "
        "mean_duration: 30s}]");
    if (!items) return false;
    if (items->size() < 2) {
        sink.error(v.mark, v.path,
                   fmt::format("expected at least two states (a burst and a calm), got {}",
                               items->size()));
        return false;
    }
    if (items->size() > 1000) {
        sink.error(v.mark, v.path,
                   fmt::format("expected at most 1000 states, got {}", items->size()));
        return false;
    }
    bool ok = true;
    bool any_traffic = false;
    for (const Value& item : *items) {
        MapReader m(sink, item, "a state, e.g. {rate: 400/s, mean_duration: 30s}", kMmppStateKeys);
        if (!m.ok()) {
            ok = false;
            continue;
        }
        models::MmppState st;
        const auto rate = m.require("rate", "the arrival rate in this state, e.g. 400/s");
        const auto mean = m.require("mean_duration", "how long the state lasts on average, a "
                                                     "duration >= 1ms, e.g. 30s");
        if (rate) {
            if (const auto r = detail::read_rate(sink, *rate, false)) {
                st.rate_per_second = *r;
                any_traffic = any_traffic || *r > 0.0;
            } else {
                ok = false;
            }
        }
        if (mean) {
            const auto d = detail::read_duration(sink, *mean, true);
            if (d && *d < sim::SimTime::from_ms(1)) {
                sink.error(mean->mark, mean->path,
                           fmt::format("expected a duration >= 1ms, got {}",
                                       detail::describe(mean->node)));
                ok = false;
            } else if (d) {
                st.mean_duration = *d;
            } else {
                ok = false;
            }
        }
        ok = ok && rate && mean;
        out.push_back(st);
    }
    if (ok && !any_traffic) {
        sink.error(v.mark, v.path,
                   "this load source never sends a request: every state's rate "
                   "is 0");
        ok = false;
    }
    return ok;
}

/// An open source's rate over time, checked as a whole: it must send something, and its
/// multipliers must not push it past the clock's resolution.
void check_rate_profile(DiagnosticSink& sink, const Value& at, const models::LoadProfileParams& p) {
    try {
        const models::LoadProfile profile(p);
        if (profile.zero_from() == sim::SimTime::zero()) {
            sink.error(at.mark, at.path,
                       "this load source never sends a request: its rate is 0 throughout");
            return;
        }
        const double peak = profile.max_rate_over(sim::SimTime::zero(), sim::SimTime::max());
        if (peak > kMaxRatePerSecond)
            sink.error(at.mark, at.path,
                       fmt::format("the rate peaks at {:g}/s with its multipliers; a rate may be "
                                   "at most 1000000000/s (one per nanosecond)",
                                   peak));
    } catch (const std::invalid_argument& e) {
        sink.error(at.mark, at.path, fmt::format("invalid settings: {}", e.what()));
    }
}

std::optional<ParsedLoad> read_load_source(DiagnosticSink& sink, const Value& v,
                                           const detail::CalendarStart& start,
                                           const fs::path& base_dir) {
    MapReader map(sink, v, "a load source, e.g. {name: users, target: api, rate: 90/s}", kLoadKeys);
    if (!map.ok()) return std::nullopt;
    ParsedLoad load;
    load.name_value = map.require("name", "a name for this load source, e.g. users");
    if (load.name_value) load.name = detail::read_name(sink, *load.name_value);
    load.target_value = map.require("target", "the name of the service that receives the load");
    if (load.target_value) load.target = detail::read_name(sink, *load.target_value);
    const auto arrivals = map.get("arrivals");
    bool arrivals_known = true;
    if (arrivals) {
        if (const auto k = detail::read_enum<models::ArrivalProcess>(sink, *arrivals))
            load.params.arrivals = *k;
        else
            arrivals_known = false;
    }
    const bool closed = arrivals_known && load.params.arrivals == models::ArrivalProcess::Closed;
    const bool mmpp = arrivals_known && load.params.arrivals == models::ArrivalProcess::Mmpp;
    const bool open = arrivals_known && !closed && !mmpp;

    // Keys of the other kind of load: said once, and not read.
    bool ok = true;
    std::vector<std::string> misplaced;
    for (const auto& e : map.entries()) {
        if (mmpp && (open_only(e.key) || closed_only(e.key))) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} does not apply to arrivals: mmpp: each of its `states` "
                                   "has its own rate",
                                   text::quote(e.key)));
        } else if (!mmpp && arrivals_known && e.key == "states") {
            sink.error(e.key_mark, e.value.path,
                       "\"states\" applies only to Markov-modulated load (arrivals: mmpp)");
        } else if (closed && open_only(e.key)) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} does not apply to closed load (arrivals: closed): its "
                                   "users send each request a think time after the answer to "
                                   "their last",
                                   text::quote(e.key)));
        } else if (open && closed_only(e.key)) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} applies only to closed load (arrivals: closed){}",
                                   text::quote(e.key),
                                   arrivals ? ""
                                            : "; add arrivals: closed for a fixed number of "
                                              "users"));
        } else {
            continue;
        }
        misplaced.push_back(e.key);
        ok = false;
    }
    const auto get = [&](std::string_view key) -> std::optional<Value> {
        if (std::find(misplaced.begin(), misplaced.end(), key) != misplaced.end())
            return std::nullopt;
        return map.get(key);
    };

    if (mmpp) {
        if (const auto states = map.require("states", "a list of states, e.g. [{rate: 50/s, "
                                                      "mean_duration: 5m}, {rate: 400/s, "
                                                      "mean_duration: 30s}]"))
            read_mmpp_states(sink, *states, load.params.mmpp);
    } else if (closed) {
        if (const auto users = map.require("users", "the number of users, e.g. 50")) {
            if (const auto n = detail::read_integer(sink, *users, 1, kMaxUsers,
                                                    "the limit on users per load source"))
                load.params.users = static_cast<std::uint32_t>(*n);
        }
        if (const auto think =
                map.require("think_time", "a user's pause between an answer and its next "
                                          "request: a duration or a distribution, e.g. {dist: "
                                          "exponential, mean: 1s}")) {
            if (auto d = detail::read_latency(sink, *think, base_dir))
                load.params.think_time = std::move(*d);
        }
    } else {
        // Open (or unreadable `arrivals`: then only the values themselves are checked). Steps
        // or a trace may start from a rate of 0; a trace alone needs no base rate.
        const bool shaped = get("steps") || get("trace");
        const auto rate =
            open && !get("trace")
                ? map.require("rate", shaped ? "the rate until the first step, e.g. 0/s or 90/s"
                                             : "a rate > 0, e.g. 90/s")
                : get("rate");
        if (rate) {
            if (const auto r = detail::read_rate(sink, *rate, !shaped))
                load.params.rate_per_second = *r;
            else
                ok = false;
        } else if (!get("trace")) {
            ok = false;
        }
        ok = detail::read_rate_profile(sink, map, start, base_dir, load.params.profile) && ok;
        if (ok && open && (!start.given || start.start)) {
            models::LoadProfileParams full = load.params.profile;
            full.rate = load.params.rate_per_second;
            if (start.start) full.calendar.start = *start.start;
            check_rate_profile(sink, v, full);
        }
    }
    if (const auto timeout = map.get("timeout")) {
        if (const auto t = detail::read_timeout(sink, *timeout)) load.params.timeout = *t;
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
    // Before the load: its times may be clock times, which need the start.
    if (const auto v = top.get("start")) {
        p.start.given = true;
        p.start.start = detail::read_start(sink, *v);
    }

    if (const auto v = top.require("load", "a list of load sources, e.g. "
                                           "[{name: users, target: api, rate: 90/s}]")) {
        if (const auto items = detail::read_sequence(sink, *v, "a list of load sources")) {
            if (items->empty())
                sink.error(v->mark, v->path,
                           "expected at least one load source, got an empty list");
            for (const auto& item : *items)
                if (auto load = read_load_source(sink, item, p.start, base_dir))
                    p.load.push_back(std::move(*load));
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
            p.services.push_back(
                read_service(sink, entry.key, entry.key_mark, entry.value, base_dir));
        }
    }

    p.operations.deployments = top.get("deployments");
    p.operations.network = top.get("network");
    p.operations.monitoring = top.get("monitoring");
    p.operations.alerts = top.get("alerts");
    p.operations.chaos = top.get("chaos");
    p.operations.actions = top.get("actions");
    p.operations.expect = top.get("expect");
    for (const auto& s : p.services)
        p.operations.services.push_back(s.ops);

    if (const auto v = top.get("tracing")) kTracing.read_into(sink, *v, p.tracing);
    return p;
}

// --- text checks before YAML ---------------------------------------------------------------

/// The position and reason of the first byte that makes `text` not UTF-8 text (binary files,
/// other encodings, control characters YAML forbids), if any.
std::optional<Diagnostic> check_utf8_text(std::string_view text, const std::string& file) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3); // a byte order mark is allowed
    const auto bad = text::first_non_text(text);
    if (!bad) return std::nullopt;
    // Everything before the bad byte is valid UTF-8: count lines, and characters on its line.
    const std::string_view before = text.substr(0, bad->offset);
    const std::size_t newline = before.rfind('\n');
    const std::string_view on_line =
        newline == std::string_view::npos ? before : before.substr(newline + 1);
    const auto characters = std::count_if(on_line.begin(), on_line.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80; // not a continuation byte
    });
    return Diagnostic{file, static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1,
                      static_cast<int>(characters) + 1, "",
                      "the file is not UTF-8 text: " + bad->reason +
                          " (a binary file, or text in another encoding?)"};
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
              std::span<const Override> overrides, std::span<const std::string> chaos) {
    if (auto d = check_utf8_text(text, file)) throw ScenarioError({std::move(*d)});

    std::vector<YAML::Node> documents;
    try {
        documents = detail::load_all_documents(std::string(text));
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
    for (const auto& flag : chaos)
        if (auto fault = detail::parse_chaos_flag(sink, flag))
            parsed.operations.command_line_chaos.push_back(std::move(*fault));
    Scenario scenario;
    scenario.model = build_model(sink, parsed);
    {
        detail::OperationsContext context{
            scenario.model, parsed.services_ok, {},      parsed.calls_resolved,
            parsed.start,   parsed.duration,    base_dir};
        for (const auto& s : parsed.services)
            context.kinds.push_back(s.kind_known ? std::optional(s.params.kind) : std::nullopt);
        scenario.model.operations = detail::read_operations(sink, parsed.operations, context);
    }
    if (!sink.empty()) throw ScenarioError(sink.sorted());

    // The --chaos faults join the file's, for provenance.
    if (!parsed.operations.command_line_chaos.empty()) {
        YAML::Node list = root["chaos"];
        if (!list.IsDefined() || list.IsNull()) {
            root["chaos"] = YAML::Node(YAML::NodeType::Sequence);
            list.reset(root["chaos"]);
        }
        for (const auto& fault : parsed.operations.command_line_chaos)
            list.push_back(fault);
    }

    scenario.name = *parsed.name;
    scenario.file = file;
    scenario.seed = parsed.seed;
    YAML::Emitter out;
    out << root;
    scenario.resolved_yaml = std::string(out.c_str()) + "\n";
    return scenario;
}

} // namespace

Scenario load_scenario_file(const std::string& path, std::span<const Override> overrides,
                            std::span<const std::string> chaos) {
    const std::string text = read_file(path);
    return load(text, path, fs::path(path).parent_path(), overrides, chaos);
}

Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            std::span<const Override> overrides,
                            std::span<const std::string> chaos) {
    return load(text, display_name, fs::path(display_name).parent_path(), overrides, chaos);
}

namespace detail {

std::vector<const KeySchema*> scenario_schemas() {
    return {&kTopSchema, &kLoadSchema, &kMmppStateSchema, &kServiceSchema, &kQueue, &kTracing};
}

} // namespace detail

} // namespace tpssim::scenarios
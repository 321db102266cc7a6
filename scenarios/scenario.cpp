#include "scenarios/scenario.hpp"

#include "models/call_graph.hpp"
#include "scenarios/distribution_reader.hpp"
#include "scenarios/extends.hpp"
#include "scenarios/key_table.hpp"
#include "scenarios/layers.hpp"
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
using detail::KeysRead;
using detail::ParsedLoad;
using detail::ParsedScenario;
using detail::ParsedService;

// --- limits (docs/scenario-format.md#limits) -------------------------------------------------
// The keys of each map are declared once, in its table below (scenarios/key_table.hpp).

constexpr std::uint64_t kMaxKeepSlowest = 100'000;
constexpr std::uint64_t kMaxUsers = 1'000'000;

// --- parse: read the document, collecting every problem ------------------------------------

const detail::KeyTable<models::TracingParams> kTracing =
    detail::KeyTable<models::TracingParams>("tracing settings, e.g. {sample: 1%, keep_slowest: 20}")
        .optional("sample", &models::TracingParams::sample_fraction, detail::ratio(false))
        .optional("keep_slowest", &models::TracingParams::keep_slowest,
                  detail::integer(0, kMaxKeepSlowest, "the limit on traces kept whole"));

/// Keys of open load (a rate over time) and of closed load (a population of users).
bool open_only(std::string_view key) {
    return key == "rate" || key == "multiplier" || key == "steps" || key == "trace";
}
bool closed_only(std::string_view key) {
    return key == "users" || key == "think_time";
}

/// A state of a Markov-modulated source: both keys required (each said missing before either
/// is read).
const detail::KeyTable<models::MmppState> kMmppState =
    detail::KeyTable<models::MmppState>("a state, e.g. {rate: 400/s, mean_duration: 30s}")
        .check_always([](DiagnosticSink&, const KeysRead& keys, models::MmppState&,
                         const detail::NoContext&) {
            const bool rate = keys.map()
                                  .require("rate", "the arrival rate in this state, e.g. 400/s")
                                  .has_value();
            const bool mean = keys.map()
                                  .require("mean_duration", "how long the state lasts on average, "
                                                            "a duration >= 1ms, e.g. 30s")
                                  .has_value();
            return rate && mean;
        })
        .optional(
            "rate", &models::MmppState::rate_per_second,
            [](DiagnosticSink& sink, const Value& v) { return detail::read_rate(sink, v, false); })
        .optional("mean_duration", &models::MmppState::mean_duration,
                  [](DiagnosticSink& sink, const Value& v) -> std::optional<sim::SimTime> {
                      const auto d = detail::read_duration(sink, v, true);
                      if (d && *d < sim::SimTime::from_ms(1)) {
                          sink.error(v.mark, v.path,
                                     fmt::format("expected a duration >= 1ms, got {}",
                                                 detail::describe(v.node)));
                          return std::nullopt;
                      }
                      return d;
                  });

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
    std::size_t wrong = 0;
    bool any_traffic = false;
    for (const Value& item : *items) {
        models::MmppState st;
        if (!kMmppState.read_into(sink, item, st)) ++wrong;
        if (!item.node.IsMap()) continue;
        // Every state kept, right or not: the count of states is checked on them.
        any_traffic = any_traffic || st.rate_per_second > 0.0;
        out.push_back(st);
    }
    if (wrong == 0 && !any_traffic) {
        sink.error(v.mark, v.path,
                   "this load source never sends a request: every state's rate "
                   "is 0");
        return false;
    }
    return wrong == 0;
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

/// A load source as read: its parameters, names, and whether its `arrivals` was readable.
struct LoadRead : ParsedLoad {
    bool arrivals_known = true;
};

/// What a load source is read against: the calendar start and the scenario file's folder.
struct LoadContext {
    const detail::CalendarStart& start;
    const fs::path& base_dir;
};

bool is_closed(const LoadRead& l) {
    return l.arrivals_known && l.params.arrivals == models::ArrivalProcess::Closed;
}
bool is_mmpp(const LoadRead& l) {
    return l.arrivals_known && l.params.arrivals == models::ArrivalProcess::Mmpp;
}
bool is_open(const LoadRead& l) {
    return l.arrivals_known && !is_closed(l) && !is_mmpp(l);
}

/// Keys of the other kind of load: said once, and not read.
bool misplaced_load_keys(DiagnosticSink& sink, const KeysRead& keys, LoadRead& l,
                         const LoadContext&) {
    bool none = true;
    for (const auto& e : keys.map().entries()) {
        if (is_mmpp(l) && (open_only(e.key) || closed_only(e.key))) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} does not apply to arrivals: mmpp: each of its `states` "
                                   "has its own rate",
                                   text::quote(e.key)));
        } else if (!is_mmpp(l) && l.arrivals_known && e.key == "states") {
            sink.error(e.key_mark, e.value.path,
                       "\"states\" applies only to Markov-modulated load (arrivals: mmpp)");
        } else if (is_closed(l) && open_only(e.key)) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} does not apply to closed load (arrivals: closed): its "
                                   "users send each request a think time after the answer to "
                                   "their last",
                                   text::quote(e.key)));
        } else if (is_open(l) && closed_only(e.key)) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} applies only to closed load (arrivals: closed){}",
                                   text::quote(e.key),
                                   keys.get("arrivals") ? ""
                                                        : "; add arrivals: closed for a fixed "
                                                          "number of users"));
        } else {
            continue;
        }
        keys.reject(e.key);
        none = false;
    }
    return none;
}

/// Whether `key` is given and of this kind of load (not rejected as another kind's).
bool placed(const KeysRead& keys, std::string_view key) {
    return keys.get(key) && !keys.wrong(key);
}

/// A name (of the source, of its target), kept with where it was written.
auto named(std::optional<Value> ParsedLoad::*value, std::optional<std::string> ParsedLoad::*name) {
    return [value, name](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext&) {
        l.*value = v;
        l.*name = detail::read_name(sink, v);
        return (l.*name).has_value();
    };
}

bool of_mmpp(const KeysRead&, const LoadRead& l) {
    return is_mmpp(l);
}
bool of_closed(const KeysRead&, const LoadRead& l) {
    return is_closed(l);
}
/// Open load, or `arrivals` unreadable: then only the values themselves are checked.
bool of_open(const KeysRead&, const LoadRead& l) {
    return !is_mmpp(l) && !is_closed(l);
}

const detail::KeyTable<LoadRead, LoadContext> kLoad =
    detail::KeyTable<LoadRead, LoadContext>(
        "a load source, e.g. {name: users, target: api, rate: 90/s}")
        .custom_required("name", "a name for this load source, e.g. users",
                         named(&ParsedLoad::name_value, &ParsedLoad::name))
        .custom_required("target", "the name of the service that receives the load",
                         named(&ParsedLoad::target_value, &ParsedLoad::target))
        .custom("arrivals",
                [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext&) {
                    const auto k = detail::read_enum<models::ArrivalProcess>(sink, v);
                    if (k) l.params.arrivals = *k;
                    l.arrivals_known = k.has_value();
                    return l.arrivals_known;
                })
        .check_always(misplaced_load_keys)
        // Open load's base rate: steps or a trace may start from a rate of 0; a trace alone
        // needs no base rate.
        .check_always([](DiagnosticSink&, const KeysRead& keys, LoadRead& l, const LoadContext&) {
            if (!is_open(l) || placed(keys, "trace") || keys.get("rate")) return true;
            keys.map().require("rate", placed(keys, "steps")
                                           ? "the rate until the first step, e.g. 0/s or 90/s"
                                           : "a rate > 0, e.g. 90/s");
            return false;
        })
        .when(of_open)
        .custom("rate",
                [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext&,
                   const KeysRead& keys) {
                    const bool shaped = placed(keys, "steps") || placed(keys, "trace");
                    const auto r = detail::read_rate(sink, v, !shaped);
                    if (r) l.params.rate_per_second = *r;
                    return r.has_value();
                })
        .when(of_open)
        .custom(
            "multiplier",
            [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext& c) {
                return detail::read_multiplier(sink, v, c.start, l.params.profile);
            },
            true)
        .when(of_open)
        .either("steps", "trace",
                "expected either steps or trace (a trace is the whole base rate), got both")
        .when(of_open)
        .custom("steps",
                [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext& c) {
                    return detail::read_changes(sink, v, c.start, l.params.profile);
                })
        .when(of_open)
        .custom(
            "trace",
            [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext& c) {
                return detail::read_trace(sink, v, c.base_dir, l.params.profile.series);
            },
            true)
        .when(of_open)
        // The rate over time as a whole, once every part of it was read right.
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, LoadRead& l, const LoadContext& c) {
                if (!is_open(l) || (c.start.given && !c.start.start)) return true;
                for (const char* key :
                     {"rate", "multiplier", "steps", "trace", "states", "users", "think_time"})
                    if (keys.wrong(key)) return true;
                if (!keys.get("rate") && !keys.get("trace")) return true;
                models::LoadProfileParams full = l.params.profile;
                full.rate = l.params.rate_per_second;
                if (c.start.start) full.calendar.start = *c.start.start;
                check_rate_profile(sink, keys.self(), full);
                return true;
            })
        .custom_required("states",
                         "a list of states, e.g. [{rate: 50/s, mean_duration: 5m}, {rate: 400/s, "
                         "mean_duration: 30s}]",
                         [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext&) {
                             return read_mmpp_states(sink, v, l.params.mmpp);
                         })
        .when(of_mmpp)
        .custom_required("users", "the number of users, e.g. 50",
                         [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext&) {
                             const auto n = detail::read_integer(
                                 sink, v, 1, kMaxUsers, "the limit on users per load source");
                             if (n) l.params.users = static_cast<std::uint32_t>(*n);
                             return n.has_value();
                         })
        .when(of_closed)
        .custom_required(
            "think_time",
            "a user's pause between an answer and its next request: a duration or "
            "a distribution, e.g. {dist: exponential, mean: 1s}",
            [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext& c) {
                auto d = detail::read_latency(sink, v, c.base_dir);
                if (d) l.params.think_time = std::move(*d);
                return d.has_value();
            },
            true)
        .when(of_closed)
        .custom("timeout",
                [](DiagnosticSink& sink, const Value& v, LoadRead& l, const LoadContext&) {
                    const auto t = detail::read_timeout(sink, v);
                    if (t) l.params.timeout = *t;
                    return t.has_value();
                });

std::optional<ParsedLoad> read_load_source(DiagnosticSink& sink, const Value& v,
                                           const detail::CalendarStart& start,
                                           const fs::path& base_dir) {
    LoadRead load;
    kLoad.read_into(sink, v, load, LoadContext{start, base_dir});
    if (!v.node.IsMap()) return std::nullopt;
    if (load.name) load.params.name = *load.name;
    return static_cast<ParsedLoad&&>(std::move(load));
}

/// An operations block, read once the model is built: kept as found.
auto for_operations_block(std::optional<Value> detail::OperationsValues::*field) {
    return [field](DiagnosticSink&, const Value& v, ParsedScenario& p, const fs::path&) {
        p.operations.*field = v;
        return true;
    };
}

/// The document: read in the order the build needs (the calendar start before the load, whose
/// times may be clock times), listed as the documentation lists it.
const detail::KeyTable<ParsedScenario, fs::path> kTop =
    detail::KeyTable<ParsedScenario, fs::path>(
        "a map of scenario settings (name, duration, load, services, ...)")
        .check_always([](DiagnosticSink&, const KeysRead&, ParsedScenario& p, const fs::path&) {
            p.warmup = sim::SimTime::zero(); // unless given
            return true;
        })
        .required("name", "text naming the scenario, e.g. mm3-validation", &ParsedScenario::name,
                  [](DiagnosticSink& sink, const Value& v) { return detail::read_string(sink, v); })
        .custom("description",
                [](DiagnosticSink& sink, const Value& v, ParsedScenario&, const fs::path&) {
                    return detail::read_string(sink, v, true).has_value();
                })
        .optional("seed", &ParsedScenario::seed, detail::integer(0, UINT64_MAX))
        .required("duration", "the simulated time to run, a duration > 0, e.g. 2h",
                  &ParsedScenario::duration,
                  [](DiagnosticSink& sink, const Value& v) {
                      return detail::read_duration(sink, v, true);
                  })
        .custom("warmup",
                [](DiagnosticSink& sink, const Value& v, ParsedScenario& p, const fs::path&) {
                    p.warmup_value = v;
                    p.warmup = detail::read_duration(sink, v, false);
                    return p.warmup.has_value();
                })
        .custom("start",
                [](DiagnosticSink& sink, const Value& v, ParsedScenario& p, const fs::path&) {
                    p.start.given = true;
                    p.start.start = detail::read_start(sink, v);
                    return p.start.start.has_value();
                })
        .listed_before("duration")
        .custom_required(
            "load", "a list of load sources, e.g. [{name: users, target: api, rate: 90/s}]",
            [](DiagnosticSink& sink, const Value& v, ParsedScenario& p, const fs::path& base_dir) {
                const auto items = detail::read_sequence(sink, v, "a list of load sources");
                if (!items) return false;
                if (items->empty())
                    sink.error(v.mark, v.path,
                               "expected at least one load source, got an empty list");
                for (const auto& item : *items)
                    if (auto load = read_load_source(sink, item, p.start, base_dir))
                        p.load.push_back(std::move(*load));
                return !items->empty();
            })
        .custom_required(
            "services",
            "a map of service names to their settings, e.g. {api: {workers: 4, service_time: "
            "{dist: exponential, mean: 100ms}}}",
            [](DiagnosticSink& sink, const Value& v, ParsedScenario& p, const fs::path& base_dir) {
                const auto services =
                    MapReader::named_items(sink, v, "a map of service names to their settings");
                p.services_ok = services.ok();
                if (services.ok() && services.entries().empty())
                    sink.error(v.mark, v.path, "expected at least one service, got an empty map");
                for (const auto& entry : services.entries()) {
                    p.service_names.push_back(entry.key);
                    if (!detail::is_valid_name(entry.key))
                        sink.error(entry.key_mark, entry.value.path,
                                   fmt::format("expected a service name of {}, got {}",
                                               detail::kNameRule, text::quote(entry.key)));
                    // Read the settings even under a bad name, so their problems show up now.
                    p.services.push_back(detail::read_service(sink, entry.key, entry.key_mark,
                                                              entry.value, base_dir));
                }
                return services.ok() && !services.entries().empty();
            })
        .custom("deployments", for_operations_block(&detail::OperationsValues::deployments))
        .custom("network", for_operations_block(&detail::OperationsValues::network), true)
        .custom("monitoring", for_operations_block(&detail::OperationsValues::monitoring), true)
        .custom("alerts", for_operations_block(&detail::OperationsValues::alerts))
        .custom("chaos", for_operations_block(&detail::OperationsValues::chaos))
        .custom("actions", for_operations_block(&detail::OperationsValues::actions))
        .custom("expect", for_operations_block(&detail::OperationsValues::expect))
        .custom(
            "tracing",
            [](DiagnosticSink& sink, const Value& v, ParsedScenario& p, const fs::path&) {
                return kTracing.read_into(sink, v, p.tracing);
            },
            true)
        .listed_before("deployments");

ParsedScenario parse_document(DiagnosticSink& sink, const YAML::Node& root,
                              const fs::path& base_dir) {
    ParsedScenario p;
    kTop.read_into(sink, detail::root_value(root), p, base_dir);
    for (const auto& s : p.services)
        p.operations.services.push_back(s.ops);
    return p;
}

// --- reading the file -----------------------------------------------------------------------

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
              std::span<const Override> overrides, std::span<const std::string> chaos,
              const detail::BeforeOverrides& before_overrides = {}) {
    DiagnosticSink sink(file);
    YAML::Node root = detail::read_document(sink, text, file);
    root = detail::resolve_extends(sink, root, file, base_dir);
    if (before_overrides) before_overrides(sink, root);
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

Scenario load_scenario_file_with(const std::string& path, std::span<const Override> overrides,
                                 const BeforeOverrides& before_overrides) {
    const std::string text = read_file(path);
    return load(text, path, fs::path(path).parent_path(), overrides, {}, before_overrides);
}

std::vector<const KeySchema*> scenario_schemas() {
    std::vector<const KeySchema*> schemas{&kTop, &kLoad, &kMmppState, &kTracing};
    for (const auto* s : service_schemas())
        schemas.push_back(s);
    return schemas;
}

} // namespace detail

} // namespace tpssim::scenarios
// A service's or queue's settings (see parsed_scenario.hpp): the table of `services.NAME`, with
// its kind's keys, and the queue settings inside it.
#include "scenarios/distribution_reader.hpp"
#include "scenarios/key_table.hpp"
#include "scenarios/parsed_scenario.hpp"
#include "scenarios/step_reader.hpp"
#include "scenarios/text.hpp"
#include "scenarios/value_readers.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace tpssim::scenarios::detail {

namespace {

namespace fs = std::filesystem;

// --- limits (docs/scenario-format.md#limits) -------------------------------------------------

constexpr std::uint64_t kMaxWorkers = 1'000'000;
constexpr std::uint64_t kMaxQueueCapacity = 1ULL << 40;
constexpr std::uint64_t kMaxDeliver = 1'000'000;
constexpr double kMaxWorkFactor = 1000.0;

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

/// Envoy's local rate limit in its own words (`token_bucket`): bounds as Envoy's (max_tokens
/// and tokens_per_fill > 0, a fill interval of at least 50 ms).
struct TokenBucket {
    std::uint64_t max_tokens = 0;
    std::uint64_t tokens_per_fill = 1;
    sim::SimTime fill_interval = sim::SimTime::from_s(1);
};

constexpr std::uint64_t kMaxTokens = 1'000'000'000;

const detail::KeyTable<TokenBucket> kTokenBucket =
    detail::KeyTable<TokenBucket>("Envoy's token bucket, e.g. {max_tokens: 100, tokens_per_fill: "
                                  "10, fill_interval: 100ms}")
        .required("max_tokens", "an integer >= 1: the bucket's size, e.g. 100",
                  &TokenBucket::max_tokens, detail::integer(1, kMaxTokens))
        .optional("tokens_per_fill", &TokenBucket::tokens_per_fill, detail::integer(1, kMaxTokens))
        .required("fill_interval", "a duration >= 50ms, e.g. 1s", &TokenBucket::fill_interval,
                  detail::duration_in(sim::SimTime::from_ms(50), sim::SimTime::from_s(86'400)));

/// Why `key` has no place in a queue (kind: queue), or "" when it has.
std::string_view queue_misfit(std::string_view key) {
    if (key == "workers") return "its items are served by its consumer's workers";
    if (key == "service_time" || key == "steps") return "its consumer's steps do the work";
    if (key == "queue") return "its own size is capacity: N";
    if (key == "errors") return "it does no work of its own; put errors on its consumer";
    if (key == "autoscaler" || key == "startup" || key == "resources" || key == "health_check" ||
        key == "placement")
        return "it has no replicas of its own; put it on its consumer";
    if (key == "work_factor") return "it does no work of its own; put it on its consumer";
    if (key == "rate_limit")
        return "its consumer pulls at its own pace; put a rate limit on the publisher";
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

/// What a service's settings are read against: its name (for messages) and the scenario
/// file's folder (for CSV files).
struct ServiceContext {
    const std::string& name;
    const fs::path& base_dir;
};

bool is_queue(const ParsedService& s) {
    return s.kind_known && s.params.kind == models::ServiceKind::Queue;
}

bool is_service(const ParsedService& s) {
    return s.kind_known && s.params.kind == models::ServiceKind::Service;
}

/// Keys of the other kind (a queue's on a service, a service's on a queue): said once, and
/// not read.
bool misplaced_keys(DiagnosticSink& sink, const KeysRead& keys, ParsedService& s,
                    const ServiceContext& c) {
    bool none = true;
    for (const auto& e : keys.map().entries()) {
        if (is_queue(s) && !queue_misfit(e.key).empty()) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} does not apply to a queue (kind: queue): {}",
                                   text::quote(e.key), queue_misfit(e.key)));
        } else if (is_service(s) && queue_only(e.key)) {
            std::string why =
                e.key == "capacity"
                    ? std::string("; a service's waiting room is queue: {capacity: N}")
                : keys.get("kind")
                    ? std::string()
                    : fmt::format("; add kind: queue if {} is one", text::quote(c.name));
            sink.error(
                e.key_mark, e.value.path,
                fmt::format("{} applies only to a queue (kind: queue){}", text::quote(e.key), why));
        } else {
            continue;
        }
        keys.reject(e.key);
        none = false;
    }
    return none;
}

/// A key the operations reader reads, once the model is built: kept as found.
auto for_operations(std::optional<Value> detail::ServiceOpsValues::*field) {
    return [field](DiagnosticSink&, const Value& v, ParsedService& s, const ServiceContext&) {
        s.ops.*field = v;
        return true;
    };
}

const detail::KeyTable<ParsedService, ServiceContext> kService =
    detail::KeyTable<ParsedService, ServiceContext>(
        "a map of service settings (workers, service_time or steps, queue, ...)")
        .custom("kind",
                [](DiagnosticSink& sink, const Value& v, ParsedService& s, const ServiceContext&) {
                    const auto k = detail::read_enum<models::ServiceKind>(sink, v);
                    if (k) s.params.kind = *k;
                    s.kind_known = k.has_value();
                    return s.kind_known;
                })
        .check_always(misplaced_keys)
        .optional("workers", &ParsedService::params, &models::ServiceParams::workers,
                  detail::integer(1, kMaxWorkers, "the limit on workers per service"))
        .custom(
            "queue",
            [](DiagnosticSink& sink, const Value& v, ParsedService& s, const ServiceContext&) {
                return kQueue.read_into(sink, v, s.params);
            },
            true)
        // Both given: said, and both still read (their own problems show up too).
        .check_always([](DiagnosticSink& sink, const KeysRead& keys, ParsedService& s,
                         const ServiceContext&) {
            const bool service_time = keys.get("service_time") && !keys.wrong("service_time");
            const bool steps = keys.get("steps") && !keys.wrong("steps");
            if (service_time && steps) {
                detail::both(sink, keys.map(), "service_time", "steps",
                             "expected either service_time or steps (which replaces it), got "
                             "both");
                return false;
            }
            if (service_time || steps || is_queue(s)) return true;
            // Misspelt (reported with its did-you-mean), or the kind unreadable: no message.
            if (is_service(s) && !keys.map().was_suggested("service_time") &&
                !keys.map().was_suggested("steps"))
                sink.error(keys.self().mark, keys.self().path,
                           "missing required key \"service_time\" or \"steps\" (a "
                           "distribution, e.g. {dist: exponential, mean: 100ms}, or a list of "
                           "steps)");
            return false;
        })
        .optional_block("service_time", &ParsedService::params,
                        &models::ServiceParams::service_time,
                        [](DiagnosticSink& sink, const Value& v, const ServiceContext& c) {
                            return detail::read_distribution(sink, v, c.base_dir);
                        })
        .custom(
            "steps",
            [](DiagnosticSink& sink, const Value& v, ParsedService& s, const ServiceContext& c) {
                auto parsed = detail::read_steps(sink, v, c.base_dir);
                if (!parsed) return false;
                s.steps = std::move(*parsed);
                return std::all_of(s.steps.begin(), s.steps.end(),
                                   [](const auto& step) { return step.ok; });
            })
        .optional_block(
            "errors", &ParsedService::params, &models::ServiceParams::error_probability,
            [](DiagnosticSink& sink, const Value& v) { return detail::read_errors(sink, v); })
        .optional("work_factor", &ParsedService::params, &models::ServiceParams::work_factor,
                  [](DiagnosticSink& sink, const Value& v) {
                      return detail::read_number_above(sink, v, 0.0, kMaxWorkFactor,
                                                       "the limit on a factor");
                  })
        .custom(
            "rate_limit",
            [](DiagnosticSink& sink, const Value& v, ParsedService& s, const ServiceContext&) {
                if (!v.node.IsMap()) {
                    // The short form: one second's tokens, refilled at R.
                    const auto rate = detail::read_rate(sink, v, true);
                    if (rate) s.params.rate_limit_per_second = *rate;
                    return rate.has_value();
                }
                TokenBucket bucket;
                if (!kTokenBucket.read_into(sink, v, bucket)) return false;
                s.params.rate_limit_max_tokens = static_cast<double>(bucket.max_tokens);
                s.params.rate_limit_per_second =
                    static_cast<double>(bucket.tokens_per_fill) / bucket.fill_interval.seconds();
                return true;
            },
            true)
        .optional(
            "capacity", &ParsedService::params, &models::ServiceParams::queue_capacity,
            [](DiagnosticSink& sink, const Value& v) { return read_queue_capacity(sink, v, 1); })
        // A queue's one consumer is required.
        .check_always(
            [](DiagnosticSink&, const KeysRead& keys, ParsedService& s, const ServiceContext&) {
                return !is_queue(s) ||
                       keys.map()
                           .require("consumers", "the service whose workers pull from this queue, "
                                                 "e.g. consumers: worker")
                           .has_value();
            })
        .optional("consumers", &ParsedService::consumer, read_consumer)
        .optional("max_deliver", &ParsedService::params, &models::ServiceParams::max_deliver,
                  detail::integer(0, kMaxDeliver, "the limit on deliveries; 0 means no limit"))
        .custom("autoscaler", for_operations(&detail::ServiceOpsValues::autoscaler), true)
        .custom("startup", for_operations(&detail::ServiceOpsValues::startup))
        .custom("resources", for_operations(&detail::ServiceOpsValues::resources), true)
        .custom("health_check", for_operations(&detail::ServiceOpsValues::health_check), true)
        .custom("placement", for_operations(&detail::ServiceOpsValues::placement), true);

} // namespace

ParsedService read_service(DiagnosticSink& sink, const std::string& name,
                           const YAML::Mark& key_mark, const Value& v, const fs::path& base_dir) {
    ParsedService s;
    s.key_mark = key_mark;
    s.path = v.path;
    s.params.name = name;
    s.ok = kService.read_into(sink, v, s, ServiceContext{name, base_dir});
    return s;
}

std::vector<const KeySchema*> service_schemas() {
    return {&kService, &kQueue};
}

} // namespace tpssim::scenarios::detail

#include "scenarios/step_reader.hpp"

#include "scenarios/distribution_reader.hpp"
#include "scenarios/key_table.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/value_readers.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace tpssim::scenarios::detail {

namespace {

namespace fs = std::filesystem;
using Kind = models::StepParams::Kind;

// --- the schema ---------------------------------------------------------------------------
// Every key each map may hold, in the order the documentation lists them.

// The enum's own table (index = value, see models/enum_names.hpp).
const std::vector<std::string> kStepKinds = models::names_of<models::StepParams::Kind>();
const KeySchema kStepSchema({"work", "call", "parallel", "publish", "operation", "errors",
                             "probability", "timeout", "retry", "circuit_breaker", "fallback",
                             "cache"},
                            {"errors", "retry", "circuit_breaker", "fallback", "cache"});
const std::vector<std::string> kStepKeys = kStepSchema.keys();
const KeySchema kPublishSchema({"to", "probability"});
const std::vector<std::string> kPublishKeys = kPublishSchema.keys();
const KeySchema kRetrySchema({"max_attempts", "backoff", "max_backoff", "jitter", "budget",
                              "on_refused"},
                             {"budget"});
const std::vector<std::string> kRetryKeys = kRetrySchema.keys();
const KeySchema kCacheSchema({"hit_ratio", "keys", "zipf", "capacity", "policy", "latency"});
const std::vector<std::string> kCacheKeys = kCacheSchema.keys();

/// A map of error settings: `errors: {probability: 1%}`.
struct ErrorSettings {
    double probability = 0.0;
};
const KeyTable<ErrorSettings> kErrors =
    KeyTable<ErrorSettings>("error settings, e.g. {probability: 1%}")
        .required("probability", "the probability that a request fails, e.g. 1%",
                  &ErrorSettings::probability, ratio(false));

std::optional<models::RetryPolicyParams> read_retry(DiagnosticSink& sink, const Value& v);
std::optional<models::CircuitBreakerParams> read_breaker(DiagnosticSink& sink, const Value& v);
std::optional<models::FallbackParams> read_fallback(DiagnosticSink& sink, const Value& v,
                                                    const fs::path& base_dir);
std::optional<models::CacheParams> read_cache(DiagnosticSink& sink, const Value& v,
                                              const fs::path& base_dir);

/// The settings of a call, beside its `call:` key in the step's map (the file's folder as
/// context, for latencies read from CSV files).
const KeyTable<models::CallParams, fs::path> kCallSettings =
    KeyTable<models::CallParams, fs::path>("a call's settings")
        .optional("probability", &models::CallParams::probability, ratio(false))
        .optional("timeout", &models::CallParams::timeout,
                  [](DiagnosticSink& sink, const Value& v) { return read_timeout(sink, v); })
        .optional_block("retry", &models::CallParams::retry, read_retry)
        .optional_block("circuit_breaker", &models::CallParams::circuit_breaker, read_breaker)
        .optional_block("fallback", &models::CallParams::fallback, read_fallback)
        .optional_block("cache", &models::CallParams::cache, read_cache);

// --- limits (docs/scenario-format.md#limits) -------------------------------------------------

constexpr std::uint64_t kMaxAttempts = 100;
constexpr std::uint64_t kMaxRetryConcurrency = 1'000'000;
/// max_backoff defaults to 10 x backoff, which must stay a valid duration.
constexpr sim::SimTime kMaxBackoff = sim::SimTime::from_ns(kMaxDuration.ns() / 10);
/// Breaker windows and half-open trials are allocated up front, one slot per call or second.
constexpr std::uint64_t kMaxBreakerCalls = 1'000'000;
constexpr sim::SimTime kMaxTimeWindow = sim::SimTime::from_s(86'400);
constexpr std::uint64_t kMaxCacheCapacity = 1ULL << 40;
constexpr double kMaxZipfExponent = 10.0;

std::string kind_name(Kind kind) {
    return kStepKinds[static_cast<std::size_t>(kind)];
}

/// Whether `key` may sit beside a step of `kind` (the kind's own key aside).
bool applies(std::string_view key, Kind kind) {
    if (key == "operation") return true;
    switch (kind) {
    case Kind::Work:
        return key == "errors";
    case Kind::Call:
        return kCallSettings.has(key);
    case Kind::Parallel:
        return false;
    case Kind::Publish:
        return key == "probability";
    }
    return false;
}

/// Why `key` may not sit beside a step of `kind`.
std::string misplaced(std::string_view key, Kind kind) {
    const std::string quoted = text::quote(key);
    if (kind == Kind::Parallel && kCallSettings.has(key))
        return fmt::format("{} goes on each call inside parallel, not on the parallel step",
                           quoted);
    if (key == "errors")
        return fmt::format("{} applies to work steps (and to whole services), not to a {} step",
                           quoted, kind_name(kind));
    if (key == "probability")
        return fmt::format("{} applies to call and publish steps, not to a {} step", quoted,
                           kind_name(kind));
    return fmt::format("{} applies to call steps, not to a {} step", quoted, kind_name(kind));
}

std::optional<TargetName> read_target(DiagnosticSink& sink, const Value& v) {
    if (auto name = read_name(sink, v)) return TargetName{std::move(*name), v};
    return std::nullopt;
}

/// A duration at least `min` (and at most `max`), saying so when it is not.
std::optional<sim::SimTime> read_duration_in(DiagnosticSink& sink, const Value& v, sim::SimTime min,
                                             sim::SimTime max, std::string_view max_note = {}) {
    const auto t = read_duration(sink, v, min > sim::SimTime::zero());
    if (!t) return std::nullopt;
    if (*t < min) {
        sink.error(v.mark, v.path,
                   fmt::format("expected a duration >= {}, got {}", format_duration(min),
                               describe(v.node)));
        return std::nullopt;
    }
    if (*t > max) {
        sink.error(v.mark, v.path,
                   fmt::format("expected a duration <= {}{}, got {}", format_duration(max),
                               max_note.empty() ? "" : fmt::format(" ({})", max_note),
                               describe(v.node)));
        return std::nullopt;
    }
    return t;
}

// --- retry --------------------------------------------------------------------------------

const KeyTable<models::RetryBudgetParams> kBudget =
    KeyTable<models::RetryBudgetParams>(
        "a retry budget, e.g. 20% or {percent: 20%, min_retry_concurrency: 3}")
        .optional("percent", &models::RetryBudgetParams::budget_fraction, ratio(false))
        .optional("min_retry_concurrency", &models::RetryBudgetParams::min_retry_concurrency,
                  integer(0, kMaxRetryConcurrency));

/// A retry budget: a share (`20%`), or the map of kBudget.
std::optional<models::RetryBudgetParams> read_budget(DiagnosticSink& sink, const Value& v) {
    models::RetryBudgetParams b;
    if (!v.node.IsMap()) {
        const auto fraction = read_ratio(sink, v, false);
        if (!fraction) return std::nullopt;
        b.budget_fraction = *fraction;
        return b;
    }
    return kBudget.read(sink, v);
}

std::optional<models::RetryPolicyParams> read_retry(DiagnosticSink& sink, const Value& v) {
    MapReader map(sink, v, "retry settings, e.g. {max_attempts: 3, backoff: 25ms}", kRetryKeys);
    if (!map.ok()) return std::nullopt;
    models::RetryPolicyParams r;
    bool ok = true;
    if (const auto a = map.get("max_attempts")) {
        if (const auto n =
                read_integer(sink, *a, 1, kMaxAttempts, "the limit on attempts per call"))
            r.max_attempts = static_cast<std::uint32_t>(*n);
        else
            ok = false;
    }
    bool backoff_known = true;
    const auto backoff = map.get("backoff");
    if (backoff) {
        if (const auto t = read_duration_in(
                sink, *backoff, sim::SimTime::from_ns(1), kMaxBackoff,
                "max_backoff defaults to 10 x backoff, which must stay within the limit on "
                "durations"))
            r.backoff = *t;
        else
            ok = backoff_known = false;
    }
    if (const auto m = map.get("max_backoff")) {
        const auto t = read_duration(sink, *m, true);
        if (t && backoff_known && *t < r.backoff) {
            sink.error(m->mark, m->path,
                       fmt::format("expected a duration >= backoff ({}{}), got {}",
                                   format_duration(r.backoff), backoff ? "" : ", the default",
                                   describe(m->node)));
            ok = false;
        } else if (t) {
            r.max_backoff = *t;
        } else {
            ok = false;
        }
    }
    if (const auto o = map.get("on_refused")) {
        if (const auto k = read_enum<models::RefusedAttempt>(sink, *o))
            r.on_refused = *k;
        else
            ok = false;
    }
    if (const auto j = map.get("jitter")) {
        if (const auto k = read_enum<models::RetryJitter>(sink, *j))
            r.jitter = *k;
        else
            ok = false;
    }
    if (const auto b = map.get("budget")) {
        if (auto budget = read_budget(sink, *b))
            r.budget = *budget;
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return r;
}

// --- circuit breaker -----------------------------------------------------------------------

/// A window's size: a count of calls, or whole seconds, as its type says.
bool read_window_size(DiagnosticSink& sink, const KeysRead& keys, models::CircuitBreakerParams& cb,
                      const NoContext&) {
    const auto size = keys.get("size");
    if (!size) return true;
    if (cb.sliding_window_type == models::SlidingWindowType::CountBased) {
        const auto n = read_integer(sink, *size, 1, kMaxBreakerCalls,
                                    "the limit on a count window, which keeps every outcome");
        if (!n) return false;
        cb.sliding_window_size = static_cast<std::uint32_t>(*n);
        return true;
    }
    const auto t = read_duration_in(sink, *size, sim::SimTime::from_s(1), kMaxTimeWindow,
                                    "the limit on a time window, which keeps a bucket per second");
    if (!t) return false;
    if (t->ns() % sim::SimTime::from_s(1).ns() != 0) {
        sink.error(size->mark, size->path,
                   fmt::format("expected whole seconds (a time window counts calls per second), "
                               "got {}",
                               describe(size->node)));
        return false;
    }
    cb.sliding_window_size = static_cast<std::uint32_t>(t->ns() / sim::SimTime::from_s(1).ns());
    return true;
}

// Without a known type, a size cannot be read: the size is read by a check after the type.
const KeyTable<models::CircuitBreakerParams> kWindow =
    KeyTable<models::CircuitBreakerParams>("a sliding window, e.g. {type: count, size: 20}")
        .optional("type", &models::CircuitBreakerParams::sliding_window_type,
                  enum_choice<models::SlidingWindowType>())
        .read_by_check("size")
        .check(read_window_size);

/// A duration in [min, max], as a KeyTable reader.
auto duration_within(sim::SimTime min, sim::SimTime max) {
    return
        [=](DiagnosticSink& sink, const Value& v) { return read_duration_in(sink, v, min, max); };
}

const KeyTable<models::CircuitBreakerParams> kBreaker =
    KeyTable<models::CircuitBreakerParams>(
        "circuit breaker settings, e.g. {failure_rate_threshold: 50%, "
        "wait_duration_in_open_state: 60s}")
        .into("sliding_window", kWindow)
        .optional("failure_rate_threshold", &models::CircuitBreakerParams::failure_rate_threshold,
                  ratio(true))
        .optional("slow_call_rate_threshold",
                  &models::CircuitBreakerParams::slow_call_rate_threshold, ratio(true))
        .optional("slow_call_duration_threshold",
                  &models::CircuitBreakerParams::slow_call_duration_threshold,
                  duration_within(sim::SimTime::from_ns(1), kMaxDuration))
        .optional("minimum_number_of_calls", &models::CircuitBreakerParams::minimum_number_of_calls,
                  integer(1, kMaxBreakerCalls, "the limit on calls a breaker counts"))
        .optional("wait_duration_in_open_state",
                  &models::CircuitBreakerParams::wait_duration_in_open_state,
                  duration_within(sim::SimTime::from_ms(1), kMaxDuration))
        .optional("permitted_number_of_calls_in_half_open_state",
                  &models::CircuitBreakerParams::permitted_number_of_calls_in_half_open_state,
                  integer(1, kMaxBreakerCalls, "the limit on calls a breaker counts"))
        .optional(
            "automatic_transition_from_open_to_half_open",
            &models::CircuitBreakerParams::automatic_transition_from_open_to_half_open_enabled,
            [](DiagnosticSink& sink, const Value& x) { return read_bool(sink, x); })
        .optional("max_wait_duration_in_half_open_state",
                  &models::CircuitBreakerParams::max_wait_duration_in_half_open_state,
                  [](DiagnosticSink& sink, const Value& x) -> std::optional<sim::SimTime> {
                      const auto t = read_duration(sink, x, false);
                      if (t && *t != sim::SimTime::zero() && *t < sim::SimTime::from_ms(1)) {
                          sink.error(x.mark, x.path,
                                     fmt::format("expected 0s (wait indefinitely) or a duration "
                                                 ">= 1ms, got {}",
                                                 describe(x.node)));
                          return std::nullopt;
                      }
                      return t;
                  });

std::optional<models::CircuitBreakerParams> read_breaker(DiagnosticSink& sink, const Value& v) {
    return kBreaker.read(sink, v);
}

// --- fallback and cache --------------------------------------------------------------------

const KeyTable<models::FallbackParams, fs::path> kFallback =
    KeyTable<models::FallbackParams, fs::path>("fallback settings, e.g. {latency: 1ms}")
        .optional("latency", &models::FallbackParams::latency,
                  [](DiagnosticSink& sink, const Value& l, const fs::path& base_dir) {
                      return read_latency(sink, l, base_dir);
                  });

std::optional<models::FallbackParams> read_fallback(DiagnosticSink& sink, const Value& v,
                                                    const fs::path& base_dir) {
    return kFallback.read(sink, v, base_dir);
}

std::optional<models::CacheParams> read_cache(DiagnosticSink& sink, const Value& v,
                                              const fs::path& base_dir) {
    MapReader map(sink, v,
                  "cache settings, e.g. {hit_ratio: 80%, latency: 300us} or {keys: 100000, "
                  "zipf: 0.8, capacity: 10000}",
                  kCacheKeys);
    if (!map.ok()) return std::nullopt;
    models::CacheParams c;
    bool ok = true;
    const auto hit_ratio = map.get("hit_ratio");
    const auto keys = map.get("keys");
    if (hit_ratio && keys) {
        // Reported at whichever comes second.
        const auto& entries = map.entries();
        const auto second =
            std::find_if(entries.begin(), entries.end(),
                         [](const auto& e) { return e.key == "hit_ratio" || e.key == "keys"; }) +
            1;
        const auto later = std::find_if(second, entries.end(), [](const auto& e) {
            return e.key == "hit_ratio" || e.key == "keys";
        });
        sink.error(later->key_mark, v.path,
                   "expected either hit_ratio (a fixed hit probability) or keys (with zipf and "
                   "capacity, to derive it), got both");
        return std::nullopt;
    }
    if (!hit_ratio && !keys) {
        if (!map.was_suggested("hit_ratio") && !map.was_suggested("keys"))
            sink.error(v.mark, v.path,
                       "missing required key \"hit_ratio\" or \"keys\" (a fixed hit probability, "
                       "e.g. hit_ratio: 80%, or keys: N with zipf and capacity to derive it)");
        return std::nullopt;
    }
    if (hit_ratio) {
        for (const auto& e : map.entries())
            if (e.key == "zipf" || e.key == "capacity" || e.key == "policy") {
                sink.error(e.key_mark, e.value.path,
                           fmt::format("{} goes with keys, not with hit_ratio (which gives the "
                                       "hit probability directly)",
                                       text::quote(e.key)));
                ok = false;
            }
        if (const auto r = read_ratio(sink, *hit_ratio, false))
            c.hits = models::FixedHitRatio{*r};
        else
            ok = false;
    } else {
        models::ZipfKeys z;
        if (const auto n = read_integer(sink, *keys, 1, models::kMaxZipfKeys,
                                        "the limit on keys, whose popularity is computed up front"))
            z.key_count = *n;
        else
            ok = false;
        if (const auto s = map.get("zipf")) {
            if (const auto x =
                    read_number_at_least(sink, *s, 0.0, kMaxZipfExponent,
                                         "a larger exponent sends almost every request to one key"))
                z.exponent = *x;
            else
                ok = false;
        }
        if (const auto cap = map.require("capacity", "the number of keys the cache holds, e.g. "
                                                     "capacity: 10000")) {
            if (const auto n = read_integer(sink, *cap, 0, kMaxCacheCapacity))
                z.capacity_keys = *n;
            else
                ok = false;
        } else {
            ok = false;
        }
        if (const auto p = map.get("policy")) {
            if (const auto k = read_enum<models::CacheReplacement>(sink, *p))
                z.replacement = *k;
            else
                ok = false;
        }
        c.hits = z;
    }
    if (const auto l = map.get("latency")) {
        if (auto d = read_latency(sink, *l, base_dir))
            c.latency = std::move(*d);
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return c;
}

// --- steps --------------------------------------------------------------------------------

ParsedStep read_step(DiagnosticSink& sink, const Value& v, const fs::path& base_dir,
                     bool in_parallel);

/// `parallel: [...]`: each item a call.
bool read_parallel(DiagnosticSink& sink, const Value& v, const fs::path& base_dir,
                   ParsedStep& step) {
    const auto items = read_sequence(sink, v, "a list of calls, e.g. [{call: db}, {call: auth}]");
    if (!items) return false;
    if (items->empty()) {
        sink.error(v.mark, v.path, "expected at least one call, got an empty list");
        return false;
    }
    bool ok = true;
    for (const auto& item : *items) {
        ParsedStep inner = read_step(sink, item, base_dir, true);
        ok = inner.ok && ok;
        if (!inner.calls.empty()) step.calls.push_back(std::move(inner.calls.front()));
    }
    return ok;
}

/// `publish: jobs` or `publish: {to: jobs, probability: 30%}`; a `probability` beside it
/// means the same as inside it.
bool read_publish(DiagnosticSink& sink, const Value& v, const MapReader& step_map,
                  ParsedStep& step) {
    bool ok = true;
    const auto beside = step_map.get("probability");
    std::optional<Value> probability = beside;
    if (v.node.IsMap()) {
        MapReader map(sink, v, "a publish target, e.g. jobs or {to: jobs, probability: 30%}",
                      kPublishKeys);
        if (!map.ok()) return false;
        if (const auto to = map.require("to", "the queue or service to publish to, e.g. to: jobs"))
            step.publish_target = read_target(sink, *to);
        if (!step.publish_target) ok = false;
        if (const auto inside = map.get("probability")) {
            if (beside) {
                sink.error(beside->mark, beside->path,
                           "probability is given twice: here and inside publish; keep one");
                return false;
            }
            probability = inside;
        }
    } else if (v.node.IsScalar()) {
        step.publish_target = read_target(sink, v);
        if (!step.publish_target) ok = false;
    } else {
        sink.error(v.mark, v.path,
                   fmt::format("expected the name of a queue or service, e.g. jobs, or {{to: "
                               "jobs, probability: 30%}}, got {}",
                               describe(v.node)));
        return false;
    }
    if (probability) {
        if (const auto r = read_ratio(sink, *probability, false))
            step.params.publish.probability = *r;
        else
            ok = false;
    }
    return ok;
}

ParsedStep read_step(DiagnosticSink& sink, const Value& v, const fs::path& base_dir,
                     bool in_parallel) {
    ParsedStep step;
    step.value = v;
    MapReader map(sink, v,
                  in_parallel ? "a call, e.g. {call: db, timeout: 100ms}"
                              : "a step: a map with one of work, call, parallel or publish, e.g. "
                                "{work: {dist: exponential, mean: 5ms}}",
                  kStepKeys);
    if (!map.ok()) {
        step.ok = false;
        return step;
    }
    std::vector<const MapReader::Entry*> kinds;
    for (const auto& e : map.entries())
        if (contains(kStepKinds, e.key)) kinds.push_back(&e);

    Kind kind = Kind::Call;
    if (in_parallel) {
        bool has_call = false;
        for (const auto* k : kinds) {
            if (k->key == "call") {
                has_call = true;
                continue;
            }
            sink.error(k->key_mark, k->value.path,
                       fmt::format("a parallel step holds only calls, not a {} step (put it "
                                   "before or after the parallel step)",
                                   k->key));
            step.ok = false;
        }
        if (!has_call) {
            if (!map.was_suggested("call") && kinds.empty())
                sink.error(v.mark, v.path,
                           "missing required key \"call\" (the service to call, e.g. call: db)");
            step.ok = false;
            return step;
        }
    } else {
        if (kinds.empty()) {
            const bool suggested = std::any_of(kStepKinds.begin(), kStepKinds.end(),
                                               [&](const auto& k) { return map.was_suggested(k); });
            if (!suggested) {
                std::vector<std::string> keys;
                for (const auto& e : map.entries())
                    keys.push_back(e.key);
                sink.error(v.mark, v.path,
                           fmt::format("expected exactly one of work, call, parallel, publish, "
                                       "found none{}",
                                       keys.empty()
                                           ? std::string()
                                           : fmt::format(" (the step has: {})", text::join(keys))));
            }
            step.ok = false;
            return step;
        }
        if (kinds.size() > 1) {
            std::vector<std::string> found;
            for (const auto* k : kinds)
                found.push_back(k->key);
            sink.error(kinds[1]->key_mark, v.path,
                       fmt::format("expected exactly one of work, call, parallel, publish, found "
                                   "{}: a step does one thing (make them separate steps)",
                                   join_and(found)));
            step.ok = false;
            return step;
        }
        kind = static_cast<Kind>(std::find(kStepKinds.begin(), kStepKinds.end(), kinds[0]->key) -
                                 kStepKinds.begin());
    }
    step.params.kind = kind;
    for (const auto& e : map.entries()) {
        if (contains(kStepKinds, e.key) || applies(e.key, kind)) continue;
        sink.error(e.key_mark, e.value.path, misplaced(e.key, kind));
        step.ok = false;
    }

    if (const auto op = map.get("operation")) {
        if (const auto s = read_string(sink, *op))
            step.params.operation = *s;
        else
            step.ok = false;
    }
    // The value of the kind's key (for a call, read below by name: in a parallel item other
    // kind keys may come first, already reported).
    const Value& body = kinds[0]->value;
    switch (kind) {
    case Kind::Work: {
        if (auto d = read_distribution(sink, body, base_dir))
            step.params.work = std::move(*d);
        else
            step.ok = false;
        if (const auto e = map.get("errors")) {
            if (const auto p = read_errors(sink, *e))
                step.params.error_probability = *p;
            else
                step.ok = false;
        }
        break;
    }
    case Kind::Call: {
        const auto target_value = map.get("call");
        ParsedCall call;
        call.value = v;
        call.target = read_target(sink, *target_value);
        if (!call.target) step.ok = false;
        call.params.operation = step.params.operation;
        if (!kCallSettings.read_map(sink, map, call.params, base_dir)) step.ok = false;
        step.calls.push_back(std::move(call));
        break;
    }
    case Kind::Parallel:
        if (!read_parallel(sink, body, base_dir, step)) step.ok = false;
        break;
    case Kind::Publish:
        if (!read_publish(sink, body, map, step)) step.ok = false;
        break;
    }
    return step;
}

} // namespace

std::optional<sim::Distribution> read_latency(DiagnosticSink& sink, const Value& v,
                                              const fs::path& base_dir) {
    if (v.node.IsMap()) return read_distribution(sink, v, base_dir);
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path,
                   fmt::format("expected a duration (e.g. 1ms) or a distribution (e.g. {{dist: "
                               "exponential, mean: 1ms}}), got {}",
                               describe(v.node)));
        return std::nullopt;
    }
    const auto t = read_duration(sink, v, false);
    if (!t) return std::nullopt;
    return sim::Distribution::constant(*t);
}

std::optional<double> read_errors(DiagnosticSink& sink, const Value& v) {
    if (const auto e = kErrors.read(sink, v)) return e->probability;
    return std::nullopt;
}

std::optional<sim::SimTime> read_timeout(DiagnosticSink& sink, const Value& v) {
    if (v.node.IsScalar() && v.node.Scalar() == "none") return models::kNoTimeout;
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path,
                   fmt::format("expected a duration > 0 or none, got {}", describe(v.node)));
        return std::nullopt;
    }
    return read_duration(sink, v, true);
}

std::optional<std::vector<ParsedStep>> read_steps(DiagnosticSink& sink, const Value& v,
                                                  const fs::path& base_dir) {
    const auto items = read_sequence(sink, v, "a list of steps");
    if (!items) return std::nullopt;
    if (items->empty()) {
        sink.error(v.mark, v.path,
                   "expected at least one step, got an empty list (or give service_time "
                   "instead)");
        return std::nullopt;
    }
    std::vector<ParsedStep> steps;
    steps.reserve(items->size());
    for (const auto& item : *items)
        steps.push_back(read_step(sink, item, base_dir, false));
    return steps;
}

std::vector<const KeySchema*> step_schemas() {
    return {&kStepSchema, &kCallSettings, &kErrors, &kPublishSchema, &kRetrySchema,
            &kBudget,     &kBreaker,      &kWindow, &kFallback,      &kCacheSchema};
}

} // namespace tpssim::scenarios::detail
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

/// `max_backoff`: at least `backoff` (given, or its default) when that was right.
bool read_max_backoff(DiagnosticSink& sink, const Value& m, models::RetryPolicyParams& r,
                      const NoContext&, const KeysRead& keys) {
    const auto t = read_duration(sink, m, true);
    if (!t) return false;
    if (!keys.wrong("backoff") && *t < r.backoff) {
        sink.error(m.mark, m.path,
                   fmt::format("expected a duration >= backoff ({}{}), got {}",
                               format_duration(r.backoff),
                               keys.get("backoff") ? "" : ", the default", describe(m.node)));
        return false;
    }
    r.max_backoff = *t;
    return true;
}

const KeyTable<models::RetryPolicyParams> kRetry =
    KeyTable<models::RetryPolicyParams>("retry settings, e.g. {max_attempts: 3, backoff: 25ms}")
        .optional("max_attempts", &models::RetryPolicyParams::max_attempts,
                  integer(1, kMaxAttempts, "the limit on attempts per call"))
        .optional("backoff", &models::RetryPolicyParams::backoff,
                  [](DiagnosticSink& sink, const Value& b) {
                      return read_duration_in(
                          sink, b, sim::SimTime::from_ns(1), kMaxBackoff,
                          "max_backoff defaults to 10 x backoff, which must stay within the "
                          "limit on durations");
                  })
        .custom("max_backoff", read_max_backoff)
        .optional("on_refused", &models::RetryPolicyParams::on_refused,
                  enum_choice<models::RefusedAttempt>())
        .listed_last()
        .optional("jitter", &models::RetryPolicyParams::jitter, enum_choice<models::RetryJitter>())
        .optional_block("budget", &models::RetryPolicyParams::budget, read_budget);

std::optional<models::RetryPolicyParams> read_retry(DiagnosticSink& sink, const Value& v) {
    return kRetry.read(sink, v);
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

/// A cache as read: its parameters, and the keys' popularity when `keys` is given.
struct CacheRead : models::CacheParams {
    models::ZipfKeys zipf;
};

bool keys_given(const KeysRead& keys, const CacheRead&) {
    return keys.get("keys").has_value();
}

const KeyTable<CacheRead, fs::path> kCache =
    KeyTable<CacheRead, fs::path>("cache settings, e.g. {hit_ratio: 80%, latency: 300us} or "
                                  "{keys: 100000, zipf: 0.8, capacity: 10000}")
        // Read by one or the other, the rest of the map means different things.
        .gate([](DiagnosticSink& sink, const KeysRead& keys, CacheRead&, const fs::path&) {
            const bool hit_ratio = keys.get("hit_ratio").has_value();
            const bool given_keys = keys.get("keys").has_value();
            const Value& v = keys.self();
            if (hit_ratio && given_keys) {
                // Reported at whichever comes second.
                sink.error(second_of(keys.map(), "hit_ratio", "keys").key_mark, v.path,
                           "expected either hit_ratio (a fixed hit probability) or keys (with "
                           "zipf and capacity, to derive it), got both");
                return false;
            }
            if (hit_ratio || given_keys) return true;
            if (!keys.map().was_suggested("hit_ratio") && !keys.map().was_suggested("keys"))
                sink.error(v.mark, v.path,
                           "missing required key \"hit_ratio\" or \"keys\" (a fixed hit "
                           "probability, e.g. hit_ratio: 80%, or keys: N with zipf and capacity "
                           "to derive it)");
            return false;
        })
        .check_always([](DiagnosticSink& sink, const KeysRead& keys, CacheRead&, const fs::path&) {
            if (!keys.get("hit_ratio")) return true;
            bool ok = true;
            for (const auto& e : keys.map().entries())
                if (e.key == "zipf" || e.key == "capacity" || e.key == "policy") {
                    sink.error(e.key_mark, e.value.path,
                               fmt::format("{} goes with keys, not with hit_ratio (which gives "
                                           "the hit probability directly)",
                                           text::quote(e.key)));
                    ok = false;
                }
            return ok;
        })
        .custom("hit_ratio",
                [](DiagnosticSink& sink, const Value& h, CacheRead& c, const fs::path&) {
                    const auto r = read_ratio(sink, h, false);
                    if (r) c.hits = models::FixedHitRatio{*r};
                    return r.has_value();
                })
        .custom("keys",
                [](DiagnosticSink& sink, const Value& k, CacheRead& c, const fs::path&) {
                    const auto n =
                        read_integer(sink, k, 1, models::kMaxZipfKeys,
                                     "the limit on keys, whose popularity is computed up front");
                    if (n) c.zipf.key_count = *n;
                    return n.has_value();
                })
        .custom("zipf",
                [](DiagnosticSink& sink, const Value& z, CacheRead& c, const fs::path&) {
                    const auto x = read_number_at_least(
                        sink, z, 0.0, kMaxZipfExponent,
                        "a larger exponent sends almost every request to one key");
                    if (x) c.zipf.exponent = *x;
                    return x.has_value();
                })
        .when(keys_given)
        .custom_required("capacity", "the number of keys the cache holds, e.g. capacity: 10000",
                         [](DiagnosticSink& sink, const Value& cap, CacheRead& c, const fs::path&) {
                             const auto n = read_integer(sink, cap, 0, kMaxCacheCapacity);
                             if (n) c.zipf.capacity_keys = *n;
                             return n.has_value();
                         })
        .when(keys_given)
        .custom("policy",
                [](DiagnosticSink& sink, const Value& p, CacheRead& c, const fs::path&) {
                    const auto k = read_enum<models::CacheReplacement>(sink, p);
                    if (k) c.zipf.replacement = *k;
                    return k.has_value();
                })
        .when(keys_given)
        .check_always([](DiagnosticSink&, const KeysRead& keys, CacheRead& c, const fs::path&) {
            if (keys.get("keys")) c.hits = c.zipf;
            return true;
        })
        .optional("latency", &models::CacheParams::latency,
                  [](DiagnosticSink& sink, const Value& l, const fs::path& base_dir) {
                      return read_latency(sink, l, base_dir);
                  });

std::optional<models::CacheParams> read_cache(DiagnosticSink& sink, const Value& v,
                                              const fs::path& base_dir) {
    auto c = kCache.read(sink, v, base_dir);
    if (!c) return std::nullopt;
    return static_cast<models::CacheParams&>(*c);
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

/// A publish's probability, inside its map or beside it.
bool read_publish_probability(DiagnosticSink& sink, const Value& p, ParsedStep& step) {
    const auto r = read_ratio(sink, p, false);
    if (r) step.params.publish.probability = *r;
    return r.has_value();
}

/// `publish: {to: jobs, probability: 30%}`; the context is the `probability` beside it, if
/// any.
const KeyTable<ParsedStep, std::optional<Value>> kPublish =
    KeyTable<ParsedStep, std::optional<Value>>(
        "a publish target, e.g. jobs or {to: jobs, probability: 30%}")
        .custom_required("to", "the queue or service to publish to, e.g. to: jobs",
                         [](DiagnosticSink& sink, const Value& to, ParsedStep& step,
                            const std::optional<Value>&) {
                             step.publish_target = read_target(sink, to);
                             return step.publish_target.has_value();
                         })
        .custom("probability", [](DiagnosticSink& sink, const Value& inside, ParsedStep& step,
                                  const std::optional<Value>& beside) {
            if (beside) {
                sink.error(beside->mark, beside->path,
                           "probability is given twice: here and inside publish; keep one");
                return false;
            }
            return read_publish_probability(sink, inside, step);
        });

/// `publish: jobs` or `publish: {to: jobs, probability: 30%}`; a `probability` beside it
/// means the same as inside it.
bool read_publish(DiagnosticSink& sink, const Value& v, const MapReader& step_map,
                  ParsedStep& step) {
    const auto beside = step_map.get("probability");
    bool ok = true;
    if (v.node.IsMap()) {
        ok = kPublish.read_into(sink, v, step, beside);
        // Inside, it was read by the table (or reported as given twice).
        const YAML::Node& map = v.node;
        if (map["probability"].IsDefined()) return ok;
    } else if (v.node.IsScalar()) {
        step.publish_target = read_target(sink, v);
        ok = step.publish_target.has_value();
    } else {
        sink.error(v.mark, v.path,
                   fmt::format("expected the name of a queue or service, e.g. jobs, or {{to: "
                               "jobs, probability: 30%}}, got {}",
                               describe(v.node)));
        return false;
    }
    return (!beside || read_publish_probability(sink, *beside, step)) && ok;
}

/// What a step is read against: the scenario file's folder (for CSV files) and whether the
/// step is an item of a parallel step (which holds only calls).
struct StepContext {
    const fs::path& base_dir;
    bool in_parallel = false;
};

/// The kind keys a step's map holds, in its order.
std::vector<const MapReader::Entry*> kind_entries(const MapReader& map) {
    std::vector<const MapReader::Entry*> kinds;
    for (const auto& e : map.entries())
        if (contains(kStepKinds, e.key)) kinds.push_back(&e);
    return kinds;
}

/// Reports each kind key other than `call` in an item of a parallel step; false when any.
bool only_calls(DiagnosticSink& sink, const std::vector<const MapReader::Entry*>& kinds) {
    bool ok = true;
    for (const auto* k : kinds) {
        if (k->key == "call") continue;
        sink.error(k->key_mark, k->value.path,
                   fmt::format("a parallel step holds only calls, not a {} step (put it "
                               "before or after the parallel step)",
                               k->key));
        ok = false;
    }
    return ok;
}

/// The step's kind, from its one kind key (an item of a parallel step is a call); false when
/// there is none, or several (then nothing more is read).
bool step_kind(DiagnosticSink& sink, const KeysRead& keys, ParsedStep& step, const StepContext& c) {
    const auto& map = keys.map();
    const Value& v = keys.self();
    const auto kinds = kind_entries(map);
    if (c.in_parallel) {
        step.params.kind = Kind::Call;
        if (keys.get("call")) return true;
        only_calls(sink, kinds);
        if (!map.was_suggested("call") && kinds.empty())
            sink.error(v.mark, v.path,
                       "missing required key \"call\" (the service to call, e.g. call: db)");
        return false;
    }
    if (kinds.empty()) {
        const bool suggested = std::any_of(kStepKinds.begin(), kStepKinds.end(),
                                           [&](const auto& k) { return map.was_suggested(k); });
        if (!suggested) {
            std::vector<std::string> found;
            for (const auto& e : map.entries())
                found.push_back(e.key);
            sink.error(v.mark, v.path,
                       fmt::format("expected exactly one of work, call, parallel, publish, "
                                   "found none{}",
                                   found.empty()
                                       ? std::string()
                                       : fmt::format(" (the step has: {})", text::join(found))));
        }
        return false;
    }
    if (kinds.size() > 1) {
        std::vector<std::string> found;
        for (const auto* k : kinds)
            found.push_back(k->key);
        sink.error(kinds[1]->key_mark, v.path,
                   fmt::format("expected exactly one of work, call, parallel, publish, found "
                               "{}: a step does one thing (make them separate steps)",
                               join_and(found)));
        return false;
    }
    step.params.kind = static_cast<Kind>(
        std::find(kStepKinds.begin(), kStepKinds.end(), kinds[0]->key) - kStepKinds.begin());
    return true;
}

/// Whether the step is of kind `k`.
auto of_kind(Kind k) {
    return [k](const KeysRead&, const ParsedStep& step) { return step.params.kind == k; };
}

/// A step: one kind key (work, call, parallel or publish), with the settings of its kind
/// beside it. Its `what` is a step's; an item of a parallel step opens its map as a call's.
const KeyTable<ParsedStep, StepContext> kStep =
    KeyTable<ParsedStep, StepContext>(
        "a step: a map with one of work, call, parallel or publish, e.g. {work: {dist: "
        "exponential, mean: 5ms}}")
        .gate(step_kind)
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, ParsedStep& step, const StepContext& c) {
                bool ok = !c.in_parallel || only_calls(sink, kind_entries(keys.map()));
                for (const auto& e : keys.map().entries()) {
                    if (contains(kStepKinds, e.key) || applies(e.key, step.params.kind)) continue;
                    sink.error(e.key_mark, e.value.path, misplaced(e.key, step.params.kind));
                    ok = false;
                }
                return ok;
            })
        // Read first: a call carries it.
        .custom("operation",
                [](DiagnosticSink& sink, const Value& op, ParsedStep& step, const StepContext&) {
                    auto s = read_string(sink, op);
                    if (s) step.params.operation = std::move(*s);
                    return s.has_value();
                })
        .listed_before("errors")
        .custom("work",
                [](DiagnosticSink& sink, const Value& w, ParsedStep& step, const StepContext& c) {
                    auto d = read_distribution(sink, w, c.base_dir);
                    if (d) step.params.work = std::move(*d);
                    return d.has_value();
                })
        .when(of_kind(Kind::Work))
        .custom("call",
                [](DiagnosticSink& sink, const Value& target, ParsedStep& step,
                   const StepContext& c, const KeysRead& keys) {
                    ParsedCall call;
                    call.value = keys.self();
                    call.target = read_target(sink, target);
                    call.params.operation = step.params.operation;
                    const bool settings_ok =
                        kCallSettings.read_map(sink, keys.map(), call.params, c.base_dir);
                    const bool ok = call.target && settings_ok;
                    step.calls.push_back(std::move(call));
                    return ok;
                })
        .when(of_kind(Kind::Call))
        .custom("parallel",
                [](DiagnosticSink& sink, const Value& p, ParsedStep& step, const StepContext& c) {
                    return read_parallel(sink, p, c.base_dir, step);
                })
        .when(of_kind(Kind::Parallel))
        .custom("publish",
                [](DiagnosticSink& sink, const Value& p, ParsedStep& step, const StepContext&,
                   const KeysRead& keys) { return read_publish(sink, p, keys.map(), step); })
        .when(of_kind(Kind::Publish))
        .custom(
            "errors",
            [](DiagnosticSink& sink, const Value& e, ParsedStep& step, const StepContext&) {
                const auto p = read_errors(sink, e);
                if (p) step.params.error_probability = *p;
                return p.has_value();
            },
            true)
        .when(of_kind(Kind::Work))
        .keys_of(kCallSettings);

ParsedStep read_step(DiagnosticSink& sink, const Value& v, const fs::path& base_dir,
                     bool in_parallel) {
    ParsedStep step;
    step.value = v;
    const MapReader map(sink, v,
                        in_parallel ? "a call, e.g. {call: db, timeout: 100ms}" : kStep.what(),
                        kStep.keys());
    step.ok = kStep.read_map(sink, map, step, StepContext{base_dir, in_parallel});
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
    return {&kStep,   &kCallSettings, &kErrors, &kPublish,  &kRetry,
            &kBudget, &kBreaker,      &kWindow, &kFallback, &kCache};
}

} // namespace tpssim::scenarios::detail
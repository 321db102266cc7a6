#pragma once
/// The validated, index-addressed description of a model: what the scenario layer builds and
/// the simulator runs. Names are kept for reports only; the hot path uses indices.

#include "models/cache.hpp"
#include "models/circuit_breaker.hpp"
#include "models/enum_names.hpp"
#include "models/load_profile.hpp"
#include "models/operations_params.hpp"
#include "models/retry_policy.hpp"
#include "sim/distribution.hpp"
#include "sim/sim_time.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::models {

using sim::Distribution;
using sim::SimTime;

/// How a load source spaces its arrivals.
enum class ArrivalProcess : std::uint8_t {
    Poisson,  ///< exponential inter-arrival times (under a varying rate: an NHPP, by thinning)
    Constant, ///< exactly 1/rate apart (under a varying rate: where the cumulative rate crosses k)
    Closed,   ///< `users` users, each sending its next request a think time after an answer
    Mmpp,     ///< Markov-modulated Poisson: Poisson at the rate of the current state, which
              ///< lasts an exponential time of its mean, then moves to another (bursts)
};

/// The names of ArrivalProcess in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<ArrivalProcess>, 4> kArrivalProcessNames{{
    {ArrivalProcess::Poisson, "poisson"},
    {ArrivalProcess::Constant, "constant"},
    {ArrivalProcess::Closed, "closed"},
    {ArrivalProcess::Mmpp, "mmpp"},
}};
static_assert(is_dense_table(kArrivalProcessNames));
constexpr std::span<const EnumName<ArrivalProcess>> enum_names(ArrivalProcess) {
    return kArrivalProcessNames;
}

/// One state of a Markov-modulated Poisson process.
struct MmppState {
    double rate_per_second = 0.0;                ///< arrivals per second while in this state, >= 0
    SimTime mean_duration = SimTime::from_s(60); ///< mean sojourn, > 0
};

/// "No timeout": a duration no run reaches.
inline constexpr SimTime kNoTimeout = SimTime::max();

/// A load source sending requests to one entry service: open (Poisson or Constant: arrivals at
/// a rate that may vary over time) or closed (a fixed population of users).
struct LoadSourceParams {
    std::string name;
    std::uint32_t target = 0; ///< index into ModelParams::services
    ArrivalProcess arrivals = ArrivalProcess::Poisson;
    /// Open: the base rate from t = 0 (arrivals per second); > 0 unless `profile` changes it.
    double rate_per_second = 0.0;
    /// The client gives up after this long (counted `timed_out` at the entry service); the
    /// system keeps working on the request (orphaned work, counted). A closed user then thinks
    /// and sends its next request.
    SimTime timeout = kNoTimeout;
    /// Open: how the rate varies over time (steps, ramps, a replayed series, daily, weekly and
    /// holiday factors). Its `rate` and `calendar` are not read: the base rate is
    /// `rate_per_second` and the calendar is the model's (see rate_profile_of). The default
    /// profile is a constant rate.
    LoadProfileParams profile{};
    /// Mmpp: two or more states; the source starts in the first, and leaving a state it moves
    /// to one of the others with equal probability (for two states: the other one). The
    /// long-run rate is sum(rate x mean_duration) / sum(mean_duration).
    std::vector<MmppState> mmpp{};
    /// Closed: the number of users, >= 1.
    std::uint32_t users = 0;
    /// Closed: a user's pause between an answer (or a rejection, or its timeout) and its next
    /// request.
    Distribution think_time = Distribution::constant(SimTime::zero());
};

/// A queue capacity meaning "no bound".
inline constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

/// What is served instead of a call's answer when its breaker is open or the call failed.
struct FallbackParams {
    Distribution latency = Distribution::constant(SimTime::zero());
};

/// A synchronous call from a service's step to another service: the calling worker waits.
struct CallParams {
    std::uint32_t target = 0;     ///< index into ModelParams::services
    double probability = 1.0;     ///< the call is made with this probability, else skipped
    SimTime timeout = kNoTimeout; ///< per attempt; the callee keeps working on orphaned work
    std::optional<RetryPolicyParams> retry;
    std::optional<CircuitBreakerParams> circuit_breaker;
    std::optional<FallbackParams> fallback;
    std::optional<CacheParams> cache; ///< consulted before the call; a hit skips it
    std::string operation;            ///< span name in traces; defaults to "call <target>"
};

/// An asynchronous hand-off: the item is put on the target's queue and the worker goes on.
struct PublishParams {
    std::uint32_t target = 0; ///< index into ModelParams::services (a queue or a service)
    double probability = 1.0; ///< published with this probability, else skipped
};

/// One step of a service's work. Line-aligned, with what a request reads of every step (its
/// kind, error probability, calls and publish) in the first line and the work's distribution
/// from the end of it: a step costs a request one or two cache lines (docs/decisions/0009).
struct alignas(64) StepParams {
    enum class Kind : std::uint8_t {
        Work,     ///< the worker is busy for a draw of `work`
        Call,     ///< one synchronous call (`calls[0]`)
        Parallel, ///< synchronous calls in parallel; the step ends when all have returned
        Publish,  ///< asynchronous hand-off to `publish.target`
    };
    Kind kind = Kind::Work;
    double error_probability = 0.0; ///< Work: the step fails with this probability
    std::vector<CallParams> calls;  ///< Call: exactly one; Parallel: one or more
    PublishParams publish;
    Distribution work = Distribution::constant(SimTime::zero());
    std::string operation; ///< span name in traces (e.g. "db-query"); defaults to the kind
};

/// The names of StepParams::Kind in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<StepParams::Kind>, 4> kStepKindNames{{
    {StepParams::Kind::Work, "work"},
    {StepParams::Kind::Call, "call"},
    {StepParams::Kind::Parallel, "parallel"},
    {StepParams::Kind::Publish, "publish"},
}};
static_assert(is_dense_table(kStepKindNames));
constexpr std::span<const EnumName<StepParams::Kind>> enum_names(StepParams::Kind) {
    return kStepKindNames;
}

/// Whether a node has workers of its own, or is a pull-based queue for another's workers.
enum class ServiceKind : std::uint8_t {
    Service, ///< a FIFO queue in front of a pool of identical workers
    Queue,   ///< a Kanban stream (NATS JetStream): items wait here until a consumer pulls
};

/// The names of ServiceKind in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<ServiceKind>, 2> kServiceKindNames{{
    {ServiceKind::Service, "service"},
    {ServiceKind::Queue, "queue"},
}};
static_assert(is_dense_table(kServiceKindNames));
constexpr std::span<const EnumName<ServiceKind>> enum_names(ServiceKind) {
    return kServiceKindNames;
}

/// A service: a FIFO queue in front of a pool of identical workers; or a pull-based queue.
struct ServiceParams {
    std::string name;
    ServiceKind kind = ServiceKind::Service;
    std::uint32_t workers = 1;                 ///< >= 1 (Service)
    std::uint64_t queue_capacity = kUnbounded; ///< waiting places; a full queue rejects
    /// The work when `steps` is empty: one Work step with this distribution.
    Distribution service_time = Distribution::constant(SimTime::zero());
    /// The work, in order. Empty means one Work step of `service_time`.
    std::vector<StepParams> steps;
    /// A request fails at this service with this probability once its steps are done.
    double error_probability = 0.0;
    /// Multiplies every work step's duration (query optimisation, less work per request; a
    /// deployment version's work_factor and a slow_query fault's factor multiply with it).
    /// 1: unchanged. Service only; an action may change it during the run.
    double work_factor = 1.0;
    /// Envoy's local rate limit: requests admitted directly (load and calls, not a queue's
    /// deliveries) beyond this rate are turned away (HTTP 429, counted as rejected), by a token
    /// bucket filling at this rate (tokens_per_fill / fill_interval). 0: no limit.
    double rate_limit_per_second = 0.0;
    /// The bucket's size (Envoy's max_tokens); 0: one second's tokens, at least 1 (the short
    /// form `rate_limit: R`).
    double rate_limit_max_tokens = 0.0;

    // Queue only.
    static constexpr std::uint32_t kNoConsumer = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t consumer = kNoConsumer; ///< the service whose workers pull from this queue
    /// Deliveries before an item goes to the dead-letter queue; 0 means no limit.
    std::uint32_t max_deliver = 0;
};

/// Which requests keep their spans (Jaeger-style head sampling plus the slowest).
struct TracingParams {
    double sample_fraction = 0.0;    ///< share of requests traced, in [0, 1]
    std::uint32_t keep_slowest = 20; ///< the slowest traced requests kept whole
    /// What "slowest" means: kEndToEnd, the end-to-end duration (arrival to the last span's end);
    /// a service's index, the longest span of that service in the trace (traces without one
    /// are not kept).
    static constexpr std::uint32_t kEndToEnd = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t rank_service = kEndToEnd;
};

/// A whole model, ready to run.
struct ModelParams {
    std::vector<ServiceParams> services;
    std::vector<LoadSourceParams> load;
    SimTime duration = SimTime::from_s(3600); ///< simulated horizon
    SimTime warmup = SimTime::zero();         ///< statistics count requests arriving after it
    TracingParams tracing;
    /// The local date and time of t = 0, when the scenario gives one (`start:`); without it,
    /// t = 0 reads as a Monday at midnight for daily and weekly patterns.
    std::optional<std::chrono::local_seconds> start;
    /// Replicas, autoscalers, faults, monitoring, alerts, actions, expectations.
    OperationsParams operations;

    /// The calendar that maps simulated time to wall-clock time.
    Calendar calendar() const {
        Calendar c;
        if (start) c.start = *start;
        return c;
    }
};

/// A call edge: one call site in a service's steps. The model numbers edges in (service, step,
/// call) order; faults, actions and metrics name them "caller->key".
struct EdgeName {
    std::uint32_t caller = 0;
    std::uint32_t step = 0;
    std::uint32_t call = 0;
    std::uint32_t target = 0;
    std::string key; ///< the callee's name, or "name#2", "name#3" for its later call sites
};

/// How faults, actions, metrics and the event log name a call edge ("caller->key") or a link
/// ("from->to").
inline std::string call_label(std::string_view caller, std::string_view callee) {
    std::string out;
    out.reserve(caller.size() + 2 + callee.size());
    out.append(caller).append("->").append(callee);
    return out;
}

/// Every call edge of `m`, in the model's numbering: `Model` builds its edges from this list,
/// so what a scenario names "caller->key" is the edge the model runs.
inline std::vector<EdgeName> edge_names(const ModelParams& m) {
    std::vector<EdgeName> out;
    for (std::uint32_t s = 0; s < m.services.size(); ++s) {
        std::vector<std::uint32_t> per_target(m.services.size(), 0);
        const auto& steps = m.services[s].steps;
        for (std::uint32_t k = 0; k < steps.size(); ++k)
            for (std::uint32_t c = 0; c < steps[k].calls.size(); ++c) {
                const std::uint32_t t = steps[k].calls[c].target;
                const std::uint32_t nth = ++per_target[t];
                out.push_back({s, k, c, t,
                               nth == 1 ? m.services[t].name
                                        : m.services[t].name + "#" + std::to_string(nth)});
            }
    }
    return out;
}

/// The full rate profile of open load source `l` of model `m`: its `profile` with the base rate
/// and the model's calendar filled in.
inline LoadProfileParams rate_profile_of(const ModelParams& m, const LoadSourceParams& l) {
    LoadProfileParams p = l.profile;
    p.rate = l.rate_per_second;
    p.calendar = m.calendar();
    return p;
}

} // namespace tpssim::models
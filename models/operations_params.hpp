#pragma once
/// The validated description of a system's operation over time: replicas and their autoscaler,
/// resources, health checks, versions and canaries, the chaos timeline, monitoring and alert
/// rules, the operator's actions and the run's expectations. What the scenario layer builds
/// beside ModelParams; index-addressed like it. Every time is simulated time from t = 0 (the
/// scenario layer turns clock times such as "15:00" into these through the model's calendar).

#include "models/autoscaler.hpp"
#include "models/enum_names.hpp"
#include "sim/distribution.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace tpssim::models {

using sim::Distribution;
using sim::SimTime;

/// "Never": a time no run reaches.
inline constexpr SimTime kNever = SimTime::max();

// ---- per service ---------------------------------------------------------------------------

/// What one request costs a replica, and what a replica holds (the Resources panel).
struct ResourcesParams {
    /// CPU time per request (the CPU panel: cores in use = this x throughput). 0: not shown.
    SimTime cpu_per_request = SimTime::zero();
    /// A fresh replica's memory, in bytes.
    double memory_bytes = 0.0;
    /// A replica using more than this is killed (OOM) and restarted; infinity: no limit.
    double memory_limit_bytes = std::numeric_limits<double>::infinity();
};

/// A liveness probe (Kubernetes): every `period` each replica is probed; an unhealthy replica
/// fails its probes, and after `failure_threshold` consecutive failures it is killed and
/// replaced (Jidoka: the line stops the broken worker, not the line).
struct HealthCheckParams {
    SimTime period = SimTime::from_s(10);
    std::uint32_t failure_threshold = 3;
};

/// Where a service's replicas run: a cluster of `nodes` nodes with room for
/// `replicas_per_node` each (the resources all allocated, as a Kubernetes cluster's nodes
/// are). Replicas asked for beyond the room left stay pending (Kubernetes' unschedulable pods)
/// until room appears; a node crash takes its replicas and its room away until it returns.
struct PlacementParams {
    std::uint32_t nodes = 1;
    std::uint32_t replicas_per_node = 1;
    /// The replicas the cluster holds with `down` nodes down.
    std::uint32_t capacity(std::uint32_t down = 0) const {
        return (down >= nodes ? 0 : nodes - down) * replicas_per_node;
    }
};

/// A version of a service (a deployment), with what differs from the service's own settings.
struct VersionParams {
    std::string name;
    /// Multiplies every work step's duration (a slower or faster build). 1: unchanged.
    double work_factor = 1.0;
    /// Replaces the service's end-of-request error probability when set.
    std::optional<double> error_probability;
    /// Added to the service's `memory_leak_bytes_per_request` when set (a leaky build).
    double memory_leak_bytes_per_request = 0.0;
};

/// Flagger's canary analysis for one service (https://docs.flagger.app, "Canary analysis").
struct CanaryParams {
    std::uint32_t version = 0;              ///< index into the service's versions: the canary
    SimTime start = SimTime::zero();        ///< when the rollout begins
    SimTime interval = SimTime::from_s(60); ///< analysis interval (Flagger `interval`)
    double step_weight = 0.1;    ///< weight added per passed interval (`stepWeight`), in (0, 1]
    double max_weight = 0.5;     ///< promote once this weight has passed (`maxWeight`), (0, 1]
    std::uint32_t threshold = 5; ///< failed checks that roll back at the next interval, >= 1
    /// Gates on the canary's requests of the last interval; a gate unset is not checked.
    std::optional<double> min_success_rate; ///< e.g. 0.99 (Flagger `request-success-rate`)
    std::optional<SimTime> max_p99;         ///< e.g. 500 ms (Flagger `request-duration`)
    /// Gates relative to the primary (the old version) in the same interval, as a Flagger
    /// metric template comparing the two would: the canary's error rate may exceed the
    /// primary's by at most this (a difference of ratios, e.g. 0.01), and its p99 may exceed
    /// the primary's by at most this share of it (e.g. 0.2: 20% slower). Not checked in an
    /// interval where the primary ended no request (nothing to compare with).
    std::optional<double> max_error_rate_increase;
    std::optional<double> max_p99_increase;
    /// Fewer canary requests than this in an interval (or none at all, whatever this is) is a
    /// failed check: Flagger's query finds no values, halts the advance and counts a failure.
    std::uint64_t min_requests = 10;
};

/// A service's operational settings; one per ServiceParams, same index.
struct ServiceOpsParams {
    std::optional<AutoscalerParams> autoscaler;
    /// What the autoscaler reads: utilisation (busy / ready replicas over the sync period), or
    /// the waiting items per replica (KEDA's queue-length scaler on a Kanban consumer).
    enum class ScalingMetric : std::uint8_t { Utilization, QueueDepthPerReplica };
    ScalingMetric scaling_metric = ScalingMetric::Utilization;
    /// A new replica (scale-up, restart, replacement) is ready this long after it is asked for.
    SimTime startup = SimTime::zero();
    ResourcesParams resources;
    std::optional<HealthCheckParams> health_check;
    /// None: room for any number of replicas.
    std::optional<PlacementParams> placement;
    /// Versions beside the primary (which is the service's own settings).
    std::vector<VersionParams> versions;
    std::optional<CanaryParams> canary;
};

/// The names of ServiceOpsParams::ScalingMetric in scenarios, logs and reports
/// (models/enum_names.hpp).
inline constexpr std::array<EnumName<ServiceOpsParams::ScalingMetric>, 2> kScalingMetricNames{{
    {ServiceOpsParams::ScalingMetric::Utilization, "utilization"},
    {ServiceOpsParams::ScalingMetric::QueueDepthPerReplica, "queue_depth"},
}};
static_assert(is_dense_table(kScalingMetricNames));
constexpr std::span<const EnumName<ServiceOpsParams::ScalingMetric>>
enum_names(ServiceOpsParams::ScalingMetric) {
    return kScalingMetricNames;
}

/// A network link between a caller and a callee: each call's request carries `payload_bytes`
/// over `bandwidth_bytes_per_second`. Its transfer time is that of an M/M/1 link:
/// payload / bandwidth / (1 - utilisation), the utilisation being the link's own traffic over
/// the last second plus any background load a fault adds, capped at 99%.
struct LinkParams {
    std::uint32_t from = 0; ///< the calling service
    std::uint32_t to = 0;   ///< the called service
    double bandwidth_bytes_per_second = 0.0;
    double payload_bytes = 0.0;
};

// ---- chaos ---------------------------------------------------------------------------------

/// What a fault does while it is active.
enum class FaultKind : std::uint8_t {
    Latency,          ///< service: each request holds its worker `latency` longer;
                      ///< edge: each attempt is delayed `latency` on the way to the callee
    Errors,           ///< service or edge: requests (attempts) fail with `probability`
    Crash,            ///< service: `count` replicas die; each restarts after `restart_after`
    UnhealthyWorker,  ///< service: `count` replicas turn slow (`factor`) and/or failing
                      ///< (`probability`); a health check replaces them
    SlowQuery,        ///< service: a `fraction` of its work steps take `factor` times longer
    MemoryLeak,       ///< service: each replica's memory grows by `bytes_per_second` and
                      ///< `bytes_per_request` until its limit kills it (OOM) and it restarts
    BandwidthUsed,    ///< link: background traffic takes `fraction` of its bandwidth
    BackendDown,      ///< queue: nothing is published or pulled; unacknowledged items are
                      ///< delivered again when it returns (at-least-once)
    MonitoringDown,   ///< no scrapes: a gap in the metrics, no alert evaluation
    AutoscalerBroken, ///< service: its autoscaler makes no decisions
    NodeCrash,        ///< service with a placement: `count` nodes die with their replicas;
                      ///< the cluster holds that much less until they return (the fault's end)
};

/// The names of FaultKind in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<FaultKind>, 11> kFaultKindNames{{
    {FaultKind::Latency, "latency"},
    {FaultKind::Errors, "errors"},
    {FaultKind::Crash, "crash"},
    {FaultKind::UnhealthyWorker, "unhealthy"},
    {FaultKind::SlowQuery, "slow_query"},
    {FaultKind::MemoryLeak, "memory_leak"},
    {FaultKind::BandwidthUsed, "bandwidth_used"},
    {FaultKind::BackendDown, "backend_down"},
    {FaultKind::MonitoringDown, "monitoring_down"},
    {FaultKind::AutoscalerBroken, "autoscaler_broken"},
    {FaultKind::NodeCrash, "node_crash"},
}};
static_assert(is_dense_table(kFaultKindNames));
constexpr std::span<const EnumName<FaultKind>> enum_names(FaultKind) {
    return kFaultKindNames;
}

/// A target of a fault: a service (or queue), a call edge, a link, or the whole system.
struct FaultTarget {
    enum class Kind : std::uint8_t { System, Service, Edge, Link };
    Kind kind = Kind::System;
    std::uint32_t index = 0; ///< service index, edge index (Model numbering), or link index
};

/// How a fault's strength changes over time: from `from` to `to` by `step` every `every`
/// (a staircase; `step` 0 means a linear ramp re-evaluated every `every`).
struct FaultRamp {
    double from = 0.0;
    double to = 0.0;
    double step = 0.0;
    SimTime every = SimTime::from_s(60);
};

/// One fault of the chaos timeline.
struct FaultParams {
    std::string name; ///< for the event log ("service-c latency +400ms" by default)
    FaultKind kind = FaultKind::Latency;
    FaultTarget target;
    SimTime start = SimTime::zero();
    SimTime end = kNever; ///< kNever: until the run ends (or an action stops it)
    Distribution latency = Distribution::constant(SimTime::zero()); ///< Latency
    double probability = 0.0;      ///< Errors; UnhealthyWorker (failing share)
    std::optional<FaultRamp> ramp; ///< Errors: the probability ramps instead
    std::uint32_t count = 1;       ///< Crash, UnhealthyWorker: replicas hit; NodeCrash: nodes
    SimTime restart_after = SimTime::zero(); ///< Crash: down this long, then starting up
    double factor = 1.0;                     ///< UnhealthyWorker, SlowQuery: duration multiplier
    double fraction = 0.0;          ///< SlowQuery: share of steps; BandwidthUsed: share used
    double bytes_per_second = 0.0;  ///< MemoryLeak
    double bytes_per_request = 0.0; ///< MemoryLeak
};

// ---- monitoring and alerts -----------------------------------------------------------------

/// A metric a rule or an expectation reads: one column of the monitoring record, named by
/// Prometheus conventions (see MetricsRecorder for the list).
struct MetricRef {
    std::string name;         ///< e.g. "tps_queue_depth", "tps_error_ratio"
    std::string subject;      ///< the service, queue, edge ("worker->db") or link it is about
    std::uint32_t column = 0; ///< index into the recorder's columns (set by Model)
};

enum class Comparison : std::uint8_t { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };

/// PromQL's range functions over a counter's samples (see CounterWindow): the condition
/// compares `increase(metric[range])` or `rate(metric[range])`, not the metric's value.
enum class RangeFunction : std::uint8_t { None, Increase, Rate };

/// A condition on a metric's value at one scrape: `metric op threshold`; for an alert rule
/// only, `increase(metric[range]) op threshold` or `rate(...)` on a counter, or
/// `absent(watchdog)`: the dead man's switch (see AlertEvaluator).
struct Condition {
    MetricRef metric;
    RangeFunction range_function = RangeFunction::None;
    SimTime range = SimTime::zero(); ///< with a range function: how far back it looks (> 0)
    Comparison op = Comparison::Greater;
    double threshold = 0.0; ///< in the metric's unit (a ratio for %, seconds for durations)
    std::string text;       ///< as written, for reports
    /// `absent(watchdog)`: holds while the monitoring's heartbeat is missing (no metric).
    bool watchdog_absent = false;
};

/// A Prometheus alerting rule: pending while `condition` holds, firing once it has held for
/// `for_duration` (checked at each evaluation, i.e. each scrape), resolved when it stops.
struct AlertRuleParams {
    std::string name;
    Condition condition;
    SimTime for_duration = SimTime::zero();
    std::string severity = "page";
};

/// How often metrics are sampled (Prometheus `scrape_interval`, also the rule evaluation
/// interval). Monitoring is always on; the default interval is Prometheus'.
struct MonitoringParams {
    SimTime scrape_interval = SimTime::from_s(15);
};

// ---- operator actions ----------------------------------------------------------------------

/// What an operator does.
struct ActionParams {
    enum class Kind : std::uint8_t {
        Scale,                 ///< service: replicas to `count` (`relative`: by +-count)
        SetWorkers,            ///< same as Scale (kept for `set: services.X.workers`)
        SetQueueCapacity,      ///< service or queue: `value` waiting places
        SetCallTimeout,        ///< edge: `duration`
        SetErrorProbability,   ///< service: `value`
        SetBreakerFailureRate, ///< edge: failure-rate threshold `value` (a ratio)
        SetCacheHitRatio,      ///< edge: its cache's hit probability `value` (a ratio)
        SetWorkFactor,         ///< service: its work steps' multiplier `value` (> 0)
        SetRateLimit,          ///< service: its rate limit `value` per second (0: none)
        SetLinkPayload,        ///< link: each call's payload `value` bytes
        SetLinkBandwidth,      ///< link: its bandwidth `value` bytes per second
        Restart,               ///< service: every replica replaced by a fresh one (rolling)
        ReplaceUnhealthy,      ///< service: unhealthy replicas replaced
        DisableAutoscaler,     ///< service
        RepairAutoscaler,      ///< service: an AutoscalerBroken fault on it ends
        Rollback,              ///< service: its canary is aborted, all traffic to the primary
        StopFault,             ///< the fault `fault` (index) ends now
    };
    Kind kind = Kind::Scale;
    std::string text;       ///< as written, for the event log
    FaultTarget target;     ///< Service, Edge or Link
    std::int64_t count = 0; ///< Scale
    bool relative = false;  ///< Scale: by, not to
    double value = 0.0;
    SimTime duration = SimTime::zero();
    std::uint32_t fault = 0; ///< StopFault
    /// When: at `at`, or `after` the first firing of alert `on_alert` (index), each time it
    /// fires when `repeat`.
    SimTime at = kNever;
    std::optional<std::uint32_t> on_alert;
    SimTime after = SimTime::zero();
    bool repeat = false;
};

// ---- expectations --------------------------------------------------------------------------

/// A check the run must pass (the `expect:` block); a failed one makes `tpssim run` exit 1.
struct ExpectationParams {
    enum class Kind : std::uint8_t {
        /// `condition` holds at every scrape in [from, to] (Always), at some scrape (Ever), or
        /// for the run's final figures (Total: `metric` names a summary total).
        Always,
        Ever,
        Total,
        AlertFires,      ///< alert `alert` fires in [from, to]
        AlertNeverFires, ///< alert `alert` does not fire in [from, to]
        BreakerOpens,    ///< the breaker of edge `edge` opens in [from, to]
        BreakerNeverOpens,
        CanaryPromoted,   ///< service `service`'s canary is promoted
        CanaryRolledBack, ///< ... is rolled back
    };
    Kind kind = Kind::Always;
    std::string text; ///< as written
    Condition condition;
    SimTime from = SimTime::zero();
    SimTime to = kNever;
    std::uint32_t alert = 0;   ///< Alert*: index into OperationsParams::alerts
    std::uint32_t service = 0; ///< Breaker*: the caller; Canary*: the service
    std::string edge_key;      ///< Breaker*: the call's key at the caller ("db", "db#2")
};

/// Everything about a model's operation over time.
struct OperationsParams {
    std::vector<ServiceOpsParams> services; ///< one per ModelParams::services (may be empty:
                                            ///< defaults for all)
    std::vector<LinkParams> links;
    std::vector<FaultParams> faults;
    MonitoringParams monitoring;
    std::vector<AlertRuleParams> alerts;
    std::vector<ActionParams> actions;
    std::vector<ExpectationParams> expectations;
};

} // namespace tpssim::models
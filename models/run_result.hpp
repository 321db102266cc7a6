#pragma once
/// The figures of one finished run, as plain numbers (no sketches, no model state): what the
/// summary JSON, the report and the Python bindings read.

#include "models/alerts.hpp"
#include "models/event_log.hpp"
#include "models/expectation_observation.hpp"
#include "models/metrics.hpp"
#include "models/series_window_tally.hpp"
#include "models/tracer.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tpssim::models {

/// Summary of a distribution of durations, in seconds; NaN when there is no data (nothing
/// ended after the warm-up), never a 0 that would read as "instant".
struct DurationSummary {
    static constexpr double kNoData = std::numeric_limits<double>::quiet_NaN();
    double mean = kNoData;
    double p50 = kNoData;
    double p90 = kNoData;
    double p99 = kNoData;
    double max = kNoData;
    bool has_data() const { return !std::isnan(mean); }
};

/// One circuit-breaker transition.
struct BreakerTransition {
    double at_seconds = 0.0;
    std::string from;
    std::string to;
    std::string cause;
};

/// A call edge's figures: one call site in a service's steps.
struct CallResult {
    std::string target; ///< the callee's name
    std::string key;    ///< unique among the caller's calls: target, or "target#2", ...
    std::uint64_t calls = 0, attempts = 0, succeeded = 0, failed = 0, errors = 0, timeouts = 0,
                  retries = 0, retry_budget_exhausted = 0, not_permitted = 0, fallbacks = 0,
                  cache_hits = 0, cache_misses = 0;
    DurationSummary latency_seconds;
    bool has_circuit_breaker = false;
    std::string breaker_state; ///< at the end of the run
    std::uint64_t breaker_opened = 0;
    std::uint64_t breaker_transitions_dropped = 0;
    std::vector<BreakerTransition> breaker_transitions;
};

/// A dead-lettered item, for inspection.
struct DeadLetter {
    double at_seconds = 0.0;
    std::uint32_t deliveries = 0;
    double first_arrival_seconds = 0.0;
};

struct ServiceResult {
    std::string name;
    std::string kind = "service"; ///< "service" or "queue"
    std::uint64_t arrivals = 0;
    std::uint64_t completed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t dead_lettered = 0;
    double throughput_per_second = 0.0; ///< completed / measured seconds
    double utilization = 0.0;           ///< busy worker-time / available worker-time
    double mean_queue_length = 0.0;     ///< time-weighted
    double mean_in_system = 0.0;        ///< time-weighted, waiting + in service
    double max_queue_length = 0.0;
    DurationSummary wait_seconds;
    DurationSummary latency_seconds;
    double replicas_min = 0.0;
    double replicas_max = 0.0;
    double replicas_time_mean = 0.0;
    std::uint64_t redelivered = 0;
    double orphaned_work_seconds = 0.0;
    std::vector<CallResult> calls;
    /// Queue: the most recent dead-lettered items (at most 100), oldest first.
    std::vector<DeadLetter> dead_letters;
    // Operations (all zero without an autoscaler, faults or actions).
    std::uint64_t scale_ups = 0;   ///< autoscaler and operator scalings that added replicas
    std::uint64_t scale_downs = 0; ///< ... that removed replicas
    std::uint64_t crashes = 0;     ///< replicas killed (crash faults, OOM kills, health checks)
    std::uint64_t oom_kills = 0;   ///< replicas killed for exceeding their memory limit
    std::uint64_t replaced = 0;    ///< unhealthy replicas killed by a health check or action
    std::uint64_t duplicates = 0;  ///< queue: items processed again after a backend outage
    bool placement = false;        ///< the service's replicas run on a cluster of nodes
    /// With a placement: replicas asked for (scalings, a node crash's replacements) that
    /// found no room and waited pending (Kubernetes' unschedulable pods).
    std::uint64_t unschedulable = 0;
    std::string canary_phase;   ///< with a canary: "promoted", "rolled_back", ...
    double canary_weight = 0.0; ///< with a canary: the canary's share at the end
};

/// An alert rule's record over the run.
struct AlertResult {
    std::string name;
    std::string severity;
    std::string condition; ///< as written
    double for_seconds = 0.0;
    std::vector<AlertFiring> firings;
    /// The condition's parts: the column it reads (Prometheus name and subject), the
    /// comparison and the threshold (in the metric's unit). Initialised here, so that a
    /// result built by hand from the fields above still compiles without warnings.
    std::string metric{};
    std::string subject{};
    Comparison op = Comparison::Greater;
    double threshold = 0.0;
    /// > 0: the condition compares increase() or rate() of the column over this range, not
    /// the column's value (so the record's values say nothing of its threshold).
    double range_seconds = 0.0;
};

/// One `expect:` check and how the run fared.
struct ExpectationResult {
    std::string text; ///< as written
    bool passed = false;
    ExpectationObservation observation; ///< what the run showed: "max 0.031 at 15:02:15"
};

struct RunResult {
    std::uint64_t seed = 0;
    /// The local date and time of t = 0 when the scenario has a calendar `start:`.
    std::optional<std::chrono::local_seconds> start;
    double simulated_seconds = 0.0; ///< the horizon reached
    double warmup_seconds = 0.0;
    double wall_seconds = 0.0;
    std::uint64_t events = 0;
    std::uint64_t peak_in_flight = 0; ///< most requests in the system at once
    bool interrupted = false;         ///< stopped early (Ctrl-C): figures cover [warmup, simulated]
    std::vector<ServiceResult> services;
    std::uint64_t traced = 0;                 ///< requests traced
    SpanColumns spans;                        ///< the kept traces' spans
    std::vector<TraceSummary> slowest_traces; ///< the kept traces, slowest first
    /// Monitoring: the kept rows' times and one column per (metric, subject). Past
    /// MetricsRecorder::kMaxRows rows only every `metric_stride`-th scrape is kept.
    std::vector<double> metric_times_seconds;
    std::vector<MetricsRecorder::Column> metrics;
    std::uint64_t metric_scrapes = 0; ///< scrapes made, kept as rows or not
    std::uint64_t metric_stride = 1;  ///< a row is kept for every stride-th scrape
    /// One per column of `metrics`, over every scrape made (exact whatever the stride).
    std::vector<MetricsRecorder::SeriesTotals> metric_totals;
    /// One per `expect:` check, in order: what a series check saw at every scrape of its
    /// window (empty for the other kinds of check).
    std::vector<std::optional<SeriesWindowTally>> expectation_tallies;
    std::vector<AlertResult> alerts; ///< in the scenario's order
    /// The event log in time order (equal times in the order they happened): its rows when
    /// kept (RunOptions::keep_event_log, at most EventLog::kMaxRows), and its counts.
    EventLog event_log;
    std::vector<ExpectationResult> expectations; ///< in the scenario's order
};

} // namespace tpssim::models
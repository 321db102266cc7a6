#pragma once
/// A run's figures ready for output: one run, or the mean and 95% confidence half-width of
/// each figure over independent replications.

#include "apps/tpssim/clock_format.hpp"
#include "models/run_result.hpp"
#include "models/threshold_crossings.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

/// A figure: its value (the mean over replications) and its 95% CI half-width (0 for one run).
struct Figure {
    double value = 0.0;
    double half_width = 0.0;
};

struct DurationFigures {
    Figure mean, p50, p90, p99, max;
};

/// A call edge's figures.
struct CallFigures {
    std::string key;    ///< unique among the caller's calls: the target, or "target#2"
    std::string target; ///< the callee
    Figure calls, attempts, succeeded, failed, errors, timeouts, retries, retry_budget_exhausted,
        not_permitted, fallbacks, cache_hits, cache_misses;
    DurationFigures latency_seconds;
    bool has_circuit_breaker = false;
    Figure breaker_opened;
    /// One run only (replications keep just the count of openings): the state at the end and
    /// every recorded transition.
    std::string breaker_state;
    std::vector<models::BreakerTransition> breaker_transitions;
    std::uint64_t breaker_transitions_dropped = 0;
};

struct ServiceFigures {
    std::string name;
    std::string kind; ///< "service" or "queue"
    Figure arrivals, completed, rejected, failed, timed_out, dead_lettered, redelivered;
    Figure throughput_per_second, utilization, mean_queue_length, mean_in_system;
    Figure orphaned_work_seconds;
    DurationFigures wait_seconds, latency_seconds;
    Figure replicas_min, replicas_max, replicas_time_mean;
    std::vector<CallFigures> calls;
    std::vector<models::DeadLetter> dead_letters; ///< one run only: the latest dead letters
    // Operations: scalings, replica deaths, duplicates after a backend outage.
    Figure scale_ups, scale_downs, crashes, oom_kills, replaced, duplicates;
    /// With a placement (`placement`): replicas that found no room and waited pending.
    bool placement = false;
    Figure unschedulable;
    /// The first run's canary: its phase at the end ("promoted", "rolled_back", ...; empty
    /// without a canary) and the canary's share of traffic then.
    std::string canary_phase;
    double canary_weight = 0.0;

    bool has_canary() const { return !canary_phase.empty(); }
    /// Any scaling, replica death, duplicate, canary or change of the replica count.
    bool has_operations() const;
};

/// An alert rule: how often it fired (mean over replications) and the first run's firings.
struct AlertFigures {
    std::string name;
    std::string severity;
    std::string condition; ///< as written
    double for_seconds = 0.0;
    Figure firings;
    std::vector<models::AlertFiring> first_run_firings; ///< resolved_seconds NaN while firing
};

/// An `expect:` check over the replications.
struct ExpectationFigures {
    std::string text; ///< as written
    std::uint32_t passed_replications = 0;
    bool passed = false; ///< in every replication
    /// What the first failing replication showed; the first run's when all passed: as
    /// numbers, and as text with that replication's clock.
    models::ExpectationObservation observation;
    std::string observed;
};

/// A monitoring column of the first run: min, max, mean and last over its non-NaN values at
/// every scrape made, kept as a row or not (all NaN when it has none).
struct SeriesFigures {
    std::string name;    ///< Prometheus name
    std::string subject; ///< service, queue, edge or link
    std::string unit;
    std::size_t samples = 0; ///< non-NaN values
    double min = 0.0, max = 0.0, mean = 0.0, last = 0.0;
};

/// Everything a report or summary needs to say about a run (or a set of replications).
struct RunSummary {
    std::string scenario;
    std::string file;
    std::uint64_t seed = 0;
    std::uint32_t replications = 1;
    double simulated_seconds = 0.0;
    double warmup_seconds = 0.0;
    double wall_seconds = 0.0;
    std::uint64_t events = 0; ///< summed over replications
    bool interrupted = false;
    /// The calendar start (`start:`), when the scenario has one.
    std::optional<std::chrono::local_seconds> start;
    /// How every output writes a point in simulated time: clock times with a calendar start
    /// ("15:02:15", "Sat 03:00:00"), elapsed times without.
    ClockFormat clock;
    std::vector<ServiceFigures> services;
    /// Traces of the first run (replication 0): how many were traced, the kept spans.
    std::uint64_t traced = 0;
    models::SpanColumns spans;
    std::vector<models::TraceSummary> slowest_traces;
    /// What the traces were ranked by: empty, end to end; else a service's name (--by).
    std::string traces_ranked_by;
    /// Alert rules in the scenario's order.
    std::vector<AlertFigures> alerts;
    /// `expect:` checks in the scenario's order.
    std::vector<ExpectationFigures> expectations;
    /// Monitoring of the first run: scrapes made, rows kept (every `stride`-th scrape), and
    /// each column's figures over every scrape made.
    std::uint64_t scrapes = 0;
    std::uint64_t rows_kept = 0;
    std::uint64_t stride = 1;
    std::vector<SeriesFigures> series;
    /// What was abnormal in the first run: each metric that crossed an alert rule's
    /// threshold, when, for how long and how far.
    std::vector<models::ThresholdCrossings> abnormal;
    /// The first run's event log: entries kept and dropped beyond the bound.
    std::uint64_t event_log_events = 0;
    std::uint64_t event_log_dropped = 0;

    /// Every expectation passed in every replication (true without expectations).
    bool expectations_passed() const;
};

/// Summarises `runs` (one or more replications of the same model, in replication order).
RunSummary summarise(const std::vector<models::RunResult>& runs, const std::string& scenario,
                     const std::string& file, std::uint64_t seed, double wall_seconds);

} // namespace tpssim

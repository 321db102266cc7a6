#pragma once
/// Monitoring: at every scrape the model hands in its readings (counters and integrals from
/// t = 0); the monitoring record (the run recorder's MetricsRecorder) keeps them, then the
/// `expect:` series checks tally them and the alert rules are evaluated on them. A monitoring
/// outage is a gap: no sample, no evaluation but the dead man's switch's, which lives outside
/// the monitoring.

#include "models/alerts.hpp"
#include "models/metrics.hpp"
#include "models/operations_params.hpp"
#include "models/run_result.hpp"
#include "models/series_window_tally.hpp"
#include "models/service_stats.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tpssim::models {

/// Counters and integrals from t = 0 that the warm-up does not reset: what monitoring reads
/// (a Prometheus counter knows nothing of a simulator's warm-up).
struct CountersSinceStart {
    std::uint64_t arrivals = 0, completed = 0, failed = 0, rejected = 0, timed_out = 0,
                  dead_lettered = 0, redelivered = 0;
    double busy_seconds = 0.0, ready_seconds = 0.0;

    /// The warm-up's end at `now`: keeps what `stats`' restart is about to forget.
    void keep(const ServiceStats& stats, SimTime now);
};

class Monitoring {
public:
    /// Resolves every alert rule and series check to its column of `metrics` (an alert on an
    /// unknown metric throws std::invalid_argument; a check on one fails at the end, saying
    /// so), and sizes the readings below for its subjects.
    Monitoring(const OperationsParams& ops, const MetricsRecorder& metrics);

    /// After `metrics` recorded the readings below at `now`: tallies the series checks and
    /// evaluates the alert rules on its latest row; returns the alerts that fired or resolved.
    /// While `down` (no sample): only the dead man's switches, which the missing heartbeat
    /// makes hold.
    std::vector<AlertChange> evaluate(SimTime now, const OperationsParams& ops,
                                      const MetricsRecorder& metrics);
    /// The series checks' tallies, into `out`.
    void fill(RunResult& out) const;

    /// Filled by the model before each scrape, in the record's subject order.
    std::vector<ServiceReading> services;
    std::vector<EdgeReading> edges;
    std::vector<LinkReading> links;
    bool down = false; ///< a monitoring outage (a fault)

private:
    std::optional<AlertEvaluator> alerts_;
    /// One per `expect:` check: series checks whose metric exists are tallied at every scrape
    /// (the record may keep only every other row), the others stay empty.
    std::vector<std::optional<SeriesWindowTally>> tallies_;
    std::vector<std::size_t> tally_columns_; ///< the tallied checks' metric columns
};

} // namespace tpssim::models
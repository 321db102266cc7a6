#pragma once
/// What was abnormal in a run: each metric whose value crossed an alert rule's threshold, read
/// from the monitoring record. Unlike the alert itself this ignores the rule's `for:` (a spike
/// too short to fire is still worth seeing) and says for how long and how far the metric went.
///
/// A crossing is a stretch of consecutive kept rows at which the condition held: it begins at
/// the first such row and ends at the first row at which it no longer held (NaN, "no data",
/// ends it, as it resolves an alert), or at the end of the run. Past MetricsRecorder::kMaxRows
/// rows the record keeps every stride-th scrape, and crossings are then seen at that
/// resolution.

#include "models/run_result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tpssim::models {

/// One stretch past a threshold.
struct Crossing {
    double from_seconds = 0.0; ///< the first row at which the condition held
    double to_seconds = 0.0;   ///< the first row at which it no longer held, or the run's end
    bool ongoing = false;      ///< it still held at the last row
    double peak = 0.0;         ///< the value furthest past the threshold
    double peak_seconds = 0.0; ///< when it was first seen
    double duration_seconds() const { return to_seconds - from_seconds; }
};

/// A metric of one subject that crossed a threshold, with every crossing of it.
struct ThresholdCrossings {
    std::string metric;             ///< Prometheus name
    std::string subject;            ///< service, queue, edge or link
    std::string unit;               ///< the column's unit
    std::string condition;          ///< as the (first) rule wrote it: "p99(api) > 250ms"
    std::vector<std::string> rules; ///< the alert rules with this very condition
    Comparison op = Comparison::Greater;
    double threshold = 0.0;
    std::vector<Crossing> crossings; ///< the first kMaxKept, in time order
    std::uint64_t count = 0;         ///< crossings, kept or not
    double total_seconds = 0.0;      ///< time past the threshold over every crossing
    double peak = 0.0;               ///< the value furthest past the threshold
    double peak_seconds = 0.0;       ///< when it was first seen
    static constexpr std::size_t kMaxKept = 100;
};

/// The metrics of `run` that crossed an alert rule's threshold, in the rules' order; a rule
/// whose condition never held, or whose metric is not in the record, adds nothing, and rules
/// with the same metric, subject, comparison and threshold share one entry.
std::vector<ThresholdCrossings> find_threshold_crossings(const RunResult& run);

} // namespace tpssim::models

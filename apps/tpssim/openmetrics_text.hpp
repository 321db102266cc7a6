#pragma once
/// The monitoring record as OpenMetrics text (`tpssim run --openmetrics FILE`), the format
/// `promtool tsdb create-blocks-from openmetrics` backfills into a Prometheus TSDB: one metric
/// family per catalogue metric the run recorded, with `# TYPE`, `# UNIT` (where the name ends
/// in its unit, as OpenMetrics requires: seconds, bytes, ratio) and `# HELP`, then every
/// subject's samples in time order, each with its timestamp (openmetrics_labels.hpp: labels
/// and epoch), then `# EOF`.
///
/// The `_total` metrics are counters (family name without `_total`); every other metric is a
/// gauge: the rates and ratios are over the last scrape interval, as the recorder computes
/// them, and the latency quantiles are one gauge per quantile (tps_latency_p99_seconds), the
/// names the CSV, the results file and the alert rules use. A scrape without data (a latency
/// quantile when nothing ended) is a NaN sample, as histogram_quantile gives in Prometheus:
/// comparisons with it are false, so rules read it as tpssim does.

#include "models/run_result.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tpssim {

/// Hands the OpenMetrics text of `run`'s monitoring record to `sink` in pieces (whole lines).
void write_openmetrics(const models::RunResult& run,
                       const std::optional<std::chrono::local_seconds>& start,
                       const std::function<void(std::string_view)>& sink);

/// The same as one string (tests, small runs).
std::string openmetrics_text(const models::RunResult& run,
                             const std::optional<std::chrono::local_seconds>& start);

/// The OpenMetrics `# UNIT` of a catalogue metric: "seconds", "bytes" or "ratio" when its
/// name ends in that unit, else "" (no UNIT line: OpenMetrics wants the unit as the suffix).
std::string_view openmetrics_unit(const models::MetricInfo& info);

/// Whether the metric is a counter (its name ends in `_total`); else a gauge.
bool is_counter(const models::MetricInfo& info);

} // namespace tpssim

#pragma once
/// The monitoring record as CSV (`tpssim run --metrics FILE.csv`), for spreadsheets and grep:
/// a header, then one row per kept scrape and subject (MetricTable), columns `time_seconds`,
/// `time` (the local date and time, only when the scenario has a calendar `start:`), `subject`,
/// then one per metric (its Prometheus name). An empty cell: the metric does not apply to that
/// subject, or had no data at that scrape (NaN: a latency quantile when nothing ended).

#include "models/run_result.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tpssim {

/// Hands the CSV text of `run`'s monitoring record to `sink` in pieces (whole lines).
void write_metrics_csv(const models::RunResult& run,
                       const std::optional<std::chrono::local_seconds>& start,
                       const std::function<void(std::string_view)>& sink);

/// The same as one string (tests, small runs).
std::string metrics_csv(const models::RunResult& run,
                        const std::optional<std::chrono::local_seconds>& start);

} // namespace tpssim

#pragma once
/// A Grafana dashboard (`tpssim run --grafana FILE.json`) for a Prometheus that holds the run's
/// OpenMetrics file: the program's seven panels (breaker state, queue depth, worker utilisation
/// and replicas, error rate, latency p50/p90/p99, throughput, CPU and memory), each over the
/// metric names and labels of that file (openmetrics_labels.hpp), with a `datasource` variable
/// (any Prometheus data source) and a `service` variable (label_values, multi-select, All by
/// default) that every query filters on. Its time range is the run's, in UTC (the calendar
/// start read as UTC, as the OpenMetrics timestamps are). A panel whose metrics the run did not
/// record (no calls: no breakers) keeps its place, says so, and queries nothing.

#include "models/run_result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tpssim {

/// The dashboard's JSON text; schemaVersion 39 (Grafana 10.4 and 11).
std::string grafana_dashboard_json(std::string_view scenario_name, const models::RunResult& run,
                                   const std::optional<std::chrono::local_seconds>& start,
                                   double scrape_interval_seconds);

} // namespace tpssim

#pragma once
/// How the monitoring record reads in Prometheus: the labels of each subject and the instant
/// of t = 0. Shared by the OpenMetrics file, the rules file and the Grafana dashboard, so a
/// query written against one matches the others.
///
/// A service or queue is `{service="api"}`; a call edge `{service="worker",call="db"}` (the
/// caller and its call key, "db#2" for a second call to db); a network link
/// `{link="worker->db"}`. Times are Unix seconds: the calendar `start:` read as UTC (so a
/// Grafana set to UTC shows the scenario's clock times), or, without a start, Monday
/// 1970-01-05T00:00:00Z (the model's t = 0 for daily and weekly patterns, as the traces file's)
/// plus the simulated seconds.

#include "models/metrics.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tpssim {

/// The label set of `subject` (a service, "caller->key" edge or link) as PromQL and OpenMetrics
/// write it, braces included: `{service="api"}`.
std::string prometheus_labels(models::MetricSubject kind, std::string_view subject);

/// The Unix time, in seconds, of simulated t = 0: the calendar start read as UTC, else
/// 345,600 (Monday 1970-01-05 00:00 UTC).
double prometheus_epoch_seconds(const std::optional<std::chrono::local_seconds>& start);

/// A label value or HELP text with `\`, `"` and line breaks escaped (OpenMetrics, PromQL).
std::string escape_label_value(std::string_view text);

} // namespace tpssim

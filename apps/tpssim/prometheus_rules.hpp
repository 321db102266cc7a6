#pragma once
/// The scenario's alert rules as a Prometheus rules file (`tpssim run --prometheus-rules
/// FILE`), over the metric names and labels of the OpenMetrics file (openmetrics_labels.hpp):
/// one group evaluated every scrape interval, one alerting rule per `alerts:` entry with its
/// `expr` (`metric{labels} op threshold`, the threshold in the metric's base unit), `for`,
/// `labels: {severity}` and `annotations: {summary: the condition as written}`. Prometheus
/// evaluates it as tpssim does (models/alerts.hpp), so over the backfilled series it fires at
/// the times the run's event log says. A name with '-' (which Prometheus does not allow in an
/// alert name) has it replaced by '_'.

#include "models/operations_params.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tpssim {

/// The rules file's YAML text.
std::string prometheus_rules_yaml(std::string_view scenario_name,
                                  const std::vector<models::AlertRuleParams>& rules,
                                  sim::SimTime evaluation_interval);

/// A rule's PromQL expression: `tps_error_ratio{service="api"} > 0.05`.
std::string prometheus_alert_expr(const models::Condition& condition);

/// An alert name as Prometheus accepts it ('-' replaced by '_').
std::string prometheus_alert_name(std::string_view name);

/// A duration as Prometheus writes it: "2m30s", "15s", "0s", "250ms".
std::string prometheus_duration(sim::SimTime duration);

} // namespace tpssim

#include "models/monitoring.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace tpssim::models {

void CountersSinceStart::keep(const ServiceStats& st, SimTime now) {
    arrivals += st.arrivals;
    completed += st.completed;
    failed += st.failed;
    rejected += st.rejected;
    timed_out += st.timed_out;
    dead_lettered += st.dead_lettered;
    redelivered += st.redelivered;
    busy_seconds += st.busy.integral_seconds(now);
    ready_seconds += st.workers.integral_seconds(now);
}

Monitoring::Monitoring(const OperationsParams& ops, std::vector<std::string> service_names,
                       std::vector<std::string> edge_labels, std::vector<std::string> link_labels)
    : services(service_names.size()), edges(edge_labels.size()), links(link_labels.size()),
      metrics_(std::move(service_names), std::move(edge_labels), std::move(link_labels)) {
    std::vector<AlertRuleParams> rules = ops.alerts;
    for (auto& r : rules) {
        if (r.condition.watchdog_absent) continue; // reads no metric
        const std::size_t column =
            metrics_.find(r.condition.metric.name, r.condition.metric.subject);
        if (column == MetricsRecorder::npos)
            throw std::invalid_argument(fmt::format("alert {}: no metric {} about {}", r.name,
                                                    r.condition.metric.name,
                                                    r.condition.metric.subject));
        r.condition.metric.column = static_cast<std::uint32_t>(column);
    }
    alerts_.emplace(std::move(rules));
    const auto& checks = ops.expectations;
    tallies_.assign(checks.size(), std::nullopt);
    tally_columns_.assign(checks.size(), MetricsRecorder::npos);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto kind = checks[i].kind;
        if (kind != ExpectationParams::Kind::Always && kind != ExpectationParams::Kind::Ever)
            continue;
        const auto& metric = checks[i].condition.metric;
        tally_columns_[i] = metrics_.find(metric.name, metric.subject);
        if (tally_columns_[i] != MetricsRecorder::npos) tallies_[i].emplace();
    }
}

std::vector<AlertChange> Monitoring::scrape(SimTime now, const OperationsParams& ops) {
    if (down) return alerts_->evaluate_heartbeat_missing(now);
    metrics_.record(now, services, edges, links);
    for (std::size_t i = 0; i < tallies_.size(); ++i)
        if (tallies_[i])
            tallies_[i]->observe(ops.expectations[i], now.seconds(),
                                 metrics_.latest(tally_columns_[i]));
    return alerts_->evaluate(now, metrics_);
}

void Monitoring::fill(const OperationsParams& ops, RunResult& out) const {
    out.metric_times_seconds = metrics_.times_seconds();
    out.metrics = metrics_.columns();
    out.metric_scrapes = metrics_.scrapes();
    out.metric_stride = metrics_.stride();
    out.metric_totals = metrics_.totals();
    out.expectation_tallies = tallies_;
    for (std::uint32_t a = 0; a < ops.alerts.size(); ++a) {
        const auto& rule = ops.alerts[a];
        out.alerts.push_back({rule.name, rule.severity, rule.condition.text,
                              rule.for_duration.seconds(), alerts_->firings(a),
                              rule.condition.metric.name, rule.condition.metric.subject,
                              rule.condition.op, rule.condition.threshold});
    }
}

} // namespace tpssim::models
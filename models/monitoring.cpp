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

Monitoring::Monitoring(const OperationsParams& ops, const MetricsRecorder& metrics)
    : services(metrics.service_count()), edges(metrics.edge_count()), links(metrics.link_count()) {
    std::vector<AlertRuleParams> rules = ops.alerts;
    for (auto& r : rules) {
        if (r.condition.watchdog_absent) continue; // reads no metric
        const std::size_t column =
            metrics.find(r.condition.metric.name, r.condition.metric.subject);
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
        tally_columns_[i] = metrics.find(metric.name, metric.subject);
        if (tally_columns_[i] != MetricsRecorder::npos) tallies_[i].emplace();
    }
}

std::vector<AlertChange> Monitoring::evaluate(SimTime now, const OperationsParams& ops,
                                              const MetricsRecorder& metrics) {
    if (down) return alerts_->evaluate_heartbeat_missing(now);
    for (std::size_t i = 0; i < tallies_.size(); ++i)
        if (tallies_[i])
            tallies_[i]->observe(ops.expectations[i], now.seconds(),
                                 metrics.latest(tally_columns_[i]));
    return alerts_->evaluate(now, metrics);
}

void Monitoring::fill(RunResult& out) const {
    out.expectation_tallies = tallies_;
}

} // namespace tpssim::models

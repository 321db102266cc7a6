#include "models/alerts.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace tpssim::models {

bool holds(Comparison op, double value, double threshold) {
    // Every comparison with NaN is false except !=; NaN means "no data", which PromQL treats
    // as an empty vector: the condition does not hold, whatever the operator.
    if (std::isnan(value)) return false;
    switch (op) {
    case Comparison::Less:
        return value < threshold;
    case Comparison::LessEqual:
        return value <= threshold;
    case Comparison::Greater:
        return value > threshold;
    case Comparison::GreaterEqual:
        return value >= threshold;
    case Comparison::Equal:
        return value == threshold;
    case Comparison::NotEqual:
        return value != threshold;
    }
    return false;
}

AlertEvaluator::AlertEvaluator(std::vector<AlertRuleParams> rules)
    : rules_(std::move(rules)), states_(rules_.size()) {
    for (std::size_t r = 0; r < rules_.size(); ++r)
        if (rules_[r].condition.range_function != RangeFunction::None)
            states_[r].window.emplace(rules_[r].condition.range);
}

std::vector<AlertChange> AlertEvaluator::evaluate(SimTime now, const MetricsRecorder& metrics) {
    std::vector<AlertChange> changes;
    for (std::uint32_t r = 0; r < rules_.size(); ++r) {
        const auto& c = rules_[r].condition;
        if (c.watchdog_absent) {
            // The heartbeat arrived: the switch's condition is false (its value: 0 silent).
            step(r, now, false, 0.0, changes);
            continue;
        }
        double value = metrics.latest(c.metric.column);
        if (auto& window = states_[r].window) {
            window->observe(now, value);
            value =
                c.range_function == RangeFunction::Rate ? window->rate(now) : window->increase(now);
        }
        step(r, now, holds(c.op, value, c.threshold), value, changes);
    }
    return changes;
}

std::vector<AlertChange> AlertEvaluator::evaluate_heartbeat_missing(SimTime now) {
    std::vector<AlertChange> changes;
    for (std::uint32_t r = 0; r < rules_.size(); ++r)
        if (rules_[r].condition.watchdog_absent) step(r, now, true, 1.0, changes);
    return changes;
}

void AlertEvaluator::step(std::uint32_t r, SimTime now, bool held, double value,
                          std::vector<AlertChange>& changes) {
    const auto& rule = rules_[r];
    auto& s = states_[r];
    if (held) {
        // Prometheus sets activeAt at the first true evaluation and fires at the first
        // evaluation where now - activeAt >= for; with for: 0 that is the same evaluation.
        if (s.state == State::Inactive) {
            s.state = State::Pending;
            s.active_since = now;
        }
        if (s.state == State::Pending && now - s.active_since >= rule.for_duration) {
            s.state = State::Firing;
            s.firings.push_back({now.seconds(), std::numeric_limits<double>::quiet_NaN(), value});
            changes.push_back({r, true, value});
        }
        return;
    }
    if (s.state == State::Firing) {
        s.firings.back().resolved_seconds = now.seconds();
        changes.push_back({r, false, value});
    }
    // A pending rule that stops holding starts from scratch next time (flapping never
    // accumulates towards `for`).
    s.state = State::Inactive;
}

} // namespace tpssim::models

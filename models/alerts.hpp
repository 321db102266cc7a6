#pragma once
/// Alert rules evaluated in simulated time with Prometheus' semantics: at each evaluation
/// (each scrape) a rule whose condition holds becomes pending; once it has held for its
/// `for` duration (measured from the first evaluation that found it true) it fires; the first
/// evaluation that finds it false resolves it (or clears the pending state). A rule with
/// `for: 0` fires at the first evaluation that finds it true. A value of NaN (no data) counts
/// as false, as an empty vector does in PromQL. While monitoring is down nothing is evaluated,
/// so states hold (Prometheus is down too), except the dead man's switch.
///
/// The dead man's switch (`absent(watchdog)`) is how Prometheus users notice that their
/// monitoring itself is gone: Prometheus sends an always-firing "Watchdog" alert at every
/// evaluation, and a receiver outside it pages when that heartbeat stops arriving. Such a rule
/// is evaluated at every scrape interval, monitoring up or down: it holds while monitoring is
/// down (no heartbeat), and fires once it has held for its `for`.
///
/// A condition on `increase(counter[range])` or `rate(...)` keeps the counter's samples of
/// the range (CounterWindow) and compares what Prometheus computes from them; a scrape missed
/// while monitoring is down is a missing sample, as in Prometheus.

#include "models/counter_window.hpp"
#include "models/metrics.hpp"
#include "models/operations_params.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpssim::models {

/// `value op threshold`; false for NaN.
bool holds(Comparison op, double value, double threshold);

/// One firing of an alert: [fired, resolved); resolved is NaN while still firing.
struct AlertFiring {
    double fired_seconds = 0.0;
    double resolved_seconds = 0.0;
    double value = 0.0; ///< the metric's value when it fired
};

/// What an evaluation changed, for the event log and for triggered actions.
struct AlertChange {
    std::uint32_t rule = 0;
    bool fired = true; ///< false: resolved
    double value = 0.0;
};

class AlertEvaluator {
public:
    /// `rules`' conditions must carry their recorder column (MetricRef::column).
    explicit AlertEvaluator(std::vector<AlertRuleParams> rules);

    /// Evaluates every rule on the recorder's latest row, at `now`; returns what changed.
    /// The heartbeat arrived: monitoring is up (dead man's switches do not hold).
    std::vector<AlertChange> evaluate(SimTime now, const MetricsRecorder& metrics);
    /// Monitoring is down at `now`: only the dead man's switches are evaluated (they hold).
    std::vector<AlertChange> evaluate_heartbeat_missing(SimTime now);

    enum class State : std::uint8_t { Inactive, Pending, Firing };
    State state(std::uint32_t rule) const { return states_[rule].state; }
    /// Every firing of rule `rule` so far, in order.
    const std::vector<AlertFiring>& firings(std::uint32_t rule) const {
        return states_[rule].firings;
    }
    const std::vector<AlertRuleParams>& rules() const { return rules_; }

private:
    /// Moves rule `r` on by one evaluation whose condition `held` (value `value`).
    void step(std::uint32_t r, SimTime now, bool held, double value,
              std::vector<AlertChange>& changes);

    struct RuleState {
        State state = State::Inactive;
        SimTime active_since = SimTime::zero();
        std::vector<AlertFiring> firings;
        std::optional<CounterWindow> window; ///< the range's samples, for increase()/rate()
    };
    std::vector<AlertRuleParams> rules_;
    std::vector<RuleState> states_;
};

} // namespace tpssim::models
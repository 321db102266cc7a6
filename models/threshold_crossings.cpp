#include "models/threshold_crossings.hpp"

#include "models/alerts.hpp"
#include "models/expectations.hpp"

#include <algorithm>
#include <cmath>

namespace tpssim::models {

namespace {

// Whether `value` is further past the threshold than `than`: the highest for an upper bound
// crossed (>), the lowest for a lower one (<), the furthest from it for !=.
bool further(Comparison op, double threshold, double value, double than) {
    switch (op) {
    case Comparison::Greater:
    case Comparison::GreaterEqual:
        return value > than;
    case Comparison::Less:
    case Comparison::LessEqual:
        return value < than;
    case Comparison::NotEqual:
        return std::fabs(value - threshold) > std::fabs(than - threshold);
    case Comparison::Equal:
        return false;
    }
    return false;
}

ThresholdCrossings crossings_of(const AlertResult& rule, const MetricsRecorder::Column& column,
                                const std::vector<double>& times, double end_seconds) {
    ThresholdCrossings out;
    out.metric = column.name;
    out.subject = column.subject;
    out.unit = column.unit;
    out.condition = rule.condition;
    out.rules = {rule.name};
    out.op = rule.op;
    out.threshold = rule.threshold;
    const std::size_t n = std::min(times.size(), column.values.size());
    Crossing current;
    bool inside = false;
    const auto close = [&](double to_seconds, bool ongoing) {
        current.to_seconds = to_seconds;
        current.ongoing = ongoing;
        out.total_seconds += current.duration_seconds();
        if (out.count == 0 || further(out.op, out.threshold, current.peak, out.peak)) {
            out.peak = current.peak;
            out.peak_seconds = current.peak_seconds;
        }
        ++out.count;
        if (out.crossings.size() < ThresholdCrossings::kMaxKept) out.crossings.push_back(current);
        inside = false;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const double t = times[i];
        const double v = column.values[i];
        if (!holds(rule.op, v, rule.threshold)) {
            if (inside) close(t, false);
            continue;
        }
        if (!inside) {
            current = Crossing{t, t, false, v, t};
            inside = true;
        } else if (further(rule.op, rule.threshold, v, current.peak)) {
            current.peak = v;
            current.peak_seconds = t;
        }
    }
    if (inside) close(std::max(end_seconds, current.from_seconds), true);
    return out;
}

} // namespace

std::vector<ThresholdCrossings> find_threshold_crossings(const RunResult& run) {
    std::vector<ThresholdCrossings> out;
    for (const auto& rule : run.alerts) {
        // A rule on a counter's increase() or rate(): the counter's own values are not what
        // its threshold is about (its firings say when the increase crossed it).
        if (rule.range_seconds > 0.0) continue;
        const auto c = find_column(run.metrics, rule.metric, rule.subject);
        if (!c) continue;
        const auto& column = run.metrics[*c];
        const auto same = std::find_if(out.begin(), out.end(), [&](const ThresholdCrossings& x) {
            return x.metric == column.name && x.subject == column.subject && x.op == rule.op &&
                   x.threshold == rule.threshold;
        });
        if (same != out.end()) {
            same->rules.push_back(rule.name);
            continue;
        }
        auto found = crossings_of(rule, column, run.metric_times_seconds, run.simulated_seconds);
        if (found.count > 0) out.push_back(std::move(found));
    }
    return out;
}

} // namespace tpssim::models

#include "models/expectations.hpp"

#include "models/alerts.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <string>
#include <utility>

namespace models {

namespace {

using Kind = ExpectationParams::Kind;

// A time for `observed`: whole seconds without a fraction or an exponent ("t=3615s"), others
// to six significant digits.
std::string at(double seconds) {
    if (seconds == std::floor(seconds) && std::fabs(seconds) < 1e15)
        return fmt::format("t={:.0f}s", seconds);
    return fmt::format("t={:.6g}s", seconds);
}

// The window [from, to] in seconds; kNever as `to` reaches past any scrape.
struct Window {
    double from_seconds;
    double to_seconds;
    bool contains(double t) const { return from_seconds <= t && t <= to_seconds; }
};

Window window_of(const ExpectationParams& e) {
    return {e.from.seconds(),
            e.to == kNever ? std::numeric_limits<double>::infinity() : e.to.seconds()};
}

ExpectationResult result(const ExpectationParams& e, bool passed, std::string observed) {
    return {e.text, passed, std::move(observed)};
}

// Always / Ever over the scrapes of the window.
ExpectationResult check_series(const ExpectationParams& e, const RunResult& run) {
    const auto& cond = e.condition;
    // Accept an alias too ("error_rate"): the columns carry the Prometheus name.
    const MetricInfo* info = find_metric(cond.metric.name);
    const std::string_view name = info ? info->name : std::string_view(cond.metric.name);
    const MetricsRecorder::Column* column = nullptr;
    for (const auto& c : run.metrics)
        if (c.name == name && c.subject == cond.metric.subject) column = &c;
    if (column == nullptr)
        return result(e, false,
                      fmt::format("no metric {} of '{}'", cond.metric.name, cond.metric.subject));

    const Window w = window_of(e);
    const auto& times = run.metric_times_seconds;
    const std::size_t n = std::min(times.size(), column->values.size());
    std::size_t scrapes = 0, held = 0;
    std::size_t first_held = n, first_failed = n, first_nan = n;
    // The extremes of the values that are numbers: which one `observed` shows depends on the
    // direction of the comparison (the closest call to breaking, or to meeting, it).
    std::size_t i_min = n, i_max = n;
    for (std::size_t i = 0; i < n; ++i) {
        if (!w.contains(times[i])) continue;
        ++scrapes;
        const double v = column->values[i];
        if (holds(cond.op, v, cond.threshold)) {
            ++held;
            if (first_held == n) first_held = i;
        } else if (first_failed == n) {
            first_failed = i;
        }
        if (std::isnan(v)) {
            if (first_nan == n) first_nan = i;
            continue;
        }
        if (i_min == n || v < column->values[i_min]) i_min = i;
        if (i_max == n || v > column->values[i_max]) i_max = i;
    }
    if (scrapes == 0) return result(e, false, "no scrape in the window");
    if (i_min == n) return result(e, false, "no data in the window");

    const auto extreme = [&](const char* what, std::size_t i) {
        return fmt::format("{} {:.6g} at {}", what, column->values[i], at(times[i]));
    };
    const bool upper_bound = cond.op == Comparison::Less || cond.op == Comparison::LessEqual;
    const bool lower_bound = cond.op == Comparison::Greater || cond.op == Comparison::GreaterEqual;

    if (e.kind == Kind::Always) {
        const bool passed = held == scrapes;
        if (upper_bound && (passed || !holds(cond.op, column->values[i_max], cond.threshold)))
            return result(e, passed, extreme("max", i_max));
        if (lower_bound && (passed || !holds(cond.op, column->values[i_min], cond.threshold)))
            return result(e, passed, extreme("min", i_min));
        if (passed) return result(e, true, fmt::format("held at all {} scrapes", scrapes));
        if (first_failed == first_nan)
            return result(e, false, fmt::format("no data at {}", at(times[first_nan])));
        return result(e, false, extreme("value", first_failed));
    }
    // Ever.
    if (held > 0) return result(e, true, extreme("value", first_held));
    if (upper_bound) return result(e, false, extreme("min", i_min));
    if (lower_bound) return result(e, false, extreme("max", i_max));
    return result(e, false, fmt::format("not at any of {} scrapes", scrapes));
}

ExpectationResult check_total(const ExpectationParams& e, const RunResult& run) {
    const auto& cond = e.condition;
    const auto value = summary_total(run, cond.metric.name, cond.metric.subject);
    if (!value)
        return result(e, false,
                      fmt::format("no total {} of '{}'", cond.metric.name, cond.metric.subject));
    return result(e, holds(cond.op, *value, cond.threshold), fmt::format("value {:.6g}", *value));
}

ExpectationResult check_alert(const ExpectationParams& e, const RunResult& run) {
    if (e.alert >= run.alerts.size()) return result(e, false, fmt::format("no alert #{}", e.alert));
    const Window w = window_of(e);
    const auto& firings = run.alerts[e.alert].firings;
    const AlertFiring* in_window = nullptr;
    for (const auto& f : firings)
        if (w.contains(f.fired_seconds)) {
            in_window = &f;
            break;
        }
    const bool wants_firing = e.kind == Kind::AlertFires;
    if (in_window != nullptr)
        return result(e, wants_firing,
                      fmt::format("first fired at {}", at(in_window->fired_seconds)));
    // Say so when it fired, but outside the window: the likely cause of a surprise.
    if (!firings.empty())
        return result(e, !wants_firing,
                      fmt::format("never fired in the window (first at {})",
                                  at(firings.front().fired_seconds)));
    return result(e, !wants_firing, "never fired");
}

ExpectationResult check_breaker(const ExpectationParams& e, const RunResult& run) {
    if (e.service >= run.services.size())
        return result(e, false, fmt::format("no service #{}", e.service));
    const auto& service = run.services[e.service];
    const CallResult* call = nullptr;
    for (const auto& c : service.calls)
        if (c.key == e.edge_key) call = &c;
    if (call == nullptr)
        return result(e, false, fmt::format("no call '{}' at {}", e.edge_key, service.name));
    const Window w = window_of(e);
    const bool wants_open = e.kind == Kind::BreakerOpens;
    for (const auto& t : call->breaker_transitions)
        if (t.to == "open" && w.contains(t.at_seconds))
            return result(e, wants_open, fmt::format("opened at {}", at(t.at_seconds)));
    return result(e, !wants_open, "never opened");
}

ExpectationResult check_canary(const ExpectationParams& e, const RunResult& run) {
    if (e.service >= run.services.size())
        return result(e, false, fmt::format("no service #{}", e.service));
    const auto& service = run.services[e.service];
    if (service.canary_phase.empty()) return result(e, false, "no canary");
    const std::string_view wanted = e.kind == Kind::CanaryPromoted ? "promoted" : "rolled_back";
    return result(e, service.canary_phase == wanted,
                  fmt::format("{} (weight {:.6g})", service.canary_phase, service.canary_weight));
}

} // namespace

const std::vector<std::string_view>& summary_total_names() {
    static const std::vector<std::string_view> names = {
        "arrivals",
        "completed",
        "rejected",
        "failed",
        "timed_out",
        "dead_lettered",
        "redelivered",
        "duplicates",
        "crashes",
        "oom_kills",
        "replaced",
        "scale_ups",
        "scale_downs",
        "utilization",
        "throughput",
        "error_rate",
        "mean",
        "p50",
        "p90",
        "p99",
        "max",
        "replicas_max",
        "max_queue_length",
    };
    return names;
}

std::optional<double> summary_total(const RunResult& run, std::string_view name,
                                    std::string_view subject) {
    const ServiceResult* s = nullptr;
    for (const auto& service : run.services)
        if (service.name == subject) s = &service;
    if (s == nullptr) return std::nullopt;
    const auto count = [](std::uint64_t v) { return static_cast<double>(v); };
    if (name == "arrivals") return count(s->arrivals);
    if (name == "completed") return count(s->completed);
    if (name == "rejected") return count(s->rejected);
    if (name == "failed") return count(s->failed);
    if (name == "timed_out") return count(s->timed_out);
    if (name == "dead_lettered") return count(s->dead_lettered);
    if (name == "redelivered") return count(s->redelivered);
    if (name == "duplicates") return count(s->duplicates);
    if (name == "crashes") return count(s->crashes);
    if (name == "oom_kills") return count(s->oom_kills);
    if (name == "replaced") return count(s->replaced);
    if (name == "scale_ups") return count(s->scale_ups);
    if (name == "scale_downs") return count(s->scale_downs);
    if (name == "utilization") return s->utilization;
    if (name == "throughput") return s->throughput_per_second;
    if (name == "error_rate") {
        if (s->arrivals == 0) return 0.0;
        return count(s->failed + s->rejected + s->timed_out) / count(s->arrivals);
    }
    if (name == "mean") return s->latency_seconds.mean;
    if (name == "p50") return s->latency_seconds.p50;
    if (name == "p90") return s->latency_seconds.p90;
    if (name == "p99") return s->latency_seconds.p99;
    if (name == "max") return s->latency_seconds.max;
    if (name == "replicas_max") return s->replicas_max;
    if (name == "max_queue_length") return s->max_queue_length;
    return std::nullopt;
}

std::vector<ExpectationResult>
check_expectations(const std::vector<ExpectationParams>& expectations, const RunResult& run) {
    std::vector<ExpectationResult> results;
    results.reserve(expectations.size());
    for (const auto& e : expectations) {
        switch (e.kind) {
        case Kind::Always:
        case Kind::Ever:
            results.push_back(check_series(e, run));
            break;
        case Kind::Total:
            results.push_back(check_total(e, run));
            break;
        case Kind::AlertFires:
        case Kind::AlertNeverFires:
            results.push_back(check_alert(e, run));
            break;
        case Kind::BreakerOpens:
        case Kind::BreakerNeverOpens:
            results.push_back(check_breaker(e, run));
            break;
        case Kind::CanaryPromoted:
        case Kind::CanaryRolledBack:
            results.push_back(check_canary(e, run));
            break;
        }
    }
    return results;
}

} // namespace models

#include "models/expectations.hpp"

#include "models/alerts.hpp"
#include "models/clock_format.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <string>
#include <utility>

namespace tpssim::models {

namespace {

using Kind = ExpectationParams::Kind;

// A time for `observed`: with a calendar start the clock time ("15:02:15", see ClockFormat);
// without one whole seconds without a fraction or an exponent ("t=3615s"), others to six
// significant digits.
std::string at(const ClockFormat& clock, double seconds) {
    if (clock.has_calendar()) return clock(seconds);
    if (seconds == std::floor(seconds) && std::fabs(seconds) < 1e15)
        return fmt::format("t={:.0f}s", seconds);
    return fmt::format("t={:.6g}s", seconds);
}

ExpectationResult result(const ExpectationParams& e, bool passed, std::string observed) {
    return {e.text, passed, std::move(observed)};
}

// Always / Ever over the scrapes of the window, as tallied.
ExpectationResult check_series(const ExpectationParams& e, const SeriesWindowTally& tally,
                               const ClockFormat& clock) {
    const auto& cond = e.condition;
    if (tally.scrapes == 0) return result(e, false, "no scrape in the window");
    if (!tally.min) return result(e, false, "no data in the window");

    const auto extreme = [&clock](const char* what, const SeriesWindowTally::Point& p) {
        return fmt::format("{} {:.6g} at {}", what, p.value, at(clock, p.t_seconds));
    };
    const bool upper_bound = cond.op == Comparison::Less || cond.op == Comparison::LessEqual;
    const bool lower_bound = cond.op == Comparison::Greater || cond.op == Comparison::GreaterEqual;

    if (e.kind == Kind::Always) {
        const bool passed = tally.held == tally.scrapes;
        // The extreme that comes closest to breaking the bound (or breaks it).
        if (upper_bound && (passed || !holds(cond.op, tally.max->value, cond.threshold)))
            return result(e, passed, extreme("max", *tally.max));
        if (lower_bound && (passed || !holds(cond.op, tally.min->value, cond.threshold)))
            return result(e, passed, extreme("min", *tally.min));
        if (passed) return result(e, true, fmt::format("held at all {} scrapes", tally.scrapes));
        if (tally.first_nan_seconds && *tally.first_nan_seconds == tally.first_failed->t_seconds)
            return result(e, false,
                          fmt::format("no data at {}", at(clock, *tally.first_nan_seconds)));
        return result(e, false, extreme("value", *tally.first_failed));
    }
    // Ever.
    if (tally.held > 0) return result(e, true, extreme("value", *tally.first_held));
    if (upper_bound) return result(e, false, extreme("min", *tally.min));
    if (lower_bound) return result(e, false, extreme("max", *tally.max));
    return result(e, false, fmt::format("not at any of {} scrapes", tally.scrapes));
}

ExpectationResult check_series(const ExpectationParams& e, std::size_t index, const RunResult& run,
                               const ClockFormat& clock) {
    if (run.expectation_tallies.size() > index && run.expectation_tallies[index])
        return check_series(e, *run.expectation_tallies[index], clock);
    const auto tally = tally_rows(e, run);
    if (!tally)
        return result(e, false,
                      fmt::format("no metric {} of '{}'", e.condition.metric.name,
                                  e.condition.metric.subject));
    return check_series(e, *tally, clock);
}

ExpectationResult check_total(const ExpectationParams& e, const RunResult& run) {
    const auto& cond = e.condition;
    const auto value = summary_total(run, cond.metric.name, cond.metric.subject);
    if (!value)
        return result(e, false,
                      fmt::format("no total {} of '{}'", cond.metric.name, cond.metric.subject));
    // A latency of no request is no evidence: "p99(api) < 1ms" must not pass vacuously.
    if (std::isnan(*value))
        return result(
            e, false,
            fmt::format("no data: no request ended at {} after the warm-up", cond.metric.subject));
    return result(e, holds(cond.op, *value, cond.threshold), fmt::format("value {:.6g}", *value));
}

ExpectationResult check_alert(const ExpectationParams& e, const RunResult& run,
                              const ClockFormat& clock) {
    if (e.alert >= run.alerts.size()) return result(e, false, fmt::format("no alert #{}", e.alert));
    const auto& firings = run.alerts[e.alert].firings;
    const AlertFiring* first_in_window = nullptr;
    for (const auto& f : firings)
        if (in_window(e, f.fired_seconds)) {
            first_in_window = &f;
            break;
        }
    const bool wants_firing = e.kind == Kind::AlertFires;
    if (first_in_window != nullptr)
        return result(e, wants_firing,
                      fmt::format("first fired at {}", at(clock, first_in_window->fired_seconds)));
    // Say so when it fired, but outside the window: the likely cause of a surprise.
    if (!firings.empty())
        return result(e, !wants_firing,
                      fmt::format("never fired in the window (first at {})",
                                  at(clock, firings.front().fired_seconds)));
    return result(e, !wants_firing, "never fired");
}

ExpectationResult check_breaker(const ExpectationParams& e, const RunResult& run,
                                const ClockFormat& clock) {
    if (e.service >= run.services.size())
        return result(e, false, fmt::format("no service #{}", e.service));
    const auto& service = run.services[e.service];
    const CallResult* call = nullptr;
    for (const auto& c : service.calls)
        if (c.key == e.edge_key) call = &c;
    if (call == nullptr)
        return result(e, false, fmt::format("no call '{}' at {}", e.edge_key, service.name));
    const bool wants_open = e.kind == Kind::BreakerOpens;
    for (const auto& t : call->breaker_transitions)
        if (t.to == "open" && in_window(e, t.at_seconds))
            return result(e, wants_open, fmt::format("opened at {}", at(clock, t.at_seconds)));
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

std::optional<std::size_t> find_column(const std::vector<MetricsRecorder::Column>& columns,
                                       std::string_view metric, std::string_view subject) {
    // Accept an alias too ("error_rate"): the columns carry the Prometheus name.
    const MetricInfo* info = find_metric(metric);
    const std::string_view name = info ? info->name : metric;
    for (std::size_t c = 0; c < columns.size(); ++c)
        if (columns[c].name == name && columns[c].subject == subject) return c;
    return std::nullopt;
}

std::optional<SeriesWindowTally> tally_rows(const ExpectationParams& e, const RunResult& run) {
    const auto c = find_column(run.metrics, e.condition.metric.name, e.condition.metric.subject);
    if (!c) return std::nullopt;
    const auto& values = run.metrics[*c].values;
    const std::size_t n = std::min(run.metric_times_seconds.size(), values.size());
    SeriesWindowTally tally;
    for (std::size_t i = 0; i < n; ++i)
        tally.observe(e, run.metric_times_seconds[i], values[i]);
    return tally;
}

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
    const ClockFormat clock(run.start, run.simulated_seconds);
    for (std::size_t i = 0; i < expectations.size(); ++i) {
        const auto& e = expectations[i];
        switch (e.kind) {
        case Kind::Always:
        case Kind::Ever:
            results.push_back(check_series(e, i, run, clock));
            break;
        case Kind::Total:
            results.push_back(check_total(e, run));
            break;
        case Kind::AlertFires:
        case Kind::AlertNeverFires:
            results.push_back(check_alert(e, run, clock));
            break;
        case Kind::BreakerOpens:
        case Kind::BreakerNeverOpens:
            results.push_back(check_breaker(e, run, clock));
            break;
        case Kind::CanaryPromoted:
        case Kind::CanaryRolledBack:
            results.push_back(check_canary(e, run));
            break;
        }
    }
    return results;
}

} // namespace tpssim::models
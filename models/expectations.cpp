#include "models/expectations.hpp"

#include "models/alerts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace tpssim::models {

namespace {

using Kind = ExpectationParams::Kind;
using Obs = ObservationKind;

ExpectationResult result(const ExpectationParams& e, bool passed, ExpectationObservation observed) {
    return {e.text, passed, std::move(observed)};
}

double seconds(sim::SimTime t) {
    if (t == kNever) return std::numeric_limits<double>::infinity();
    return t.seconds();
}

// What every observation of check `e` carries: its window (when it has one) and subject.
ExpectationObservation base(const ExpectationParams& e) {
    ExpectationObservation o;
    switch (e.kind) {
    case Kind::Always:
    case Kind::Ever:
    case Kind::AlertFires:
    case Kind::AlertNeverFires:
    case Kind::BreakerOpens:
    case Kind::BreakerNeverOpens:
        o.from_seconds = seconds(e.from);
        o.to_seconds = seconds(e.to);
        break;
    case Kind::Total:
    case Kind::CanaryPromoted:
    case Kind::CanaryRolledBack:
        break;
    }
    return o;
}

ExpectationObservation observation(const ExpectationParams& e, Obs kind) {
    auto o = base(e);
    o.kind = kind;
    return o;
}

// Always / Ever over the scrapes of the window, as tallied.
ExpectationResult check_series(const ExpectationParams& e, const SeriesWindowTally& tally) {
    const auto& cond = e.condition;
    const MetricInfo* info = find_metric(cond.metric.name);
    auto observed = [&e, &tally, info](Obs kind) {
        auto o = observation(e, kind);
        o.name = info != nullptr ? std::string(info->name) : e.condition.metric.name;
        o.subject = e.condition.metric.subject;
        o.scrapes = tally.scrapes;
        o.scrapes_held = tally.held;
        return o;
    };
    if (tally.scrapes == 0) return result(e, false, observed(Obs::NoScrapeInWindow));
    if (!tally.min) return result(e, false, observed(Obs::NoDataInWindow));

    const auto point = [&observed, info](Obs kind, const SeriesWindowTally::Point& p) {
        auto o = observed(kind);
        o.value = p.value;
        o.at_seconds = p.t_seconds;
        if (info != nullptr) o.unit = std::string(info->unit);
        return o;
    };
    const bool upper_bound = cond.op == Comparison::Less || cond.op == Comparison::LessEqual;
    const bool lower_bound = cond.op == Comparison::Greater || cond.op == Comparison::GreaterEqual;

    if (e.kind == Kind::Always) {
        const bool passed = tally.held == tally.scrapes;
        // The extreme that comes closest to breaking the bound (or breaks it).
        if (upper_bound && (passed || !holds(cond.op, tally.max->value, cond.threshold)))
            return result(e, passed, point(Obs::Max, *tally.max));
        if (lower_bound && (passed || !holds(cond.op, tally.min->value, cond.threshold)))
            return result(e, passed, point(Obs::Min, *tally.min));
        if (passed) return result(e, true, observed(Obs::HeldAtAll));
        if (tally.first_nan_seconds && *tally.first_nan_seconds == tally.first_failed->t_seconds) {
            auto o = observed(Obs::NoDataAt);
            o.at_seconds = *tally.first_nan_seconds;
            return result(e, false, std::move(o));
        }
        return result(e, false, point(Obs::ValueAt, *tally.first_failed));
    }
    // Ever.
    if (tally.held > 0) return result(e, true, point(Obs::ValueAt, *tally.first_held));
    if (upper_bound) return result(e, false, point(Obs::Min, *tally.min));
    if (lower_bound) return result(e, false, point(Obs::Max, *tally.max));
    return result(e, false, observed(Obs::NotAtAny));
}

ExpectationResult check_series(const ExpectationParams& e, std::size_t index,
                               const RunResult& run) {
    if (run.expectation_tallies.size() > index && run.expectation_tallies[index])
        return check_series(e, *run.expectation_tallies[index]);
    const auto tally = tally_rows(e, run);
    if (!tally) {
        auto o = observation(e, Obs::NoMetric);
        o.name = e.condition.metric.name;
        o.subject = e.condition.metric.subject;
        return result(e, false, std::move(o));
    }
    return check_series(e, *tally);
}

ExpectationResult check_total(const ExpectationParams& e, const RunResult& run) {
    const auto& cond = e.condition;
    auto o = observation(e, Obs::Total);
    o.name = cond.metric.name;
    o.subject = cond.metric.subject;
    const auto value = summary_total(run, cond.metric.name, cond.metric.subject);
    if (!value) {
        o.kind = Obs::NoTotal;
        return result(e, false, std::move(o));
    }
    // A latency of no request is no evidence: "p99(api) < 1ms" must not pass vacuously.
    if (std::isnan(*value)) {
        o.kind = Obs::NoRequestEnded;
        return result(e, false, std::move(o));
    }
    o.value = *value;
    o.unit = std::string(summary_total_unit(cond.metric.name));
    return result(e, holds(cond.op, *value, cond.threshold), std::move(o));
}

ExpectationResult check_alert(const ExpectationParams& e, const RunResult& run) {
    if (e.alert >= run.alerts.size()) {
        auto o = observation(e, Obs::NoAlert);
        o.index = e.alert;
        return result(e, false, std::move(o));
    }
    const auto& rule = run.alerts[e.alert];
    const auto& firings = rule.firings;
    const AlertFiring* first_in_window = nullptr;
    for (const auto& f : firings)
        if (in_window(e, f.fired_seconds)) {
            first_in_window = &f;
            break;
        }
    const bool wants_firing = e.kind == Kind::AlertFires;
    auto o = observation(e, Obs::NeverFired);
    o.name = rule.name;
    o.subject = rule.subject;
    if (const MetricInfo* info = find_metric(rule.metric); info != nullptr)
        o.unit = std::string(info->unit); // of the value that fired it
    if (first_in_window != nullptr) {
        o.kind = Obs::FirstFired;
        o.at_seconds = first_in_window->fired_seconds;
        o.value = first_in_window->value;
        return result(e, wants_firing, std::move(o));
    }
    // Say so when it fired, but outside the window: the likely cause of a surprise.
    if (!firings.empty()) {
        o.kind = Obs::FiredOutsideWindow;
        o.at_seconds = firings.front().fired_seconds;
        o.value = firings.front().value;
    }
    return result(e, !wants_firing, std::move(o));
}

ExpectationResult check_breaker(const ExpectationParams& e, const RunResult& run) {
    if (e.service >= run.services.size()) {
        auto o = observation(e, Obs::NoService);
        o.index = e.service;
        return result(e, false, std::move(o));
    }
    const auto& service = run.services[e.service];
    auto o = observation(e, Obs::NeverOpened);
    o.name = e.edge_key;
    o.subject = service.name;
    const CallResult* call = nullptr;
    for (const auto& c : service.calls)
        if (c.key == e.edge_key) call = &c;
    if (call == nullptr) {
        o.kind = Obs::NoCall;
        return result(e, false, std::move(o));
    }
    const bool wants_open = e.kind == Kind::BreakerOpens;
    for (const auto& t : call->breaker_transitions)
        if (t.to == "open" && in_window(e, t.at_seconds)) {
            o.kind = Obs::Opened;
            o.at_seconds = t.at_seconds;
            return result(e, wants_open, std::move(o));
        }
    return result(e, !wants_open, std::move(o));
}

ExpectationResult check_canary(const ExpectationParams& e, const RunResult& run) {
    if (e.service >= run.services.size()) {
        auto o = observation(e, Obs::NoService);
        o.index = e.service;
        return result(e, false, std::move(o));
    }
    const auto& service = run.services[e.service];
    auto o = observation(e, Obs::NoCanary);
    o.subject = service.name;
    if (service.canary_phase.empty()) return result(e, false, std::move(o));
    const std::string_view wanted = e.kind == Kind::CanaryPromoted ? "promoted" : "rolled_back";
    o.kind = Obs::CanaryPhase;
    o.name = service.canary_phase;
    o.value = service.canary_weight;
    o.unit = "ratio";
    return result(e, service.canary_phase == wanted, std::move(o));
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
        "arrivals",   "completed",     "rejected",     "failed",
        "timed_out",  "dead_lettered", "redelivered",  "duplicates",
        "crashes",    "oom_kills",     "replaced",     "unschedulable",
        "scale_ups",  "scale_downs",   "utilization",  "throughput",
        "error_rate", "mean",          "p50",          "p90",
        "p99",        "max",           "replicas_max", "max_queue_length",
    };
    return names;
}

std::string_view summary_total_unit(std::string_view name) {
    if (name == "utilization" || name == "error_rate") return "ratio";
    if (name == "throughput") return "1/s";
    if (name == "mean" || name == "p50" || name == "p90" || name == "p99" || name == "max")
        return "seconds";
    return "count";
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
    if (name == "unschedulable") return count(s->unschedulable);
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
    for (std::size_t i = 0; i < expectations.size(); ++i) {
        const auto& e = expectations[i];
        switch (e.kind) {
        case Kind::Always:
        case Kind::Ever:
            results.push_back(check_series(e, i, run));
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

} // namespace tpssim::models
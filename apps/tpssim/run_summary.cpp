#include "apps/tpssim/run_summary.hpp"

#include "apps/tpssim/observation_text.hpp"

#include "sim/confidence_interval.hpp"

#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tpssim {

namespace {
// The figure `get(run)` over all runs: the value itself for one run, else mean and t-interval.
template <class Get>
Figure figure(const std::vector<models::RunResult>& runs, Get get) {
    std::vector<double> xs;
    xs.reserve(runs.size());
    for (const auto& r : runs)
        xs.push_back(static_cast<double>(get(r)));
    const auto ci = sim::mean_confidence_interval(xs, 0.95);
    return Figure{ci.mean, ci.half_width};
}

template <class Get>
DurationFigures durations(const std::vector<models::RunResult>& runs, Get get) {
    DurationFigures d;
    d.mean = figure(runs, [&](const auto& r) { return get(r).mean; });
    d.p50 = figure(runs, [&](const auto& r) { return get(r).p50; });
    d.p90 = figure(runs, [&](const auto& r) { return get(r).p90; });
    d.p99 = figure(runs, [&](const auto& r) { return get(r).p99; });
    d.max = figure(runs, [&](const auto& r) { return get(r).max; });
    return d;
}

SeriesFigures series_figures(const models::MetricsRecorder::Column& c,
                             const models::MetricsRecorder::SeriesTotals& totals) {
    SeriesFigures f;
    f.name = c.name;
    f.subject = c.subject;
    f.unit = c.unit;
    f.samples = totals.samples;
    f.min = totals.min;
    f.max = totals.max;
    f.mean = totals.mean();
    f.last = totals.last;
    return f;
}
} // namespace

bool ServiceFigures::has_operations() const {
    for (const Figure* x :
         {&scale_ups, &scale_downs, &crashes, &oom_kills, &replaced, &duplicates, &unschedulable})
        if (x->value > 0.0) return true;
    return has_canary() || replicas_min.value != replicas_max.value;
}

bool RunSummary::expectations_passed() const {
    for (const auto& e : expectations)
        if (!e.passed) return false;
    return true;
}

RunSummary summarise(const std::vector<models::RunResult>& runs, const std::string& scenario,
                     const std::string& file, std::uint64_t seed, double wall_seconds) {
    assert(!runs.empty());
    RunSummary s;
    s.scenario = scenario;
    s.file = file;
    s.seed = seed;
    s.replications = static_cast<std::uint32_t>(runs.size());
    s.simulated_seconds = runs.front().simulated_seconds;
    s.warmup_seconds = runs.front().warmup_seconds;
    s.wall_seconds = wall_seconds;
    s.start = runs.front().start;
    s.clock = ClockFormat(s.start, s.simulated_seconds);
    for (const auto& r : runs) {
        s.events += r.events;
        s.interrupted = s.interrupted || r.interrupted;
    }
    using RR = models::RunResult;
    const bool one = runs.size() == 1;
    for (std::size_t i = 0; i < runs.front().services.size(); ++i) {
        const auto& first = runs.front().services[i];
        auto svc = [i](const RR& r) -> const models::ServiceResult& { return r.services[i]; };
        ServiceFigures f;
        f.name = first.name;
        f.kind = first.kind;
#define TPSSIM_FIG(field) f.field = figure(runs, [&](const RR& r) { return svc(r).field; })
        TPSSIM_FIG(arrivals);
        TPSSIM_FIG(completed);
        TPSSIM_FIG(rejected);
        TPSSIM_FIG(failed);
        TPSSIM_FIG(timed_out);
        TPSSIM_FIG(dead_lettered);
        TPSSIM_FIG(redelivered);
        TPSSIM_FIG(throughput_per_second);
        TPSSIM_FIG(utilization);
        TPSSIM_FIG(mean_queue_length);
        TPSSIM_FIG(mean_in_system);
        TPSSIM_FIG(orphaned_work_seconds);
        TPSSIM_FIG(replicas_min);
        TPSSIM_FIG(replicas_max);
        TPSSIM_FIG(replicas_time_mean);
        TPSSIM_FIG(scale_ups);
        TPSSIM_FIG(scale_downs);
        TPSSIM_FIG(crashes);
        TPSSIM_FIG(oom_kills);
        TPSSIM_FIG(replaced);
        TPSSIM_FIG(duplicates);
        TPSSIM_FIG(unschedulable);
        f.placement = first.placement;
#undef TPSSIM_FIG
        f.canary_phase = first.canary_phase;
        f.canary_weight = first.canary_weight;
        f.wait_seconds = durations(runs, [&](const RR& r) { return svc(r).wait_seconds; });
        f.latency_seconds = durations(runs, [&](const RR& r) { return svc(r).latency_seconds; });
        if (one) f.dead_letters = first.dead_letters;
        for (std::size_t c = 0; c < first.calls.size(); ++c) {
            auto call = [&, c](const RR& r) -> const models::CallResult& {
                return svc(r).calls[c];
            };
            CallFigures cf;
            cf.key = first.calls[c].key;
            cf.target = first.calls[c].target;
#define TPSSIM_FIG(field) cf.field = figure(runs, [&](const RR& r) { return call(r).field; })
            TPSSIM_FIG(calls);
            TPSSIM_FIG(attempts);
            TPSSIM_FIG(succeeded);
            TPSSIM_FIG(failed);
            TPSSIM_FIG(errors);
            TPSSIM_FIG(timeouts);
            TPSSIM_FIG(retries);
            TPSSIM_FIG(retry_budget_exhausted);
            TPSSIM_FIG(not_permitted);
            TPSSIM_FIG(fallbacks);
            TPSSIM_FIG(cache_hits);
            TPSSIM_FIG(cache_misses);
#undef TPSSIM_FIG
            cf.latency_seconds =
                durations(runs, [&](const RR& r) { return call(r).latency_seconds; });
            cf.has_circuit_breaker = first.calls[c].has_circuit_breaker;
            cf.breaker_opened = figure(runs, [&](const RR& r) { return call(r).breaker_opened; });
            if (one) {
                cf.breaker_state = first.calls[c].breaker_state;
                cf.breaker_transitions = first.calls[c].breaker_transitions;
                cf.breaker_transitions_dropped = first.calls[c].breaker_transitions_dropped;
            }
            f.calls.push_back(std::move(cf));
        }
        s.services.push_back(std::move(f));
    }
    s.traced = runs.front().traced;
    s.spans = runs.front().spans;
    s.slowest_traces = runs.front().slowest_traces;

    const auto& first = runs.front();
    for (std::size_t a = 0; a < first.alerts.size(); ++a) {
        const auto& rule = first.alerts[a];
        AlertFigures af;
        af.name = rule.name;
        af.severity = rule.severity;
        af.condition = rule.condition;
        af.for_seconds = rule.for_seconds;
        af.firings = figure(runs, [a](const RR& r) { return r.alerts[a].firings.size(); });
        af.first_run_firings = rule.firings;
        s.alerts.push_back(std::move(af));
    }
    for (std::size_t e = 0; e < first.expectations.size(); ++e) {
        ExpectationFigures ef;
        ef.text = first.expectations[e].text;
        ef.observation = first.expectations[e].observation;
        ef.observed = observation_text(first.expectations[e], first);
        bool failure_seen = false;
        for (const auto& r : runs) {
            const auto& x = r.expectations[e];
            if (x.passed) {
                ++ef.passed_replications;
            } else if (!failure_seen) {
                failure_seen = true;
                ef.observation = x.observation;
                ef.observed = observation_text(x, r);
            }
        }
        ef.passed = !failure_seen;
        s.expectations.push_back(std::move(ef));
    }
    s.scrapes = first.metric_scrapes;
    s.rows_kept = first.metric_times_seconds.size();
    s.stride = first.metric_stride;
    if (first.metric_totals.size() != first.metrics.size())
        throw std::logic_error("run result: one monitoring total per column expected");
    for (std::size_t c = 0; c < first.metrics.size(); ++c)
        s.series.push_back(series_figures(first.metrics[c], first.metric_totals[c]));
    s.abnormal = models::find_threshold_crossings(first);
    s.event_log_events = first.event_log.events();
    s.event_log_dropped = first.event_log.dropped();
    return s;
}

} // namespace tpssim

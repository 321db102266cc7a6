#include "apps/tpssim/run_summary.hpp"

#include "sim/confidence_interval.hpp"

#include <cassert>

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
} // namespace

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
#undef TPSSIM_FIG
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
    return s;
}

} // namespace tpssim

// The figures: the warm-up's restart of the statistics, monitoring's readings at each scrape,
// the event log, and a run's results assembled from every component at the end.

#include "models/model.hpp"

#include "models/expectations.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <limits>

namespace tpssim::models {

using sim::SimTime;

namespace {
/// A breaker's state as a gauge (closed 0, half-open 1, open 2).
double breaker_state_value(CircuitBreaker::State s) {
    switch (s) {
    case CircuitBreaker::State::Closed:
        return 0.0;
    case CircuitBreaker::State::HalfOpen:
        return 1.0;
    case CircuitBreaker::State::Open:
        return 2.0;
    }
    return 0.0;
}
} // namespace

void Model::on_warmup_end(SimTime now) {
    for (auto& s : services_) {
        // Monitoring reads counters from t = 0: keep what the restart forgets.
        s.since_start.keep(s.stats, now);
        s.stats.restart(now);
    }
    for (auto& ed : edges_) {
        ed.before_warmup = ed.stats;
        ed.stats.restart();
        if (ed.breaker) ed.breaker->restart_statistics();
        if (ed.budget) ed.budget->restart_statistics();
        if (ed.cache) ed.cache->restart_statistics();
    }
}

void Model::on_scrape(sim::Simulation& sim) {
    sim.schedule_in(params_.operations.monitoring.scrape_interval, kScrape, 0);
    const SimTime now = sim.now();
    if (monitoring_->down) {
        // A gap: no sample, no rule evaluation; only a dead man's switch notices.
        report_alert_changes(sim, now,
                             monitoring_->evaluate(now, params_.operations, recorder_.metrics()));
        return;
    }
    for (std::uint32_t i = 0; i < services_.size(); ++i) {
        const auto& s = services_[i];
        const auto& st = s.stats;
        const auto& b = s.since_start;
        const auto& p = params_.services[i];
        auto& r = monitoring_->services[i];
        r.arrivals = b.arrivals + st.arrivals;
        r.completed = b.completed + st.completed;
        r.failed = b.failed + st.failed;
        r.rejected = b.rejected + st.rejected;
        r.timed_out = b.timed_out + st.timed_out;
        r.dead_lettered = b.dead_lettered + st.dead_lettered;
        r.redelivered = b.redelivered + st.redelivered;
        r.duplicates = s.kanban.duplicates();
        r.busy_worker_seconds = b.busy_seconds + st.busy.integral_seconds(now);
        r.ready_worker_seconds = b.ready_seconds + st.workers.integral_seconds(now);
        r.cpu_seconds = static_cast<double>(r.completed + r.failed + r.timed_out) *
                        ops_of(i).resources.cpu_per_request.seconds();
        const std::uint64_t capacity =
            p.kind == ServiceKind::Queue ? s.kanban.capacity() : s.queue_capacity;
        r.queue_capacity = capacity == kUnbounded ? std::numeric_limits<double>::infinity()
                                                  : static_cast<double>(capacity);
        if (p.kind == ServiceKind::Queue) {
            r.queue_depth = static_cast<double>(s.kanban.stored());
        } else {
            r.queue_depth = static_cast<double>(s.queue.size());
            r.replicas_ready = s.pool.ready();
            r.replicas_desired = s.pool.desired();
            // O(1): the pool keeps its memory sums as replicas start, leak and leave, so a
            // scrape of many services and replicas costs what its services and edges cost.
            r.memory_bytes = s.pool.mean_memory_bytes(ops_of(i).resources.memory_bytes,
                                                      s.faults.leak_bytes_per_second, now);
        }
        // Read the interval's quantiles and reset it at once, while its buckets are still in
        // the cache: a scan, then later a memset of each busy service's buckets, missed twice.
        r.interval_latency_p50_p90_p99 = interval_latency_quantiles(s.interval_latency);
        services_[i].interval_latency.reset();
    }
    for (std::uint32_t e = 0; e < edges_.size(); ++e) {
        const auto& ed = edges_[e];
        const auto& b = ed.before_warmup;
        const auto& st = ed.stats;
        auto& r = monitoring_->edges[e];
        r.calls = b.calls + st.calls;
        r.errors = b.errors + st.errors;
        r.attempts = b.attempts + st.attempts;
        r.timeouts = b.timeouts + st.timeouts;
        r.retries = b.retries + st.retries;
        r.not_permitted = b.not_permitted + st.not_permitted;
        r.fallbacks = b.fallbacks + st.fallbacks;
        r.cache_hits = b.cache_hits + st.cache_hits;
        r.cache_misses = b.cache_misses + st.cache_misses;
        r.breaker_state = ed.breaker ? breaker_state_value(ed.breaker->state()) : 0.0;
    }
    for (std::uint32_t l = 0; l < links_.size(); ++l) {
        const auto& lp = link_params_[l];
        monitoring_->links[l].bytes = links_[l].bytes_total();
        monitoring_->links[l].utilization = links_[l].utilization(now, lp);
    }
    recorder_.metric_row(now, monitoring_->services, monitoring_->edges, monitoring_->links);
    report_alert_changes(sim, now,
                         monitoring_->evaluate(now, params_.operations, recorder_.metrics()));
}

void Model::report_alert_changes(sim::Simulation& sim, SimTime now,
                                 const std::vector<AlertChange>& changes) {
    for (const auto& change : changes) {
        recorder_.alert_change(now, change);
        if (change.fired) trigger_actions(sim, change.rule);
    }
}

RunResult Model::result(const sim::Simulation& sim) const {
    RunRecorder recorder = recorder_; // a copy: the model may go on recording
    return assemble(sim, recorder);
}

RunResult Model::finish(const sim::Simulation& sim) {
    RunResult out = assemble(sim, recorder_);
    auto verdicts = check_expectations(params_.operations.expectations, out);
    for (std::uint32_t i = 0; i < verdicts.size(); ++i)
        recorder_.expectation(i, verdicts[i].passed, std::move(verdicts[i].observation));
    out.expectations = recorder_.take_expectations();
    return out;
}

RunResult Model::assemble(const sim::Simulation& sim, RunRecorder& recorder) const {
    RunResult out;
    const SimTime now = sim.now();
    out.simulated_seconds = now.seconds();
    out.start = params_.start;
    out.warmup_seconds = std::min(params_.warmup, now).seconds();
    out.events = sim.events_processed();
    out.peak_in_flight = peak_in_flight_;
    const double measured = out.simulated_seconds - out.warmup_seconds;
    auto summarise = [](const sim::QuantileSketch& q) {
        if (q.count() == 0) return DurationSummary{}; // no data
        static constexpr std::array<double, 3> kQs{0.5, 0.9, 0.99};
        std::array<double, 3> p50_p90_p99{};
        q.quantiles_seconds(kQs, p50_p90_p99); // one scan of the window, not three
        return DurationSummary{q.mean_seconds(), p50_p90_p99[0], p50_p90_p99[1], p50_p90_p99[2],
                               q.max_seconds()};
    };
    for (std::size_t i = 0; i < services_.size(); ++i) {
        const auto& st = services_[i].stats;
        const auto& p = params_.services[i];
        ServiceResult r;
        r.name = p.name;
        r.kind = name_of(p.kind);
        r.arrivals = st.arrivals;
        r.completed = st.completed;
        r.rejected = st.rejected;
        r.failed = st.failed;
        r.timed_out = st.timed_out;
        r.dead_lettered = st.dead_lettered;
        r.redelivered = st.redelivered;
        r.orphaned_work_seconds = st.orphaned_work_seconds;
        r.throughput_per_second = measured > 0 ? static_cast<double>(st.completed) / measured : 0;
        const double available = st.workers.integral_seconds(now);
        r.utilization = available > 0 ? st.busy.integral_seconds(now) / available : 0.0;
        r.mean_queue_length = st.queue_length.mean(now);
        r.mean_in_system = r.mean_queue_length + st.busy.mean(now);
        r.max_queue_length = st.queue_length.max();
        r.wait_seconds = summarise(st.wait);
        r.latency_seconds = summarise(st.latency);
        if (p.kind == ServiceKind::Service) {
            r.replicas_min = st.workers.min();
            r.replicas_max = st.workers.max();
            r.replicas_time_mean = st.workers.mean(now);
        }
        const auto& s = services_[i];
        for (const auto& d : s.kanban.dead_letters())
            r.dead_letters.push_back(d);
        const auto& counts = s.pool.counters();
        r.scale_ups = counts.scale_ups;
        r.scale_downs = counts.scale_downs;
        r.crashes = counts.crashes;
        r.oom_kills = counts.oom_kills;
        r.replaced = counts.replaced;
        r.placement = ops_of(static_cast<std::uint32_t>(i)).placement.has_value();
        r.unschedulable = counts.unschedulable;
        r.duplicates = s.kanban.duplicates();
        if (s.canary) {
            r.canary_phase = to_string(s.canary->phase());
            r.canary_weight = s.canary->weight();
        }
        for (const auto& e : edges_) {
            if (e.caller != i) continue;
            CallResult c;
            c.target = params_.services[e.params->target].name;
            c.key = e.key;
            const auto& es = e.stats;
            c.calls = es.calls;
            c.attempts = es.attempts;
            c.succeeded = es.succeeded;
            c.failed = es.failed;
            c.errors = es.errors;
            c.timeouts = es.timeouts;
            c.retries = es.retries;
            c.retry_budget_exhausted = es.retry_budget_exhausted;
            c.not_permitted = es.not_permitted;
            c.fallbacks = es.fallbacks;
            c.cache_hits = es.cache_hits;
            c.cache_misses = es.cache_misses;
            c.latency_seconds = summarise(es.latency);
            if (e.breaker) {
                c.has_circuit_breaker = true;
                c.breaker_state = to_string(e.breaker->state());
                c.breaker_opened = e.breaker->counters().opened;
            }
            r.calls.push_back(std::move(c));
        }
        out.services.push_back(std::move(r));
    }
    monitoring_->fill(out);
    // A breaker keeps its transitions (time-driven ones are applied lazily, after later
    // events): handed to the recorder now, which orders them into the event log.
    for (std::uint32_t e = 0; e < edges_.size(); ++e)
        if (edges_[e].breaker)
            recorder.breaker_transitions(e, edges_[e].breaker->transitions(),
                                         edges_[e].breaker->transitions_dropped());
    recorder.move_into(out);
    return out;
}

RunResult run_model(const ModelParams& params, const RunOptions& options) {
    const auto wall_start = std::chrono::steady_clock::now();
    sim::Simulation sim;
    Model model(params, options.seed, options.keep_event_log);
    model.start(sim);
    const SimTime until = options.until == SimTime::max() ? params.duration : options.until;
    bool interrupted = false;
    if (!options.progress) {
        sim.run(model, {until});
    } else {
        // Bounded chunks, so a progress bar can redraw and Ctrl-C is seen within a moment.
        constexpr std::uint64_t kChunkEvents = 1 << 20;
        for (;;) {
            const auto why = sim.run(model, {until, kChunkEvents});
            const bool go_on = options.progress(sim.now().seconds(), sim.events_processed());
            if (why != sim::StopReason::MaxEvents) break;
            if (!go_on) {
                interrupted = true;
                break;
            }
        }
    }
    RunResult out = model.finish(sim);
    out.seed = options.seed;
    out.interrupted = interrupted;
    out.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return out;
}

} // namespace tpssim::models
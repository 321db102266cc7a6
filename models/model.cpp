#include "models/model.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace models {

using sim::SimTime;

Model::Model(const ModelParams& params, std::uint64_t seed) : params_(params) {
    sources_.reserve(params.load.size());
    for (const auto& l : params.load) {
        SourceState s(sim::RandomStream(seed, l.name, "arrivals"));
        s.period_ns = 1e9 / l.rate_per_second;
        sources_.push_back(std::move(s));
    }
    services_.reserve(params.services.size());
    for (const auto& p : params.services) {
        ServiceState s(sim::RandomStream(seed, p.name, "service_time"));
        s.stats.workers.set(SimTime::zero(), p.workers);
        services_.push_back(std::move(s));
    }
}

void Model::start(sim::Simulation& sim) {
    for (std::uint32_t i = 0; i < sources_.size(); ++i)
        schedule_next_arrival(sim, i);
    if (params_.warmup > SimTime::zero()) sim.schedule_at(params_.warmup, kWarmupEnd, 0);
}

void Model::schedule_next_arrival(sim::Simulation& sim, std::uint32_t source) {
    auto& s = sources_[source];
    switch (params_.load[source].arrivals) {
    case ArrivalProcess::Poisson:
        sim.schedule_in(SimTime::from_ns(static_cast<SimTime::Rep>(
                            -s.period_ns * std::log(s.rng.next_open01()) + 0.5)),
                        kArrival, source);
        break;
    case ArrivalProcess::Constant:
        // The k-th arrival at round(k x period): no drift accumulates from rounding.
        sim.schedule_at(SimTime::from_ns(static_cast<SimTime::Rep>(
                            static_cast<double>(s.emitted + 1) * s.period_ns + 0.5)),
                        kArrival, source);
        break;
    }
}

void Model::on_arrival(sim::Simulation& sim, std::uint32_t source) {
    ++sources_[source].emitted;
    const RequestId id = requests_.acquire();
    peak_in_flight_ = std::max(peak_in_flight_, requests_.in_flight());
    Request& r = requests_[id];
    r.arrival = sim.now();
    r.counted = sim.now() >= params_.warmup;
    schedule_next_arrival(sim, source);
    enter_service(sim, params_.load[source].target, id);
}

void Model::enter_service(sim::Simulation& sim, std::uint32_t service, RequestId id) {
    auto& s = services_[service];
    const auto& p = params_.services[service];
    Request& r = requests_[id];
    if (r.counted) ++s.stats.arrivals;
    if (s.busy < p.workers) {
        begin_work(sim, service, id);
    } else if (s.queue.size() < p.queue_capacity) {
        s.queue.push(id);
        s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
    } else {
        if (r.counted) ++s.stats.rejected;
        requests_.release(id);
    }
}

void Model::begin_work(sim::Simulation& sim, std::uint32_t service, RequestId id) {
    auto& s = services_[service];
    Request& r = requests_[id];
    r.service_start = sim.now();
    ++s.busy;
    s.stats.busy.set(sim.now(), s.busy);
    if (r.counted) {
        const SimTime wait = sim.now() - r.arrival;
        s.stats.wait.add(wait);
        s.stats.wait_seconds.add(wait.seconds());
    }
    sim.schedule_in(params_.services[service].service_time.sample(s.rng), kServiceDone, service,
                    id);
}

void Model::on_service_done(sim::Simulation& sim, std::uint32_t service, RequestId id) {
    auto& s = services_[service];
    const Request& r = requests_[id];
    if (r.counted) {
        const SimTime latency = sim.now() - r.arrival;
        ++s.stats.completed;
        s.stats.latency.add(latency);
        s.stats.latency_seconds.add(latency.seconds());
    }
    requests_.release(id);
    --s.busy;
    if (!s.queue.empty()) {
        const RequestId next = s.queue.pop();
        s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
        begin_work(sim, service, next);
    } else {
        s.stats.busy.set(sim.now(), s.busy);
    }
}

void Model::on_warmup_end(sim::Simulation& sim) {
    for (auto& s : services_)
        s.stats.restart(sim.now());
}

RunResult Model::result(const sim::Simulation& sim) const {
    RunResult out;
    const SimTime now = sim.now();
    out.simulated_seconds = now.seconds();
    out.warmup_seconds = std::min(params_.warmup, now).seconds();
    out.events = sim.events_processed();
    out.peak_in_flight = peak_in_flight_;
    const double measured = out.simulated_seconds - out.warmup_seconds;
    for (std::size_t i = 0; i < services_.size(); ++i) {
        const auto& st = services_[i].stats;
        ServiceResult r;
        r.name = params_.services[i].name;
        r.arrivals = st.arrivals;
        r.completed = st.completed;
        r.rejected = st.rejected;
        r.failed = st.failed;
        r.timed_out = st.timed_out;
        r.dead_lettered = st.dead_lettered;
        r.throughput_per_second = measured > 0 ? static_cast<double>(st.completed) / measured : 0;
        const double available = st.workers.integral_seconds(now);
        r.utilization = available > 0 ? st.busy.integral_seconds(now) / available : 0.0;
        r.mean_queue_length = st.queue_length.mean(now);
        r.mean_in_system = r.mean_queue_length + st.busy.mean(now);
        r.max_queue_length = st.queue_length.max();
        auto summarise = [](const sim::Tally& t, const sim::QuantileSketch& q) {
            return DurationSummary{t.mean(), q.quantile_seconds(0.5), q.quantile_seconds(0.9),
                                   q.quantile_seconds(0.99), t.max()};
        };
        r.wait_seconds = summarise(st.wait_seconds, st.wait);
        r.latency_seconds = summarise(st.latency_seconds, st.latency);
        r.replicas_min = r.replicas_max = st.workers.value();
        r.replicas_time_mean = st.workers.mean(now);
        out.services.push_back(std::move(r));
    }
    return out;
}

RunResult run_model(const ModelParams& params, const RunOptions& options) {
    const auto wall_start = std::chrono::steady_clock::now();
    sim::Simulation sim;
    Model model(params, options.seed);
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
    RunResult out = model.result(sim);
    out.seed = options.seed;
    out.interrupted = interrupted;
    out.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return out;
}

} // namespace models

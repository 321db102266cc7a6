// Chaos: the faults of the timeline start, ramp and end here, each leaving its state on a
// service (its ServiceFaults, its replicas' health), an edge, a link, a Kanban queue's backend
// or monitoring; and the request path's slow side that reads that state. The request path
// itself only tests each node's `dynamic` flag.

#include "models/model.hpp"

#include <algorithm>

namespace tpssim::models {

namespace {

/// One of `ids` (not empty), drawn uniformly and taken out.
std::uint32_t take_at_random(std::vector<std::uint32_t>& ids, sim::RandomStream& rng) {
    const auto pick =
        std::min(static_cast<std::size_t>(rng.next_open01() * static_cast<double>(ids.size())),
                 ids.size() - 1);
    const std::uint32_t id = ids[pick];
    ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(pick));
    return id;
}

SimTime scaled(SimTime d, double factor) {
    return SimTime::from_ns_rounded(static_cast<double>(d.ns()) * factor);
}
} // namespace

bool FaultState::start(const FaultParams& f) {
    if (active) return false;
    active = true;
    ++activation;
    level = f.ramp ? f.ramp->from : f.probability;
    return true;
}

bool FaultState::end(std::uint32_t at_activation) {
    if (!active || activation != at_activation) return false;
    active = false;
    return true;
}

double FaultState::ramp(const FaultParams& f, SimTime now) {
    const FaultRamp& r = *f.ramp;
    if (r.step > 0.0) {
        level = r.to >= r.from ? std::min(r.to, level + r.step) : std::max(r.to, level - r.step);
    } else {
        const double span = f.end != kNever ? (f.end - f.start).seconds() : r.every.seconds();
        const double done = std::min(1.0, (now - f.start).seconds() / span);
        level = r.from + (r.to - r.from) * done;
    }
    return level;
}

void Model::on_fault_start(sim::Simulation& sim, std::uint32_t fault) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    if (!st.start(f)) return;
    recorder_.fault_start(sim.now(), fault);
    apply_fault(sim, fault, true, st.level);
    if (f.ramp) sim.schedule_in(f.ramp->every, kFaultRamp, fault);
    if (f.end != kNever)
        sim.schedule_at(std::max(f.end, sim.now()), kFaultEnd, fault, st.activation);
}

void Model::on_fault_end(sim::Simulation& sim, std::uint32_t fault, std::uint32_t activation) {
    if (!faults_[fault].end(activation)) return;
    apply_fault(sim, fault, false, 0.0);
    recorder_.fault_end(sim.now(), fault);
}

void Model::on_fault_ramp(sim::Simulation& sim, std::uint32_t fault) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    if (!st.active) return;
    const double level = st.ramp(f, sim.now());
    apply_fault(sim, fault, true, level);
    recorder_.fault_ramp(sim.now(), fault, level);
    if (level != f.ramp->to) sim.schedule_in(f.ramp->every, kFaultRamp, fault);
}

void Model::apply_fault(sim::Simulation& sim, std::uint32_t fault, bool on, double level) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    const std::uint32_t t = f.target.index;
    const bool on_edge = f.target.kind == FaultTarget::Kind::Edge;
    switch (f.kind) {
    case FaultKind::Latency:
        if (on_edge)
            edges_[t].fault_latency = on ? std::optional<Distribution>(f.latency) : std::nullopt;
        else
            services_[t].faults.latency =
                on ? std::optional<Distribution>(f.latency) : std::nullopt;
        break;
    case FaultKind::Errors:
        if (on_edge)
            edges_[t].fault_errors = on ? level : 0.0;
        else
            services_[t].faults.error_probability = on ? level : 0.0;
        break;
    case FaultKind::Crash:
        if (on) {
            // `count` ready replicas, chosen at random (a node takes down whichever pods it
            // holds).
            std::vector<std::uint32_t> ready = services_[t].pool.ready_ids(false);
            for (std::uint32_t k = 0; k < f.count && !ready.empty(); ++k)
                kill_replica(sim, t, take_at_random(ready, ops_rng_), f.restart_after,
                             KillCause::Crash);
        }
        break;
    case FaultKind::UnhealthyWorker: {
        auto& pool = services_[t].pool;
        if (on) {
            st.hit.clear();
            std::vector<std::uint32_t> healthy = pool.ready_ids(true);
            for (std::uint32_t k = 0; k < f.count && !healthy.empty(); ++k) {
                const std::uint32_t id = take_at_random(healthy, ops_rng_);
                pool.make_unhealthy(id, f.factor, f.probability);
                st.hit.push_back(id);
                st.hit_gen.push_back(pool.replica(id).gen);
                recorder_.unhealthy(sim.now(), t, id);
            }
        } else {
            for (std::size_t k = 0; k < st.hit.size(); ++k)
                pool.heal(st.hit[k], st.hit_gen[k]);
            st.hit.clear();
            st.hit_gen.clear();
        }
        break;
    }
    case FaultKind::SlowQuery:
        services_[t].faults.slow_query_fraction = on ? f.fraction : 0.0;
        services_[t].faults.slow_query_factor = on ? f.factor : 1.0;
        break;
    case FaultKind::MemoryLeak: {
        auto& s = services_[t];
        auto& leak = s.faults;
        if (on) {
            leak.leak_bytes_per_second = f.bytes_per_second;
            leak.leak_bytes_per_request = f.bytes_per_request;
            leak.leak_since = sim.now();
            s.pool.set_leak_since(sim.now());
            for (std::uint32_t id = 0; id < s.pool.replicas().size(); ++id)
                if (s.pool.replica(id).state == Replica::State::Ready) arm_oom(sim, t, id);
        } else {
            // What leaked stays leaked until the replica restarts.
            for (std::uint32_t id = 0; id < s.pool.replicas().size(); ++id) {
                const Replica& r = s.pool.replica(id);
                if (r.state == Replica::State::Ready && leak.leak_bytes_per_second > 0.0)
                    s.pool.add_leaked(
                        id, leak.leak_bytes_per_second *
                                (sim.now() - std::max(r.started, leak.leak_since)).seconds());
            }
            leak.leak_bytes_per_second = 0.0;
            leak.leak_bytes_per_request = 0.0;
        }
        break;
    }
    case FaultKind::BandwidthUsed:
        links_[t].set_background(on ? f.fraction : 0.0);
        break;
    case FaultKind::BackendDown:
        if (on)
            services_[t].kanban.backend_fails();
        else
            backend_returns(sim, t);
        break;
    case FaultKind::MonitoringDown:
        monitoring_->down = on;
        break;
    case FaultKind::AutoscalerBroken:
        services_[t].faults.autoscaler_broken = on;
        break;
    }
    if (on_edge)
        edges_[t].refresh_dynamic();
    else if (f.target.kind == FaultTarget::Kind::Service)
        services_[t].refresh_dynamic();
}

void Model::backend_returns(sim::Simulation& sim, std::uint32_t queue) {
    auto& q = services_[queue];
    const auto& qp = params_.services[queue];
    // Unacknowledged items are delivered again, oldest first: those processed during the
    // outage become duplicates (at-least-once), none is lost.
    const std::vector<KanbanQueue::Unacked> replay = q.kanban.backend_returns();
    for (const auto& u : replay) {
        const bool user_waits = u.user != kNone && users_[u.user].request == u.user_request;
        if (!u.processed && q.kanban.exhausted(u.deliveries)) {
            q.kanban.dead_letter(sim.now(), u.deliveries, u.first_arrival);
            if (u.counted) ++q.stats.dead_lettered;
            if (user_waits) user_done(sim, u.user);
            if (u.trace != kNone) {
                tracer_->close_span(u.trace, u.held_span, sim.now(), SpanOutcome::DeadLettered,
                                    SpanColumns::kNoReplica, SimTime::zero(), u.deliveries);
                tracer_->job_ended(u.trace);
            }
            continue;
        }
        Job item;
        item.deliveries = u.deliveries;
        item.first_arrival = u.first_arrival;
        item.counted = u.counted;
        item.duplicate = u.processed;
        item.trace = u.trace;
        item.parent_span = u.parent_span;
        if (u.trace != kNone)
            tracer_->close_span(u.trace, u.held_span, sim.now(), SpanOutcome::Ok,
                                SpanColumns::kNoReplica, SimTime::zero(), u.deliveries);
        redeliver(sim, queue, item, user_waits ? u.user : kNone);
        if (u.trace != kNone) tracer_->job_ended(u.trace); // the replay holds the trace now
    }
    recorder_.backend_up(sim.now(), queue, replay.size());
    if (qp.consumer != ServiceParams::kNoConsumer) dispatch(sim, qp.consumer);
}

double Model::error_probability_of(const Job& j) const {
    const auto& s = services_[j.service];
    double base = s.error_probability;
    if (j.version != 0) {
        const auto& v = params_.operations.services[j.service].versions[j.version - 1];
        if (v.error_probability) base = *v.error_probability;
    }
    double ok = (1.0 - base) * (1.0 - s.faults.error_probability);
    if (j.replica != kNone) ok *= 1.0 - s.pool.replica(j.replica).fail_probability;
    return 1.0 - ok;
}

SimTime Model::work_duration(Job& j, const StepParams& step) {
    auto& s = services_[j.service];
    SimTime d = step.work.sample(s.rng);
    double factor = 1.0;
    if (j.replica != kNone) factor *= s.pool.replica(j.replica).slow_factor;
    if (j.version != 0)
        factor *= params_.operations.services[j.service].versions[j.version - 1].work_factor;
    if (s.faults.slow_query_fraction > 0.0 &&
        s.routing_rng.next_open01() < s.faults.slow_query_fraction)
        factor *= s.faults.slow_query_factor;
    return factor == 1.0 ? d : scaled(d, factor);
}

void Model::set_error_probability(std::uint32_t service, double probability) {
    services_[service].error_probability = probability;
}

} // namespace tpssim::models
// The model's side of each service's worker pool: replicas start up, become ready, die
// (crashes, OOM kills, failed health checks) and restart, are scaled by operators and the
// autoscaler. The pool keeps their states; here their events are scheduled and logged, and
// requests on a dead replica fail. Rare events next to requests: clarity wins over speed.

#include "models/model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tpssim::models {

namespace {

const ServiceOpsParams& default_ops() {
    static const ServiceOpsParams d{};
    return d;
}

/// When a time-based leak of `bytes_per_second` takes `bytes` more: rounded up, so the check
/// at that time finds the limit reached.
SimTime leak_time(double bytes, double bytes_per_second) {
    return SimTime::from_ns(static_cast<SimTime::Rep>(std::ceil(bytes / bytes_per_second * 1e9)));
}

} // namespace

void Model::start_operations(sim::Simulation& sim) {
    const auto& ops = params_.operations;
    if (!ops.services.empty() && ops.services.size() != services_.size())
        throw std::invalid_argument("operations: one ServiceOpsParams per service expected");
    links_.assign(ops.links.size(), NetworkLink{});
    for (std::uint32_t l = 0; l < ops.links.size(); ++l)
        for (auto& e : edges_)
            if (e.caller == ops.links[l].from && e.params->target == ops.links[l].to) {
                e.link = l;
                e.dynamic = true;
            }
    for (std::uint32_t i = 0; i < services_.size(); ++i) {
        const auto& so = ops_of(i);
        auto& s = services_[i];
        if (params_.services[i].kind != ServiceKind::Service) continue;
        if (so.autoscaler) {
            s.autoscaler.emplace(*so.autoscaler);
            sim.schedule_in(so.autoscaler->sync_period, kAutoscale, i);
        }
        if (so.health_check) sim.schedule_in(so.health_check->period, kProbe, i);
        if (so.canary) {
            s.canary.emplace(*so.canary);
            sim.schedule_at(std::max(so.canary->start, sim.now()), kCanary, i);
        }
    }
    faults_.assign(ops.faults.size(), FaultState{});
    for (std::uint32_t f = 0; f < ops.faults.size(); ++f)
        if (ops.faults[f].start != kNever) sim.schedule_at(ops.faults[f].start, kFaultStart, f);
    for (std::uint32_t a = 0; a < ops.actions.size(); ++a)
        if (!ops.actions[a].on_alert && ops.actions[a].at != kNever)
            sim.schedule_at(ops.actions[a].at, kAction, a);
    action_triggered_.assign(ops.actions.size(), false);

    monitoring_.emplace(ops, recorder_.metrics());
    sim.schedule_in(ops.monitoring.scrape_interval, kScrape, 0);
}

const ServiceOpsParams& Model::ops_of(std::uint32_t service) const {
    return params_.operations.services.empty() ? default_ops()
                                               : params_.operations.services[service];
}

std::uint32_t Model::add_replica(sim::Simulation& sim, std::uint32_t service, SimTime ready_in,
                                 bool surge) {
    auto& pool = services_[service].pool;
    const std::uint32_t id = pool.add(surge);
    if (ready_in <= SimTime::zero())
        replica_ready(sim, service, id);
    else
        sim.schedule_in(ready_in, kReplicaReady, service, pack_ref(id, pool.replica(id).gen));
    return id;
}

void Model::replica_ready(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    s.pool.make_ready(replica, sim.now());
    s.stats.workers.set(sim.now(), s.pool.serving());
    if (s.faults.leak_bytes_per_second > 0.0) arm_oom(sim, service, replica);
    dispatch(sim, service);
}

void Model::on_replica_up(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& pool = services_[service].pool;
    pool.restart(replica);
    const SimTime startup = ops_of(service).startup;
    if (startup <= SimTime::zero())
        replica_ready(sim, service, replica);
    else
        sim.schedule_in(startup, kReplicaReady, service,
                        pack_ref(replica, pool.replica(replica).gen));
}

void Model::kill_replica(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                         SimTime restart_after, KillCause why) {
    auto& s = services_[service];
    if (s.pool.replica(replica).state != Replica::State::Ready) return;
    const auto killed = s.pool.kill(replica);
    if (killed.restarts)
        sim.schedule_in(restart_after, kReplicaUp, service, pack_ref(replica, killed.gen));
    s.stats.workers.set(sim.now(), s.pool.serving());
    recorder_.crash(sim.now(), service, replica, why);
    s.refresh_dynamic();
    if (killed.job != kNone) {
        // Its request fails: at once if it was working (its pending work-done is made stale),
        // else when its calls answer (a dead process answers nobody: the caller times out or
        // hears the connection close; here the request fails at its next step).
        Job& j = jobs_[killed.job];
        if (j.trace != kNone) tracer_->set_replica(j.trace, j.span, replica); // it ran there
        j.replica = kNone;
        if (j.pending == 0) {
            if (j.trace != kNone && !j.delaying)
                tracer_->close_span(j.trace, j.step_span, sim.now(), SpanOutcome::Error, replica);
            finish_job(sim, killed.job, true);
        } else {
            j.doomed = true;
        }
    }
}

void Model::scale(sim::Simulation& sim, std::uint32_t service, std::uint32_t replicas,
                  ScaleCause why) {
    auto& s = services_[service];
    const std::uint32_t before = s.pool.desired();
    if (replicas == before) return;
    if (replicas > before) {
        ++s.pool.counters().scale_ups;
        const SimTime startup = ops_of(service).startup;
        for (std::uint32_t k = before; k < replicas; ++k)
            add_replica(sim, service, startup);
    } else {
        ++s.pool.counters().scale_downs;
        s.pool.remove(before - replicas);
        s.stats.workers.set(sim.now(), s.pool.serving());
    }
    recorder_.scale(sim.now(), service, before, s.pool.desired(), why);
    dispatch(sim, service);
}

double Model::replica_memory(std::uint32_t service, const Replica& r, SimTime now) const {
    const auto& f = services_[service].faults;
    const double base = ops_of(service).resources.memory_bytes;
    double leaked = r.leaked_bytes;
    if (f.leak_bytes_per_second > 0.0)
        leaked += f.leak_bytes_per_second * (now - std::max(r.started, f.leak_since)).seconds();
    return base + leaked;
}

void Model::arm_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    const double limit = ops_of(service).resources.memory_limit_bytes;
    if (!std::isfinite(limit)) return;
    auto& s = services_[service];
    const Replica& r = s.pool.replica(replica);
    const double now_bytes = replica_memory(service, r, sim.now());
    if (now_bytes >= limit) {
        // Deferred to an event: the request that crossed the limit finishes first.
        sim.schedule_in(SimTime::zero(), kReplicaOom, service, pack_ref(replica, r.gen));
        return;
    }
    // The time-based leak's crossing; a per-request leak is checked as requests end.
    if (s.faults.leak_bytes_per_second > 0.0 && r.leaked_bytes == 0.0)
        sim.schedule_in(leak_time(limit - now_bytes, s.faults.leak_bytes_per_second), kReplicaOom,
                        service, pack_ref(replica, r.gen));
}

void Model::leak_after_request(sim::Simulation& sim, const Job& j, std::uint32_t id) {
    const double leak = services_[j.service].faults.leak_bytes_per_request +
                        (j.version != 0 ? params_.operations.services[j.service]
                                              .versions[j.version - 1]
                                              .memory_leak_bytes_per_request
                                        : 0.0);
    auto& r = services_[j.service].pool.replica(j.replica);
    if (leak > 0.0 && r.state == Replica::State::Ready && r.job == id) {
        services_[j.service].pool.add_leaked(j.replica, leak);
        arm_oom(sim, j.service, j.replica);
    }
}

void Model::on_replica_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    const Replica& r = s.pool.replica(replica);
    if (r.state != Replica::State::Ready) return;
    const double limit = ops_of(service).resources.memory_limit_bytes;
    const double bytes = replica_memory(service, r, sim.now());
    if (bytes < limit * (1.0 - 1e-9)) {
        // The leak's rate changed since this was armed (a fault ended, per-request leaks
        // added): look again.
        if (s.faults.leak_bytes_per_second > 0.0)
            sim.schedule_in(leak_time(limit - bytes, s.faults.leak_bytes_per_second), kReplicaOom,
                            service, pack_ref(replica, r.gen));
        return;
    }
    ++s.pool.counters().oom_kills;
    recorder_.oom_kill(sim.now(), service, replica, bytes);
    kill_replica(sim, service, replica, SimTime::zero(), KillCause::OomKill);
}

void Model::on_probe(sim::Simulation& sim, std::uint32_t service) {
    const auto& hc = *params_.operations.services[service].health_check;
    sim.schedule_in(hc.period, kProbe, service);
    auto& pool = services_[service].pool;
    if (pool.unhealthy() == 0) return;
    for (std::uint32_t id = 0; id < pool.replicas().size(); ++id) {
        Replica& r = pool.replica(id);
        if (r.state != Replica::State::Ready || !r.unhealthy) continue;
        if (++r.failed_probes < hc.failure_threshold) continue;
        ++pool.counters().replaced;
        recorder_.health_check_failed(sim.now(), service, id, r.failed_probes);
        kill_replica(sim, service, id, SimTime::zero(), KillCause::HealthCheck);
    }
}

void Model::on_autoscale(sim::Simulation& sim, std::uint32_t service) {
    auto& s = services_[service];
    const auto& so = params_.operations.services[service];
    sim.schedule_in(so.autoscaler->sync_period, kAutoscale, service);
    const double busy = s.since_start.busy_seconds + s.stats.busy.integral_seconds(sim.now());
    const double ready = s.since_start.ready_seconds + s.stats.workers.integral_seconds(sim.now());
    const double d_busy = busy - s.last_busy_seconds;
    const double d_ready = ready - s.last_ready_seconds;
    s.last_busy_seconds = busy;
    s.last_ready_seconds = ready;
    if (s.faults.autoscaler_broken || s.autoscaler_disabled) return;
    const bool by_queue =
        so.scaling_metric == ServiceOpsParams::ScalingMetric::QueueDepthPerReplica;
    const std::uint32_t desired = s.pool.desired(), ready_now = s.pool.ready();
    Autoscaler::Decision d;
    if (s.autoscaler->params().algorithm == AutoscalerAlgorithm::Hpa) {
        // Kubernetes' replica calculator reads the ready replicas' usage (or the queue's total)
        // and counts the replicas asked for but not ready (desired includes them) as unready
        // pods; see Autoscaler::decide.
        HpaReading reading;
        reading.value = by_queue        ? static_cast<double>(s.queue.size())
                        : d_ready > 0.0 ? d_busy / d_ready
                                        : std::nan("");
        reading.ready = ready_now;
        reading.unready = desired > ready_now ? desired - ready_now : 0;
        d = s.autoscaler->decide(sim.now(), desired, reading);
    } else {
        double metric = std::nan("");
        if (!by_queue && d_ready > 0.0)
            metric = d_busy / d_ready;
        else if (by_queue && ready_now > 0)
            metric = static_cast<double>(s.queue.size()) / static_cast<double>(ready_now);
        d = s.autoscaler->decide(sim.now(), desired, metric);
    }
    recorder_.autoscaler_decision(sim.now(), service, d);
    if (d.scales()) scale(sim, service, d.desired_replicas, ScaleCause::Autoscaler);
}

} // namespace tpssim::models
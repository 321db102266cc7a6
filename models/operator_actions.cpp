// Operator actions (at a time, or when an alert fires) and the canary release's steps: what
// an operator, or a rollout controller on the operator's behalf, does to the running system.

#include "models/model.hpp"

#include <algorithm>

namespace tpssim::models {

void Model::trigger_actions(sim::Simulation& sim, std::uint32_t rule) {
    const auto& actions = params_.operations.actions;
    for (std::uint32_t a = 0; a < actions.size(); ++a) {
        if (!actions[a].on_alert || *actions[a].on_alert != rule) continue;
        if (action_triggered_[a] && !actions[a].repeat) continue;
        action_triggered_[a] = true;
        sim.schedule_in(actions[a].after, kAction, a);
    }
}

void Model::on_action(sim::Simulation& sim, std::uint32_t action) {
    const auto& a = params_.operations.actions[action];
    const std::uint32_t t = a.target.index;
    recorder_.action(sim.now(), action);
    switch (a.kind) {
    case ActionParams::Kind::Scale:
    case ActionParams::Kind::SetWorkers: {
        const std::int64_t target =
            a.relative ? static_cast<std::int64_t>(services_[t].pool.desired()) + a.count : a.count;
        scale(sim, t, static_cast<std::uint32_t>(std::clamp<std::int64_t>(target, 0, 1'000'000)),
              ScaleCause::Action);
        break;
    }
    case ActionParams::Kind::SetQueueCapacity:
        if (params_.services[t].kind == ServiceKind::Queue)
            services_[t].kanban.set_capacity(static_cast<std::uint64_t>(a.value));
        else
            services_[t].queue_capacity = static_cast<std::uint64_t>(a.value);
        break;
    case ActionParams::Kind::SetCallTimeout:
        edges_[t].set_timeout(sim.now(), a.duration);
        arm_deadline_timer(sim, t);
        break;
    case ActionParams::Kind::SetErrorProbability:
        services_[t].error_probability = a.value;
        break;
    case ActionParams::Kind::SetBreakerFailureRate:
        if (edges_[t].breaker) edges_[t].breaker->set_failure_rate_threshold(a.value);
        break;
    case ActionParams::Kind::Restart: {
        // A rolling restart with surge: a fresh replica per ready one; each old one leaves
        // once a fresh one is ready (Kubernetes' rollout with maxUnavailable 0). Surge
        // replicas do not count as asked for (the autoscaler and scale() leave them alone):
        // the count stays that of the replicas they replace.
        const std::size_t n = services_[t].pool.begin_rolling_restart();
        const SimTime startup = ops_of(t).startup;
        for (std::size_t k = 0; k < n; ++k)
            add_replica(sim, t, startup, true);
        break;
    }
    case ActionParams::Kind::ReplaceUnhealthy: {
        auto& pool = services_[t].pool;
        for (std::uint32_t id = 0; id < pool.replicas().size(); ++id)
            if (pool.replica(id).state == Replica::State::Ready && pool.replica(id).unhealthy) {
                ++pool.counters().replaced;
                kill_replica(sim, t, id, SimTime::zero(), KillCause::Replaced);
            }
        break;
    }
    case ActionParams::Kind::DisableAutoscaler:
        services_[t].autoscaler_disabled = true;
        break;
    case ActionParams::Kind::RepairAutoscaler:
        services_[t].faults.autoscaler_broken = false;
        for (std::uint32_t f = 0; f < faults_.size(); ++f) {
            const auto& fp = params_.operations.faults[f];
            if (faults_[f].active && fp.kind == FaultKind::AutoscalerBroken &&
                fp.target.index == t) {
                faults_[f].active = false;
                recorder_.fault_end(sim.now(), f);
            }
        }
        break;
    case ActionParams::Kind::Rollback:
        if (services_[t].canary) {
            const auto step = services_[t].canary->abort(sim.now());
            recorder_.canary_aborted(sim.now(), a.target, step);
            services_[t].refresh_dynamic();
        }
        break;
    case ActionParams::Kind::StopFault:
        if (faults_[a.fault].active) {
            faults_[a.fault].active = false;
            apply_fault(sim, a.fault, false, 0.0);
            recorder_.fault_end(sim.now(), a.fault);
        }
        break;
    }
}

void Model::on_canary(sim::Simulation& sim, std::uint32_t service) {
    auto& s = services_[service];
    auto& c = *s.canary;
    if (c.done()) return;
    const auto step = c.next_step(sim.now());
    recorder_.canary_step(sim.now(), service, step);
    s.refresh_dynamic();
    if (c.phase() == CanaryAnalysis::Phase::Progressing)
        sim.schedule_in(c.params().interval, kCanary, service);
}

} // namespace tpssim::models
// The model's control plane: replicas (scaling, start-up, crashes, leaks, health checks), the
// autoscaler, the chaos timeline, monitoring and alerts, operator actions and canaries. These
// events are rare next to requests (one per scrape, sync period, replica change or timeline
// step), so clarity wins over speed here; the request path only pays a `dynamic` flag test.

#include "models/model.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace models {

namespace {

const ServiceOpsParams& default_ops() {
    static const ServiceOpsParams d{};
    return d;
}

SimTime scaled(SimTime d, double factor) {
    return SimTime::from_ns_rounded(static_cast<double>(d.ns()) * factor);
}

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

const char* fault_kind_name(FaultKind k) {
    switch (k) {
    case FaultKind::Latency:
        return "latency";
    case FaultKind::Errors:
        return "errors";
    case FaultKind::Crash:
        return "crash";
    case FaultKind::UnhealthyWorker:
        return "unhealthy";
    case FaultKind::SlowQuery:
        return "slow_query";
    case FaultKind::MemoryLeak:
        return "memory_leak";
    case FaultKind::BandwidthUsed:
        return "bandwidth_used";
    case FaultKind::BackendDown:
        return "backend_down";
    case FaultKind::MonitoringDown:
        return "monitoring_down";
    case FaultKind::AutoscalerBroken:
        return "autoscaler_broken";
    }
    return "?";
}
} // namespace

// ---- set-up -------------------------------------------------------------------------------

void Model::start_operations(sim::Simulation& sim) {
    const auto& ops = params_.operations;
    if (!ops.services.empty() && ops.services.size() != services_.size())
        throw std::invalid_argument("operations: one ServiceOpsParams per service expected");
    edge_base_.assign(edges_.size(), EdgeStats{});
    links_.assign(ops.links.size(), LinkState{});
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

    std::vector<std::string> service_names, edge_labels, link_labels;
    for (const auto& p : params_.services)
        service_names.push_back(p.name);
    for (std::uint32_t e = 0; e < edges_.size(); ++e)
        edge_labels.push_back(edge_label(e));
    for (const auto& l : ops.links)
        link_labels.push_back(
            call_label(params_.services[l.from].name, params_.services[l.to].name));
    metrics_.emplace(std::move(service_names), std::move(edge_labels), std::move(link_labels));
    std::vector<AlertRuleParams> rules = ops.alerts;
    for (auto& r : rules) {
        const std::size_t column =
            metrics_->find(r.condition.metric.name, r.condition.metric.subject);
        if (column == MetricsRecorder::npos)
            throw std::invalid_argument(fmt::format("alert {}: no metric {} about {}", r.name,
                                                    r.condition.metric.name,
                                                    r.condition.metric.subject));
        r.condition.metric.column = static_cast<std::uint32_t>(column);
    }
    alerts_.emplace(std::move(rules));
    const auto& checks = ops.expectations;
    expectation_tallies_.assign(checks.size(), std::nullopt);
    expectation_columns_.assign(checks.size(), MetricsRecorder::npos);
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto kind = checks[i].kind;
        if (kind != ExpectationParams::Kind::Always && kind != ExpectationParams::Kind::Ever)
            continue;
        const auto& metric = checks[i].condition.metric;
        expectation_columns_[i] = metrics_->find(metric.name, metric.subject);
        // No such metric: the check fails at the end, saying so.
        if (expectation_columns_[i] != MetricsRecorder::npos) expectation_tallies_[i].emplace();
    }
    action_triggered_.assign(ops.actions.size(), false);
    service_readings_.resize(services_.size());
    edge_readings_.resize(edges_.size());
    link_readings_.resize(links_.size());
    sim.schedule_in(ops.monitoring.scrape_interval, kScrape, 0);
}

std::string Model::edge_label(std::uint32_t edge) const {
    return call_label(params_.services[edges_[edge].caller].name, edges_[edge].key);
}

void Model::log(SimTime at, std::string_view type, std::string_view subject,
                std::initializer_list<EventLog::Field> fields) {
    events_.add(at.seconds(), type, subject, fields);
}

// ---- replicas -----------------------------------------------------------------------------

bool Model::start_next_waiting(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    if (s.queue.empty()) return false;
    const std::uint32_t next = s.queue.front();
    const std::uint32_t q = jobs_[next].queue;
    if (q != kNone && services_[q].backend_down) return false; // nothing is pulled
    s.queue.pop();
    s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
    if (q != kNone) {
        auto& qs = services_[q];
        --qs.depth;
        qs.stats.queue_length.set(sim.now(), static_cast<double>(qs.depth));
    } else {
        --s.direct_waiting;
    }
    begin_work(sim, next, replica);
    return true;
}

void Model::dispatch(sim::Simulation& sim, std::uint32_t service) {
    auto& s = services_[service];
    while (!s.idle.empty()) {
        // Off the idle stack first: the work it starts may admit more at this service.
        const std::uint32_t r = s.idle.back();
        s.idle.pop_back();
        if (!start_next_waiting(sim, service, r)) {
            s.idle.push_back(r);
            return;
        }
    }
}

void Model::replica_free(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                         std::uint32_t job) {
    auto& s = services_[service];
    --s.busy;
    s.stats.busy.set(sim.now(), s.busy);
    if (replica == kNone) return; // its replica died while it worked
    Replica& r = s.replicas[replica];
    if (r.job != job) return;
    r.job = kNone;
    if (r.state != Replica::State::Ready) return;
    if (r.draining) { // scaled down: it leaves now that its request is done
        r.draining = false;
        r.state = Replica::State::Removed;
        ++r.gen;
        --s.draining;
        s.free_replicas.push_back(replica);
        s.stats.workers.set(sim.now(), s.ready + s.draining);
        return;
    }
    if (!start_next_waiting(sim, service, replica)) s.idle.push_back(replica);
}

std::uint32_t Model::add_replica(sim::Simulation& sim, std::uint32_t service, SimTime ready_in,
                                 bool surge) {
    auto& s = services_[service];
    std::uint32_t id;
    if (!s.free_replicas.empty()) {
        id = s.free_replicas.back();
        s.free_replicas.pop_back();
    } else {
        id = static_cast<std::uint32_t>(s.replicas.size());
        s.replicas.emplace_back();
    }
    Replica& r = s.replicas[id];
    const std::uint32_t gen = r.gen + 1;
    r = Replica{};
    r.gen = gen;
    r.state = Replica::State::Starting;
    r.surge = surge;
    if (!surge) ++s.desired;
    if (ready_in <= SimTime::zero())
        replica_ready(sim, service, id);
    else
        sim.schedule_in(ready_in, kReplicaReady, service, pack_ref(id, gen));
    return id;
}

void Model::replica_ready(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    Replica& r = s.replicas[replica];
    r.state = Replica::State::Ready;
    r.started = sim.now();
    ++s.ready;
    // A rolling restart: each new replica retires one old one once it is ready, and takes
    // its place in the count asked for; with none left to retire it is simply one more.
    const bool surge = r.surge;
    r.surge = false;
    bool retired = false;
    while (surge && !s.to_retire.empty()) {
        const auto [old, gen] = s.to_retire.back();
        s.to_retire.pop_back();
        Replica& o = s.replicas[old];
        if (o.gen != gen || o.state != Replica::State::Ready || o.draining) continue;
        retired = true;
        --s.ready;
        if (o.job == kNone) {
            s.idle.erase(std::find(s.idle.begin(), s.idle.end(), old));
            o.state = Replica::State::Removed;
            ++o.gen;
            s.free_replicas.push_back(old);
        } else {
            o.draining = true;
            ++s.draining;
        }
        break;
    }
    if (surge && !retired) ++s.desired;
    s.stats.workers.set(sim.now(), s.ready + s.draining);
    s.idle.push_back(replica);
    if (s.leak_bytes_per_second > 0.0) arm_oom(sim, service, replica);
    dispatch(sim, service);
}

void Model::on_replica_up(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    Replica& r = s.replicas[replica];
    r.state = Replica::State::Starting;
    const SimTime startup = ops_of(service).startup;
    if (startup <= SimTime::zero())
        replica_ready(sim, service, replica);
    else
        sim.schedule_in(startup, kReplicaReady, service, pack_ref(replica, r.gen));
}

void Model::kill_replica(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                         SimTime restart_after, std::string_view why) {
    auto& s = services_[service];
    Replica& r = s.replicas[replica];
    if (r.state != Replica::State::Ready) return;
    const std::uint32_t job = r.job;
    const bool was_draining = r.draining;
    if (job == kNone) s.idle.erase(std::find(s.idle.begin(), s.idle.end(), replica));
    if (r.unhealthy) --s.unhealthy;
    const std::uint32_t gen = r.gen + 1;
    r = Replica{};
    r.gen = gen;
    if (was_draining) {
        --s.draining;
        r.state = Replica::State::Removed;
        s.free_replicas.push_back(replica);
    } else {
        --s.ready;
        r.state = Replica::State::Down;
        sim.schedule_in(restart_after, kReplicaUp, service, pack_ref(replica, gen));
    }
    ++s.crashes;
    s.stats.workers.set(sim.now(), s.ready + s.draining);
    log(sim.now(), "crash", params_.services[service].name,
        {{"replica", static_cast<double>(replica)}, {"cause", why}});
    refresh_dynamic(service);
    if (job != kNone) {
        // Its request fails: at once if it was working (its pending work-done is made stale),
        // else when its calls answer (a dead process answers nobody: the caller times out or
        // hears the connection close; here the request fails at its next step).
        Job& j = jobs_[job];
        j.replica = kNone;
        if (j.pending == 0) {
            if (j.trace != kNone && !j.delaying)
                tracer_->close_span(j.trace, j.step_span, sim.now(), SpanOutcome::Error);
            finish_job(sim, job, true);
        } else {
            j.doomed = true;
        }
    }
}

void Model::scale(sim::Simulation& sim, std::uint32_t service, std::uint32_t replicas,
                  std::string_view why) {
    auto& s = services_[service];
    const std::uint32_t before = s.desired;
    if (replicas == before) return;
    if (replicas > before) {
        ++s.scale_ups;
        const SimTime startup = ops_of(service).startup;
        for (std::uint32_t k = before; k < replicas; ++k)
            add_replica(sim, service, startup);
    } else {
        ++s.scale_downs;
        std::uint32_t surplus = before - replicas;
        // Kubernetes' order: not-ready (starting, down) replicas go first, then idle ones;
        // busy ones finish their request (graceful termination).
        for (std::uint32_t id = 0; id < s.replicas.size() && surplus > 0; ++id) {
            Replica& r = s.replicas[id];
            if ((r.state == Replica::State::Starting && !r.surge) ||
                r.state == Replica::State::Down) {
                r.state = Replica::State::Removed;
                ++r.gen;
                s.free_replicas.push_back(id);
                --s.desired;
                --surplus;
            }
        }
        while (surplus > 0 && !s.idle.empty()) {
            const std::uint32_t id = s.idle.back();
            s.idle.pop_back();
            Replica& r = s.replicas[id];
            if (r.unhealthy) --s.unhealthy;
            r.state = Replica::State::Removed;
            ++r.gen;
            s.free_replicas.push_back(id);
            --s.desired;
            --s.ready;
            --surplus;
        }
        for (std::uint32_t id = 0; id < s.replicas.size() && surplus > 0; ++id) {
            Replica& r = s.replicas[id];
            if (r.state == Replica::State::Ready && !r.draining) {
                r.draining = true;
                ++s.draining;
                --s.desired;
                --s.ready;
                --surplus;
            }
        }
        s.stats.workers.set(sim.now(), s.ready + s.draining);
    }
    log(sim.now(), "scale", params_.services[service].name,
        {{"from", static_cast<double>(before)},
         {"to", static_cast<double>(s.desired)},
         {"by", why}});
    dispatch(sim, service);
}

const ServiceOpsParams& Model::ops_of(std::uint32_t service) const {
    return params_.operations.services.empty() ? default_ops()
                                               : params_.operations.services[service];
}

double Model::replica_memory(std::uint32_t service, const Replica& r, SimTime now) const {
    const auto& s = services_[service];
    const double base = ops_of(service).resources.memory_bytes;
    double leaked = r.leaked_bytes;
    if (s.leak_bytes_per_second > 0.0)
        leaked += s.leak_bytes_per_second * (now - std::max(r.started, s.leak_since)).seconds();
    return base + leaked;
}

/// When a time-based leak of `bytes_per_second` takes `bytes` more: rounded up, so the check
/// at that time finds the limit reached.
static SimTime leak_time(double bytes, double bytes_per_second) {
    return SimTime::from_ns(static_cast<SimTime::Rep>(std::ceil(bytes / bytes_per_second * 1e9)));
}

void Model::arm_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    const double limit = ops_of(service).resources.memory_limit_bytes;
    if (!std::isfinite(limit)) return;
    auto& s = services_[service];
    const Replica& r = s.replicas[replica];
    const double now_bytes = replica_memory(service, r, sim.now());
    if (now_bytes >= limit) {
        // Deferred to an event: the request that crossed the limit finishes first.
        sim.schedule_in(SimTime::zero(), kReplicaOom, service, pack_ref(replica, r.gen));
        return;
    }
    // The time-based leak's crossing; a per-request leak is checked as requests end.
    if (s.leak_bytes_per_second > 0.0 && r.leaked_bytes == 0.0)
        sim.schedule_in(leak_time(limit - now_bytes, s.leak_bytes_per_second), kReplicaOom, service,
                        pack_ref(replica, r.gen));
}

void Model::on_replica_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    const Replica& r = s.replicas[replica];
    if (r.state != Replica::State::Ready) return;
    const double limit = ops_of(service).resources.memory_limit_bytes;
    const double bytes = replica_memory(service, r, sim.now());
    if (bytes < limit * (1.0 - 1e-9)) {
        // The leak's rate changed since this was armed (a fault ended, per-request leaks
        // added): look again.
        if (s.leak_bytes_per_second > 0.0)
            sim.schedule_in(leak_time(limit - bytes, s.leak_bytes_per_second), kReplicaOom, service,
                            pack_ref(replica, r.gen));
        return;
    }
    ++s.oom_kills;
    log(sim.now(), "oom_kill", params_.services[service].name,
        {{"replica", static_cast<double>(replica)}, {"memory_bytes", bytes}});
    kill_replica(sim, service, replica, SimTime::zero(), "oom_kill");
}

void Model::on_probe(sim::Simulation& sim, std::uint32_t service) {
    const auto& hc = *params_.operations.services[service].health_check;
    sim.schedule_in(hc.period, kProbe, service);
    auto& s = services_[service];
    if (s.unhealthy == 0) return;
    for (std::uint32_t id = 0; id < s.replicas.size(); ++id) {
        Replica& r = s.replicas[id];
        if (r.state != Replica::State::Ready || !r.unhealthy) continue;
        if (++r.failed_probes < hc.failure_threshold) continue;
        ++s.replaced;
        log(sim.now(), "health_check_failed", params_.services[service].name,
            {{"replica", static_cast<double>(id)},
             {"failed_probes", static_cast<double>(r.failed_probes)}});
        kill_replica(sim, service, id, SimTime::zero(), "health_check");
    }
}

// ---- autoscaler ---------------------------------------------------------------------------

void Model::on_autoscale(sim::Simulation& sim, std::uint32_t service) {
    auto& s = services_[service];
    const auto& so = params_.operations.services[service];
    sim.schedule_in(so.autoscaler->sync_period, kAutoscale, service);
    const double busy = s.base.busy_seconds + s.stats.busy.integral_seconds(sim.now());
    const double ready = s.base.ready_seconds + s.stats.workers.integral_seconds(sim.now());
    const double d_busy = busy - s.last_busy_seconds;
    const double d_ready = ready - s.last_ready_seconds;
    s.last_busy_seconds = busy;
    s.last_ready_seconds = ready;
    if (s.autoscaler_broken || s.autoscaler_disabled) return;
    const bool by_queue =
        so.scaling_metric == ServiceOpsParams::ScalingMetric::QueueDepthPerReplica;
    Autoscaler::Decision d;
    if (s.autoscaler->params().algorithm == AutoscalerAlgorithm::Hpa) {
        // Kubernetes' replica calculator reads the ready replicas' usage (or the queue's total)
        // and counts the replicas asked for but not ready (s.desired includes them) as
        // unready pods; see Autoscaler::decide.
        HpaReading reading;
        reading.value = by_queue        ? static_cast<double>(s.queue.size())
                        : d_ready > 0.0 ? d_busy / d_ready
                                        : std::nan("");
        reading.ready = s.ready;
        reading.unready = s.desired > s.ready ? s.desired - s.ready : 0;
        d = s.autoscaler->decide(sim.now(), s.desired, reading);
    } else {
        double metric = std::nan("");
        if (!by_queue && d_ready > 0.0)
            metric = d_busy / d_ready;
        else if (by_queue && s.ready > 0)
            metric = static_cast<double>(s.queue.size()) / static_cast<double>(s.ready);
        d = s.autoscaler->decide(sim.now(), s.desired, metric);
    }
    log(sim.now(), "autoscaler", params_.services[service].name,
        {{"current", static_cast<double>(d.current_replicas)},
         {"metric", d.metric_value},
         {"recommendation", static_cast<double>(d.recommendation)},
         {"desired", static_cast<double>(d.desired_replicas)},
         {"reason", to_string(d.reason)},
         {"limit", to_string(d.limit)}});
    if (d.scales()) scale(sim, service, d.desired_replicas, "autoscaler");
}

// ---- monitoring and alerts ----------------------------------------------------------------

void Model::on_scrape(sim::Simulation& sim) {
    sim.schedule_in(params_.operations.monitoring.scrape_interval, kScrape, 0);
    if (monitoring_down_) return; // a gap: no sample, no rule evaluation
    const SimTime now = sim.now();
    for (std::uint32_t i = 0; i < services_.size(); ++i) {
        const auto& s = services_[i];
        const auto& st = s.stats;
        const auto& p = params_.services[i];
        auto& r = service_readings_[i];
        r.arrivals = s.base.arrivals + st.arrivals;
        r.completed = s.base.completed + st.completed;
        r.failed = s.base.failed + st.failed;
        r.rejected = s.base.rejected + st.rejected;
        r.timed_out = s.base.timed_out + st.timed_out;
        r.dead_lettered = s.base.dead_lettered + st.dead_lettered;
        r.redelivered = s.base.redelivered + st.redelivered;
        r.duplicates = s.duplicates;
        r.busy_worker_seconds = s.base.busy_seconds + st.busy.integral_seconds(now);
        r.ready_worker_seconds = s.base.ready_seconds + st.workers.integral_seconds(now);
        const auto& so = ops_of(i);
        r.cpu_seconds = static_cast<double>(r.completed + r.failed + r.timed_out) *
                        so.resources.cpu_per_request.seconds();
        r.queue_capacity = s.queue_capacity == kUnbounded ? std::numeric_limits<double>::infinity()
                                                          : static_cast<double>(s.queue_capacity);
        if (p.kind == ServiceKind::Queue) {
            r.queue_depth = static_cast<double>(s.stored);
        } else {
            r.queue_depth = static_cast<double>(s.queue.size());
            r.replicas_ready = s.ready;
            r.replicas_desired = s.desired;
            double memory = 0.0;
            for (const auto& rep : s.replicas)
                if (rep.state == Replica::State::Ready) memory += replica_memory(i, rep, now);
            r.memory_bytes = s.ready + s.draining > 0 ? memory / (s.ready + s.draining) : 0.0;
        }
        r.interval_latency = &s.interval_latency;
    }
    for (std::uint32_t e = 0; e < edges_.size(); ++e) {
        const auto& ed = edges_[e];
        const auto& b = edge_base_[e];
        const auto& st = ed.stats;
        auto& r = edge_readings_[e];
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
        const auto& ls = links_[l];
        const auto& lp = params_.operations.links[l];
        link_readings_[l].bytes = ls.bytes_total;
        const std::int64_t second = now.ns() / 1'000'000'000;
        const double own = second == ls.second       ? ls.bytes_last_second
                           : second == ls.second + 1 ? ls.bytes_this_second
                                                     : 0.0;
        link_readings_[l].utilization =
            std::min(0.99, own / lp.bandwidth_bytes_per_second + ls.background);
    }
    metrics_->record(now, service_readings_, edge_readings_, link_readings_);
    for (auto& s : services_)
        s.interval_latency.reset();
    for (std::size_t i = 0; i < expectation_tallies_.size(); ++i)
        if (expectation_tallies_[i])
            expectation_tallies_[i]->observe(params_.operations.expectations[i], now.seconds(),
                                             metrics_->latest(expectation_columns_[i]));
    for (const auto& change : alerts_->evaluate(now, *metrics_)) {
        const auto& rule = params_.operations.alerts[change.rule];
        log(now, change.fired ? "alert_firing" : "alert_resolved", rule.name,
            {{"value", change.value},
             {"severity", rule.severity},
             {"condition", rule.condition.text}});
        if (!change.fired) continue;
        const auto& actions = params_.operations.actions;
        for (std::uint32_t a = 0; a < actions.size(); ++a) {
            if (!actions[a].on_alert || *actions[a].on_alert != change.rule) continue;
            if (action_triggered_[a] && !actions[a].repeat) continue;
            action_triggered_[a] = true;
            sim.schedule_in(actions[a].after, kAction, a);
        }
    }
}

// ---- faults -------------------------------------------------------------------------------

void Model::on_fault_start(sim::Simulation& sim, std::uint32_t fault) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    if (st.active) return;
    st.active = true;
    ++st.activation;
    st.level = f.ramp ? f.ramp->from : f.probability;
    log(sim.now(), "fault_start", f.name, {{"kind", fault_kind_name(f.kind)}});
    apply_fault(sim, fault, true, st.level);
    if (f.ramp) sim.schedule_in(f.ramp->every, kFaultRamp, fault);
    if (f.end != kNever)
        sim.schedule_at(std::max(f.end, sim.now()), kFaultEnd, fault, st.activation);
}

void Model::on_fault_end(sim::Simulation& sim, std::uint32_t fault, std::uint32_t activation) {
    auto& st = faults_[fault];
    if (!st.active || st.activation != activation) return;
    st.active = false;
    apply_fault(sim, fault, false, 0.0);
    log(sim.now(), "fault_end", params_.operations.faults[fault].name);
}

void Model::on_fault_ramp(sim::Simulation& sim, std::uint32_t fault) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    if (!st.active) return;
    const FaultRamp& ramp = *f.ramp;
    const bool up = ramp.to >= ramp.from;
    if (ramp.step > 0.0) {
        st.level =
            up ? std::min(ramp.to, st.level + ramp.step) : std::max(ramp.to, st.level - ramp.step);
    } else {
        // A linear ramp over the fault's span (or one `every` when it has no end).
        const double span = f.end != kNever ? (f.end - f.start).seconds() : ramp.every.seconds();
        const double done = std::min(1.0, (sim.now() - f.start).seconds() / span);
        st.level = ramp.from + (ramp.to - ramp.from) * done;
    }
    apply_fault(sim, fault, true, st.level);
    log(sim.now(), "fault_ramp", f.name, {{"level", st.level}});
    if (st.level != ramp.to) sim.schedule_in(ramp.every, kFaultRamp, fault);
}

void Model::apply_fault(sim::Simulation& sim, std::uint32_t fault, bool on, double level) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    const std::uint32_t t = f.target.index;
    const bool on_edge = f.target.kind == FaultTarget::Kind::Edge;
    switch (f.kind) {
    case FaultKind::Latency:
        if (on_edge) {
            edges_[t].fault_latency = on ? std::optional<Distribution>(f.latency) : std::nullopt;
        } else {
            services_[t].fault_latency = on ? std::optional<Distribution>(f.latency) : std::nullopt;
        }
        break;
    case FaultKind::Errors:
        if (on_edge)
            edges_[t].fault_errors = on ? level : 0.0;
        else
            services_[t].fault_error_probability = on ? level : 0.0;
        break;
    case FaultKind::Crash:
        if (on) {
            // `count` ready replicas, chosen at random (a node takes down whichever pods it
            // holds).
            auto& s = services_[t];
            std::vector<std::uint32_t> ready;
            for (std::uint32_t id = 0; id < s.replicas.size(); ++id)
                if (s.replicas[id].state == Replica::State::Ready && !s.replicas[id].draining)
                    ready.push_back(id);
            for (std::uint32_t k = 0; k < f.count && !ready.empty(); ++k) {
                const auto pick = static_cast<std::size_t>(ops_rng_.next_open01() *
                                                           static_cast<double>(ready.size()));
                const std::uint32_t id = ready[std::min(pick, ready.size() - 1)];
                ready.erase(ready.begin() +
                            static_cast<std::ptrdiff_t>(std::min(pick, ready.size() - 1)));
                kill_replica(sim, t, id, f.restart_after, "crash");
            }
        }
        break;
    case FaultKind::UnhealthyWorker: {
        auto& s = services_[t];
        if (on) {
            st.hit.clear();
            std::vector<std::uint32_t> healthy;
            for (std::uint32_t id = 0; id < s.replicas.size(); ++id)
                if (s.replicas[id].state == Replica::State::Ready && !s.replicas[id].unhealthy &&
                    !s.replicas[id].draining)
                    healthy.push_back(id);
            for (std::uint32_t k = 0; k < f.count && !healthy.empty(); ++k) {
                const auto pick =
                    std::min(static_cast<std::size_t>(ops_rng_.next_open01() *
                                                      static_cast<double>(healthy.size())),
                             healthy.size() - 1);
                const std::uint32_t id = healthy[pick];
                healthy.erase(healthy.begin() + static_cast<std::ptrdiff_t>(pick));
                Replica& r = s.replicas[id];
                r.unhealthy = true;
                r.slow_factor = f.factor;
                r.fail_probability = f.probability;
                r.failed_probes = 0;
                ++s.unhealthy;
                st.hit.push_back(id);
                st.hit_gen.push_back(r.gen);
                log(sim.now(), "unhealthy", params_.services[t].name,
                    {{"replica", static_cast<double>(id)}});
            }
        } else {
            for (std::size_t k = 0; k < st.hit.size(); ++k) {
                Replica& r = s.replicas[st.hit[k]];
                if (r.gen != st.hit_gen[k] || !r.unhealthy) continue;
                r.unhealthy = false;
                r.slow_factor = 1.0;
                r.fail_probability = 0.0;
                --s.unhealthy;
            }
            st.hit.clear();
            st.hit_gen.clear();
        }
        break;
    }
    case FaultKind::SlowQuery:
        services_[t].slow_query_fraction = on ? f.fraction : 0.0;
        services_[t].slow_query_factor = on ? f.factor : 1.0;
        break;
    case FaultKind::MemoryLeak: {
        auto& s = services_[t];
        if (on) {
            s.leak_bytes_per_second = f.bytes_per_second;
            s.leak_bytes_per_request = f.bytes_per_request;
            s.leak_since = sim.now();
            for (std::uint32_t id = 0; id < s.replicas.size(); ++id)
                if (s.replicas[id].state == Replica::State::Ready) arm_oom(sim, t, id);
        } else {
            // What leaked stays leaked until the replica restarts.
            for (auto& r : s.replicas)
                if (r.state == Replica::State::Ready && s.leak_bytes_per_second > 0.0)
                    r.leaked_bytes += s.leak_bytes_per_second *
                                      (sim.now() - std::max(r.started, s.leak_since)).seconds();
            s.leak_bytes_per_second = 0.0;
            s.leak_bytes_per_request = 0.0;
        }
        break;
    }
    case FaultKind::BandwidthUsed:
        links_[t].background = on ? f.fraction : 0.0;
        break;
    case FaultKind::BackendDown:
        if (on)
            services_[t].backend_down = true;
        else
            backend_returns(sim, t);
        break;
    case FaultKind::MonitoringDown:
        monitoring_down_ = on;
        break;
    case FaultKind::AutoscalerBroken:
        services_[t].autoscaler_broken = on;
        break;
    }
    if (on_edge) {
        auto& e = edges_[t];
        e.dynamic = e.link != kNone || e.fault_latency || e.fault_errors > 0.0;
    } else if (f.target.kind == FaultTarget::Kind::Service) {
        refresh_dynamic(t);
    }
}

void Model::backend_returns(sim::Simulation& sim, std::uint32_t queue) {
    auto& q = services_[queue];
    q.backend_down = false;
    const auto& qp = params_.services[queue];
    // Unacknowledged items are delivered again, oldest first: those processed during the
    // outage become duplicates (at-least-once), none is lost.
    std::vector<Unacked> replay;
    replay.swap(q.unacked);
    for (const auto& u : replay) {
        if (!u.processed && qp.max_deliver != 0 && u.deliveries >= qp.max_deliver) {
            --q.stored;
            if (u.counted) ++q.stats.dead_lettered;
            q.dead_letters.push_back(
                {sim.now().seconds(), u.deliveries, u.first_arrival.seconds()});
            if (q.dead_letters.size() > 100) q.dead_letters.pop_front();
            if (u.user != kNone && users_[u.user].request == u.user_request) user_done(sim, u.user);
            continue;
        }
        if (u.counted) ++q.stats.redelivered;
        const std::uint32_t again = new_job(sim, queue);
        Job& a = jobs_[again];
        a.deliveries = u.deliveries;
        a.first_arrival = u.first_arrival;
        a.counted = u.counted;
        a.duplicate = u.processed;
        if (u.user != kNone && users_[u.user].request == u.user_request) {
            a.user = u.user;
            users_[u.user].job = again;
            users_[u.user].job_gen = a.gen;
        }
        admit(sim, queue, again); // a redelivery is never turned away
    }
    log(sim.now(), "backend_up", qp.name, {{"replayed", static_cast<double>(replay.size())}});
    if (qp.consumer != ServiceParams::kNoConsumer) dispatch(sim, qp.consumer);
}

void Model::refresh_dynamic(std::uint32_t service) {
    auto& s = services_[service];
    s.dynamic = s.fault_latency.has_value() || s.fault_error_probability > 0.0 ||
                s.slow_query_fraction > 0.0 || s.leak_bytes_per_second > 0.0 ||
                s.leak_bytes_per_request > 0.0 || s.unhealthy > 0 ||
                (s.canary && s.canary->weight() > 0.0);
}

double Model::error_probability_of(const Job& j) const {
    const auto& s = services_[j.service];
    double base = s.error_probability;
    if (j.version != 0) {
        const auto& v = params_.operations.services[j.service].versions[j.version - 1];
        if (v.error_probability) base = *v.error_probability;
    }
    double ok = (1.0 - base) * (1.0 - s.fault_error_probability);
    if (j.replica != kNone) ok *= 1.0 - s.replicas[j.replica].fail_probability;
    return 1.0 - ok;
}

SimTime Model::work_duration(Job& j, const StepParams& step) {
    auto& s = services_[j.service];
    SimTime d = step.work.sample(s.rng);
    double factor = 1.0;
    if (j.replica != kNone) factor *= s.replicas[j.replica].slow_factor;
    if (j.version != 0)
        factor *= params_.operations.services[j.service].versions[j.version - 1].work_factor;
    if (s.slow_query_fraction > 0.0 && s.routing_rng.next_open01() < s.slow_query_fraction)
        factor *= s.slow_query_factor;
    return factor == 1.0 ? d : scaled(d, factor);
}

SimTime Model::network_delay(sim::Simulation& sim, std::uint32_t edge) {
    auto& e = edges_[edge];
    SimTime d = SimTime::zero();
    if (e.fault_latency) d += e.fault_latency->sample(e.rng);
    if (e.link != kNone) {
        auto& l = links_[e.link];
        const auto& lp = params_.operations.links[e.link];
        const std::int64_t second = sim.now().ns() / 1'000'000'000;
        if (second != l.second) {
            l.bytes_last_second = second == l.second + 1 ? l.bytes_this_second : 0.0;
            l.bytes_this_second = 0.0;
            l.second = second;
        }
        l.bytes_this_second += lp.payload_bytes;
        l.bytes_total += lp.payload_bytes;
        const double u =
            std::min(0.99, l.bytes_last_second / lp.bandwidth_bytes_per_second + l.background);
        d += SimTime::from_ns_rounded(lp.payload_bytes / lp.bandwidth_bytes_per_second / (1.0 - u) *
                                      1e9);
    }
    return d;
}

void Model::on_deliver(sim::Simulation& sim, std::uint32_t job) {
    Job& j = jobs_[job];
    j.arrival = sim.now(); // the callee sees it when it arrives, not when it was sent
    j.first_arrival = sim.now();
    admit(sim, j.service, job); // a rejection answers at once, through on_child_done
}

// ---- actions and canaries -----------------------------------------------------------------

void Model::on_action(sim::Simulation& sim, std::uint32_t action) {
    const auto& a = params_.operations.actions[action];
    const std::uint32_t t = a.target.index;
    const std::string subject =
        a.target.kind == FaultTarget::Kind::Edge ? edge_label(t) : params_.services[t].name;
    log(sim.now(), "action",
        a.kind == ActionParams::Kind::StopFault ? params_.operations.faults[a.fault].name : subject,
        {{"action", a.text}});
    switch (a.kind) {
    case ActionParams::Kind::Scale:
    case ActionParams::Kind::SetWorkers: {
        const std::int64_t target =
            a.relative ? static_cast<std::int64_t>(services_[t].desired) + a.count : a.count;
        scale(sim, t, static_cast<std::uint32_t>(std::clamp<std::int64_t>(target, 0, 1'000'000)),
              "action");
        break;
    }
    case ActionParams::Kind::SetQueueCapacity:
        services_[t].queue_capacity = static_cast<std::uint64_t>(a.value);
        break;
    case ActionParams::Kind::SetCallTimeout: {
        auto& e = edges_[t];
        // Pending deadlines are cut to the new timeout from now, so they stay in order before
        // the new ones (the deadline FIFO's invariant) and in-flight calls get it too.
        const SimTime cap = sim.now() + a.duration;
        if (a.duration < e.timeout || e.timeout == kNoTimeout) {
            for (std::size_t k = 0; k < e.deadlines.size(); ++k)
                e.deadlines[k].at = std::min(e.deadlines[k].at, cap);
        }
        e.timeout = a.duration;
        arm_deadline_timer(sim, t);
        break;
    }
    case ActionParams::Kind::SetErrorProbability:
        services_[t].error_probability = a.value;
        break;
    case ActionParams::Kind::SetBreakerFailureRate:
        if (edges_[t].breaker) edges_[t].breaker->set_failure_rate_threshold(a.value);
        break;
    case ActionParams::Kind::Restart: {
        // A rolling restart with surge: a fresh replica per ready one; each old one leaves
        // once a fresh one is ready (Kubernetes' rollout with maxUnavailable 0).
        auto& s = services_[t];
        s.to_retire.clear();
        for (std::uint32_t id = 0; id < s.replicas.size(); ++id)
            if (s.replicas[id].state == Replica::State::Ready && !s.replicas[id].draining)
                s.to_retire.push_back({id, s.replicas[id].gen});
        const SimTime startup = ops_of(t).startup;
        const std::size_t n = s.to_retire.size();
        for (std::size_t k = 0; k < n; ++k) {
            // Surge replicas do not count as asked for (the autoscaler and scale() leave them
            // alone): the count stays that of the replicas they replace.
            add_replica(sim, t, startup, true);
        }
        break;
    }
    case ActionParams::Kind::ReplaceUnhealthy: {
        auto& s = services_[t];
        for (std::uint32_t id = 0; id < s.replicas.size(); ++id)
            if (s.replicas[id].state == Replica::State::Ready && s.replicas[id].unhealthy) {
                ++s.replaced;
                kill_replica(sim, t, id, SimTime::zero(), "replaced");
            }
        break;
    }
    case ActionParams::Kind::DisableAutoscaler:
        services_[t].autoscaler_disabled = true;
        break;
    case ActionParams::Kind::RepairAutoscaler:
        services_[t].autoscaler_broken = false;
        for (std::uint32_t f = 0; f < faults_.size(); ++f) {
            const auto& fp = params_.operations.faults[f];
            if (faults_[f].active && fp.kind == FaultKind::AutoscalerBroken &&
                fp.target.index == t) {
                faults_[f].active = false;
                log(sim.now(), "fault_end", fp.name);
            }
        }
        break;
    case ActionParams::Kind::Rollback:
        if (services_[t].canary) {
            const auto step = services_[t].canary->abort(sim.now());
            log(sim.now(), "canary", subject,
                {{"phase", to_string(step.phase)},
                 {"weight", step.weight},
                 {"reason", step.reason}});
            refresh_dynamic(t);
        }
        break;
    case ActionParams::Kind::StopFault:
        if (faults_[a.fault].active) {
            faults_[a.fault].active = false;
            apply_fault(sim, a.fault, false, 0.0);
            log(sim.now(), "fault_end", params_.operations.faults[a.fault].name);
        }
        break;
    }
}

void Model::on_canary(sim::Simulation& sim, std::uint32_t service) {
    auto& s = services_[service];
    auto& c = *s.canary;
    using Phase = CanaryAnalysis::Phase;
    if (c.phase() == Phase::Promoted || c.phase() == Phase::RolledBack) return;
    const auto step =
        c.phase() == Phase::Waiting
            ? c.begin(sim.now())
            : c.analyse(sim.now(), s.canary_requests, s.canary_failures,
                        s.canary_latency.count() > 0 ? s.canary_latency.quantile_seconds(0.99)
                                                     : 0.0);
    s.canary_requests = 0;
    s.canary_failures = 0;
    s.canary_latency.reset();
    log(sim.now(), "canary", params_.services[service].name,
        {{"phase", to_string(step.phase)},
         {"weight", step.weight},
         {"requests", static_cast<double>(step.requests)},
         {"success_rate", step.success_rate},
         {"p99", step.p99_seconds},
         {"failed_checks", static_cast<double>(step.failed_checks)},
         {"reason", step.reason}});
    refresh_dynamic(service);
    if (c.phase() == Phase::Progressing) sim.schedule_in(c.params().interval, kCanary, service);
}

// ---- results ------------------------------------------------------------------------------

void Model::fill_operations_result(const sim::Simulation& sim, RunResult& out) const {
    (void)sim;
    for (std::size_t i = 0; i < services_.size(); ++i) {
        const auto& s = services_[i];
        auto& r = out.services[i];
        r.scale_ups = s.scale_ups;
        r.scale_downs = s.scale_downs;
        r.crashes = s.crashes;
        r.oom_kills = s.oom_kills;
        r.replaced = s.replaced;
        r.duplicates = s.duplicates;
        if (s.canary) {
            r.canary_phase = to_string(s.canary->phase());
            r.canary_weight = s.canary->weight();
        }
    }
    out.metric_times_seconds = metrics_->times_seconds();
    out.metrics = metrics_->columns();
    out.metric_scrapes = metrics_->scrapes();
    out.metric_stride = metrics_->stride();
    out.metric_totals = metrics_->totals();
    out.expectation_tallies = expectation_tallies_;
    for (std::uint32_t a = 0; a < params_.operations.alerts.size(); ++a) {
        const auto& rule = params_.operations.alerts[a];
        out.alerts.push_back({rule.name, rule.severity, rule.condition.text,
                              rule.for_duration.seconds(), alerts_->firings(a)});
    }
}

EventLog Model::with_breaker_transitions(EventLog log, const RunResult& out) {
    // Breaker transitions join the log in time order (after the model's events at equal
    // times). Time-driven ones are applied lazily, at their due times but after later events,
    // so they are merged here rather than logged as they happen.
    struct Transition {
        double at_seconds;
        std::string subject;
        const BreakerTransition* t;
    };
    std::vector<Transition> transitions;
    for (const auto& sr : out.services)
        for (const auto& c : sr.calls)
            for (const auto& t : c.breaker_transitions)
                transitions.push_back({t.at_seconds, call_label(sr.name, c.key), &t});
    std::stable_sort(
        transitions.begin(), transitions.end(),
        [](const Transition& a, const Transition& b) { return a.at_seconds < b.at_seconds; });
    EventLog breakers(log.keeps_rows());
    for (const auto& x : transitions)
        breakers.add(x.at_seconds, "breaker", x.subject,
                     {{"from", x.t->from}, {"to", x.t->to}, {"cause", x.t->cause}});
    return EventLog::merge_by_time(std::move(log), breakers);
}

} // namespace models

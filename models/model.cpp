// The request's path: a load source emits it, a node admits it (a Kanban queue stores it for
// its consumer), a replica takes it from the FIFO, its steps run (work, calls in
// call_edge.cpp, publishes), and it ends: the canary's analysis, its statistics, its queue's
// acknowledgement, its replica (what it leaked there, then the next request), its caller, its
// user and its trace hear of it, in that order.

#include "models/model.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace tpssim::models {

using sim::SimTime;

namespace {
/// A step's span name when the scenario gives none.
std::string default_operation(const StepParams& step, const ModelParams& params) {
    switch (step.kind) {
    case StepParams::Kind::Work:
        return "work";
    case StepParams::Kind::Call:
        return "call " + params.services[step.calls[0].target].name;
    case StepParams::Kind::Parallel:
        return "parallel";
    case StepParams::Kind::Publish:
        return "publish " + params.services[step.publish.target].name;
    }
    return "";
}
} // namespace

Model::Model(const ModelParams& params, std::uint64_t seed, bool keep_event_log)
    : params_(params), recorder_(params, seed, keep_event_log), tracer_(recorder_.tracer()),
      ops_rng_(seed, "operations", "chaos") {
    sources_.reserve(params.load.size());
    for (std::uint32_t i = 0; i < params.load.size(); ++i) {
        sources_.emplace_back(params.load[i], params, seed);
        if (params.load[i].arrivals == ArrivalProcess::Closed)
            users_.resize(users_.size() + params.load[i].users, User{i});
    }
    services_.reserve(params.services.size());
    for (const auto& p : params.services) {
        ServiceNode& s = services_.emplace_back(sim::RandomStream(seed, p.name, "service_time"),
                                                sim::RandomStream(seed, p.name, "routing"));
        s.error_probability = p.error_probability;
        if (p.kind == ServiceKind::Queue) {
            s.kanban = KanbanQueue(p.queue_capacity, p.max_deliver);
            continue;
        }
        s.queue_capacity = p.queue_capacity;
        s.work_factor = p.work_factor;
        if (p.rate_limit_per_second > 0.0) {
            s.limiter = RateLimiter(p.rate_limit_per_second,
                                    p.rate_limit_max_tokens > 0.0
                                        ? p.rate_limit_max_tokens
                                        : RateLimiter::one_second_of(p.rate_limit_per_second),
                                    SimTime::zero());
            s.rate_limited = true;
        }
        s.refresh_dynamic();
        s.stats.workers.set(SimTime::zero(), p.workers);
        s.pool = WorkerPool(p.workers);
        s.steps = p.steps;
        if (s.steps.empty()) {
            StepParams w;
            w.kind = StepParams::Kind::Work;
            w.work = p.service_time;
            s.steps.push_back(std::move(w));
        }
    }
    if (tracer_) {
        for (auto& s : services_) {
            s.handle_op = tracer_->operation("handle");
            for (const auto& step : s.steps)
                s.step_ops.push_back(tracer_->operation(
                    step.operation.empty() ? default_operation(step, params) : step.operation));
        }
    }
    // One edge per call site, in edge_names' numbering (the one scenarios resolve names with):
    // stable names, stable random streams.
    for (auto& s : services_)
        s.first_edge.assign(s.steps.size(), kNone);
    for (auto& n : edge_names(params)) {
        auto& s = services_[n.caller];
        const CallParams& c = s.steps[n.step].calls[n.call];
        assert(c.target == n.target);
        const auto index = static_cast<std::uint32_t>(edges_.size());
        if (n.call == 0) s.first_edge[n.step] = index;
        assert(s.first_edge[n.step] + n.call == index);
        CallEdge& e = edges_.emplace_back(
            &c, n.caller, sim::RandomStream(seed, params.services[n.caller].name, "call " + n.key),
            std::move(n.key));
        if (c.circuit_breaker) e.breaker = std::make_unique<CircuitBreaker>(*c.circuit_breaker);
        if (c.retry) {
            e.retry = std::make_unique<RetryPolicy>(*c.retry);
            if (c.retry->budget) e.budget = std::make_unique<RetryBudget>(*c.retry->budget);
        }
        if (c.cache) e.cache = std::make_unique<Cache>(*c.cache);
        e.timeout = c.timeout;
        if (tracer_) e.op = tracer_->operation(c.operation.empty() ? "call " + e.key : c.operation);
    }
}

void Model::start(sim::Simulation& sim) {
    start_operations(sim);
    for (std::uint32_t i = 0; i < sources_.size(); ++i)
        if (params_.load[i].arrivals != ArrivalProcess::Closed) schedule_next_arrival(sim, i);
    // Users start by thinking, so their first requests spread out instead of all arriving at 0.
    for (std::uint32_t u = 0; u < users_.size(); ++u) {
        const std::uint32_t source = users_[u].source;
        sim.schedule_in(sources_[source].think_time(params_.load[source]), kUserRequest, source, u);
    }
    if (params_.warmup > SimTime::zero()) sim.schedule_at(params_.warmup, kWarmupEnd, 0);
}

void Model::handle(sim::Simulation& sim, const sim::Event& e) {
    // Events about a job, slot or replica that has since ended carry an old generation.
    const std::uint32_t index = ref_index(e.arg);
    const std::uint32_t gen = ref_gen(e.arg);
    switch (e.kind) {
    case kArrival:
        on_arrival(sim, e.target);
        break;
    case kWorkDone:
        if (jobs_[index].gen == gen) on_work_done(sim, index);
        break;
    case kCallTimeout:
        if (edges_[e.target].deadline_timer_at == sim.now()) on_deadlines_due(sim, e.target);
        break;
    case kRetry:
        if (slots_[index].gen == gen) attempt(sim, index);
        break;
    case kCallAnswered:
        if (slots_[index].gen == gen) call_answered(sim, index, slots_[index].answered_ok);
        break;
    case kClientTimeout:
        if (sources_[e.target].client_timer_at == sim.now()) on_client_deadlines_due(sim, e.target);
        break;
    case kBreakerTimer:
        if (edges_[e.target].breaker_timer_at == sim.now()) on_breaker_timer(sim, e.target);
        break;
    case kUserRequest:
        on_user_request(sim, static_cast<std::uint32_t>(e.arg));
        break;
    case kUserTimeout:
        on_user_timeout(sim, index, gen);
        break;
    case kWarmupEnd:
        on_warmup_end(sim.now());
        break;
    case kDeliver:
        if (jobs_[index].gen == gen) on_deliver(sim, index);
        break;
    case kReplicaReady:
        if (services_[e.target].pool.replica(index).gen == gen) replica_ready(sim, e.target, index);
        break;
    case kReplicaUp:
        if (services_[e.target].pool.replica(index).gen == gen) on_replica_up(sim, e.target, index);
        break;
    case kReplicaOom:
        if (services_[e.target].pool.replica(index).gen == gen)
            on_replica_oom(sim, e.target, index);
        break;
    case kScrape:
        on_scrape(sim);
        break;
    case kAutoscale:
        on_autoscale(sim, e.target);
        break;
    case kProbe:
        on_probe(sim, e.target);
        break;
    case kFaultStart:
        on_fault_start(sim, e.target);
        break;
    case kFaultEnd:
        on_fault_end(sim, e.target, static_cast<std::uint32_t>(e.arg));
        break;
    case kFaultRamp:
        on_fault_ramp(sim, e.target);
        break;
    case kAction:
        on_action(sim, e.target);
        break;
    case kCanary:
        on_canary(sim, e.target);
        break;
    default:
        assert(false && "unknown event kind");
    }
}

// ---- load ---------------------------------------------------------------------------------

void Model::schedule_next_arrival(sim::Simulation& sim, std::uint32_t source) {
    const SimTime at =
        sources_[source].next_arrival(sim.now(), params_.load[source], params_.duration);
    if (at != SimTime::max()) sim.schedule_at(at, kArrival, source);
}

void Model::on_arrival(sim::Simulation& sim, std::uint32_t source) {
    sources_[source].count_emitted();
    schedule_next_arrival(sim, source);
    const auto& l = params_.load[source];
    const std::uint32_t trace = tracer_ ? tracer_->maybe_begin(sim.now()) : kNone;
    const std::uint32_t id = new_job(sim, l.target, trace, SpanColumns::kNoParent);
    if (l.timeout != kNoTimeout) {
        LoadSource& src = sources_[source];
        src.client_deadlines.push(ClientDeadline{sim.now() + l.timeout, id, jobs_[id].gen});
        if (src.client_timer_at == SimTime::max()) arm_client_timer(sim, source);
    }
    admit(sim, l.target, id);
}

void Model::arm_client_timer(sim::Simulation& sim, std::uint32_t source) {
    LoadSource& src = sources_[source];
    // Entries of requests that have ended are dropped here, never scheduled.
    auto& d = src.client_deadlines;
    while (!d.empty() && jobs_[d.front().job].gen != d.front().gen)
        d.pop();
    if (d.empty()) {
        src.client_timer_at = SimTime::max();
        return;
    }
    src.client_timer_at = d.front().at;
    sim.schedule_at(src.client_timer_at, kClientTimeout, source);
}

void Model::on_client_deadlines_due(sim::Simulation& sim, std::uint32_t source) {
    LoadSource& src = sources_[source];
    src.client_timer_at = SimTime::max();
    // Every live request whose deadline is now: it works on, for nobody.
    while (!src.client_deadlines.empty() && src.client_deadlines.front().at <= sim.now()) {
        const ClientDeadline d = src.client_deadlines.pop();
        if (jobs_[d.job].gen == d.gen) jobs_[d.job].caller_gone = true;
    }
    arm_client_timer(sim, source);
}

void Model::on_user_request(sim::Simulation& sim, std::uint32_t user) {
    const std::uint32_t source = users_[user].source;
    sources_[source].count_emitted();
    const auto& l = params_.load[source];
    const std::uint32_t trace = tracer_ ? tracer_->maybe_begin(sim.now()) : kNone;
    const std::uint32_t id = new_job(sim, l.target, trace, SpanColumns::kNoParent);
    User& u = users_[user];
    jobs_[id].user = user;
    u.job = id;
    u.job_gen = jobs_[id].gen;
    ++u.request;
    if (l.timeout != kNoTimeout)
        sim.schedule_in(l.timeout, kUserTimeout, 0, pack_ref(user, u.request));
    admit(sim, l.target, id); // a rejection ends the request at once, through user_done
}

void Model::on_user_timeout(sim::Simulation& sim, std::uint32_t user, std::uint32_t request) {
    User& u = users_[user];
    if (u.request != request || u.job == kNone) return; // that request has ended already
    Job& j = jobs_[u.job];
    if (j.gen == u.job_gen) {
        j.caller_gone = true; // it works on, for nobody (counted timed_out when it ends)
        j.user = kNone;
    }
    user_done(sim, user);
}

void Model::user_done(sim::Simulation& sim, std::uint32_t user) {
    User& u = users_[user];
    u.job = kNone;
    sim.schedule_in(sources_[u.source].think_time(params_.load[u.source]), kUserRequest, u.source,
                    user);
}

// ---- jobs ---------------------------------------------------------------------------------

std::uint32_t Model::new_job(sim::Simulation& sim, std::uint32_t service, std::uint32_t trace,
                             std::uint32_t parent_span) {
    const std::uint32_t id = jobs_.acquire();
    peak_in_flight_ = std::max(peak_in_flight_, jobs_.in_flight());
    Job& j = jobs_[id];
    const std::uint32_t gen = j.gen; // survives reuse
    j = Job{};
    j.gen = gen;
    j.service = service;
    j.arrival = sim.now();
    j.first_arrival = sim.now();
    j.counted = sim.now() >= params_.warmup;
    if (trace != kNone) {
        j.trace = trace;
        j.parent_span = parent_span;
        tracer_->job_started(trace);
        // A queue's item is a span of its consumer; the consumer is known once admitted.
        const std::uint32_t shown = params_.services[service].kind == ServiceKind::Queue
                                        ? params_.services[service].consumer
                                        : service;
        // A delivery follows from its publish (the publisher does not wait for it).
        j.span =
            tracer_->open_span(trace, parent_span, shown, services_[shown].handle_op, sim.now(),
                               shown == service ? SpanRef::ChildOf : SpanRef::FollowsFrom);
    }
    return id;
}

void Model::end_job_span(sim::Simulation& sim, const Job& j, SpanOutcome outcome) {
    const SimTime wait =
        outcome == SpanOutcome::Rejected ? SimTime::zero() : j.service_start - j.arrival;
    tracer_->close_span(j.trace, j.span, sim.now(), outcome, j.replica, wait,
                        j.queue != kNone ? j.deliveries + 1 : 0);
}

bool Model::admit(sim::Simulation& sim, std::uint32_t node, std::uint32_t id) {
    if (params_.services[node].kind == ServiceKind::Queue) return publish(sim, node, id);
    auto& s = services_[node];
    Job& j = jobs_[id];
    j.service = node;
    if (j.counted) ++s.stats.arrivals; // a service counts what it turns away too
    if (s.rate_limited && !s.limiter.admit(sim.now())) [[unlikely]]
        return reject(sim, node, id); // HTTP 429
    if (s.pool.has_idle()) {
        begin_work(sim, id, s.pool.take_idle());
        return true;
    }
    if (s.direct_waiting >= s.queue_capacity) return reject(sim, node, id);
    s.queue.push(id);
    s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
    ++s.direct_waiting;
    return true;
}

bool Model::publish(sim::Simulation& sim, std::uint32_t queue, std::uint32_t id) {
    auto& q = services_[queue];
    const std::uint32_t consumer = params_.services[queue].consumer;
    auto& s = services_[consumer];
    Job& j = jobs_[id];
    j.service = consumer;
    j.queue = queue;
    if (j.counted && j.deliveries == 0) ++q.stats.arrivals;
    // A backend outage turns publishes away (the publisher hears an error: nothing is lost
    // silently); redeliveries wait in its unacknowledged items, never come here then.
    if (!q.kanban.offer(j.deliveries > 0)) return reject(sim, queue, id);
    if (j.counted) ++s.stats.arrivals; // the consumer counts deliveries
    if (s.pool.has_idle() && !q.kanban.backend_down()) {
        begin_work(sim, id, s.pool.take_idle());
        return true;
    }
    s.queue.push(id);
    s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
    q.kanban.waiting_added();
    q.stats.queue_length.set(sim.now(), static_cast<double>(q.kanban.depth()));
    return true;
}

bool Model::reject(sim::Simulation& sim, std::uint32_t node, std::uint32_t id) {
    // The job never started; its caller (if any) hears an error.
    if (jobs_[id].counted) ++services_[node].stats.rejected;
    const Job copy = jobs_[id];
    ++jobs_[id].gen;
    jobs_.release(id);
    if (copy.caller_slot != kNone) on_child_done(sim, copy, true);
    if (copy.user != kNone) user_done(sim, copy.user);
    if (copy.trace != kNone) {
        end_job_span(sim, copy, SpanOutcome::Rejected);
        tracer_->job_ended(copy.trace);
    }
    return false;
}

bool Model::start_next_waiting(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    if (s.queue.empty()) return false;
    const std::uint32_t next = s.queue.front();
    const std::uint32_t q = jobs_[next].queue;
    if (q != kNone && services_[q].kanban.backend_down()) return false; // nothing is pulled
    s.queue.pop();
    s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
    if (q != kNone) {
        auto& qs = services_[q];
        qs.kanban.waiting_pulled();
        qs.stats.queue_length.set(sim.now(), static_cast<double>(qs.kanban.depth()));
    } else {
        --s.direct_waiting;
    }
    begin_work(sim, next, replica);
    return true;
}

void Model::dispatch(sim::Simulation& sim, std::uint32_t service) {
    auto& pool = services_[service].pool;
    while (pool.has_idle()) {
        // Off the idle stack first: the work it starts may admit more at this service.
        const std::uint32_t r = pool.take_idle();
        if (!start_next_waiting(sim, service, r)) {
            pool.put_idle(r);
            return;
        }
    }
}

void Model::replica_free(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                         std::uint32_t job) {
    auto& s = services_[service];
    const auto release = s.pool.release(replica, job);
    s.stats.busy.set(sim.now(), s.pool.busy());
    if (release == WorkerPool::Release::Left) {
        s.stats.workers.set(sim.now(), s.pool.serving());
    } else if (release == WorkerPool::Release::Free) {
        if (!start_next_waiting(sim, service, replica)) s.pool.put_idle(replica);
    }
}

void Model::begin_work(sim::Simulation& sim, std::uint32_t id, std::uint32_t replica) {
    Job& j = jobs_[id];
    auto& s = services_[j.service];
    j.service_start = sim.now();
    j.replica = replica;
    s.pool.start(replica, id);
    s.stats.busy.set(sim.now(), s.pool.busy());
    if (j.counted) {
        const SimTime wait = sim.now() - j.arrival;
        s.stats.wait.add(wait);
        if (j.queue != kNone) services_[j.queue].stats.wait.add(wait); // in the Kanban queue
    }
    if (s.dynamic) {
        // A version for the request (a canary's share), and a latency fault's hold first.
        if (s.canary && s.canary->weight() > 0.0)
            j.version = ops_rng_.next_open01() < s.canary->weight()
                            ? static_cast<std::uint8_t>(s.canary->params().version + 1)
                            : 0;
        if (s.faults.latency) {
            j.delaying = true;
            sim.schedule_in(s.faults.latency->sample(s.rng), kWorkDone, 0, pack_ref(id, j.gen));
            return;
        }
    }
    run_steps(sim, id);
}

void Model::run_steps(sim::Simulation& sim, std::uint32_t id) {
    for (;;) {
        Job& j = jobs_[id];
        auto& s = services_[j.service];
        if (j.step == s.steps.size()) {
            finish_job(sim, id,
                       draw(j.service, s.dynamic ? error_probability_of(j) : s.error_probability));
            return;
        }
        const StepParams& step = s.steps[j.step];
        switch (step.kind) {
        case StepParams::Kind::Work: {
            const SimTime d = s.dynamic ? work_duration(j, step) : step.work.sample(s.rng);
            if (j.trace != kNone)
                j.step_span =
                    tracer_->open_span(j.trace, j.span, j.service, s.step_ops[j.step], sim.now());
            sim.schedule_in(d, kWorkDone, 0, pack_ref(id, j.gen));
            return;
        }
        case StepParams::Kind::Call:
        case StepParams::Kind::Parallel: {
            const std::uint32_t first = s.first_edge[j.step];
            const auto n = static_cast<std::uint32_t>(step.calls.size());
            j.step_failed = false;
            // Count the calls first, so that an answer arriving at once (a rejection) cannot
            // end the step while later calls of a parallel step have yet to start.
            j.pending = n + 1;
            for (std::uint32_t c = 0; c < n; ++c)
                start_call(sim, id, first + c);
            Job& jj = jobs_[id];
            if (--jj.pending > 0) return;
            if (jj.step_failed) {
                finish_job(sim, id, true);
                return;
            }
            ++jj.step;
            continue;
        }
        case StepParams::Kind::Publish: {
            const std::uint32_t service = j.service;
            const std::uint32_t target = step.publish.target;
            if (draw(service, step.publish.probability)) {
                const std::uint32_t item = new_job(sim, target, jobs_[id].trace, jobs_[id].span);
                jobs_[item].counted = jobs_[id].counted;
                if (!admit(sim, target, item)) {
                    finish_job(sim, id, true); // the full queue pushes back: an error here
                    return;
                }
            }
            ++jobs_[id].step;
            continue;
        }
        }
    }
}

void Model::on_work_done(sim::Simulation& sim, std::uint32_t id) {
    Job& j = jobs_[id];
    if (j.delaying) { // a latency fault's hold is over: the steps begin
        j.delaying = false;
        if (j.doomed) {
            finish_job(sim, id, true);
            return;
        }
        run_steps(sim, id);
        return;
    }
    if (j.doomed) { // its replica died during the step
        if (j.trace != kNone)
            tracer_->close_span(j.trace, j.step_span, sim.now(), SpanOutcome::Error, j.replica);
        finish_job(sim, id, true);
        return;
    }
    const StepParams& step = services_[j.service].steps[j.step];
    const bool failed = draw(j.service, step.error_probability);
    if (j.trace != kNone)
        tracer_->close_span(j.trace, j.step_span, sim.now(),
                            failed ? SpanOutcome::Error : SpanOutcome::Ok, j.replica);
    if (failed) {
        finish_job(sim, id, true);
        return;
    }
    ++j.step;
    run_steps(sim, id);
}

void Model::step_done(sim::Simulation& sim, std::uint32_t id) {
    Job& j = jobs_[id];
    if (j.step_failed || j.doomed) {
        finish_job(sim, id, true);
        return;
    }
    ++j.step;
    run_steps(sim, id);
}

void Model::finish_job(sim::Simulation& sim, std::uint32_t id, bool failed) {
    const Job j = jobs_[id]; // a copy: the slab may move while callers are notified
    ++jobs_[id].gen;
    jobs_.release(id);
    auto& s = services_[j.service];
    const SimTime latency = sim.now() - j.arrival;
    s.interval_latency.add(latency);
    if (j.version != 0)
        s.canary->record(latency, failed || j.caller_gone);
    else if (s.canary)
        s.canary->record_primary(latency, failed || j.caller_gone);
    if (j.counted) {
        s.stats.latency.add(latency);
        if (j.caller_gone)
            ++s.stats.timed_out;
        else if (failed)
            ++s.stats.failed;
        else
            ++s.stats.completed;
        if (j.caller_gone) s.stats.orphaned_work_seconds += (sim.now() - j.service_start).seconds();
    }
    // A closed user waits on for an item that lives on.
    const bool lives_on = j.queue != kNone && acknowledge(sim, j, failed);
    if (s.dynamic && j.replica != kNone) leak_after_request(sim, j, id);
    replica_free(sim, j.service, j.replica, id);
    if (j.caller_slot != kNone) on_child_done(sim, j, failed);
    if (j.user != kNone && !lives_on) user_done(sim, j.user);
    if (j.trace != kNone) {
        // A queue item's failed delivery that lives on is redelivered (the next delivery's
        // span follows); one that does not went to the dead letters.
        const bool dead = failed && j.queue != kNone && !lives_on;
        end_job_span(sim, j,
                     j.caller_gone ? SpanOutcome::TimedOut
                                   : (dead ? SpanOutcome::DeadLettered
                                           : (failed ? SpanOutcome::Error : SpanOutcome::Ok)));
        tracer_->job_ended(j.trace); // last: the jobs it started are counted already
    }
}

bool Model::acknowledge(sim::Simulation& sim, const Job& j, bool failed) {
    auto& q = services_[j.queue];
    if (q.kanban.backend_down()) {
        // The acknowledgement (or the nack) cannot reach the backend: the item stays stored
        // and is delivered again when the backend returns (at-least-once).
        const std::uint32_t user_request = j.user != kNone ? users_[j.user].request : 0;
        std::uint32_t held_span = kNone;
        if (j.trace != kNone) {
            // The trace waits for the replay; a span of the queue shows the wait.
            tracer_->job_started(j.trace);
            held_span = tracer_->open_span(j.trace, j.parent_span, j.queue,
                                           tracer_->operation("unacked (backend down)"), sim.now(),
                                           SpanRef::FollowsFrom);
        }
        q.kanban.hold_unacked({j.first_arrival, j.deliveries + 1, j.user, user_request, j.counted,
                               !failed, j.trace, j.parent_span, held_span});
        return true;
    }
    if (j.duplicate) q.kanban.duplicate_processed();
    bool lives_on = false;
    if (!failed) {
        q.kanban.ack();
        if (j.counted) {
            ++q.stats.completed;
            q.stats.latency.add(sim.now() - j.first_arrival); // end to end
        }
    } else if (q.kanban.exhausted(j.deliveries + 1)) {
        q.kanban.dead_letter(sim.now(), j.deliveries + 1, j.first_arrival);
        if (j.counted) ++q.stats.dead_lettered;
    } else {
        Job again = j;
        ++again.deliveries;
        again.duplicate = false;
        redeliver(sim, j.queue, again, j.user);
        lives_on = true;
    }
    return lives_on;
}

void Model::redeliver(sim::Simulation& sim, std::uint32_t queue, const Job& item,
                      std::uint32_t user) {
    if (item.counted) ++services_[queue].stats.redelivered;
    const std::uint32_t again = new_job(sim, queue, item.trace, item.parent_span);
    Job& a = jobs_[again];
    a.deliveries = item.deliveries;
    a.first_arrival = item.first_arrival;
    a.counted = item.counted;
    a.duplicate = item.duplicate;
    if (user != kNone) { // the user waits on for the delivered item
        a.user = user;
        users_[user].job = again;
        users_[user].job_gen = a.gen;
    }
    const bool admitted = admit(sim, queue, again);
    assert(admitted && "a redelivery is never turned away");
    (void)admitted;
}

} // namespace tpssim::models
#include "models/model.hpp"

#include "models/expectations.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>

namespace models {

using sim::SimTime;

namespace {
constexpr std::size_t kMaxDeadLettersKept = 100;

} // namespace

Model::Model(const ModelParams& params, std::uint64_t seed, bool keep_event_log)
    : params_(params), ops_rng_(seed, "operations", "chaos"), events_(keep_event_log) {
    sources_.reserve(params.load.size());
    for (std::uint32_t i = 0; i < params.load.size(); ++i) {
        const auto& l = params.load[i];
        if (l.arrivals == ArrivalProcess::Closed) {
            sources_.emplace_back(sim::RandomStream(seed, l.name, "think_time"));
            users_.resize(users_.size() + l.users, User{i});
            continue;
        }
        SourceState s(sim::RandomStream(seed, l.name, "arrivals"));
        if (l.arrivals == ArrivalProcess::Mmpp) {
            sources_.push_back(std::move(s));
            continue;
        }
        // A constant rate keeps the fast path (and the random numbers it has always drawn).
        // The profile is built in load_profile.cpp: building it here (copies of its vectors)
        // changed the inlining of this file's hot path, +1.4% instructions per request.
        double rate = 0.0;
        s.profile = LoadProfile::compile_unless_constant(l.profile, l.rate_per_second,
                                                         params.calendar(), rate);
        if (!s.profile) s.period_ns = 1e9 / rate;
        sources_.push_back(std::move(s));
    }
    services_.reserve(params.services.size());
    for (std::uint32_t i = 0; i < params.services.size(); ++i) {
        const auto& p = params.services[i];
        ServiceState s(sim::RandomStream(seed, p.name, "service_time"),
                       sim::RandomStream(seed, p.name, "routing"));
        s.error_probability = p.error_probability;
        s.queue_capacity = p.queue_capacity;
        if (p.kind == ServiceKind::Service) {
            s.stats.workers.set(SimTime::zero(), p.workers);
            s.replicas.resize(p.workers);
            for (auto& r : s.replicas)
                r.state = Replica::State::Ready;
            // Taken from the back: replica 0 first.
            for (std::uint32_t r = p.workers; r-- > 0;)
                s.idle.push_back(r);
            s.ready = s.desired = p.workers;
            s.steps = p.steps;
            if (s.steps.empty()) {
                StepParams w;
                w.kind = StepParams::Kind::Work;
                w.work = p.service_time;
                s.steps.push_back(std::move(w));
            }
        }
        services_.push_back(std::move(s));
    }
    if (params.tracing.sample_fraction > 0.0) {
        tracer_.emplace(params.tracing, seed);
        for (std::uint32_t i = 0; i < services_.size(); ++i) {
            auto& s = services_[i];
            s.handle_op = tracer_->operation("handle");
            for (const auto& step : s.steps) {
                std::string op = step.operation;
                if (op.empty()) {
                    switch (step.kind) {
                    case StepParams::Kind::Work:
                        op = "work";
                        break;
                    case StepParams::Kind::Call:
                        op = "call " + params.services[step.calls[0].target].name;
                        break;
                    case StepParams::Kind::Parallel:
                        op = "parallel";
                        break;
                    case StepParams::Kind::Publish:
                        op = "publish " + params.services[step.publish.target].name;
                        break;
                    }
                }
                s.step_ops.push_back(tracer_->operation(op));
            }
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
        Edge& e = edges_.emplace_back(
            &c, n.caller, sim::RandomStream(seed, params.services[n.caller].name, "call " + n.key),
            std::move(n.key));
        if (c.circuit_breaker) e.breaker.emplace(*c.circuit_breaker);
        if (c.retry) {
            e.retry.emplace(*c.retry);
            if (c.retry->budget) e.budget.emplace(*c.retry->budget);
        }
        if (c.cache) e.cache.emplace(*c.cache);
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
        sim.schedule_in(params_.load[source].think_time.sample(sources_[source].rng), kUserRequest,
                        source, u);
    }
    if (params_.warmup > SimTime::zero()) sim.schedule_at(params_.warmup, kWarmupEnd, 0);
}

void Model::handle(sim::Simulation& sim, const sim::Event& e) {
    switch (e.kind) {
    case kArrival:
        on_arrival(sim, e.target);
        break;
    case kWorkDone:
        // A stale one: its job was ended early (a crash) and the slot may be reused.
        if (jobs_[ref_index(e.arg)].gen == ref_gen(e.arg)) on_work_done(sim, ref_index(e.arg));
        break;
    case kCallTimeout:
        if (edges_[e.target].deadline_timer_at == sim.now()) on_deadlines_due(sim, e.target);
        break;
    case kRetry:
        if (slots_[ref_index(e.arg)].gen == ref_gen(e.arg)) attempt(sim, ref_index(e.arg));
        break;
    case kCallAnswered:
        if (slots_[ref_index(e.arg)].gen == ref_gen(e.arg))
            call_answered(sim, ref_index(e.arg), slots_[ref_index(e.arg)].answered_ok);
        break;
    case kClientTimeout: {
        Job& j = jobs_[ref_index(e.arg)];
        if (j.gen == ref_gen(e.arg)) j.caller_gone = true;
        break;
    }
    case kBreakerTimer: {
        auto& ed = edges_[e.target];
        if (ed.breaker_timer_at == sim.now()) {
            ed.breaker_timer_at = SimTime::max();
            ed.breaker->advance(sim.now());
            arm_breaker_timer(sim, e.target);
        }
        break;
    }
    case kUserRequest:
        on_user_request(sim, static_cast<std::uint32_t>(e.arg));
        break;
    case kUserTimeout:
        on_user_timeout(sim, ref_index(e.arg), ref_gen(e.arg));
        break;
    case kWarmupEnd:
        for (auto& s : services_) {
            // Monitoring reads counters from t = 0: keep what the restart forgets.
            auto& b = s.base;
            const auto& st = s.stats;
            b.arrivals += st.arrivals;
            b.completed += st.completed;
            b.failed += st.failed;
            b.rejected += st.rejected;
            b.timed_out += st.timed_out;
            b.dead_lettered += st.dead_lettered;
            b.redelivered += st.redelivered;
            b.busy_seconds += st.busy.integral_seconds(sim.now());
            b.ready_seconds += st.workers.integral_seconds(sim.now());
            s.stats.restart(sim.now());
        }
        for (std::size_t i = 0; i < edges_.size(); ++i) {
            auto& ed = edges_[i];
            edge_base_[i] = ed.stats;
            ed.stats.restart();
            if (ed.breaker) ed.breaker->restart_statistics();
            if (ed.budget) ed.budget->restart_statistics();
            if (ed.cache) ed.cache->restart_statistics();
        }
        break;
    case kDeliver:
        if (jobs_[ref_index(e.arg)].gen == ref_gen(e.arg)) on_deliver(sim, ref_index(e.arg));
        break;
    case kReplicaReady:
        if (services_[e.target].replicas[ref_index(e.arg)].gen == ref_gen(e.arg))
            replica_ready(sim, e.target, ref_index(e.arg));
        break;
    case kReplicaUp:
        if (services_[e.target].replicas[ref_index(e.arg)].gen == ref_gen(e.arg))
            on_replica_up(sim, e.target, ref_index(e.arg));
        break;
    case kReplicaOom:
        if (services_[e.target].replicas[ref_index(e.arg)].gen == ref_gen(e.arg))
            on_replica_oom(sim, e.target, ref_index(e.arg));
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

void Model::schedule_next_arrival(sim::Simulation& sim, std::uint32_t source) {
    auto& s = sources_[source];
    if (params_.load[source].arrivals == ArrivalProcess::Mmpp) {
        schedule_next_mmpp_arrival(sim, source);
        return;
    }
    if (s.profile) {
        // A varying rate: Poisson by thinning, constant spacing where the cumulative rate
        // reaches the next whole number. max(): the rate stays zero from here on.
        const SimTime next = params_.load[source].arrivals == ArrivalProcess::Constant
                                 ? s.profile->constant_arrival(s.emitted + 1)
                                 : s.profile->next_arrival(sim.now(), s.rng);
        if (next != SimTime::max()) sim.schedule_at(std::max(next, sim.now()), kArrival, source);
        return;
    }
    switch (params_.load[source].arrivals) {
    case ArrivalProcess::Poisson:
        sim.schedule_in(SimTime::from_ns_rounded(-s.period_ns * std::log(s.rng.next_open01())),
                        kArrival, source);
        break;
    case ArrivalProcess::Constant:
        // The k-th arrival at round(k x period): no drift accumulates from rounding.
        sim.schedule_at(SimTime::from_ns_rounded(static_cast<double>(s.emitted + 1) * s.period_ns),
                        kArrival, source);
        break;
    case ArrivalProcess::Closed:
    case ArrivalProcess::Mmpp:
        break; // users schedule their own requests; Mmpp is handled above
    }
}

void Model::schedule_next_mmpp_arrival(sim::Simulation& sim, std::uint32_t source) {
    auto& s = sources_[source];
    const auto& states = params_.load[source].mmpp;
    auto exp_ns = [&](double mean_ns) { return -mean_ns * std::log(s.rng.next_open01()); };
    // Both clocks are memoryless: race the next arrival at the current state's rate against
    // the state's end; at the end, draw afresh in the next state from that instant.
    SimTime t = sim.now();
    if (s.mmpp_leaves_at == SimTime::zero())
        s.mmpp_leaves_at =
            t + SimTime::from_ns_rounded(exp_ns(static_cast<double>(states[0].mean_duration.ns())));
    for (int guard = 0; guard < 1'000'000; ++guard) {
        const double rate = states[s.mmpp_state].rate_per_second;
        if (rate > 0.0) {
            const SimTime next = t + SimTime::from_ns_rounded(exp_ns(1e9 / rate));
            if (next < s.mmpp_leaves_at) {
                sim.schedule_at(next, kArrival, source);
                return;
            }
        }
        t = s.mmpp_leaves_at;
        if (t >= params_.duration) return; // no arrival before the end of the run
        std::uint32_t next_state = s.mmpp_state;
        if (states.size() == 2) {
            next_state = 1 - s.mmpp_state;
        } else {
            const auto others = static_cast<double>(states.size() - 1);
            auto k = static_cast<std::uint32_t>(s.rng.next_open01() * others);
            k = std::min<std::uint32_t>(k, static_cast<std::uint32_t>(states.size() - 2));
            next_state = k >= s.mmpp_state ? k + 1 : k;
        }
        s.mmpp_state = next_state;
        s.mmpp_leaves_at = t + SimTime::from_ns_rounded(exp_ns(
                                   static_cast<double>(states[next_state].mean_duration.ns())));
    }
}

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
        j.span =
            tracer_->open_span(trace, parent_span, shown, services_[shown].handle_op, sim.now());
    }
    return id;
}

void Model::end_job_span(sim::Simulation& sim, const Job& j, SpanOutcome outcome) {
    const SimTime wait =
        outcome == SpanOutcome::Rejected ? SimTime::zero() : j.service_start - j.arrival;
    tracer_->close_span(j.trace, j.span, sim.now(), outcome, wait);
}

void Model::on_arrival(sim::Simulation& sim, std::uint32_t source) {
    ++sources_[source].emitted;
    schedule_next_arrival(sim, source);
    const auto& l = params_.load[source];
    const std::uint32_t trace = tracer_ ? tracer_->maybe_begin(sim.now()) : kNone;
    const std::uint32_t id = new_job(sim, l.target, trace, SpanColumns::kNoParent);
    if (l.timeout != kNoTimeout)
        sim.schedule_in(l.timeout, kClientTimeout, 0, pack_ref(id, jobs_[id].gen));
    admit(sim, l.target, id);
}

void Model::on_user_request(sim::Simulation& sim, std::uint32_t user) {
    const std::uint32_t source = users_[user].source;
    ++sources_[source].emitted;
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
    sim.schedule_in(params_.load[u.source].think_time.sample(sources_[u.source].rng), kUserRequest,
                    u.source, user);
}

bool Model::admit(sim::Simulation& sim, std::uint32_t node, std::uint32_t id) {
    const auto& np = params_.services[node];
    const bool via_queue = np.kind == ServiceKind::Queue;
    const std::uint32_t service = via_queue ? np.consumer : node;
    auto& s = services_[service];
    Job& j = jobs_[id];
    j.service = service;
    bool admitted;
    if (via_queue) {
        // A Kanban stream (JetStream-like): a message is stored from its publish until its
        // consumer acknowledges it (or it is dead-lettered), and the capacity bounds what is
        // stored. A redelivery is a message already stored: it is never turned away.
        auto& q = services_[node];
        j.queue = node;
        if (j.counted && j.deliveries == 0) ++q.stats.arrivals;
        // A backend outage turns publishes away (the publisher hears an error: nothing is
        // lost silently); redeliveries wait in `unacked` and never come here during one.
        admitted = j.deliveries > 0 || (q.stored < q.queue_capacity && !q.backend_down);
        if (admitted && j.deliveries == 0) ++q.stored;
    } else {
        if (j.counted) ++s.stats.arrivals; // a service counts what it turns away too
        admitted = !s.idle.empty() || s.direct_waiting < s.queue_capacity;
    }
    if (admitted) {
        if (via_queue && j.counted) ++s.stats.arrivals; // the consumer counts deliveries
        if (!s.idle.empty() && (!via_queue || !services_[node].backend_down)) {
            const std::uint32_t r = s.idle.back();
            s.idle.pop_back();
            begin_work(sim, id, r);
            return true;
        }
        s.queue.push(id);
        s.stats.queue_length.set(sim.now(), static_cast<double>(s.queue.size()));
        if (via_queue) {
            auto& q = services_[node];
            ++q.depth;
            q.stats.queue_length.set(sim.now(), static_cast<double>(q.depth));
        } else {
            ++s.direct_waiting;
        }
        return true;
    }
    // Rejected: a full queue. The job never started; its caller (if any) hears an error.
    if (j.counted) ++services_[node].stats.rejected;
    const Job copy = j;
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

void Model::begin_work(sim::Simulation& sim, std::uint32_t id, std::uint32_t replica) {
    Job& j = jobs_[id];
    auto& s = services_[j.service];
    j.service_start = sim.now();
    j.replica = replica;
    s.replicas[replica].job = id;
    ++s.busy;
    s.stats.busy.set(sim.now(), s.busy);
    if (j.counted) {
        const SimTime wait = sim.now() - j.arrival;
        s.stats.wait.add(wait);
        if (j.queue != kNone) { // the time it sat in the Kanban queue
            services_[j.queue].stats.wait.add(wait);
        }
    }
    if (s.dynamic) {
        // A version for the request (a canary's share), and a latency fault's hold first.
        if (s.canary && s.canary->weight() > 0.0)
            j.version = ops_rng_.next_open01() < s.canary->weight()
                            ? static_cast<std::uint8_t>(s.canary->params().version + 1)
                            : 0;
        if (s.fault_latency) {
            j.delaying = true;
            sim.schedule_in(s.fault_latency->sample(s.rng), kWorkDone, 0, pack_ref(id, j.gen));
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
            tracer_->close_span(j.trace, j.step_span, sim.now(), SpanOutcome::Error);
        finish_job(sim, id, true);
        return;
    }
    const StepParams& step = services_[j.service].steps[j.step];
    const bool failed = draw(j.service, step.error_probability);
    if (j.trace != kNone)
        tracer_->close_span(j.trace, j.step_span, sim.now(),
                            failed ? SpanOutcome::Error : SpanOutcome::Ok);
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
    if (j.version != 0) { // a canary's request, for its analysis
        ++s.canary_requests;
        if (failed || j.caller_gone) ++s.canary_failures;
        s.canary_latency.add(latency);
    }
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
    bool redelivered = false;
    if (j.queue != kNone && services_[j.queue].backend_down) {
        // The backend is down: the acknowledgement (or the nack) cannot reach it. The item
        // stays stored and is delivered again when the backend returns (at-least-once).
        auto& q = services_[j.queue];
        const std::uint32_t user_request = j.user != kNone ? users_[j.user].request : 0;
        q.unacked.push_back(
            {j.first_arrival, j.deliveries + 1, j.user, user_request, j.counted, !failed});
        redelivered = true; // a closed user waits on for the item
    } else if (j.queue != kNone) {
        auto& q = services_[j.queue];
        if (j.duplicate) ++q.duplicates;
        if (failed) {
            redelivered = redeliver_or_dead_letter(sim, j);
        } else {
            --q.stored; // acknowledged
        }
        if (!failed && j.counted) {
            ++q.stats.completed;
            const SimTime end_to_end = sim.now() - j.first_arrival;
            q.stats.latency.add(end_to_end);
        }
    }
    if (s.dynamic && j.replica != kNone) {
        const double leak =
            s.leak_bytes_per_request + (j.version != 0 ? params_.operations.services[j.service]
                                                             .versions[j.version - 1]
                                                             .memory_leak_bytes_per_request
                                                       : 0.0);
        auto& r = s.replicas[j.replica];
        if (leak > 0.0 && r.state == Replica::State::Ready && r.job == id) {
            r.leaked_bytes += leak;
            arm_oom(sim, j.service, j.replica);
        }
    }
    replica_free(sim, j.service, j.replica, id);
    if (j.caller_slot != kNone) on_child_done(sim, j, failed);
    if (j.user != kNone && !redelivered) user_done(sim, j.user); // a redelivery carries it on
    if (j.trace != kNone) {
        end_job_span(sim, j,
                     j.caller_gone ? SpanOutcome::TimedOut
                                   : (failed ? SpanOutcome::Error : SpanOutcome::Ok));
        tracer_->job_ended(j.trace); // last: the jobs it started are counted already
    }
}

bool Model::redeliver_or_dead_letter(sim::Simulation& sim, const Job& failed_job) {
    auto& q = services_[failed_job.queue];
    const auto& qp = params_.services[failed_job.queue];
    const std::uint32_t deliveries = failed_job.deliveries + 1;
    if (qp.max_deliver != 0 && deliveries >= qp.max_deliver) {
        --q.stored;
        if (failed_job.counted) ++q.stats.dead_lettered;
        q.dead_letters.push_back(
            {sim.now().seconds(), deliveries, failed_job.first_arrival.seconds()});
        if (q.dead_letters.size() > kMaxDeadLettersKept) q.dead_letters.pop_front();
        return false;
    }
    if (failed_job.counted) ++q.stats.redelivered;
    const std::uint32_t again =
        new_job(sim, failed_job.queue, failed_job.trace, failed_job.parent_span);
    Job& a = jobs_[again];
    a.deliveries = deliveries;
    a.first_arrival = failed_job.first_arrival;
    a.counted = failed_job.counted;
    if (failed_job.user != kNone) { // the user waits on for the redelivered item
        a.user = failed_job.user;
        users_[a.user].job = again;
        users_[a.user].job_gen = a.gen;
    }
    const bool admitted = admit(sim, failed_job.queue, again);
    assert(admitted && "a redelivery is never turned away");
    (void)admitted;
    return true;
}

// ---- synchronous calls ------------------------------------------------------------------

void Model::start_call(sim::Simulation& sim, std::uint32_t job, std::uint32_t edge) {
    auto& e = edges_[edge];
    if (!draw(jobs_[job].service, e.params->probability)) {
        --jobs_[job].pending; // skipped; the step's own count keeps it from ending here
        return;
    }
    const std::uint32_t id = slots_.acquire();
    CallSlot& slot = slots_[id];
    const std::uint32_t gen = slot.gen;
    slot = CallSlot{};
    slot.gen = gen;
    slot.job = job;
    slot.edge = edge;
    slot.call_start = sim.now();
    slot.answer = SpanOutcome::Ok;
    if (const Job& caller = jobs_[job]; caller.trace != kNone)
        slot.span = tracer_->open_span(caller.trace, caller.span, caller.service, e.op, sim.now());
    ++e.stats.calls;
    if (e.cache) {
        if (e.cache->lookup(e.rng)) {
            ++e.stats.cache_hits;
            slot.answered_ok = true;
            slot.answer = SpanOutcome::CacheHit;
            sim.schedule_in(e.cache->hit_latency(e.rng), kCallAnswered, 0, pack_ref(id, slot.gen));
            return;
        }
        ++e.stats.cache_misses;
    }
    attempt(sim, id);
}

void Model::attempt(sim::Simulation& sim, std::uint32_t slot_id) {
    CallSlot& slot = slots_[slot_id];
    auto& e = edges_[slot.edge];
    if (e.breaker && !e.breaker->try_acquire_permission(sim.now())) {
        arm_breaker_timer(sim, slot.edge);
        ++e.stats.not_permitted;
        if (slot.retry_active) {
            e.budget->on_retry_finished();
            slot.retry_active = false;
        }
        // The callee is never occupied; resilience4j counts the refusal as an attempt.
        if (e.retry && e.retry->params().on_refused == RefusedAttempt::Retry) {
            ++slot.attempts;
            if (schedule_retry(sim, slot_id)) return;
        }
        call_failed(sim, slot_id);
        return;
    }
    ++slot.attempts;
    ++e.stats.attempts;
    slot.attempt_start = sim.now();
    if (e.budget) e.budget->on_request_started();
    const std::uint32_t target = e.params->target;
    SimTime network = SimTime::zero();
    if (e.dynamic) {
        // A fault on the edge: the attempt fails at once (a refused connection, say).
        if (e.fault_errors > 0.0 && e.rng.next_open01() < e.fault_errors) {
            attempt_done(sim, slot_id, true);
            return;
        }
        network = network_delay(sim, slot.edge);
    }
    if (e.timeout != kNoTimeout) {
        e.deadlines.push(Deadline{sim.now() + e.timeout, slot_id, slot.gen});
        if (e.deadline_timer_at == SimTime::max()) arm_deadline_timer(sim, slot.edge);
    }
    const Job& caller = jobs_[slot.job];
    const std::uint32_t child = caller.trace == kNone
                                    ? new_job(sim, target)
                                    : new_job(sim, target, caller.trace, slot.span);
    jobs_[child].caller_slot = slot_id;
    jobs_[child].caller_gen = slots_[slot_id].gen;
    slots_[slot_id].child = child;
    slots_[slot_id].child_gen = jobs_[child].gen;
    if (network > SimTime::zero()) {
        sim.schedule_in(network, kDeliver, 0, pack_ref(child, jobs_[child].gen));
        return;
    }
    admit(sim, target, child); // a rejection answers at once, through on_child_done
}

void Model::arm_breaker_timer(sim::Simulation& sim, std::uint32_t edge) {
    auto& e = edges_[edge];
    const SimTime due = e.breaker->next_timed_transition();
    if (due == SimTime::max()) return;
    const SimTime at = std::max(due, sim.now());
    if (at == e.breaker_timer_at) return;
    e.breaker_timer_at = at; // an earlier timer still in the calendar will find it changed
    sim.schedule_at(at, kBreakerTimer, edge);
}

void Model::arm_deadline_timer(sim::Simulation& sim, std::uint32_t edge) {
    auto& e = edges_[edge];
    // Entries of attempts that have ended are dropped here, never scheduled.
    while (!e.deadlines.empty() && slots_[e.deadlines.front().slot].gen != e.deadlines.front().gen)
        e.deadlines.pop();
    if (e.deadlines.empty()) {
        e.deadline_timer_at = SimTime::max();
        return;
    }
    e.deadline_timer_at = e.deadlines.front().at;
    sim.schedule_at(e.deadline_timer_at, kCallTimeout, edge);
}

void Model::on_deadlines_due(sim::Simulation& sim, std::uint32_t edge) {
    auto& e = edges_[edge];
    e.deadline_timer_at = SimTime::max();
    // Time out every live attempt whose deadline is now. A timeout may start a retry on this
    // edge, whose deadline (now + timeout) goes to the back: the order holds.
    while (!e.deadlines.empty() && e.deadlines.front().at <= sim.now()) {
        const Deadline d = e.deadlines.pop();
        if (slots_[d.slot].gen == d.gen) on_call_timeout(sim, d.slot);
    }
    if (e.deadline_timer_at == SimTime::max()) arm_deadline_timer(sim, edge);
}

void Model::on_child_done(sim::Simulation& sim, const Job& child, bool failed) {
    const CallSlot& slot = slots_[child.caller_slot];
    if (slot.gen != child.caller_gen) return; // the caller gave up on this attempt: orphan
    attempt_done(sim, child.caller_slot, failed);
}

void Model::on_call_timeout(sim::Simulation& sim, std::uint32_t slot_id) {
    CallSlot& slot = slots_[slot_id];
    ++edges_[slot.edge].stats.timeouts;
    Job& child = jobs_[slot.child];
    if (child.gen == slot.child_gen) child.caller_gone = true; // it works on, for nobody
    attempt_done(sim, slot_id, true);
}

void Model::attempt_done(sim::Simulation& sim, std::uint32_t slot_id, bool failed) {
    CallSlot& slot = slots_[slot_id];
    ++slot.gen; // the attempt is over: its timeout and its child's answer are now stale
    auto& e = edges_[slot.edge];
    if (e.budget) {
        e.budget->on_request_finished();
        if (slot.retry_active) e.budget->on_retry_finished();
    }
    slot.retry_active = false;
    const SimTime took = sim.now() - slot.attempt_start;
    if (e.breaker) {
        if (failed)
            e.breaker->on_error(sim.now(), took);
        else
            e.breaker->on_success(sim.now(), took);
        arm_breaker_timer(sim, slot.edge);
    }
    if (!failed) {
        ++e.stats.succeeded;
        call_answered(sim, slot_id, true);
        return;
    }
    ++e.stats.errors;
    if (e.retry && schedule_retry(sim, slot_id)) return;
    call_failed(sim, slot_id);
}

bool Model::schedule_retry(sim::Simulation& sim, std::uint32_t slot_id) {
    CallSlot& slot = slots_[slot_id];
    auto& e = edges_[slot.edge];
    if (!e.retry->has_attempts_left(slot.attempts)) return false;
    if (e.budget && !e.budget->try_start_retry()) {
        ++e.stats.retry_budget_exhausted;
        return false;
    }
    ++e.stats.retries;
    slot.retry_active = e.budget.has_value();
    sim.schedule_in(e.retry->backoff_before_attempt(slot.attempts + 1, e.rng), kRetry, 0,
                    pack_ref(slot_id, slot.gen));
    return true;
}

void Model::call_failed(sim::Simulation& sim, std::uint32_t slot_id) {
    CallSlot& slot = slots_[slot_id];
    auto& e = edges_[slot.edge];
    if (e.params->fallback) {
        ++e.stats.fallbacks;
        ++slot.gen;
        slot.answered_ok = true;
        slot.answer = SpanOutcome::Fallback;
        sim.schedule_in(e.params->fallback->latency.sample(e.rng), kCallAnswered, 0,
                        pack_ref(slot_id, slot.gen));
        return;
    }
    call_answered(sim, slot_id, false);
}

void Model::call_answered(sim::Simulation& sim, std::uint32_t slot_id, bool ok) {
    CallSlot& slot = slots_[slot_id];
    auto& e = edges_[slot.edge];
    const std::uint32_t job = slot.job;
    if (jobs_[job].counted) {
        const SimTime took = sim.now() - slot.call_start;
        e.stats.latency.add(took);
        if (!ok) ++e.stats.failed;
    }
    if (jobs_[job].trace != kNone)
        tracer_->close_span(jobs_[job].trace, slot.span, sim.now(),
                            ok ? slot.answer : SpanOutcome::Error);
    ++slot.gen;
    slots_.release(slot_id);
    Job& j = jobs_[job];
    if (!ok) j.step_failed = true;
    if (--j.pending == 0) step_done(sim, job);
}

void Model::set_error_probability(std::uint32_t service, double probability) {
    services_[service].error_probability = probability;
}

// ---- results ----------------------------------------------------------------------------

RunResult Model::result(const sim::Simulation& sim) const {
    RunResult out = figures(sim);
    out.event_log = with_breaker_transitions(events_, out);
    return out;
}

RunResult Model::finish(const sim::Simulation& sim) {
    RunResult out = figures(sim);
    out.event_log = with_breaker_transitions(std::move(events_), out);
    return out;
}

RunResult Model::figures(const sim::Simulation& sim) const {
    RunResult out;
    const SimTime now = sim.now();
    out.simulated_seconds = now.seconds();
    out.warmup_seconds = std::min(params_.warmup, now).seconds();
    out.events = sim.events_processed();
    out.peak_in_flight = peak_in_flight_;
    const double measured = out.simulated_seconds - out.warmup_seconds;
    auto summarise = [](const sim::QuantileSketch& q) {
        if (q.count() == 0) return DurationSummary{}; // no data
        return DurationSummary{q.mean_seconds(), q.quantile_seconds(0.5), q.quantile_seconds(0.9),
                               q.quantile_seconds(0.99), q.max_seconds()};
    };
    for (std::size_t i = 0; i < services_.size(); ++i) {
        const auto& st = services_[i].stats;
        const auto& p = params_.services[i];
        ServiceResult r;
        r.name = p.name;
        r.kind = p.kind == ServiceKind::Queue ? "queue" : "service";
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
        for (const auto& d : services_[i].dead_letters)
            r.dead_letters.push_back(d);
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
                c.breaker_transitions_dropped = e.breaker->transitions_dropped();
                for (const auto& t : e.breaker->transitions())
                    c.breaker_transitions.push_back({t.at.seconds(), std::string(to_string(t.from)),
                                                     std::string(to_string(t.to)),
                                                     std::string(to_string(t.cause))});
            }
            r.calls.push_back(std::move(c));
        }
        out.services.push_back(std::move(r));
    }
    fill_operations_result(sim, out);
    if (tracer_) {
        out.traced = tracer_->traced();
        tracer_->export_kept(out.spans, out.slowest_traces);
    }
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
    out.expectations = check_expectations(params.operations.expectations, out);
    out.seed = options.seed;
    out.interrupted = interrupted;
    out.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return out;
}

} // namespace models

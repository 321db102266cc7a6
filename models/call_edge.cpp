// Synchronous calls on their edges: a call takes a slot, tries the cache, asks the breaker,
// sends attempts (each a child job at the callee, maybe delayed on the network), times them
// out, retries them after a back-off, falls back, and answers its calling job's step.

#include "models/model.hpp"

#include <algorithm>

namespace tpssim::models {

using sim::SimTime;

void CallEdge::set_timeout(SimTime now, SimTime new_timeout) {
    // Pending deadlines are cut to the new timeout from now, so they stay in order before
    // the new ones (the deadline FIFO's invariant) and in-flight calls get it too.
    const SimTime cap = now + new_timeout;
    if (new_timeout < timeout || timeout == kNoTimeout) {
        for (std::size_t k = 0; k < deadlines.size(); ++k)
            deadlines[k].at = std::min(deadlines[k].at, cap);
    }
    timeout = new_timeout;
}

SimTime NetworkLink::transfer(SimTime now, const LinkParams& lp) {
    const std::int64_t second = now.ns() / 1'000'000'000;
    if (second != second_) {
        bytes_last_second_ = second == second_ + 1 ? bytes_this_second_ : 0.0;
        bytes_this_second_ = 0.0;
        second_ = second;
    }
    bytes_this_second_ += lp.payload_bytes;
    bytes_total_ += lp.payload_bytes;
    const double u =
        std::min(0.99, bytes_last_second_ / lp.bandwidth_bytes_per_second + background_);
    return SimTime::from_ns_rounded(lp.payload_bytes / lp.bandwidth_bytes_per_second / (1.0 - u) *
                                    1e9);
}

double NetworkLink::utilization(SimTime now, const LinkParams& lp) const {
    const std::int64_t second = now.ns() / 1'000'000'000;
    const double own = second == second_       ? bytes_last_second_
                       : second == second_ + 1 ? bytes_this_second_
                                               : 0.0;
    return std::min(0.99, own / lp.bandwidth_bytes_per_second + background_);
}

void Model::start_call(sim::Simulation& sim, std::uint32_t job, std::uint32_t edge) {
    auto& e = edges_[edge];
    if (!draw(jobs_[job].service, e.probability)) {
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
    const std::uint32_t target = e.target;
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
    slot.retry_active = e.budget != nullptr;
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
                            ok ? slot.answer : SpanOutcome::Error, jobs_[job].replica);
    ++slot.gen;
    slots_.release(slot_id);
    Job& j = jobs_[job];
    if (!ok) j.step_failed = true;
    if (--j.pending == 0) step_done(sim, job);
}

SimTime Model::network_delay(sim::Simulation& sim, std::uint32_t edge) {
    auto& e = edges_[edge];
    SimTime d = SimTime::zero();
    if (e.fault_latency) d += e.fault_latency->sample(e.rng);
    if (e.link != kNone) d += links_[e.link].transfer(sim.now(), link_params_[e.link]);
    return d;
}

void Model::on_deliver(sim::Simulation& sim, std::uint32_t job) {
    Job& j = jobs_[job];
    j.arrival = sim.now(); // the callee sees it when it arrives, not when it was sent
    j.first_arrival = sim.now();
    admit(sim, j.service, job); // a rejection answers at once, through on_child_done
}

void Model::on_breaker_timer(sim::Simulation& sim, std::uint32_t edge) {
    auto& e = edges_[edge];
    e.breaker_timer_at = SimTime::max();
    e.breaker->advance(sim.now());
    arm_breaker_timer(sim, edge);
}

} // namespace tpssim::models
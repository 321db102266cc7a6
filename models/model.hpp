#pragma once
/// The TPS model: load sources feeding services whose workers run steps (work, synchronous
/// calls with timeouts, retries, circuit breakers, caches and fallbacks, asynchronous
/// hand-offs to pull-based queues), driven by the event engine of `sim/`. Built once from
/// validated `ModelParams`, then run.
///
/// A request's visit to one service is a Job. A synchronous call is a CallSlot owned by the
/// calling job, which lives across the call's attempts; each attempt is a child Job at the
/// callee. Jobs and slots live in slabs with free lists and are named by index; events carry
/// (index, generation) so an event about something that has since ended is recognised and
/// ignored (a timeout that fires after its call returned, say) without searching the calendar.
///
/// `Model` keeps the jobs and the request's path through them (model.cpp: admission, dispatch
/// to a replica, steps, the end of a job; call_edge.cpp: calls, attempts, retries, timeouts);
/// the components it is made of own their state: the load sources, each node's worker pool,
/// Kanban queue, faults and canary release, the call edges, monitoring. The rare events that
/// change them are handled in model_replicas.cpp (replicas, health checks, the autoscaler),
/// chaos.cpp (faults) and operator_actions.cpp (actions, canary steps); model_results.cpp
/// restarts the statistics after the warm-up, hands monitoring its readings and assembles
/// the figures.

#include "models/call_edge.hpp"
#include "models/chaos.hpp"
#include "models/event_log.hpp"
#include "models/events.hpp"
#include "models/load_sources.hpp"
#include "models/monitoring.hpp"
#include "models/params.hpp"
#include "models/run_recorder.hpp"
#include "models/run_result.hpp"
#include "models/service_node.hpp"
#include "models/service_stats.hpp"
#include "models/slab.hpp"
#include "models/tracer.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace tpssim::models {

class Model {
public:
    /// Builds the model's state; random streams derive from `seed` and component names.
    /// `keep_event_log`: store the event log's rows (else only count them: no output asks).
    Model(const ModelParams& params, std::uint64_t seed, bool keep_event_log = true);
    // Not copied or moved: `tracer_` points into `recorder_`.
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    /// Schedules the initial events (first arrivals, end of warm-up).
    void start(sim::Simulation& sim);
    /// Reacts to one event. Called by `sim::Simulation::run`.
    void handle(sim::Simulation& sim, const sim::Event& e);

    /// Changes, from now on, the probability that a request fails at `service` once its steps
    /// are done (what a fault injection or a bad deployment does).
    void set_error_probability(std::uint32_t service, double probability);
    /// Asks for `replicas` replicas of `service` (>= 0): new ones are ready after the service's
    /// start-up delay; surplus ones leave, idle ones first, busy ones when their request ends.
    void scale(sim::Simulation& sim, std::uint32_t service, std::uint32_t replicas, ScaleCause why);
    /// The replicas asked for (ready, starting or restarting) and those ready now.
    std::uint32_t replicas_desired(std::uint32_t service) const {
        return services_[service].pool.desired();
    }
    std::uint32_t replicas_ready(std::uint32_t service) const {
        return services_[service].pool.ready();
    }

    /// The figures at the simulation's current time (the model can go on).
    RunResult result(const sim::Simulation& sim) const;
    /// The same at the end of a run, with the `expect:` checks' verdicts: the recorder's
    /// tables are moved out, not copied (the model is done with them).
    RunResult finish(const sim::Simulation& sim);
    /// Requests (jobs) in flight now, across all services.
    std::size_t jobs_in_flight() const { return jobs_.in_flight(); }
    const ServiceStats& service_stats(std::uint32_t s) const { return services_[s].stats; }

private:
    struct Job {
        SimTime arrival;       ///< at this service
        SimTime service_start; ///< when a worker took it
        SimTime first_arrival; ///< at the first service of its delivery chain (queues)
        std::uint32_t service = 0;
        std::uint32_t step = 0;
        std::uint32_t caller_slot = kNone; ///< the call waiting for this job, if any
        std::uint32_t caller_gen = 0;      ///< that slot's generation when this job was made
        std::uint32_t gen = 0;             ///< bumped when the job ends
        std::uint32_t queue = kNone;       ///< the Kanban queue it was delivered through
        std::uint32_t pending = 0;         ///< calls of the current step not yet answered
        std::uint32_t deliveries = 0;      ///< deliveries through `queue` so far
        std::uint32_t trace = kNone;       ///< the trace it belongs to, if traced
        std::uint32_t span = 0;            ///< its service span in that trace
        std::uint32_t parent_span = 0;     ///< the span it hangs under
        std::uint32_t step_span = 0;       ///< the current work step's span
        bool counted = false;              ///< arrived after warm-up
        bool caller_gone = false;          ///< its caller or client gave up on it
        bool step_failed = false;          ///< a call of the current step failed without fallback
        std::uint32_t user = kNone;        ///< the closed-load user waiting for this job, if any
        std::uint32_t replica = kNone;     ///< the replica working on it
        std::uint8_t version = 0;          ///< 0: primary; k: the service's versions[k - 1]
        bool delaying = false;             ///< held by a latency fault before its first step
        bool doomed = false;               ///< its replica died: it fails at its next step
        bool duplicate = false;            ///< a queue item delivered again after an outage
    };
    using Replica = WorkerPool::Replica;

    // ---- the request path (model.cpp) ----
    void on_arrival(sim::Simulation& sim, std::uint32_t source);
    /// Schedules the kClientTimeout of `source`'s earliest live client deadline, if any.
    void arm_client_timer(sim::Simulation& sim, std::uint32_t source);
    /// Gives up on every live request of `source` whose client deadline is now.
    void on_client_deadlines_due(sim::Simulation& sim, std::uint32_t source);
    void schedule_next_arrival(sim::Simulation& sim, std::uint32_t source);
    void on_user_request(sim::Simulation& sim, std::uint32_t user);
    void on_user_timeout(sim::Simulation& sim, std::uint32_t user, std::uint32_t request);
    /// The user's request has ended (answered, failed, rejected or timed out): it thinks.
    void user_done(sim::Simulation& sim, std::uint32_t user);
    /// Admits job `id` at `node` (a service, or a queue that hands it to its consumer).
    /// false: rejected (a full queue); the job has then been failed and released.
    bool admit(sim::Simulation& sim, std::uint32_t node, std::uint32_t id);
    /// Publishes job `id` to Kanban queue `queue`, which delivers it to its consumer (a
    /// redelivery is stored already); false: turned away, as `admit`.
    bool publish(sim::Simulation& sim, std::uint32_t queue, std::uint32_t id);
    /// Turns job `id` away at `node` (a full queue, a backend outage): the job is failed and
    /// released, its caller and user hear at once.
    bool reject(sim::Simulation& sim, std::uint32_t node, std::uint32_t id);
    void begin_work(sim::Simulation& sim, std::uint32_t id, std::uint32_t replica);
    void run_steps(sim::Simulation& sim, std::uint32_t id);
    void on_work_done(sim::Simulation& sim, std::uint32_t id);
    void step_done(sim::Simulation& sim, std::uint32_t id);
    void finish_job(sim::Simulation& sim, std::uint32_t id, bool failed);
    /// Acknowledges the end of queue item `j` to its Kanban queue; true: the item lives on
    /// (redelivered, or held for redelivery by a backend outage).
    bool acknowledge(sim::Simulation& sim, const Job& j, bool failed);
    /// Delivers a queue item again through `queue` as a new job (a failed delivery, or one
    /// replayed after a backend outage); `user`: the closed-load user waiting for it, if any.
    void redeliver(sim::Simulation& sim, std::uint32_t queue, const Job& item, std::uint32_t user);
    /// Starts the next waiting request (if one may be pulled) on `replica`; false if none.
    bool start_next_waiting(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    /// Starts waiting requests on idle replicas of `service`, as far as both go.
    void dispatch(sim::Simulation& sim, std::uint32_t service);
    /// A replica whose request has ended: it takes the next one, leaves, or idles.
    void replica_free(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                      std::uint32_t job);

    // ---- synchronous calls (call_edge.cpp) ----
    void start_call(sim::Simulation& sim, std::uint32_t job, std::uint32_t edge);
    void attempt(sim::Simulation& sim, std::uint32_t slot);
    void attempt_done(sim::Simulation& sim, std::uint32_t slot, bool failed);
    /// Schedules the call's next attempt after its back-off if attempts and the retry budget
    /// allow; false if not (the call then fails).
    bool schedule_retry(sim::Simulation& sim, std::uint32_t slot);
    void call_answered(sim::Simulation& sim, std::uint32_t slot, bool ok);
    void call_failed(sim::Simulation& sim, std::uint32_t slot);
    void on_call_timeout(sim::Simulation& sim, std::uint32_t slot);
    void on_child_done(sim::Simulation& sim, const Job& child, bool failed);
    void on_breaker_timer(sim::Simulation& sim, std::uint32_t edge);
    void arm_breaker_timer(sim::Simulation& sim, std::uint32_t edge);
    void arm_deadline_timer(sim::Simulation& sim, std::uint32_t edge);
    void on_deadlines_due(sim::Simulation& sim, std::uint32_t edge);
    /// The delay an attempt on `edge` spends on the network (edge latency faults, links).
    SimTime network_delay(sim::Simulation& sim, std::uint32_t edge);
    /// An attempt delayed on the network reaches its callee.
    void on_deliver(sim::Simulation& sim, std::uint32_t job);

    // ---- replicas (model_replicas.cpp) ----
    /// A new replica, ready in `ready_in`; a `surge` one (a rolling restart's) replaces an old
    /// one when ready and is not counted as asked for until then.
    std::uint32_t add_replica(sim::Simulation& sim, std::uint32_t service, SimTime ready_in,
                              bool surge = false);
    void replica_ready(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    /// Kills a ready replica: its request fails; it restarts after `restart_after` (then its
    /// start-up); kNever: it waits, pending, for room in the cluster (a node crash).
    void kill_replica(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                      SimTime restart_after, KillCause why);
    void on_replica_up(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    void on_replica_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    void arm_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    /// Job `j` (slab index `id`) has ended on its replica: the memory it leaked stays there.
    void leak_after_request(sim::Simulation& sim, const Job& j, std::uint32_t id);
    double replica_memory(std::uint32_t service, const Replica& r, SimTime now) const;
    /// The operational settings of `service` (the defaults when the model gives none).
    const ServiceOpsParams& ops_of(std::uint32_t service) const;
    /// Placement: the replicas the cluster has room for now, beyond those placed (unbounded
    /// without a placement), after dropping stale pending entries.
    std::uint32_t room(std::uint32_t service);
    /// Places pending replicas while there is room: each starts (its start-up follows).
    void schedule_pending(sim::Simulation& sim, std::uint32_t service);
    /// `replica` (starting or down, no event scheduled) waits for room; logged once per
    /// episode (when the first replica starts waiting).
    void make_pending(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    /// A NodeCrash fault starts (`on`: its nodes die with their replicas) or ends (they return).
    void node_crash(sim::Simulation& sim, std::uint32_t fault, bool on);
    void on_probe(sim::Simulation& sim, std::uint32_t service);
    void on_autoscale(sim::Simulation& sim, std::uint32_t service);
    void start_operations(sim::Simulation& sim);

    // ---- chaos (chaos.cpp) ----
    void on_fault_start(sim::Simulation& sim, std::uint32_t fault);
    void on_fault_end(sim::Simulation& sim, std::uint32_t fault, std::uint32_t activation);
    void on_fault_ramp(sim::Simulation& sim, std::uint32_t fault);
    void apply_fault(sim::Simulation& sim, std::uint32_t fault, bool on, double level);
    void backend_returns(sim::Simulation& sim, std::uint32_t queue);
    /// The error probability a finishing request of `service` is drawn against (slow path).
    double error_probability_of(const Job& j) const;
    /// A work step's duration for job `j`, with faults, replica health and version applied.
    SimTime work_duration(Job& j, const StepParams& step);

    // ---- operator actions and canary steps (operator_actions.cpp) ----
    /// Alert `rule` has fired: the actions it triggers are scheduled (once, unless repeated).
    void trigger_actions(sim::Simulation& sim, std::uint32_t rule);
    void on_action(sim::Simulation& sim, std::uint32_t action);
    void on_canary(sim::Simulation& sim, std::uint32_t service);

    // ---- statistics, monitoring's readings, results (model_results.cpp) ----
    void on_warmup_end(SimTime now);
    void on_scrape(sim::Simulation& sim);
    /// Records the alerts that fired or resolved at `now` and triggers their actions.
    void report_alert_changes(sim::Simulation& sim, SimTime now,
                              const std::vector<AlertChange>& changes);
    /// The model's own figures (services, calls), then `recorder`'s tables, moved in.
    RunResult assemble(const sim::Simulation& sim, RunRecorder& recorder) const;

    bool draw(std::uint32_t service, double probability) {
        if (probability >= 1.0) return true;
        if (probability <= 0.0) return false;
        return services_[service].routing_rng.next_open01() < probability;
    }
    std::uint32_t new_job(sim::Simulation& sim, std::uint32_t service, std::uint32_t trace = kNone,
                          std::uint32_t parent_span = kNone);
    void end_job_span(sim::Simulation& sim, const Job& j, SpanOutcome outcome);

    const ModelParams& params_;
    /// Everything the run records goes through it (docs/decisions/0010).
    RunRecorder recorder_;
    std::vector<LoadSource> sources_;
    std::vector<User> users_; ///< every closed source's users, source by source
    std::vector<ServiceNode> services_;
    std::vector<CallEdge> edges_;
    Slab<Job> jobs_;
    Slab<CallSlot> slots_;
    Tracer* tracer_ = nullptr; ///< recorder_'s, only when the model samples traces
    std::size_t peak_in_flight_ = 0;

    // Operations.
    sim::RandomStream ops_rng_; ///< which replicas a fault hits, canary routing
    std::vector<FaultState> faults_;
    std::vector<NetworkLink> links_;
    std::vector<LinkParams> link_params_; ///< each link's payload and bandwidth now in force
    std::vector<bool> action_triggered_;  ///< alert-triggered actions that have run
    std::optional<Monitoring> monitoring_;
};

/// How to run a model.
struct RunOptions {
    std::uint64_t seed = 1;
    /// Horizon; defaults to the model's duration.
    sim::SimTime until = sim::SimTime::max();
    /// Called every chunk of events with (simulated seconds, events so far); return false to
    /// stop early (Ctrl-C). Not called on the hot path.
    std::function<bool(double, std::uint64_t)> progress;
    /// Store the event log's rows (bounded by EventLog::kMaxRows); false: only count them,
    /// when no output reads them (memory then does not grow with the run's events).
    bool keep_event_log = true;
};

/// Builds the model, runs it to the horizon and returns its figures.
RunResult run_model(const ModelParams& params, const RunOptions& options);

} // namespace tpssim::models
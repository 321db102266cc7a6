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

#include "models/alerts.hpp"
#include "models/autoscaler.hpp"
#include "models/cache.hpp"
#include "models/canary.hpp"
#include "models/circuit_breaker.hpp"
#include "models/event_log.hpp"
#include "models/fifo_queue.hpp"
#include "models/load_profile.hpp"
#include "models/metrics.hpp"
#include "models/params.hpp"
#include "models/retry_policy.hpp"
#include "models/ring_buffer.hpp"
#include "models/run_result.hpp"
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

namespace models {

/// The model's event kinds (the engine passes them through untouched).
enum EventKind : std::uint32_t {
    kArrival = 0,       ///< target: load source; the source emits one request
    kWorkDone = 1,      ///< arg: job ref; a work step ends
    kCallTimeout = 2,   ///< target: edge; the earliest pending deadline of its calls is due
    kRetry = 3,         ///< arg: slot ref; the back-off is over, the next attempt starts
    kCallAnswered = 4,  ///< arg: slot ref; a cache hit or a fallback has been served
    kClientTimeout = 5, ///< arg: job ref; the client of an entry request gives up
    kWarmupEnd = 6,     ///< statistics restart
    kBreakerTimer = 7,  ///< target: edge; a breaker's time-driven transition is due
    kUserRequest = 8,   ///< target: closed source, arg: user; the user's think time is over
    kUserTimeout = 9,   ///< arg: (user, request number); the user's timeout for a request
    // Operations (models/operations.cpp): rare events, one per replica change or timeline step.
    kDeliver = 10,      ///< arg: job ref; an attempt delayed on the network reaches its callee
    kReplicaReady = 11, ///< target: service, arg: replica ref; a starting replica is ready
    kReplicaUp = 12,    ///< target: service, arg: replica ref; a crashed replica restarts
    kReplicaOom = 13,   ///< target: service, arg: replica ref; its leak reaches the limit
    kScrape = 14,       ///< monitoring: sample the metrics, evaluate the alert rules
    kAutoscale = 15,    ///< target: service; its autoscaler's sync period is over
    kProbe = 16,        ///< target: service; its health check probes every replica
    kFaultStart = 17,   ///< target: fault
    kFaultEnd = 18,     ///< target: fault, arg: the fault's activation number
    kFaultRamp = 19,    ///< target: fault; the next step of its ramp
    kAction = 20,       ///< target: action
    kCanary = 21,       ///< target: service; its canary's analysis interval is over
};

inline constexpr std::uint32_t kNone = 0xffffffffu;

/// Packs an index and a generation into an event argument.
constexpr std::uint64_t pack_ref(std::uint32_t index, std::uint32_t gen) {
    return (static_cast<std::uint64_t>(gen) << 32) | index;
}
constexpr std::uint32_t ref_index(std::uint64_t arg) {
    return static_cast<std::uint32_t>(arg);
}
constexpr std::uint32_t ref_gen(std::uint64_t arg) {
    return static_cast<std::uint32_t>(arg >> 32);
}

class Model {
public:
    /// Builds the model's state; random streams derive from `seed` and component names.
    /// `keep_event_log`: store the event log's rows (else only count them: no output asks).
    Model(const ModelParams& params, std::uint64_t seed, bool keep_event_log = true);

    /// Schedules the initial events (first arrivals, end of warm-up).
    void start(sim::Simulation& sim);
    /// Reacts to one event. Called by `sim::Simulation::run`.
    void handle(sim::Simulation& sim, const sim::Event& e);

    /// Changes, from now on, the probability that a request fails at `service` once its steps
    /// are done (what a fault injection or a bad deployment does).
    void set_error_probability(std::uint32_t service, double probability);
    /// Asks for `replicas` replicas of `service` (>= 0): new ones are ready after the service's
    /// start-up delay; surplus ones leave, idle ones first, busy ones when their request ends.
    void scale(sim::Simulation& sim, std::uint32_t service, std::uint32_t replicas,
               std::string_view why);
    /// The replicas asked for (ready, starting or restarting) and those ready now.
    std::uint32_t replicas_desired(std::uint32_t service) const {
        return services_[service].desired;
    }
    std::uint32_t replicas_ready(std::uint32_t service) const { return services_[service].ready; }

    /// The figures at the simulation's current time (the model can go on).
    RunResult result(const sim::Simulation& sim) const;
    /// The same at the end of a run: the event log is moved out, not copied (the model is
    /// done with it).
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
    struct CallSlot {
        std::uint32_t job = 0;  ///< the calling job
        std::uint32_t edge = 0; ///< index into edges_
        std::uint32_t gen = 0;  ///< bumped when an attempt ends: stale events are ignored
        std::uint32_t attempts = 0;
        std::uint32_t child = kNone; ///< the current attempt's job at the callee
        std::uint32_t child_gen = 0;
        SimTime call_start;
        SimTime attempt_start;
        bool retry_active = false; ///< the current attempt is a retry counted by the budget
        bool answered_ok = true;   ///< kCallAnswered: a cache hit or fallback (true)
        std::uint32_t span = 0;    ///< its client span, when the caller is traced
        SpanOutcome answer = SpanOutcome::Ok; ///< how it was answered, for its span
    };
    struct Deadline {
        SimTime at;
        std::uint32_t slot = 0;
        std::uint32_t gen = 0; ///< the slot's generation when the attempt started
    };
    struct Edge {
        Edge(const CallParams* p, std::uint32_t from, sim::RandomStream r, std::string name)
            : params(p), caller(from), rng(r), key(std::move(name)) {}
        const CallParams* params = nullptr;
        std::uint32_t caller = 0;
        sim::RandomStream rng;
        std::optional<CircuitBreaker> breaker;
        std::optional<RetryPolicy> retry;
        std::optional<RetryBudget> budget;
        std::optional<Cache> cache;
        EdgeStats stats;
        std::string key;
        SimTime breaker_timer_at = SimTime::max(); ///< the pending kBreakerTimer, if any
        std::uint32_t op = 0;                      ///< its spans' operation id (tracing)
        /// Pending attempts' deadlines, in order: an edge's timeout is fixed, so deadlines
        /// arrive sorted. One calendar event waits for the earliest live one, instead of one
        /// per attempt: most calls return long before their timeout, and their entries are
        /// skipped here without ever entering the calendar.
        RingBuffer<Deadline> deadlines;
        SimTime deadline_timer_at = SimTime::max(); ///< the pending kCallTimeout, if any
        SimTime timeout = kNoTimeout; ///< per attempt, now in force (params, or an action)
        // Operations: faults on the edge and its network link.
        bool dynamic = false;       ///< any of the below: attempts take the slow path
        std::uint32_t link = kNone; ///< index into links_
        std::optional<Distribution> fault_latency;
        double fault_errors = 0.0;
    };
    struct SourceState {
        explicit SourceState(sim::RandomStream r) : rng(r) {}
        sim::RandomStream rng;  ///< open: arrivals; closed: think times
        double period_ns = 0.0; ///< mean inter-arrival time (a constant rate)
        std::uint64_t emitted = 0;
        /// A rate that varies over time; empty for a constant rate (the fast path above).
        std::optional<LoadProfile> profile;
        std::uint32_t mmpp_state = 0;             ///< Mmpp: the current state
        SimTime mmpp_leaves_at = SimTime::zero(); ///< Mmpp: when it leaves that state
    };
    /// A closed-load user: thinking, or waiting for its request (`job`).
    struct User {
        std::uint32_t source = 0;
        std::uint32_t job = kNone; ///< the request it waits for; kNone while thinking
        std::uint32_t job_gen = 0;
        std::uint32_t request = 0; ///< requests sent so far: stale timeouts are recognised
    };
    /// One replica (a worker): its identity matters for crashes, leaks and health checks.
    struct Replica {
        enum class State : std::uint8_t { Starting, Ready, Down, Removed };
        State state = State::Starting;
        bool draining = false;  ///< leaves when its request ends (scale-down)
        bool unhealthy = false; ///< a fault made it slow and/or failing
        bool surge = false;     ///< a rolling restart's new replica: not counted in `desired`
                                ///< until it takes an old one's place (Kubernetes' maxSurge pods)
        std::uint32_t gen = 0;  ///< bumped on each death or removal: stale events
        std::uint32_t job = kNone; ///< the request it works on
        std::uint32_t failed_probes = 0;
        double slow_factor = 1.0;          ///< unhealthy: work takes this much longer
        double fail_probability = 0.0;     ///< unhealthy: requests fail with this probability
        double leaked_bytes = 0.0;         ///< per-request leaks since its (re)start
        SimTime started = SimTime::zero(); ///< when it became ready (time-based leaks count
                                           ///< from max(started, leak start))
    };
    /// Counters and integrals from t = 0 that the warm-up does not reset (for monitoring).
    struct Baseline {
        std::uint64_t arrivals = 0, completed = 0, failed = 0, rejected = 0, timed_out = 0,
                      dead_lettered = 0, redelivered = 0;
        double busy_seconds = 0.0, ready_seconds = 0.0;
    };
    /// A queue item whose acknowledgement was lost in a backend outage: delivered again when the
    /// backend returns.
    struct Unacked {
        SimTime first_arrival;
        std::uint32_t deliveries = 0;
        std::uint32_t user = kNone;     ///< the closed-load user waiting for it, if any
        std::uint32_t user_request = 0; ///< that user's request number then
        bool counted = false;
        bool processed = false; ///< it was processed (its replay is a duplicate)
    };
    struct ServiceState {
        explicit ServiceState(sim::RandomStream r, sim::RandomStream routing)
            : rng(r), routing_rng(routing) {}
        sim::RandomStream rng;         ///< work durations
        sim::RandomStream routing_rng; ///< probabilities: errors, optional calls, publishes
        FifoQueue queue;
        std::uint32_t busy = 0;
        std::uint64_t direct_waiting = 0; ///< waiting items that did not come through a queue
        std::uint64_t depth = 0;          ///< queue nodes: items waiting at the consumer
        std::uint64_t stored = 0;         ///< queue nodes: published, not yet acknowledged or dead
        std::vector<StepParams> steps;    ///< resolved: never empty for a service
        std::vector<std::uint32_t> first_edge; ///< per step: index of its first call's edge
        std::deque<DeadLetter> dead_letters;   ///< queue nodes: the latest, bounded
        std::vector<std::uint32_t> step_ops;   ///< per step: its operation id (tracing only)
        std::uint32_t handle_op = 0;           ///< the service span's operation id
        double error_probability = 0.0;        ///< now in force (params, or a fault)
        ServiceStats stats;
        // Replicas: `idle` holds ready replicas without work; `ready` counts ready replicas
        // (idle or busy, draining excluded); `desired` those asked for (ready, starting, down).
        std::vector<Replica> replicas;
        std::vector<std::uint32_t> idle;
        std::vector<std::uint32_t> free_replicas; ///< Removed slots to reuse
        std::uint32_t ready = 0;
        std::uint32_t desired = 0;
        std::uint32_t draining = 0;  ///< ready replicas leaving once their request ends
        std::uint32_t unhealthy = 0; ///< ready replicas a fault made unhealthy
        /// A rolling restart's old replicas (index, generation), retired one per new ready one.
        std::vector<std::pair<std::uint32_t, std::uint32_t>> to_retire;
        std::uint64_t queue_capacity = kUnbounded; ///< now in force (params, or an action)
        // Faults now in force.
        bool dynamic = false; ///< any of the below is set: requests take the slow path
        std::optional<Distribution> fault_latency;
        double fault_error_probability = 0.0;
        double slow_query_fraction = 0.0;
        double slow_query_factor = 1.0;
        double leak_bytes_per_second = 0.0;
        double leak_bytes_per_request = 0.0;
        SimTime leak_since = SimTime::zero();
        bool backend_down = false;    ///< a queue: nothing published or pulled
        std::vector<Unacked> unacked; ///< a queue: to deliver again when the backend returns
        bool autoscaler_broken = false;
        bool autoscaler_disabled = false;
        // Operations state.
        std::optional<Autoscaler> autoscaler;
        double last_busy_seconds = 0.0; ///< at the previous autoscaler sync
        double last_ready_seconds = 0.0;
        std::optional<CanaryAnalysis> canary;
        std::uint64_t canary_requests = 0; ///< in the current analysis interval
        std::uint64_t canary_failures = 0;
        sim::QuantileSketch canary_latency;
        sim::QuantileSketch interval_latency; ///< requests ended since the last scrape
        Baseline base;
        std::uint64_t duplicates = 0;
        std::uint64_t scale_ups = 0, scale_downs = 0, crashes = 0, oom_kills = 0, replaced = 0;
    };

    void on_arrival(sim::Simulation& sim, std::uint32_t source);
    void schedule_next_arrival(sim::Simulation& sim, std::uint32_t source);
    void schedule_next_mmpp_arrival(sim::Simulation& sim, std::uint32_t source);
    void on_user_request(sim::Simulation& sim, std::uint32_t user);
    void on_user_timeout(sim::Simulation& sim, std::uint32_t user, std::uint32_t request);
    /// The user's request has ended (answered, failed, rejected or timed out): it thinks.
    void user_done(sim::Simulation& sim, std::uint32_t user);
    /// Admits job `id` at `node` (a service, or a queue that hands it to its consumer).
    /// false: rejected (a full queue); the job has then been failed and released.
    bool admit(sim::Simulation& sim, std::uint32_t node, std::uint32_t id);
    void begin_work(sim::Simulation& sim, std::uint32_t id, std::uint32_t replica);
    void run_steps(sim::Simulation& sim, std::uint32_t id);
    void on_work_done(sim::Simulation& sim, std::uint32_t id);
    void step_done(sim::Simulation& sim, std::uint32_t id);
    void finish_job(sim::Simulation& sim, std::uint32_t id, bool failed);
    /// true: redelivered (the item lives on as a new job); false: dead-lettered.
    bool redeliver_or_dead_letter(sim::Simulation& sim, const Job& failed_job);

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
    void arm_breaker_timer(sim::Simulation& sim, std::uint32_t edge);
    void arm_deadline_timer(sim::Simulation& sim, std::uint32_t edge);
    void on_deadlines_due(sim::Simulation& sim, std::uint32_t edge);

    // ---- replicas and operations (operations.cpp) ----
    /// Starts the next waiting request (if one may be pulled) on `replica`; false if none.
    bool start_next_waiting(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    /// Starts waiting requests on idle replicas of `service`, as far as both go.
    void dispatch(sim::Simulation& sim, std::uint32_t service);
    /// A replica whose request has ended: it takes the next one, leaves, or idles.
    void replica_free(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                      std::uint32_t job);
    /// A new replica, ready in `ready_in`; a `surge` one (a rolling restart's) replaces an old
    /// one when ready and is not counted as asked for until then.
    std::uint32_t add_replica(sim::Simulation& sim, std::uint32_t service, SimTime ready_in,
                              bool surge = false);
    void replica_ready(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    /// Kills a ready replica: its request fails; it restarts after `restart_after` (then its
    /// start-up), or is replaced at once (`replace`: a new one starts up in its place).
    void kill_replica(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica,
                      SimTime restart_after, std::string_view why);
    void on_replica_up(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    void on_replica_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    void arm_oom(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica);
    double replica_memory(std::uint32_t service, const Replica& r, SimTime now) const;
    /// The operational settings of `service` (the defaults when the model gives none).
    const ServiceOpsParams& ops_of(std::uint32_t service) const;
    void on_probe(sim::Simulation& sim, std::uint32_t service);
    void on_autoscale(sim::Simulation& sim, std::uint32_t service);
    void on_scrape(sim::Simulation& sim);
    void on_fault_start(sim::Simulation& sim, std::uint32_t fault);
    void on_fault_end(sim::Simulation& sim, std::uint32_t fault, std::uint32_t activation);
    void on_fault_ramp(sim::Simulation& sim, std::uint32_t fault);
    void apply_fault(sim::Simulation& sim, std::uint32_t fault, bool on, double level);
    void on_action(sim::Simulation& sim, std::uint32_t action);
    void on_canary(sim::Simulation& sim, std::uint32_t service);
    void on_deliver(sim::Simulation& sim, std::uint32_t job);
    void backend_returns(sim::Simulation& sim, std::uint32_t queue);
    void refresh_dynamic(std::uint32_t service);
    /// The error probability a finishing request of `service` is drawn against (slow path).
    double error_probability_of(const Job& j) const;
    /// A work step's duration for job `j`, with faults, replica health and version applied.
    SimTime work_duration(Job& j, const StepParams& step);
    /// The delay an attempt on `edge` spends on the network (edge latency faults, links).
    SimTime network_delay(sim::Simulation& sim, std::uint32_t edge);
    void start_operations(sim::Simulation& sim);
    void log(SimTime at, std::string_view type, std::string_view subject,
             std::initializer_list<EventLog::Field> fields = {});
    std::string edge_label(std::uint32_t edge) const;
    RunResult figures(const sim::Simulation& sim) const; // all but the event log
    void fill_operations_result(const sim::Simulation& sim, RunResult& out) const;
    /// `log` with the breaker transitions of `out` merged in, in time order.
    static EventLog with_breaker_transitions(EventLog log, const RunResult& out);

    bool draw(std::uint32_t service, double probability) {
        if (probability >= 1.0) return true;
        if (probability <= 0.0) return false;
        return services_[service].routing_rng.next_open01() < probability;
    }
    std::uint32_t new_job(sim::Simulation& sim, std::uint32_t service, std::uint32_t trace = kNone,
                          std::uint32_t parent_span = kNone);
    void end_job_span(sim::Simulation& sim, const Job& j, SpanOutcome outcome);

    const ModelParams& params_;
    std::vector<SourceState> sources_;
    std::vector<User> users_; ///< every closed source's users, source by source
    std::vector<ServiceState> services_;
    std::vector<Edge> edges_;
    Slab<Job> jobs_;
    Slab<CallSlot> slots_;
    std::optional<Tracer> tracer_; ///< only when the model samples traces
    std::size_t peak_in_flight_ = 0;

    // Operations.
    sim::RandomStream ops_rng_; ///< which replicas a fault hits, canary routing
    struct FaultState {
        bool active = false;
        std::uint32_t activation = 0;       ///< start count: a stale end is recognised
        double level = 0.0;                 ///< the ramp's current value
        std::vector<std::uint32_t> hit;     ///< replicas made unhealthy (UnhealthyWorker)
        std::vector<std::uint32_t> hit_gen; ///< their generations then
    };
    std::vector<FaultState> faults_;
    struct LinkState {
        double bytes_total = 0.0;
        double bytes_this_second = 0.0;
        double bytes_last_second = 0.0;
        std::int64_t second = 0;
        double background = 0.0; ///< share of the bandwidth a fault uses
    };
    std::vector<LinkState> links_;
    std::vector<EdgeStats> edge_base_; ///< counters before the warm-up's restart
    bool monitoring_down_ = false;
    std::vector<bool> action_triggered_; ///< alert-triggered actions that have run
    std::optional<MetricsRecorder> metrics_;
    std::optional<AlertEvaluator> alerts_;
    /// One per `expect:` check: series checks whose metric exists are tallied at every scrape
    /// (the record may keep only every other row), the others stay empty.
    std::vector<std::optional<SeriesWindowTally>> expectation_tallies_;
    std::vector<std::size_t> expectation_columns_; ///< the tallied checks' metric columns
    std::vector<ServiceReading> service_readings_;
    std::vector<EdgeReading> edge_readings_;
    std::vector<LinkReading> link_readings_;
    EventLog events_;
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

} // namespace models

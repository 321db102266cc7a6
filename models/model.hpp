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

#include "models/cache.hpp"
#include "models/circuit_breaker.hpp"
#include "models/fifo_queue.hpp"
#include "models/load_profile.hpp"
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
    Model(const ModelParams& params, std::uint64_t seed);

    /// Schedules the initial events (first arrivals, end of warm-up).
    void start(sim::Simulation& sim);
    /// Reacts to one event. Called by `sim::Simulation::run`.
    void handle(sim::Simulation& sim, const sim::Event& e);

    /// Changes, from now on, the probability that a request fails at `service` once its steps
    /// are done (what a fault injection or a bad deployment does).
    void set_error_probability(std::uint32_t service, double probability);

    /// The figures at the simulation's current time.
    RunResult result(const sim::Simulation& sim) const;
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
    };
    struct SourceState {
        explicit SourceState(sim::RandomStream r) : rng(r) {}
        sim::RandomStream rng;  ///< open: arrivals; closed: think times
        double period_ns = 0.0; ///< mean inter-arrival time (a constant rate)
        std::uint64_t emitted = 0;
        /// A rate that varies over time; empty for a constant rate (the fast path above).
        std::optional<LoadProfile> profile;
    };
    /// A closed-load user: thinking, or waiting for its request (`job`).
    struct User {
        std::uint32_t source = 0;
        std::uint32_t job = kNone; ///< the request it waits for; kNone while thinking
        std::uint32_t job_gen = 0;
        std::uint32_t request = 0; ///< requests sent so far: stale timeouts are recognised
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
    };

    void on_arrival(sim::Simulation& sim, std::uint32_t source);
    void schedule_next_arrival(sim::Simulation& sim, std::uint32_t source);
    void on_user_request(sim::Simulation& sim, std::uint32_t user);
    void on_user_timeout(sim::Simulation& sim, std::uint32_t user, std::uint32_t request);
    /// The user's request has ended (answered, failed, rejected or timed out): it thinks.
    void user_done(sim::Simulation& sim, std::uint32_t user);
    /// Admits job `id` at `node` (a service, or a queue that hands it to its consumer).
    /// false: rejected (a full queue); the job has then been failed and released.
    bool admit(sim::Simulation& sim, std::uint32_t node, std::uint32_t id);
    void begin_work(sim::Simulation& sim, std::uint32_t id);
    void run_steps(sim::Simulation& sim, std::uint32_t id);
    void on_work_done(sim::Simulation& sim, std::uint32_t id);
    void step_done(sim::Simulation& sim, std::uint32_t id);
    void finish_job(sim::Simulation& sim, std::uint32_t id, bool failed);
    void release_worker(sim::Simulation& sim, std::uint32_t service);
    /// true: redelivered (the item lives on as a new job); false: dead-lettered.
    bool redeliver_or_dead_letter(sim::Simulation& sim, const Job& failed_job);

    void start_call(sim::Simulation& sim, std::uint32_t job, std::uint32_t edge);
    void attempt(sim::Simulation& sim, std::uint32_t slot);
    void attempt_done(sim::Simulation& sim, std::uint32_t slot, bool failed);
    void call_answered(sim::Simulation& sim, std::uint32_t slot, bool ok);
    void call_failed(sim::Simulation& sim, std::uint32_t slot);
    void on_call_timeout(sim::Simulation& sim, std::uint32_t slot);
    void on_child_done(sim::Simulation& sim, const Job& child, bool failed);
    void arm_breaker_timer(sim::Simulation& sim, std::uint32_t edge);
    void arm_deadline_timer(sim::Simulation& sim, std::uint32_t edge);
    void on_deadlines_due(sim::Simulation& sim, std::uint32_t edge);

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
};

/// How to run a model.
struct RunOptions {
    std::uint64_t seed = 1;
    /// Horizon; defaults to the model's duration.
    sim::SimTime until = sim::SimTime::max();
    /// Called every chunk of events with (simulated seconds, events so far); return false to
    /// stop early (Ctrl-C). Not called on the hot path.
    std::function<bool(double, std::uint64_t)> progress;
};

/// Builds the model, runs it to the horizon and returns its figures.
RunResult run_model(const ModelParams& params, const RunOptions& options);

} // namespace models

#pragma once
/// A service's worker pool: its replicas (each one a worker whose identity matters for crashes,
/// leaks and health checks), the stack of idle ones, scaling, draining and deaths. The pool
/// only keeps the replicas' states and counts; `Model` schedules their events (a replica ready
/// after its start-up, back after a crash) and moves requests onto them.

#include "models/events.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace tpssim::models {

class WorkerPool {
public:
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
        double slow_factor = 1.0;      ///< unhealthy: work takes this much longer
        double fail_probability = 0.0; ///< unhealthy: requests fail with this probability
        double leaked_bytes = 0.0;     ///< per-request leaks since its (re)start
        sim::SimTime started = sim::SimTime::zero(); ///< when it became ready (time-based leaks
                                                     ///< count from max(started, leak start))
    };
    /// What happened to the replicas over the run (operations' figures).
    struct Counters {
        std::uint64_t scale_ups = 0, scale_downs = 0, crashes = 0, oom_kills = 0, replaced = 0;
        /// Replicas asked for that found no room in the cluster (placement) and waited pending.
        std::uint64_t unschedulable = 0;
    };
    /// What a replica does once its request has ended.
    enum class Release : std::uint8_t {
        Gone, ///< nothing: it died meanwhile, or it is no longer that request's replica
        Left, ///< it was draining and has now left (the serving count changed)
        Free, ///< ready for the next request (or the idle stack)
    };
    /// A killed replica: the request it worked on, and whether it restarts (else it was
    /// draining and has left for good).
    struct Killed {
        std::uint32_t job = kNone;
        bool restarts = false;
        std::uint32_t gen = 0;
    };

    WorkerPool() = default;
    /// `workers` replicas, all ready and idle; replica 0 is taken first.
    explicit WorkerPool(std::uint32_t workers);

    // ---- the request path (inline: every request passes here) ----
    bool has_idle() const { return !idle_.empty(); }
    /// The replica on top of the idle stack, off the stack.
    std::uint32_t take_idle() {
        const std::uint32_t r = idle_.back();
        idle_.pop_back();
        return r;
    }
    void put_idle(std::uint32_t replica) { idle_.push_back(replica); }
    /// `replica` starts working on `job`.
    void start(std::uint32_t replica, std::uint32_t job) {
        replicas_[replica].job = job;
        ++busy_;
    }
    /// `job` has ended on `replica` (kNone: its replica died while it worked).
    Release release(std::uint32_t replica, std::uint32_t job);

    // ---- operations ----
    /// A new replica, starting (ready once `make_ready` is called); a `surge` one (a rolling
    /// restart's) replaces an old one when ready and is not counted as asked for until then.
    std::uint32_t add(bool surge);
    /// A starting replica is ready: it takes an old one's place if it is a surge replica, then
    /// goes on the idle stack.
    void make_ready(std::uint32_t replica, sim::SimTime now);
    /// A crashed replica starts again (its start-up follows).
    void restart(std::uint32_t replica) { replicas_[replica].state = Replica::State::Starting; }
    /// Kills a ready replica (a crash, an OOM kill, a failed health check).
    Killed kill(std::uint32_t replica);
    /// Removes `surplus` replicas from those asked for, in Kubernetes' order: not-ready
    /// (starting, down) ones first, then idle ones; busy ones drain (finish their request).
    void remove(std::uint32_t surplus);
    /// Removes one replica asked for that is not ready (starting or down): a pending one the
    /// cluster had no room for (Kubernetes removes unscheduled pods first).
    void remove_not_ready(std::uint32_t replica);
    /// A rolling restart: every ready replica is to be retired, one per new ready one. Returns
    /// how many new (surge) replicas to add.
    std::size_t begin_rolling_restart();
    /// Marks `replica` unhealthy: slower by `slow_factor`, failing with `fail_probability`.
    void make_unhealthy(std::uint32_t replica, double slow_factor, double fail_probability);
    /// Heals `replica` if it is still the one made unhealthy (generation `gen`).
    void heal(std::uint32_t replica, std::uint32_t gen);
    /// Ready replicas not draining (those a fault or a restart may pick), optionally only the
    /// healthy ones.
    std::vector<std::uint32_t> ready_ids(bool healthy_only) const;

    // ---- memory (what a scrape reads, kept up to date as replicas change) ----
    /// A time-based leak counts from `since` on (a leak fault starting now: every serving
    /// replica started before).
    void set_leak_since(sim::SimTime since);
    /// `replica` (ready) has leaked `bytes` more.
    void add_leaked(std::uint32_t replica, double bytes);
    /// The mean memory of the serving replicas (ready or draining), in bytes: `base_bytes`
    /// each, plus what each leaked (`add_leaked`), plus `leak_bytes_per_second` from the later
    /// of its start and the leak's `since` to `now`; 0 with no serving replica. O(1): sums kept
    /// as replicas start, leak and leave, so a scrape never visits the replicas.
    double mean_memory_bytes(double base_bytes, double leak_bytes_per_second,
                             sim::SimTime now) const;

    const std::vector<Replica>& replicas() const { return replicas_; }
    Replica& replica(std::uint32_t id) { return replicas_[id]; }
    const Replica& replica(std::uint32_t id) const { return replicas_[id]; }
    std::uint32_t busy() const { return busy_; }
    /// Ready replicas (idle or busy, draining excluded).
    std::uint32_t ready() const { return ready_; }
    /// Replicas asked for (ready, starting or down).
    std::uint32_t desired() const { return desired_; }
    /// Replicas that serve requests: ready plus draining.
    std::uint32_t serving() const { return ready_ + draining_; }
    std::uint32_t unhealthy() const { return unhealthy_; }
    std::size_t idle_count() const { return idle_.size(); }
    /// The idle stack, bottom first (the next replica taken is the last).
    const std::vector<std::uint32_t>& idle() const { return idle_; }
    Counters& counters() { return counters_; }
    const Counters& counters() const { return counters_; }

private:
    void retire(std::uint32_t replica);
    /// `r` (ready) enters or leaves the serving replicas: the memory sums follow.
    void enter_serving(const Replica& r);
    void leave_serving(const Replica& r);

    // The request path's members first (it reads and writes only these three).
    std::vector<Replica> replicas_;
    std::vector<std::uint32_t> idle_;
    std::uint32_t busy_ = 0; ///< requests in service (a dead replica's included)
    std::uint32_t ready_ = 0;
    std::vector<std::uint32_t> free_; ///< Removed slots to reuse
    std::uint32_t desired_ = 0;
    std::uint32_t draining_ = 0;  ///< ready replicas leaving once their request ends
    std::uint32_t unhealthy_ = 0; ///< ready replicas a fault made unhealthy
    /// A rolling restart's old replicas (index, generation), retired one per new ready one.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> to_retire_;
    Counters counters_;
    // The memory sums over the serving replicas (Ready, draining included).
    double leaked_bytes_ = 0.0;  ///< their leaked_bytes
    sim::SimTime leak_since_;    ///< when the time-based leak counts from
    double leak_clock_ns_ = 0.0; ///< their max(started, leak_since_), in ns
};

} // namespace tpssim::models
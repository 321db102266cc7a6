#pragma once
/// What a service (or a queue) and a call edge record: counters, time-weighted occupancy, and
/// wait and latency distributions. Streamed, so memory does not grow with the run.

#include "sim/quantile_sketch.hpp"
#include "sim/time_weighted.hpp"

#include <cstdint>

namespace tpssim::models {

struct ServiceStats {
    // Counters of requests that arrived after warm-up.
    std::uint64_t arrivals = 0;
    std::uint64_t completed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed_out = 0; ///< finished after their caller (or client) had given up
    std::uint64_t dead_lettered = 0;
    std::uint64_t redelivered = 0;      ///< queue: items delivered again after a failure
    double orphaned_work_seconds = 0.0; ///< worker time spent on work nobody waited for

    // In the order a request touches them (a service's node keeps them in its first lines).
    sim::TimeWeighted busy;         ///< workers serving
    sim::QuantileSketch wait;       ///< arrival to service start
    sim::QuantileSketch latency;    ///< arrival to completion or failure
    sim::TimeWeighted queue_length; ///< requests waiting
    sim::TimeWeighted workers;      ///< workers available (replicas x concurrency)

    /// End of warm-up: forget everything recorded so far, keep the current occupancy.
    void restart(sim::SimTime now) {
        arrivals = completed = rejected = failed = timed_out = dead_lettered = redelivered = 0;
        orphaned_work_seconds = 0.0;
        queue_length.restart(now);
        busy.restart(now);
        workers.restart(now);
        wait.reset();
        latency.reset();
    }
};

/// What a call edge (a call site in a service's steps) records, after warm-up.
struct EdgeStats {
    // A call's common path first: its counters, then the latency sketch's header.
    std::uint64_t calls = 0;     ///< calls made (after the call's probability)
    std::uint64_t attempts = 0;  ///< requests sent to the callee (first tries + retries)
    std::uint64_t succeeded = 0; ///< calls that returned an answer (not a fallback)
    std::uint64_t failed = 0;    ///< calls that failed for the caller (no fallback)
    sim::QuantileSketch latency; ///< call start to answer, fallback or failure, retries included
    std::uint64_t errors = 0;    ///< attempts that failed (error, rejection, timeout)
    std::uint64_t timeouts = 0;  ///< attempts the caller gave up on
    std::uint64_t retries = 0;   ///< retries started
    std::uint64_t retry_budget_exhausted = 0; ///< retries refused by the retry budget
    std::uint64_t not_permitted = 0;          ///< attempts refused by an open breaker (fail fast)
    std::uint64_t fallbacks = 0;              ///< fallbacks served
    std::uint64_t cache_hits = 0;
    std::uint64_t cache_misses = 0;

    void restart() { *this = EdgeStats{}; }
};

} // namespace tpssim::models
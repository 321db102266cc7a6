#pragma once
/// What a service records: counters, time-weighted occupancy, and wait and latency
/// distributions. Streamed, so memory does not grow with the run.

#include "sim/quantile_sketch.hpp"
#include "sim/tally.hpp"
#include "sim/time_weighted.hpp"

#include <cstdint>

namespace models {

struct ServiceStats {
    // Counters of requests that arrived after warm-up.
    std::uint64_t arrivals = 0;
    std::uint64_t completed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t dead_lettered = 0;

    sim::TimeWeighted queue_length; ///< requests waiting
    sim::TimeWeighted busy;         ///< workers serving
    sim::TimeWeighted workers;      ///< workers available (replicas x concurrency)

    sim::Tally wait_seconds;    ///< arrival to service start
    sim::Tally latency_seconds; ///< arrival to completion or failure
    sim::QuantileSketch wait;
    sim::QuantileSketch latency;

    /// End of warm-up: forget everything recorded so far, keep the current occupancy.
    void restart(sim::SimTime now) {
        arrivals = completed = rejected = failed = timed_out = dead_lettered = 0;
        queue_length.restart(now);
        busy.restart(now);
        workers.restart(now);
        wait_seconds.reset();
        latency_seconds.reset();
        wait.reset();
        latency.reset();
    }
};

} // namespace models

#pragma once
/// Chaos: the faults of the scenario's timeline (and `--chaos`), as the state they leave on a
/// service while in force, and each fault's own progress (active, its ramp, what it hit). The
/// model applies them (models/chaos.cpp); the request path only tests a `dynamic` flag.

#include "models/operations_params.hpp"
#include "sim/distribution.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace tpssim::models {

/// The faults now in force on a service (each cleared when its fault ends).
struct ServiceFaults {
    std::optional<sim::Distribution> latency; ///< held before the first step
    double error_probability = 0.0;
    double slow_query_fraction = 0.0;
    double slow_query_factor = 1.0;
    double leak_bytes_per_second = 0.0;
    double leak_bytes_per_request = 0.0;
    sim::SimTime leak_since = sim::SimTime::zero(); ///< the pool's memory sums count from it too
    bool autoscaler_broken = false;

    /// Whether a request must take the slow path (latency, errors, slow queries, leaks).
    bool touch_requests() const {
        return latency.has_value() || error_probability > 0.0 || slow_query_fraction > 0.0 ||
               leak_bytes_per_second > 0.0 || leak_bytes_per_request > 0.0;
    }
};

/// One fault of the timeline: whether it is in force, and its level as its ramp goes.
struct FaultState {
    bool active = false;
    std::uint32_t activation = 0;       ///< start count: a stale end is recognised
    double level = 0.0;                 ///< the ramp's current value
    std::vector<std::uint32_t> hit;     ///< replicas made unhealthy (UnhealthyWorker)
    std::vector<std::uint32_t> hit_gen; ///< their generations then
    std::uint32_t nodes = 0;            ///< nodes taken down (NodeCrash)

    /// The fault `f` starts, at its ramp's first level (or its probability); false: it is in
    /// force already.
    bool start(const FaultParams& f);
    /// An end scheduled by activation `at_activation`; false: stale (the fault was stopped,
    /// and maybe started again, since) or not in force.
    bool end(std::uint32_t at_activation);
    /// The next level of `f`'s ramp at `now`: a step towards `to`, or the linear ramp's value
    /// over the fault's span (one `every` when it has no end).
    double ramp(const FaultParams& f, sim::SimTime now);
};

} // namespace tpssim::models
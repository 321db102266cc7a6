#pragma once
/// The validated, index-addressed description of a model: what the scenario layer builds and
/// the simulator runs. Names are kept for reports only; the hot path uses indices.

#include "sim/distribution.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace models {

using sim::Distribution;
using sim::SimTime;

/// How a load source spaces its arrivals.
enum class ArrivalProcess : std::uint8_t {
    Poisson,  ///< exponential inter-arrival times
    Constant, ///< exactly 1/rate apart
};

/// An open load source sending requests to one entry service.
struct LoadSourceParams {
    std::string name;
    std::uint32_t target = 0; ///< index into ModelParams::services
    ArrivalProcess arrivals = ArrivalProcess::Poisson;
    double rate_per_second = 0.0; ///< > 0
};

/// A queue capacity meaning "no bound".
inline constexpr std::uint64_t kUnbounded = std::numeric_limits<std::uint64_t>::max();

/// A service: a FIFO queue in front of a pool of identical workers.
struct ServiceParams {
    std::string name;
    std::uint32_t workers = 1;                 ///< >= 1
    std::uint64_t queue_capacity = kUnbounded; ///< waiting places; a full queue rejects
    Distribution service_time = Distribution::constant(SimTime::zero());
};

/// A whole model, ready to run.
struct ModelParams {
    std::vector<ServiceParams> services;
    std::vector<LoadSourceParams> load;
    SimTime duration = SimTime::from_s(3600); ///< simulated horizon
    SimTime warmup = SimTime::zero();         ///< statistics count requests arriving after it
};

} // namespace models

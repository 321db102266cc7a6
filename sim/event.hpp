#pragma once
/// The record the event calendar holds: small, plain, copied by value.

#include "sim/sim_time.hpp"

#include <cstdint>

namespace tpssim::sim {

/// One scheduled event. The engine never interprets `kind`, `target` or `arg`: the model that
/// scheduled the event dispatches on them (a `switch` on `kind`, then `target` as an index).
struct Event {
    SimTime time;
    std::uint32_t kind = 0;   ///< model-defined event type
    std::uint32_t target = 0; ///< model-defined component index
    std::uint64_t arg = 0;    ///< model-defined payload (a request slot, a generation, ...)
};

} // namespace tpssim::sim
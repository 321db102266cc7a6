#pragma once
/// The waiting line of a service: request (job) ids in arrival order.

#include "models/ring_buffer.hpp"

#include <cstdint>

namespace tpssim::models {

using FifoQueue = RingBuffer<std::uint32_t>;

} // namespace tpssim::models
#pragma once
/// The requests in flight, in a slab with a free list.
///
/// Memory follows what is in flight: a slot is reused as soon as its request leaves, so a
/// run of a billion requests needs no more slots than its peak concurrency.

#include "sim/sim_time.hpp"

#include <cassert>
#include <cstdint>
#include <vector>

namespace models {

using RequestId = std::uint32_t;

/// One request's bookkeeping while it is in the system.
struct Request {
    sim::SimTime arrival;       ///< when it arrived at its current service
    sim::SimTime service_start; ///< when a worker took it
    bool counted = false;       ///< arrived after warm-up: its figures enter the statistics
};

class RequestPool {
public:
    RequestId acquire() {
        ++in_flight_;
        if (!free_.empty()) {
            const RequestId id = free_.back();
            free_.pop_back();
            return id;
        }
        slots_.emplace_back();
        return static_cast<RequestId>(slots_.size() - 1);
    }
    void release(RequestId id) {
        assert(id < slots_.size() && in_flight_ > 0);
        --in_flight_;
        free_.push_back(id);
    }
    Request& operator[](RequestId id) { return slots_[id]; }
    const Request& operator[](RequestId id) const { return slots_[id]; }

    std::size_t in_flight() const { return in_flight_; }
    /// The most requests ever in flight at once (the slab's size).
    std::size_t capacity() const { return slots_.size(); }
    void clear() {
        slots_.clear();
        free_.clear();
        in_flight_ = 0;
    }

private:
    std::vector<Request> slots_;
    std::vector<RequestId> free_;
    std::size_t in_flight_ = 0;
};

} // namespace models

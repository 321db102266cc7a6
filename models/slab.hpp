#pragma once
/// Records in flight (requests, calls), in a slab with a free list.
///
/// Memory follows what is in flight: a slot is reused as soon as its record is released, so a
/// run of a billion requests needs no more slots than its peak concurrency. Records are named
/// by index, never by pointer: the slab may grow (and move) while a handler runs.

#include <cassert>
#include <cstdint>
#include <vector>

namespace tpssim::models {

template <class T>
class Slab {
public:
    /// A free slot. A reused slot keeps its previous contents, which the caller overwrites
    /// field by field: that is how a generation counter survives reuse.
    std::uint32_t acquire() {
        ++in_flight_;
        if (!free_.empty()) {
            const std::uint32_t id = free_.back();
            free_.pop_back();
            return id;
        }
        slots_.emplace_back();
        return static_cast<std::uint32_t>(slots_.size() - 1);
    }
    void release(std::uint32_t id) {
        assert(id < slots_.size() && in_flight_ > 0);
        --in_flight_;
        free_.push_back(id);
    }
    T& operator[](std::uint32_t id) { return slots_[id]; }
    const T& operator[](std::uint32_t id) const { return slots_[id]; }

    std::size_t in_flight() const { return in_flight_; }
    /// The most records ever in flight at once (the slab's size).
    std::size_t capacity() const { return slots_.size(); }

private:
    std::vector<T> slots_;
    std::vector<std::uint32_t> free_;
    std::size_t in_flight_ = 0;
};

} // namespace tpssim::models
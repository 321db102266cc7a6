#pragma once
/// The future-event set: a radix heap over integer simulated time, FIFO among equal times.
///
/// Why a radix heap: simulated time never goes backwards, so every key pushed is >= the last key
/// popped. A radix heap exploits that monotonicity: an event sits in the bucket named by the
/// highest bit in which its time differs from the last popped time, so a push is an append and
/// a pop touches each event O(log range) times in the worst case, amortised far less. It beats
/// a binary heap because it never compares events pairwise and moves them in bulk through
/// contiguous vectors. Bucket 0 holds the events due *now* in insertion order: the FIFO fast
/// path for zero-delay hand-offs (OMNeT++ keeps one for the same reason).
///
/// FIFO among equal times holds because an event's bucket depends only on its time and the
/// last popped time, so two events with equal times are always in the same bucket, in the
/// order they were pushed; redistribution walks a bucket in order and keeps that order.

#include "sim/event.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sim {

class EventCalendar {
public:
    /// Schedule `e`. Its time must not be earlier than the last popped event's time.
    void push(const Event& e) {
        const auto key = static_cast<std::uint64_t>(e.time.ns());
        assert(e.time.ns() >= 0 && key >= last_ && "event scheduled in the past");
        const unsigned b = bucket_of(key);
        buckets_[b].push_back(e);
        nonempty_ |= std::uint64_t{1} << b;
        ++size_;
    }

    /// True when no event is pending.
    bool empty() const { return size_ == 0; }
    /// Number of pending events.
    std::size_t size() const { return size_; }

    /// The earliest pending event (FIFO among equal times). Precondition: !empty().
    const Event& top() {
        if (head0_ == buckets_[0].size()) refill();
        return buckets_[0][head0_];
    }

    /// Removes and returns the earliest pending event. Precondition: !empty().
    Event pop() {
        if (head0_ == buckets_[0].size()) refill();
        --size_;
        return buckets_[0][head0_++];
    }

    /// Moves the earliest pending event into `out` if it is due strictly before `until`.
    /// One check of bucket 0 instead of the two that `top()` then `pop()` make.
    bool pop_before(SimTime until, Event& out) {
        if (size_ == 0) return false;
        if (head0_ == buckets_[0].size()) refill();
        const Event& e = buckets_[0][head0_];
        if (e.time >= until) return false;
        out = e;
        ++head0_;
        --size_;
        return true;
    }

    /// Drops every pending event and restarts time at zero; keeps the buckets' capacity.
    void clear() {
        for (auto& b : buckets_)
            b.clear();
        head0_ = 0;
        last_ = 0;
        size_ = 0;
        nonempty_ = 0;
    }

private:
    unsigned bucket_of(std::uint64_t key) const {
        return static_cast<unsigned>(std::bit_width(key ^ last_));
    }

    // Bucket 0 is exhausted: move the lowest non-empty bucket's events down, around its minimum.
    void refill() {
        assert(size_ > 0);
        buckets_[0].clear();
        head0_ = 0;
        nonempty_ &= ~std::uint64_t{1};
        assert(nonempty_ != 0);
        const auto b = static_cast<unsigned>(std::countr_zero(nonempty_));
        auto& from = buckets_[b];
        nonempty_ &= ~(std::uint64_t{1} << b);
        if (from.size() == 1) { // common when events are sparse: it is the minimum
            last_ = static_cast<std::uint64_t>(from[0].time.ns());
            buckets_[0].push_back(from[0]);
            nonempty_ |= 1;
            from.clear();
            return;
        }
        std::uint64_t min_key = static_cast<std::uint64_t>(from[0].time.ns());
        for (const auto& e : from) {
            const auto k = static_cast<std::uint64_t>(e.time.ns());
            min_key = k < min_key ? k : min_key;
        }
        last_ = min_key;
        for (const auto& e : from) {
            const unsigned nb = bucket_of(static_cast<std::uint64_t>(e.time.ns()));
            assert(nb < b);
            buckets_[nb].push_back(e);
            nonempty_ |= std::uint64_t{1} << nb;
        }
        from.clear();
    }

    // Times are non-negative int64, so (key ^ last) < 2^63 and bit_width <= 63: 64 buckets.
    std::array<std::vector<Event>, 64> buckets_;
    std::size_t head0_ = 0;
    std::uint64_t last_ = 0;
    std::size_t size_ = 0;
    std::uint64_t nonempty_ = 0; ///< bit b set when bucket b may be non-empty
};

} // namespace sim

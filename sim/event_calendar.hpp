#pragma once
/// The future-event set: a 16-way radix heap over integer simulated time in front of a sorted
/// run, FIFO among equal times.
///
/// Why a radix heap: simulated time never goes backwards, so every key pushed is >= the last
/// key popped. A radix heap exploits that monotonicity: it files an event by the digits in
/// which its time differs from a reference time `last_`, so a push is an append, events are
/// never compared pairwise, and they move in bulk through contiguous vectors. Here a digit is 4
/// bits: level L holds the events whose time first differs from `last_` in digit L, in the
/// bucket named by that digit's value. Every event of level L is earlier than every event of
/// level L + 1 and, within a level, bucket d is earlier than bucket d + 1; buckets are numbered
/// level-major, so one 256-bit occupancy mask names the earliest bucket (count trailing zeros).
///
/// The front of the calendar is a sorted run: pops walk it front to back. When it is used up,
/// the earliest bucket becomes the next run if it holds at most kSortMax events (moved once,
/// then insertion-sorted, stably); a larger bucket is split around its minimum the classic way
/// (every event lands in a lower level, those equal to the minimum in the run) and the loop
/// goes on. Why, against the binary radix heap this replaces: a binary heap moves each event
/// once per bit of the span of pending times, mostly appends to one bucket, which serialise on
/// that bucket's end pointer; 16-way digits need fewer moves, spread them over 16 buckets, and
/// the sorted run ends the splitting as soon as a bucket is small (the measurements:
/// bench/README.md, History; docs/decisions/0001).
///
/// An event pushed while a run is being consumed is appended behind the run when its time
/// equals the run's last time (the FIFO fast path: events due now at the run's end), filed in
/// the buckets when later, and inserted in order (after equal times) in the rarer case that it
/// falls inside the run (with few pending events, as in a small M/M/c, the whole calendar is
/// one short run and this is an insertion sort of a few elements).
///
/// FIFO among equal times holds because (a) an event's bucket depends only on its time and
/// `last_`, so equal times share a bucket, appended in push order, and a split walks a bucket
/// in order; (b) the sort is stable and an insertion goes after equal times; (c) every event
/// of the run is earlier than or equal to `last_`, every event in the buckets later.

#include "sim/event.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tpssim::sim {

class EventCalendar {
public:
    /// Schedule `e`. Its time must not be earlier than the last popped event's time.
    void push(const Event& e) {
        const std::uint64_t key = key_of(e);
        assert(e.time.ns() >= 0 && "event scheduled before time zero");
        assert((head_ == 0 || key >= key_of(run_[head_ - 1])) && "event scheduled in the past");
        ++size_;
        if (key > last_) [[likely]] {
            file(e, key);
            return;
        }
        push_into_run(e, key);
    }

    /// True when no event is pending.
    bool empty() const { return size_ == 0; }
    /// Number of pending events.
    std::size_t size() const { return size_; }
    /// Events moved so far beyond the one move each push and pop makes: shifts inside the run
    /// and re-filings when a bucket splits. A deterministic measure of the calendar's work, so
    /// tests can check it grows like log N per event, not like N, without timing anything.
    std::uint64_t extra_moves() const { return moves_; }

    /// The earliest pending event (FIFO among equal times). Precondition: !empty().
    const Event& top() {
        if (head_ == run_.size()) refill();
        return run_[head_];
    }

    /// Removes and returns the earliest pending event. Precondition: !empty().
    Event pop() {
        if (head_ == run_.size()) refill();
        --size_;
        return run_[head_++];
    }

    /// Moves the earliest pending event into `out` if it is due strictly before `until`.
    /// One check of the run instead of the two that `top()` then `pop()` make.
    bool pop_before(SimTime until, Event& out) {
        if (size_ == 0) return false;
        if (head_ == run_.size()) refill();
        const Event& e = run_[head_];
        if (e.time >= until) return false;
        out = e;
        ++head_;
        --size_;
        return true;
    }

    /// Drops every pending event and restarts time at zero; keeps the buckets' capacity.
    void clear() {
        for (auto& b : buckets_)
            b.clear();
        run_.clear();
        occupied_ = {};
        head_ = 0;
        last_ = 0;
        size_ = 0;
    }

private:
    static constexpr unsigned kDigitBits = 4;
    static constexpr unsigned kRadix = 1u << kDigitBits;
    static constexpr unsigned kLevels = 64 / kDigitBits;
    static constexpr unsigned kBuckets = kLevels * kRadix;
    /// Largest bucket made into a run directly rather than split: insertion sort costs about
    /// kSortMax / 4 moves per event, a split about one move per event per level left.
    static constexpr std::size_t kSortMax = 32;
    /// Only buckets up to this level become a run whole: a bucket of level L spans 16^(L+1) ns
    /// (level 5: 16.8 ms). A run ends at its last event's time and every push before that time
    /// joins the run, so a run that ended far ahead (a scrape 15 s away, a fault's end an hour
    /// away) would grow by every event until then: memory following the run's length, not
    /// what is pending. Higher buckets are split instead.
    static constexpr unsigned kMaxRunLevel = 5;
    /// A bucket left with more capacity than this (a long run's buffer swapped in, a burst)
    /// gives it back, so capacity follows the events pending, not the run's history.
    static constexpr std::size_t kKeepCapacity = 1024;

    static std::uint64_t key_of(const Event& e) { return static_cast<std::uint64_t>(e.time.ns()); }

    // Files `e`, whose time `key` is > last_, into the bucket of the digit where they differ.
    // The common path is an append into spare capacity; growing is a call of its own, so this
    // path (inlined into every push) saves no register (bench/README.md, History).
    void file(const Event& e, std::uint64_t key) {
        const auto level = static_cast<unsigned>(std::bit_width(key ^ last_) - 1) / kDigitBits;
        const auto digit = static_cast<unsigned>(key >> (level * kDigitBits)) & (kRadix - 1);
        const unsigned b = level * kRadix + digit;
        occupied_[b / 64] |= std::uint64_t{1} << (b % 64);
        std::vector<Event>& bucket = buckets_[b];
        if (bucket.size() == bucket.capacity()) [[unlikely]]
            return append_growing(bucket, e);
        bucket.push_back(e);
    }

    [[gnu::noinline]] static void append_growing(std::vector<Event>& bucket, const Event& e) {
        bucket.push_back(e);
    }

    // A push at or before last_ (rare but for a small calendar): the run's end or inside it.
    [[gnu::noinline]] void push_into_run(const Event& e, std::uint64_t key) {
        if (key == last_)
            run_.push_back(e); // the run ends at last_: FIFO after the equal times in it
        else
            insert_into_run(e, key);
    }

    // A push earlier than last_, so inside the unconsumed run: insert it after the events with
    // a time <= its own. Its time is >= the last popped one, so the place is at or after head_.
    void insert_into_run(const Event& e, std::uint64_t key) {
        std::size_t i = run_.size();
        run_.push_back(e);
        while (i > head_ && key_of(run_[i - 1]) > key) {
            run_[i] = run_[i - 1];
            --i;
        }
        moves_ += run_.size() - 1 - i;
        run_[i] = e;
    }

    // The run is used up: make the earliest events the next run.
    void refill() {
        assert(size_ > 0);
        run_.clear();
        head_ = 0;
        unsigned w = 0;
        while (occupied_[w] == 0) {
            ++w;
            assert(w < occupied_.size());
        }
        const unsigned b = w * 64 + static_cast<unsigned>(std::countr_zero(occupied_[w]));
        occupied_[w] &= ~(std::uint64_t{1} << (b % 64));
        auto& from = buckets_[b];
        if (from.size() <= kSortMax && b / kRadix <= kMaxRunLevel) {
            // Few events: they become the run (the swap hands the run's empty buffer to the
            // bucket, so nothing is allocated), sorted by time, stably.
            run_.swap(from);
            Event* const first = run_.data();
            const std::size_t n = run_.size();
            for (std::size_t i = 1; i < n; ++i) {
                const Event e = first[i];
                std::size_t j = i;
                while (j > 0 && first[j - 1].time > e.time) {
                    first[j] = first[j - 1];
                    --j;
                }
                first[j] = e;
                moves_ += i - j;
            }
            // The other buckets hold later times, filed by digits above this bucket's, in
            // which the run's last time agrees with the old last_: their places still hold.
            last_ = key_of(run_.back());
            if (from.capacity() > kKeepCapacity) std::vector<Event>().swap(from);
            return;
        }
        // Many events: split around the minimum. Each agrees with it above this bucket's
        // digit, so it lands in a lower level, or in the run when equal to it.
        const Event* const first = from.data();
        const Event* const end = first + from.size();
        std::uint64_t min_key = key_of(*first);
        for (const Event* e = first + 1; e != end; ++e) {
            const std::uint64_t k = key_of(*e);
            min_key = k < min_key ? k : min_key;
        }
        last_ = min_key;
        moves_ += from.size();
        for (const Event* e = first; e != end; ++e) {
            const std::uint64_t k = key_of(*e);
            if (k == min_key)
                run_.push_back(*e);
            else
                file(*e, k);
        }
        from.clear();
        if (from.capacity() > kKeepCapacity) std::vector<Event>().swap(from);
        // The run now holds at least the minimum.
    }

    // Times are non-negative int64, so key ^ last_ < 2^63: 16 levels of 4 bits suffice.
    std::array<std::vector<Event>, kBuckets> buckets_;    ///< level-major; keep their capacity
    std::array<std::uint64_t, kBuckets / 64> occupied_{}; ///< bit b: bucket b is non-empty
    std::vector<Event> run_; ///< sorted by time, FIFO among equal times; popped from head_
    std::size_t head_ = 0;   ///< next event of run_ to pop
    std::uint64_t last_ = 0; ///< the reference time: the run's last time
    std::size_t size_ = 0;
    std::uint64_t moves_ = 0;
};

} // namespace tpssim::sim
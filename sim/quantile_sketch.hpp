#pragma once
/// A streaming quantile sketch over non-negative durations with bounded relative error.
///
/// Log-linear buckets (the HdrHistogram layout): values below 2^kSubBits ns are counted exactly;
/// above, each power of two is split into 2^kSubBits equal sub-buckets, so a bucket's width is
/// at most 2^-kSubBits of its lower edge. Reporting the bucket's midpoint bounds the relative
/// error by 2^-(kSubBits+1) = 0.39% (the contract is 1%). The index is computed from the
/// integer's bit pattern (no logarithm), and two sketches merge by adding counts, exactly, in
/// any order. The exact mean and maximum ride along, so one `add` records everything a duration
/// summary needs.
///
/// Memory follows the spread of the values seen, not the run length: counts are kept in a
/// dense window of bucket indices (4 bytes a bucket, 2^kSubBits = 128 buckets = 512 bytes an
/// octave) that covers every index seen so far and grows by a quarter of its span or more,
/// toward the value that fell outside it (a DDSketch-style dense store). A sketch that never
/// sees a value allocates nothing; values spanning 1 ms..1 s (10 octaves) take about 6 KiB;
/// the whole range [0, 2^63) ns, at most, is kBuckets (29 KiB). A bucket's count is 32 bits
/// wide because almost none ever reaches 2^32; the one that does carries into a short sorted
/// list of high words, so no count is ever lost. `reset` zeroes the window and keeps it, so a
/// sketch cleared at every scrape allocates nothing in a steady run. (What real runs hold, and
/// what the window cost and saved: bench/README.md, History.)
///
/// The first kListed values (and the first kListed after each `reset`) are not counted in the
/// window but listed, as bucket indices, in the sketch itself; the window takes them over when
/// one more comes. The quantiles are the same (the k-th smallest listed index is the bucket
/// where the counts reach k), but a sketch that sees few values between resets (a quiet
/// service's per-scrape latencies) touches no bucket memory: its adds, the scrape's scan and
/// its reset cost a few values, not the whole span between its extremes (docs/decisions/0009).

#include "sim/sim_time.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tpssim::sim {

class QuantileSketch {
public:
    static constexpr unsigned kSubBits = 7;
    static constexpr std::uint64_t kSub = std::uint64_t{1} << kSubBits;
    /// Number of buckets covering [0, 2^63) ns.
    static constexpr std::size_t kBuckets = (64 - kSubBits) * kSub;
    /// Guaranteed bound on |reported - true| / true for any quantile's value.
    static constexpr double kRelativeError = 1.0 / (2.0 * kSub);
    /// Values kept as a list of bucket indices before the window takes over.
    static constexpr std::size_t kListed = 16;

    QuantileSketch() = default;

    void add(SimTime value) {
        const auto v = static_cast<std::uint64_t>(value.ns() < 0 ? 0 : value.ns());
        const std::size_t k = index_of(v) - base_; // wraps above the window when below it
        if (k >= counts_.size()) [[unlikely]]
            return add_outside(v); // a tail call: the common path saves no register
        if (++counts_[k] == 0) [[unlikely]]
            return add_carried(base_ + k, v); // a tail call too: no register saved here
        record(v);
    }
    void merge(const QuantileSketch& other);
    /// Forgets every value; keeps the window's memory (zeroed) for the next ones.
    void reset();

    std::uint64_t count() const { return total_; }
    /// The exact mean of the values added, in seconds; 0 when empty.
    double mean_seconds() const {
        return total_ ? sum_ns_ / static_cast<double>(total_) / 1e9 : 0.0;
    }
    /// The exact largest value added, in seconds; 0 when empty.
    double max_seconds() const { return static_cast<double>(max_ns_) / 1e9; }
    /// The q-quantile (0 <= q <= 1) in seconds, by the nearest-rank definition: the smallest
    /// recorded value v such that at least ceil(q * n) values are <= v. 0 when empty.
    double quantile_seconds(double q) const;
    /// out[i] = quantile_seconds(qs[i]) for every i, in one pass over the window when `qs` is
    /// ascending (a dashboard's p50, p90 and p99 cost one scan, not three). `out` must be as
    /// long as `qs`.
    void quantiles_seconds(std::span<const double> qs, std::span<double> out) const;

    /// Buckets the window holds (0 while the values are listed, until the window first took
    /// over); each is 4 bytes.
    std::size_t buckets_stored() const { return counts_.size(); }
    /// Heap memory the counts (and their carries, if any) hold, in bytes (0 until a value).
    std::size_t bytes_allocated() const {
        return counts_.capacity() * sizeof(Count) + carries_.capacity() * sizeof(Carry);
    }

    static std::size_t index_of(std::uint64_t v) {
        if (v < kSub) return static_cast<std::size_t>(v);
        const unsigned e = static_cast<unsigned>(std::bit_width(v)) - 1; // e >= kSubBits
        const unsigned shift = e - kSubBits;
        const std::uint64_t sub = (v >> shift) - kSub; // in [0, kSub)
        return static_cast<std::size_t>((shift + 1) * kSub + sub);
    }
    /// The representative value (midpoint) of bucket `i`, in ns.
    static double value_of(std::size_t i);

private:
    using Count = std::uint32_t;
    /// The high 32 bits of bucket `bucket`'s count, for the rare bucket that overflowed.
    struct Carry {
        std::size_t bucket;
        std::uint64_t high;
    };

    /// Bucket `bucket`'s low word wrapped to 0: adds 2^32 to its carry.
    void carry(std::size_t bucket, std::uint64_t high = 1);
    /// The full count of window position k.
    std::uint64_t count_at(std::size_t k) const;

    /// Grows the window to cover bucket indices [lo, hi] (no-op when it does already).
    void cover(std::size_t lo, std::size_t hi);
    /// Counts one value in bucket `bucket` of the window (growing it if needed).
    void bump(std::size_t bucket);
    /// The window takes over the listed values (no-op when it has already).
    void take_over_listed();
    bool listing() const { return base_ == kListing; }
    void add_outside(std::uint64_t v);
    /// `add`'s rest after bucket `bucket`'s low word wrapped to 0.
    void add_carried(std::size_t bucket, std::uint64_t v);
    void record(std::uint64_t v) {
        ++total_;
        sum_ns_ += static_cast<double>(v);
        max_ns_ = v > max_ns_ ? v : max_ns_;
        min_ns_ = v < min_ns_ ? v : min_ns_;
    }

    // What `add` touches first, together (64 bytes), the rare carries last.
    std::vector<Count> counts_; ///< low words: counts_[k] is bucket base_ + k; empty until a value
    std::size_t base_ = kListing; ///< the window's first bucket index (kListing: listing)
    std::uint64_t total_ = 0;
    double sum_ns_ = 0.0;
    std::uint64_t max_ns_ = 0;
    /// The smallest value added (UINT64_MAX when empty): with max_ns_, the buckets a scan or a
    /// reset visits, not the whole window a wide earlier interval left.
    std::uint64_t min_ns_ = UINT64_MAX;
    std::vector<Carry> carries_; ///< high words, sorted by bucket; empty unless one overflowed
    /// base_ while the values are listed: far above every bucket index, so `add`'s window test
    /// fails and the listed path is taken without a test of its own.
    static constexpr std::size_t kListing = std::size_t{1} << 62;
    std::size_t window_base_ = 0; ///< the window's base while listing (the window is kept)
    std::array<std::uint16_t, kListed> listed_{}; ///< bucket indices: listed_[k], k < total_
    static_assert(kBuckets <= 65536, "a bucket index fits 16 bits");
};

} // namespace tpssim::sim
#include "sim/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sim {

namespace {
/// The first window: one octave of buckets (1 KiB), centred on the first value.
constexpr std::size_t kFirstSpan = QuantileSketch::kSub;
} // namespace

void QuantileSketch::cover(std::size_t lo, std::size_t hi) {
    const std::size_t size = counts_.size();
    const std::size_t end = base_ + size;
    const bool first = size == 0;
    if (!first && lo >= base_ && hi < end) return;
    const std::size_t new_lo = first ? lo : std::min(lo, base_);
    const std::size_t new_end = first ? hi + 1 : std::max(hi + 1, end);
    const std::size_t needed = new_end - new_lo;
    // Grow by a quarter of the span at least: growing stays amortised and rare (about 18 times
    // at most from one octave to the whole range) and the spare room small. It goes on the
    // side the values went out of (both sides for the first window).
    const std::size_t span = std::min(kBuckets, std::max({needed, size + size / 4, kFirstSpan}));
    const std::size_t extra = span - needed;
    const bool down = !first && lo < base_;
    const bool up = !first && hi >= end;
    const std::size_t below = down && !up ? extra : up && !down ? 0 : extra / 2;
    std::size_t new_base = new_lo >= below ? new_lo - below : 0;
    new_base = std::min(new_base, kBuckets - span); // [new_base, new_base + span) covers new_lo..
    std::vector<std::uint64_t> grown(span, 0);
    if (!first)
        std::copy(counts_.begin(), counts_.end(),
                  grown.begin() + static_cast<std::ptrdiff_t>(base_ - new_base));
    counts_ = std::move(grown);
    base_ = new_base;
}

void QuantileSketch::add_outside(std::uint64_t v) {
    const std::size_t i = index_of(v);
    cover(i, i);
    ++counts_[i - base_];
    record(v);
}

void QuantileSketch::merge(const QuantileSketch& other) {
    // Only other's non-zero buckets widen this window (other's may be wider, after a reset).
    const std::vector<std::uint64_t>& theirs = other.counts_;
    std::size_t lo = 0;
    while (lo < theirs.size() && theirs[lo] == 0)
        ++lo;
    if (lo < theirs.size()) {
        std::size_t hi = theirs.size() - 1;
        while (theirs[hi] == 0)
            --hi;
        cover(other.base_ + lo, other.base_ + hi); // a no-op when other is this sketch
        const std::size_t shift = other.base_ - base_;
        for (std::size_t k = lo; k <= hi; ++k)
            counts_[shift + k] += theirs[k];
    }
    total_ += other.total_;
    sum_ns_ += other.sum_ns_;
    max_ns_ = std::max(max_ns_, other.max_ns_);
}

void QuantileSketch::reset() {
    std::fill(counts_.begin(), counts_.end(), 0);
    total_ = 0;
    sum_ns_ = 0.0;
    max_ns_ = 0;
}

double QuantileSketch::value_of(std::size_t i) {
    if (i < kSub) return static_cast<double>(i);
    const std::size_t shift = i / kSub - 1;
    const std::uint64_t sub = i % kSub;
    const double lo = std::ldexp(static_cast<double>(kSub + sub), static_cast<int>(shift));
    const double width = std::ldexp(1.0, static_cast<int>(shift));
    return lo + (width - 1.0) / 2.0;
}

double QuantileSketch::quantile_seconds(double q) const {
    if (total_ == 0) return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total_)));
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    // Buckets outside the window hold nothing, so scanning it finds the same bucket.
    for (std::size_t k = 0; k < counts_.size(); ++k) {
        seen += counts_[k];
        if (seen >= rank) return value_of(base_ + k) / 1e9;
    }
    return value_of(kBuckets - 1) / 1e9;
}

} // namespace sim

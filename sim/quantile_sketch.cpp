#include "sim/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>

namespace sim {

void QuantileSketch::merge(const QuantileSketch& other) {
    for (std::size_t i = 0; i < kBuckets; ++i)
        counts_[i] += other.counts_[i];
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
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) return value_of(i) / 1e9;
    }
    return value_of(kBuckets - 1) / 1e9;
}

} // namespace sim

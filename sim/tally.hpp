#pragma once
/// Streaming count, mean, variance, min and max of observations (Welford's algorithm:
/// numerically stable over billions of observations, O(1) memory).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace tpssim::sim {

class Tally {
public:
    void add(double x) {
        ++n_;
        const double d = x - mean_;
        mean_ += d / static_cast<double>(n_);
        m2_ += d * (x - mean_);
        min_ = std::min(min_, x);
        max_ = std::max(max_, x);
    }
    void reset() { *this = Tally{}; }

    std::uint64_t count() const { return n_; }
    /// Mean; 0 with no observation.
    double mean() const { return mean_; }
    /// Sample variance (n - 1 denominator); 0 with fewer than two observations.
    double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
    double stddev() const { return std::sqrt(variance()); }
    /// Smallest observation; 0 with none.
    double min() const { return n_ ? min_ : 0.0; }
    /// Largest observation; 0 with none.
    double max() const { return n_ ? max_ : 0.0; }

private:
    std::uint64_t n_ = 0;
    double mean_ = 0.0;
    double m2_ = 0.0;
    double min_ = std::numeric_limits<double>::infinity();
    double max_ = -std::numeric_limits<double>::infinity();
};

} // namespace tpssim::sim
#pragma once
/// The time-weighted mean of a piecewise-constant quantity (queue length, busy workers).

#include "sim/sim_time.hpp"

#include <algorithm>
#include <limits>

namespace tpssim::sim {

class TimeWeighted {
public:
    /// The quantity changes to `value` at `now` (now >= the previous change).
    void set(SimTime now, double value) {
        accumulate(now);
        value_ = value;
        max_ = std::max(max_, value);
        min_ = std::min(min_, value);
    }
    /// Adds `delta` to the quantity at `now`.
    void add(SimTime now, double delta) { set(now, value_ + delta); }

    /// Forgets the history before `now` (end of warm-up); keeps the current value.
    void restart(SimTime now) {
        start_ = now;
        last_ = now;
        integral_ = 0.0;
        max_ = value_;
        min_ = value_;
    }

    double value() const { return value_; }
    /// The largest value held since the last restart.
    double max() const { return max_; }
    /// The smallest value held since the last restart (the current one before any `set`).
    double min() const { return min_ == std::numeric_limits<double>::infinity() ? value_ : min_; }
    /// Integral of the quantity over [start, now], in value x seconds.
    double integral_seconds(SimTime now) const {
        return (integral_ + value_ * static_cast<double>((now - last_).ns())) / 1e9;
    }
    /// Time-weighted mean over [start, now]; the current value when no time has passed.
    double mean(SimTime now) const {
        const auto span = (now - start_).ns();
        if (span <= 0) return value_;
        return (integral_ + value_ * static_cast<double>((now - last_).ns())) /
               static_cast<double>(span);
    }

private:
    void accumulate(SimTime now) {
        integral_ += value_ * static_cast<double>((now - last_).ns());
        last_ = now;
    }

    double value_ = 0.0;
    double max_ = 0.0;
    double min_ = std::numeric_limits<double>::infinity();
    double integral_ = 0.0; // value x nanoseconds since start_
    SimTime start_;
    SimTime last_;
};

} // namespace tpssim::sim
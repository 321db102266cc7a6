#pragma once
/// Exact simulated time: integer nanoseconds in a strong type.
///
/// Integer ticks make time totally ordered and exactly reproducible (no float drift when a
/// million small durations are added), and let the event calendar use monotone-key structures.
/// One tick is 1 ns; an int64 spans +-292 years, far beyond any allowed horizon.

#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace tpssim::sim {

/// A point in simulated time, or a duration, in integer nanoseconds.
class SimTime {
public:
    using Rep = std::int64_t;
    static constexpr Rep ticks_per_second = 1'000'000'000;

    constexpr SimTime() = default;
    /// From raw nanosecond ticks.
    static constexpr SimTime from_ns(Rep ns) { return SimTime(ns); }
    static constexpr SimTime from_us(Rep us) { return SimTime(us * 1'000); }
    static constexpr SimTime from_ms(Rep ms) { return SimTime(ms * 1'000'000); }
    static constexpr SimTime from_s(Rep s) { return SimTime(s * ticks_per_second); }
    /// From non-negative nanoseconds as a double, rounded half up: the one rounding of every
    /// sampled or scaled duration (one that rounded differently would move events by a tick).
    static constexpr SimTime from_ns_rounded(double ns) {
        return SimTime(static_cast<Rep>(ns + 0.5));
    }
    /// From seconds as a double, rounded to the nearest tick.
    static SimTime from_seconds(double s) {
        return SimTime(static_cast<Rep>(std::llround(s * static_cast<double>(ticks_per_second))));
    }
    static constexpr SimTime zero() { return SimTime(0); }
    /// The largest representable time: "never".
    static constexpr SimTime max() { return SimTime(std::numeric_limits<Rep>::max()); }

    constexpr Rep ns() const { return ns_; }
    constexpr double seconds() const {
        return static_cast<double>(ns_) / static_cast<double>(ticks_per_second);
    }

    constexpr auto operator<=>(const SimTime&) const = default;
    constexpr SimTime operator+(SimTime o) const { return SimTime(ns_ + o.ns_); }
    constexpr SimTime operator-(SimTime o) const { return SimTime(ns_ - o.ns_); }
    constexpr SimTime& operator+=(SimTime o) {
        ns_ += o.ns_;
        return *this;
    }
    constexpr SimTime& operator-=(SimTime o) {
        ns_ -= o.ns_;
        return *this;
    }
    constexpr SimTime operator*(Rep k) const { return SimTime(ns_ * k); }

private:
    constexpr explicit SimTime(Rep ns) : ns_(ns) {}
    Rep ns_ = 0;
};

} // namespace tpssim::sim
#pragma once
/// The arrival rate of a load source as a function of simulated time, and arrival times drawn
/// from it.
///
/// The rate is a base curve times multipliers:
///
///     rate(t) = base(t) x daily(t) x weekly(t) x holiday(t)
///
/// - base(t) starts at `rate`; `steps` set it (at T the rate becomes R), `ramps` move it
///   linearly (from T1 to T2 it goes from the rate in force at T1 to R, then stays at R), and a
///   replayed `series` of (time, rate) points is read as steps (Interpolation::Step) or as ramps
///   between consecutive points (Interpolation::Linear). After the last change the rate holds.
/// - daily(t) reads the wall-clock time of day of t in a list of (clock time, factor) points.
///   By default a point's factor holds until the next point (Interpolation::Step), wrapping
///   around midnight: the sketch's {"00:00": 0.4, "08:00": 1.0, "12:00": 1.6} means 0.4 from
///   midnight to 08:00, 1.0 until noon, 1.6 from noon to the next point. That is how an
///   operator reads such a table ("from 12:00 the load is 1.6x", the peak hours), and it is the
///   same rule as `steps`. With Interpolation::Linear the factor moves linearly from point to
///   point, the last point joining the first one of the next day.
/// - weekly(t) is the factor of t's weekday (Monday first), changing at midnight.
/// - holiday(t) is `holiday_factor` inside any of the `holidays` periods, 1 outside.
///
/// Wall-clock times come from a calendar start: the local civil date and time of t = 0 (no time
/// zone and no daylight-saving shifts: every day has 24 hours). Without one, t = 0 is a Monday
/// at midnight.
///
/// Internally the profile is compiled once into a table of pieces on which the base and the
/// daily factor are both linear and the other factors constant, so the rate on a piece is a
/// product of two linear functions: evaluating, bounding and integrating it are closed forms.
/// After the last aperiodic change (step, ramp, series point, holiday end) the profile repeats
/// with the period of its patterns (a week, a day, or never), and the table stores one period of
/// that tail. Sampling uses the table's per-piece maxima as a piecewise-constant majorant for
/// Lewis & Shedler thinning, so a quiet night after a busy peak costs no more than the night's
/// own rate; zero-rate pieces are skipped without drawing.

#include "models/enum_names.hpp"
#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tpssim::models {

using sim::SimTime;

/// How values between given points are read.
enum class Interpolation : std::uint8_t {
    Step,   ///< piecewise constant: a point's value holds until the next point
    Linear, ///< linear from each point to the next one
};

/// The names of Interpolation in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<Interpolation>, 2> kInterpolationNames{{
    {Interpolation::Step, "step"},
    {Interpolation::Linear, "linear"},
}};
static_assert(is_dense_table(kInterpolationNames));
constexpr std::span<const EnumName<Interpolation>> enum_names(Interpolation) {
    return kInterpolationNames;
}

/// At `at` the base rate becomes `rate`.
struct RateStep {
    SimTime at;  ///< >= 0
    double rate; ///< arrivals per second, >= 0
};

/// From `from` to `to` the base rate goes linearly from the rate in force at `from` to `rate`,
/// then holds.
struct RateRamp {
    SimTime from; ///< >= 0
    SimTime to;   ///< > from
    double rate;  ///< arrivals per second at `to`, >= 0
};

/// A recorded rate series (from a CSV file: the scenario layer reads it), replayed as the base
/// rate: before the first point the base `rate` holds, after the last point its rate holds.
struct RateSeries {
    std::vector<SimTime> times; ///< strictly increasing, >= 0
    std::vector<double> rates;  ///< arrivals per second, >= 0, one per time
    /// Step: each point's rate holds until the next; Linear: ramps between points.
    Interpolation interpolation = Interpolation::Step;
};

/// One point of a daily pattern: from this wall-clock time of day, this factor.
struct DailyPoint {
    SimTime time_of_day; ///< since midnight, in [0, 24h)
    double factor;       ///< >= 0
};

/// A period during which the holiday factor applies: [begin, end) in simulated time (use
/// `Calendar::sim_time_of` for calendar dates). It may start before t = 0.
struct HolidayPeriod {
    SimTime begin; ///< inclusive
    SimTime end;   ///< exclusive, > begin
};

/// Maps simulated time to local civil time (no time zone, every day 24 hours).
struct Calendar {
    /// The local date and time of t = 0; the default is Monday 1970-01-05 00:00. Years 1900 to
    /// 2200.
    std::chrono::local_seconds start =
        std::chrono::local_days{std::chrono::year{1970} / std::chrono::January / 5};

    /// The local date and time of `t`.
    std::chrono::local_time<std::chrono::nanoseconds> local_time_at(SimTime t) const;
    /// The weekday of `t`.
    std::chrono::weekday weekday_at(SimTime t) const;
    /// Time since the local midnight before `t`, in [0, 24h).
    SimTime time_of_day_at(SimTime t) const;
    /// The simulated time of a local date and time (negative before the start).
    SimTime sim_time_of(std::chrono::local_seconds when) const;
};

/// A load source's rate profile. Rates are arrivals per second; factors are plain ratios
/// (the scenario's `60%` arrives as 0.6).
struct LoadProfileParams {
    /// The base rate from t = 0 until the first step, ramp or series point; >= 0.
    double rate = 0.0;
    /// Piecewise changes of the base rate; any order. Two changes at one instant, or a change
    /// inside a ramp, are errors; a step at a ramp's start applies first (the ramp starts from it).
    std::vector<RateStep> steps;
    /// Linear changes of the base rate; they must not overlap each other.
    std::vector<RateRamp> ramps;
    /// A replayed rate series, compiled into steps or ramps (same rules as above).
    RateSeries series;
    /// The daily pattern, strictly increasing in time of day; empty means factor 1.
    std::vector<DailyPoint> daily;
    /// How the daily pattern is read between its points (see the file comment).
    Interpolation daily_interpolation = Interpolation::Step;
    /// Factor per weekday, Monday first (index = ISO weekday - 1); each >= 0.
    std::array<double, 7> weekly{1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    /// Factor applied inside the holiday periods; >= 0.
    double holiday_factor = 1.0;
    /// The holiday periods; they may overlap (the factor then applies once).
    std::vector<HolidayPeriod> holidays;
    /// The calendar start: what wall-clock date and time t = 0 is.
    Calendar calendar;

    /// Throws std::invalid_argument naming the first field out of range.
    void validate() const;
};

/// A validated, compiled rate profile. Immutable after construction and cheap to query: every
/// query is a binary search in the piece table plus a closed form; sampling allocates nothing.
class LoadProfile {
public:
    /// Validates `params` (std::invalid_argument) and compiles the piece table.
    explicit LoadProfile(const LoadProfileParams& params);
    /// The profile of `shape` (its `rate` and `calendar` ignored) with base rate `rate` on
    /// `calendar`, compiled; or nothing when that is one constant rate > 0 for ever, which then
    /// goes to `constant_rate` (a model draws such arrivals on a faster path).
    static std::optional<LoadProfile> compile_unless_constant(const LoadProfileParams& shape,
                                                              double rate, const Calendar& calendar,
                                                              double& constant_rate);

    /// The rate at `t` (arrivals per second). Right-continuous: at a step, the new rate. Times
    /// before 0 read as 0.
    double rate_at(SimTime t) const;
    /// An upper bound of the rate on [from, to): the exact maximum of each piece's product of
    /// linear functions over its part of the range, so it is the supremum itself. `to <= from`
    /// gives rate_at(from).
    double max_rate_over(SimTime from, SimTime to) const;
    /// The integral of the rate over [0, t): the expected number of arrivals before `t`.
    double cumulative(SimTime t) const;
    /// The integral of the rate over [from, to): expected arrivals in that range.
    double expected_arrivals(SimTime from, SimTime to) const {
        return cumulative(to) - cumulative(from);
    }

    /// The next arrival after `now` of a non-homogeneous Poisson process with this rate, by
    /// thinning (Lewis & Shedler) under the piecewise-constant majorant of the piece maxima.
    /// Rounded to the nearest nanosecond, so it may equal `now` at rates near 1e9/s.
    /// SimTime::max() when the rate stays zero from `now` on (or the arrival would fall beyond
    /// the representable time). Draws only from `rng`.
    SimTime next_arrival(SimTime now, sim::RandomStream& rng) const;
    /// Constant spacing under a varying rate: the time the cumulative rate reaches `k` (the k-th
    /// arrival, k >= 1), to the nearest nanosecond; SimTime::max() if it never does.
    SimTime constant_arrival(std::uint64_t k) const;
    /// The first constant-spacing arrival strictly after `now`: the next integer crossing of the
    /// cumulative rate. SimTime::max() if there is none.
    SimTime next_constant_arrival(SimTime now) const;

    /// From this time on the rate is zero for ever; SimTime::max() if it never stays zero.
    SimTime zero_from() const { return SimTime::from_ns(zero_from_ns_); }
    /// Whether the rate is one constant for all t >= 0 (a homogeneous Poisson process).
    bool is_constant() const { return pieces_.size() == 1 && pieces_.front().constant; }
    /// Pieces in the compiled table (one tail period included), for diagnostics.
    std::size_t piece_count() const { return pieces_.size(); }
    /// The validated parameters.
    const LoadProfileParams& params() const { return params_; }

private:
    // On a piece the rate is (base + base_slope x) (factor + factor_slope x), x in seconds since
    // `begin`; slopes are per second.
    struct Piece {
        std::int64_t begin = 0; // ns, table time
        double base = 0.0;
        double base_slope = 0.0;
        double factor = 0.0;
        double factor_slope = 0.0;
        double max_rate = 0.0;   // over the whole piece
        double cumulative = 0.0; // integral of the rate over [0, begin)
        bool constant = true;    // both slopes zero
    };
    // A position: piece `index` of the table, shifted by `shift` ns (whole tail periods).
    struct Location {
        std::size_t index;
        std::int64_t shift;
    };

    void compile();
    Location locate(std::int64_t t) const;
    std::int64_t piece_end(std::size_t index) const; // table time; INT64_MAX for an open end
    Location next_piece(Location at) const;
    static double rate_in(const Piece& p, double x);
    static double integral_in(const Piece& p, double x);
    static double max_in(const Piece& p, double x0, double x1);
    static double solve_in(const Piece& p, double amount, double length);

    LoadProfileParams params_;
    std::vector<Piece> pieces_;    // cover [0, table_end_) in table time
    std::int64_t tail_begin_ = 0;  // from here the profile repeats with period_
    std::int64_t period_ = 0;      // ns; 0: no periodic tail, the last piece holds for ever
    std::size_t tail_first_ = 0;   // the piece that begins at tail_begin_
    double tail_cumulative_ = 0.0; // integral of the rate over one tail period
    std::int64_t zero_from_ns_ = 0;
};

} // namespace tpssim::models
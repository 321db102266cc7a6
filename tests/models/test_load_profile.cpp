#include "models/load_profile.hpp"

#include <chrono>
#include <cmath>
#include <doctest/doctest.h>
#include <stdexcept>
#include <string>
#include <vector>

using namespace tpssim;

using models::Calendar;
using models::DailyPoint;
using models::Interpolation;
using models::LoadProfile;
using models::LoadProfileParams;
using sim::RandomStream;
using sim::SimTime;

namespace {

SimTime sec(double s) {
    return SimTime::from_seconds(s);
}
SimTime hours(double h) {
    return SimTime::from_seconds(h * 3600.0);
}
const SimTime kNs = SimTime::from_ns(1);

std::chrono::local_seconds local(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
    return std::chrono::local_days{std::chrono::year{y} / std::chrono::month{m} /
                                   std::chrono::day{d}} +
           std::chrono::hours{hour} + std::chrono::minutes{minute};
}

// The sketch's daily pattern: {"00:00": 0.4, "08:00": 1.0, "12:00": 1.6, "19:00": 1.2,
// "23:00": 0.6}.
std::vector<DailyPoint> sketch_daily() {
    return {{hours(0), 0.4}, {hours(8), 1.0}, {hours(12), 1.6}, {hours(19), 1.2}, {hours(23), 0.6}};
}

// The sketch's calendar start: Friday 2026-12-25 14:00.
Calendar christmas() {
    return Calendar{local(2026, 12, 25, 14)};
}

std::string error_of(const LoadProfileParams& p) {
    try {
        LoadProfile profile(p);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

// Arrivals of `profile` in [0, until), counted per bucket of `bucket` length.
std::vector<double> arrivals_per_bucket(const LoadProfile& profile, SimTime until, SimTime bucket,
                                        RandomStream& rng) {
    std::vector<double> counts(static_cast<std::size_t>(until.ns() / bucket.ns()), 0.0);
    for (SimTime t = profile.next_arrival(SimTime::zero(), rng); t < until;
         t = profile.next_arrival(t, rng))
        counts[static_cast<std::size_t>(t.ns() / bucket.ns())] += 1.0;
    return counts;
}

} // namespace

TEST_CASE("a default profile is a zero rate that never arrives") {
    const LoadProfile profile(LoadProfileParams{});
    CHECK(profile.is_constant());
    CHECK(profile.rate_at(SimTime::zero()) == 0.0);
    CHECK(profile.zero_from() == SimTime::zero());
    RandomStream rng(1, "load", "zero");
    CHECK(profile.next_arrival(SimTime::zero(), rng) == SimTime::max());
    CHECK(profile.next_constant_arrival(SimTime::zero()) == SimTime::max());
}

TEST_CASE("a constant rate: rate, integral, constant spacing") {
    LoadProfileParams p;
    p.rate = 4.0;
    const LoadProfile profile(p);
    CHECK(profile.is_constant());
    CHECK(profile.zero_from() == SimTime::max());
    CHECK(profile.rate_at(hours(1000)) == 4.0);
    CHECK(profile.rate_at(sec(-5)) == 4.0);
    CHECK(profile.max_rate_over(SimTime::zero(), hours(24)) == 4.0);
    CHECK(profile.cumulative(sec(10)) == doctest::Approx(40.0));
    CHECK(profile.expected_arrivals(sec(10), sec(20)) == doctest::Approx(40.0));
    for (std::uint64_t k = 1; k <= 20; ++k)
        CHECK(profile.constant_arrival(k) == SimTime::from_ms(250) * static_cast<std::int64_t>(k));
    SimTime t = SimTime::zero();
    for (int k = 1; k <= 8; ++k) {
        t = profile.next_constant_arrival(t);
        CHECK(t == SimTime::from_ms(250) * k);
    }
    CHECK(profile.next_constant_arrival(SimTime::from_ms(260)) == SimTime::from_ms(500));
}

TEST_CASE("steps and ramps: the rate at and around every breakpoint") {
    LoadProfileParams p;
    p.rate = 10.0;
    p.steps = {{sec(60), 20.0}, {sec(300), 0.0}, {sec(400), 5.0}, {sec(500), 100.0}};
    p.ramps = {{sec(120), sec(180), 80.0}, {sec(500), sec(600), 0.0}};
    const LoadProfile profile(p);
    CHECK_FALSE(profile.is_constant());

    CHECK(profile.rate_at(SimTime::zero()) == 10.0);
    CHECK(profile.rate_at(sec(60) - kNs) == 10.0);
    CHECK(profile.rate_at(sec(60)) == 20.0); // right-continuous: the new rate at the step
    CHECK(profile.rate_at(sec(120)) == 20.0);
    CHECK(profile.rate_at(sec(120) + kNs) == doctest::Approx(20.0));
    CHECK(profile.rate_at(sec(150)) == doctest::Approx(50.0));
    CHECK(profile.rate_at(sec(180) - kNs) == doctest::Approx(80.0));
    CHECK(profile.rate_at(sec(180)) == 80.0);
    CHECK(profile.rate_at(sec(300) - kNs) == 80.0);
    CHECK(profile.rate_at(sec(300)) == 0.0);
    CHECK(profile.rate_at(sec(400) - kNs) == 0.0);
    CHECK(profile.rate_at(sec(400)) == 5.0);
    CHECK(profile.rate_at(sec(500) - kNs) == 5.0);
    // A step at a ramp's start applies first: the ramp starts from it.
    CHECK(profile.rate_at(sec(500)) == 100.0);
    CHECK(profile.rate_at(sec(550)) == doctest::Approx(50.0));
    CHECK(profile.rate_at(sec(600)) == 0.0);
    CHECK(profile.rate_at(hours(100)) == 0.0);
    CHECK(profile.zero_from() == sec(600));

    // Integrals by hand: 600 + 1200 + 3000 + 9600 + 0 + 500 + 5000.
    CHECK(profile.cumulative(sec(60)) == doctest::Approx(600.0));
    CHECK(profile.cumulative(sec(180)) == doctest::Approx(600.0 + 1200.0 + 3000.0));
    CHECK(profile.cumulative(hours(1)) == doctest::Approx(19900.0));
    // Maxima: the supremum over the range, the left limit at a ramp's open end included.
    CHECK(profile.max_rate_over(sec(120), sec(150)) == doctest::Approx(50.0));
    CHECK(profile.max_rate_over(SimTime::zero(), hours(1)) == 100.0);
    CHECK(profile.max_rate_over(sec(300), sec(400)) == 0.0);
    CHECK(profile.max_rate_over(sec(550), sec(550)) == doctest::Approx(50.0));
}

TEST_CASE("a replayed series, read as steps or linearly") {
    LoadProfileParams p;
    p.rate = 7.0;
    p.series.times = {sec(60), sec(120), sec(180)};
    p.series.rates = {10.0, 30.0, 0.0};
    const LoadProfile steps(p);
    CHECK(steps.rate_at(sec(59)) == 7.0); // the base rate before the first point
    CHECK(steps.rate_at(sec(60)) == 10.0);
    CHECK(steps.rate_at(sec(120) - kNs) == 10.0);
    CHECK(steps.rate_at(sec(120)) == 30.0);
    CHECK(steps.rate_at(sec(180)) == 0.0);
    CHECK(steps.zero_from() == sec(180));

    p.series.interpolation = Interpolation::Linear;
    const LoadProfile linear(p);
    CHECK(linear.rate_at(sec(59)) == 7.0);
    CHECK(linear.rate_at(sec(60)) == 10.0);
    CHECK(linear.rate_at(sec(90)) == doctest::Approx(20.0));
    CHECK(linear.rate_at(sec(120)) == 30.0);
    CHECK(linear.rate_at(sec(150)) == doctest::Approx(15.0));
    CHECK(linear.rate_at(sec(180)) == 0.0);
    CHECK(linear.cumulative(sec(180)) == doctest::Approx(420.0 + 1200.0 + 900.0));
}

TEST_CASE("the calendar: weekdays and times of day in local civil time") {
    using std::chrono::Friday;
    const Calendar cal = christmas();
    CHECK(cal.weekday_at(SimTime::zero()) == Friday); // 2026-12-25 is a Friday
    CHECK(std::chrono::weekday{std::chrono::local_days{
              std::chrono::year{2026} / std::chrono::December / 24}} == std::chrono::Thursday);
    CHECK(cal.time_of_day_at(SimTime::zero()) == hours(14));
    CHECK(cal.weekday_at(hours(10) - kNs) == Friday);
    CHECK(cal.weekday_at(hours(10)) == std::chrono::Saturday);
    CHECK(cal.time_of_day_at(hours(10)) == SimTime::zero());
    CHECK(cal.weekday_at(hours(58)) == std::chrono::Monday);
    const auto day = std::chrono::year_month_day{
        std::chrono::floor<std::chrono::days>(cal.local_time_at(hours(34)))};
    CHECK(day == std::chrono::year{2026} / std::chrono::December / 27);
    CHECK(cal.sim_time_of(local(2026, 12, 26)) == hours(10));
    CHECK(cal.sim_time_of(local(2026, 12, 25, 15)) == hours(1));     // the exam's Friday 15:00
    CHECK(cal.sim_time_of(local(2027, 1, 1)) == hours(6 * 24 + 10)); // across the year end
    CHECK(Calendar{}.weekday_at(SimTime::zero()) == std::chrono::Monday);
}

TEST_CASE("the sketch's daily pattern, piecewise constant by default") {
    LoadProfileParams p;
    p.rate = 100.0;
    p.daily = sketch_daily();
    p.calendar = christmas();
    const LoadProfile profile(p);
    // t = 0 is 14:00: inside the 12:00 peak.
    CHECK(profile.rate_at(SimTime::zero()) == doctest::Approx(160.0));
    CHECK(profile.rate_at(hours(5) - kNs) == doctest::Approx(160.0));
    CHECK(profile.rate_at(hours(5)) == doctest::Approx(120.0)); // 19:00
    CHECK(profile.rate_at(hours(9) - kNs) == doctest::Approx(120.0));
    CHECK(profile.rate_at(hours(9)) == doctest::Approx(60.0)); // 23:00
    CHECK(profile.rate_at(hours(10) - kNs) == doctest::Approx(60.0));
    CHECK(profile.rate_at(hours(10)) == doctest::Approx(40.0)); // midnight
    CHECK(profile.rate_at(hours(18) - kNs) == doctest::Approx(40.0));
    CHECK(profile.rate_at(hours(18)) == doctest::Approx(100.0)); // 08:00
    CHECK(profile.rate_at(hours(22) - kNs) == doctest::Approx(100.0));
    CHECK(profile.rate_at(hours(22)) == doctest::Approx(160.0));           // 12:00
    CHECK(profile.rate_at(hours(22 + 24 * 30)) == doctest::Approx(160.0)); // a month later

    // One day: 0.4 x 8h + 1.0 x 4h + 1.6 x 7h + 1.2 x 4h + 0.6 x 1h = 23.8 h at 100/s.
    const double day = 100.0 * 3600.0 * 23.8;
    CHECK(profile.cumulative(hours(24)) == doctest::Approx(day).epsilon(1e-12));
    CHECK(profile.cumulative(hours(24 * 10)) == doctest::Approx(10.0 * day).epsilon(1e-12));
    CHECK(profile.expected_arrivals(hours(10), hours(18)) == doctest::Approx(40.0 * 8 * 3600));
    // The bound follows the pattern: the night after the peak is bounded by the night's rate.
    CHECK(profile.max_rate_over(SimTime::zero(), hours(24)) == doctest::Approx(160.0));
    CHECK(profile.max_rate_over(hours(10), hours(18)) == doctest::Approx(40.0));
    CHECK(profile.max_rate_over(hours(10), hours(18) + kNs) == doctest::Approx(100.0));
}

TEST_CASE("a linear daily pattern interpolates between points and across midnight") {
    LoadProfileParams p;
    p.rate = 100.0;
    p.daily = sketch_daily();
    p.daily_interpolation = Interpolation::Linear;
    p.calendar = christmas();
    const LoadProfile profile(p);
    CHECK(profile.rate_at(SimTime::zero()) == doctest::Approx(100.0 * (1.6 - 0.4 * 2.0 / 7.0)));
    CHECK(profile.rate_at(hours(5)) == doctest::Approx(120.0));  // 19:00, a point
    CHECK(profile.rate_at(hours(9.5)) == doctest::Approx(50.0)); // 23:30: 0.6 -> 0.4
    CHECK(profile.rate_at(hours(10)) == doctest::Approx(40.0));  // 00:00
    CHECK(profile.rate_at(hours(14)) == doctest::Approx(70.0));  // 04:00: 0.4 -> 1.0 at 08:00
    // The integral of the piecewise-linear day: trapezoids.
    const double area = (0.4 + 1.0) / 2 * 8 + (1.0 + 1.6) / 2 * 4 + (1.6 + 1.2) / 2 * 7 +
                        (1.2 + 0.6) / 2 * 4 + (0.6 + 0.4) / 2 * 1;
    CHECK(profile.expected_arrivals(hours(10), hours(34)) ==
          doctest::Approx(100.0 * 3600.0 * area).epsilon(1e-12));

    // A pattern whose first point is not at midnight wraps from the last one.
    LoadProfileParams q;
    q.rate = 1.0;
    q.daily = {{hours(6), 2.0}, {hours(18), 1.0}};
    const LoadProfile wraps(q); // t = 0 is Monday 00:00
    CHECK(wraps.rate_at(hours(3)) == 1.0);
    CHECK(wraps.rate_at(hours(6)) == 2.0);
    q.daily_interpolation = Interpolation::Linear;
    const LoadProfile wraps_linear(q);
    CHECK(wraps_linear.rate_at(hours(0)) == doctest::Approx(1.5)); // halfway 18:00 -> 06:00
    CHECK(wraps_linear.rate_at(hours(12)) == doctest::Approx(1.5));
}

TEST_CASE("multipliers compose by product: daily x weekly x holiday") {
    LoadProfileParams p;
    p.rate = 100.0;
    p.daily = sketch_daily();
    p.weekly = {1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.6}; // weekend 0.6
    p.holiday_factor = 2.0;
    p.holidays = {{hours(34), hours(40)}, {hours(36), hours(38)}}; // overlapping: applies once
    p.calendar = christmas();
    const LoadProfile profile(p);
    CHECK(profile.rate_at(hours(9)) == doctest::Approx(60.0));                     // Friday 23:00
    CHECK(profile.rate_at(hours(10)) == doctest::Approx(40.0 * 0.6));              // Saturday 00:00
    CHECK(profile.rate_at(hours(22)) == doctest::Approx(160.0 * 0.6));             // Saturday 12:00
    CHECK(profile.rate_at(hours(34) - kNs) == doctest::Approx(60.0 * 0.6));        // Saturday 23:59
    CHECK(profile.rate_at(hours(35)) == doctest::Approx(100.0 * 0.4 * 0.6 * 2.0)); // Sunday 01:00
    CHECK(profile.rate_at(hours(37)) == doctest::Approx(100.0 * 0.4 * 0.6 * 2.0));
    CHECK(profile.rate_at(hours(40)) == doctest::Approx(40.0 * 0.6));
    CHECK(profile.rate_at(hours(58)) == doctest::Approx(40.0));          // Monday 00:00
    CHECK(profile.rate_at(hours(58 + 7 * 24)) == doctest::Approx(40.0)); // a week later
    CHECK(profile.rate_at(hours(35 + 7 * 24)) == doctest::Approx(100.0 * 0.4 * 0.6));

    // With steps on top: the step sets the base, the multipliers still apply.
    p.steps = {{hours(1), 10.0}};
    const LoadProfile stepped(p);
    CHECK(stepped.rate_at(hours(35)) == doctest::Approx(10.0 * 0.4 * 0.6 * 2.0));
}

TEST_CASE("the maximum of a rising ramp times a falling daily factor is at the vertex") {
    LoadProfileParams p;
    p.ramps = {{SimTime::zero(), hours(12), 24.0}}; // 0 -> 24 over 12 h
    p.daily = {{hours(0), 2.0}, {hours(12), 0.0}};  // 2 -> 0 over the same 12 h (Monday)
    p.daily_interpolation = Interpolation::Linear;
    const LoadProfile profile(p);
    // 24u x 2(1 - u) peaks at u = 1/2 with 12; both ends are 0.
    CHECK(profile.rate_at(hours(6)) == doctest::Approx(12.0));
    CHECK(profile.max_rate_over(SimTime::zero(), hours(12)) == doctest::Approx(12.0));
    CHECK(profile.max_rate_over(SimTime::zero(), hours(3)) == doctest::Approx(24.0 * 0.25 * 1.5));
}

TEST_CASE("thinning over a day with the daily pattern: total and per hour within 5 sd") {
    LoadProfileParams p;
    p.rate = 2.0;
    p.daily = sketch_daily();
    p.calendar = christmas();
    const LoadProfile profile(p);
    RandomStream rng(1, "users", "arrivals");
    const auto counts = arrivals_per_bucket(profile, hours(24), hours(1), rng);
    double total = 0.0;
    for (std::size_t h = 0; h < counts.size(); ++h) {
        const double expected = profile.expected_arrivals(hours(static_cast<double>(h)),
                                                          hours(static_cast<double>(h + 1)));
        INFO("hour " << h << ": " << counts[h] << " arrivals, expected " << expected);
        CHECK(std::fabs(counts[h] - expected) <= 5.0 * std::sqrt(expected));
        total += counts[h];
    }
    const double expected = profile.cumulative(hours(24));
    CHECK(expected == doctest::Approx(2.0 * 3600.0 * 23.8));
    CHECK(std::fabs(total - expected) <= 5.0 * std::sqrt(expected));
}

TEST_CASE("thinning under ramps and a linear pattern: per-hour counts within 5 sd") {
    LoadProfileParams p;
    p.rate = 1.0;
    p.ramps = {{hours(2), hours(6), 8.0}, {hours(10), hours(20), 0.5}};
    p.daily = sketch_daily();
    p.daily_interpolation = Interpolation::Linear;
    p.weekly = {1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5};
    p.calendar = christmas();
    const LoadProfile profile(p);
    RandomStream rng(7, "users", "arrivals");
    const auto counts = arrivals_per_bucket(profile, hours(48), hours(1), rng);
    double total = 0.0;
    for (std::size_t h = 0; h < counts.size(); ++h) {
        const double expected = profile.expected_arrivals(hours(static_cast<double>(h)),
                                                          hours(static_cast<double>(h + 1)));
        INFO("hour " << h << ": " << counts[h] << " arrivals, expected " << expected);
        CHECK(std::fabs(counts[h] - expected) <= 5.0 * std::sqrt(expected));
        total += counts[h];
    }
    const double expected = profile.cumulative(hours(48));
    CHECK(std::fabs(total - expected) <= 5.0 * std::sqrt(expected));
}

TEST_CASE("after a high peak a low rate costs one draw per arrival (piecewise majorant)") {
    LoadProfileParams p;
    p.rate = 10'000.0;
    p.steps = {{sec(1), 0.01}};
    const LoadProfile profile(p);
    RandomStream rng(3, "users", "arrivals");
    RandomStream copy = rng;
    const SimTime t = profile.next_arrival(sec(2), rng);
    CHECK(t > sec(2));
    // A constant piece accepts every candidate: exactly one exponential was drawn.
    (void)copy.next_open01();
    CHECK(rng.next_u64() == copy.next_u64());
    CHECK(profile.max_rate_over(sec(1), hours(1)) == 0.01);
}

TEST_CASE("zero rates: skipped without drawing, and an end that stays zero terminates") {
    LoadProfileParams p;
    p.rate = 5.0;
    p.steps = {{sec(10), 0.0}};
    const LoadProfile profile(p);
    RandomStream rng(5, "users", "arrivals");
    int n = 0;
    SimTime last = SimTime::zero();
    for (SimTime t = profile.next_arrival(SimTime::zero(), rng); t != SimTime::max();
         t = profile.next_arrival(t, rng)) {
        CHECK(t < sec(10));
        last = t;
        ++n;
    }
    CHECK(n > 20);
    CHECK(n < 100);
    CHECK(last < sec(10));
    CHECK(profile.next_arrival(sec(20), rng) == SimTime::max());

    // A daily pattern with a closed night: nothing arrives between 00:00 and 08:00.
    LoadProfileParams q;
    q.rate = 1.0;
    q.daily = {{hours(0), 0.0}, {hours(8), 1.0}};
    const LoadProfile night(q);
    CHECK(night.zero_from() == SimTime::max());
    const SimTime first = night.next_arrival(hours(24), rng); // Tuesday 00:00
    CHECK(first >= hours(32));
    CHECK(first < hours(33));
    CHECK(night.next_constant_arrival(hours(24)) == hours(32) + sec(1));

    // All factors zero: the rate is zero for ever.
    q.daily = {{hours(0), 0.0}, {hours(8), 0.0}};
    const LoadProfile closed(q);
    CHECK(closed.zero_from() == SimTime::zero());
    CHECK(closed.next_arrival(SimTime::zero(), rng) == SimTime::max());
    q.daily.clear();
    q.weekly = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    CHECK(LoadProfile(q).next_arrival(hours(5), rng) == SimTime::max());
}

TEST_CASE("constant spacing arrives exactly at the integral's integer crossings") {
    LoadProfileParams p;
    p.rate = 2.0;
    p.steps = {{sec(10), 5.0}, {sec(20), 0.0}};
    p.ramps = {{sec(30), sec(40), 4.0}};
    const LoadProfile profile(p);
    // 20 arrivals by 10 s, then one every 0.2 s: the 21st at 10.2 s.
    CHECK(profile.constant_arrival(20) == sec(10));
    CHECK(profile.constant_arrival(21) == SimTime::from_ms(10'200));
    CHECK(profile.constant_arrival(70) == sec(20));
    // The ramp 0 -> 4/s over 10 s: cumulative 0.2 (t - 30)^2, so the 71st is at 30 + sqrt(5) s.
    CHECK(profile.constant_arrival(71).seconds() == doctest::Approx(30.0 + std::sqrt(5.0)));
    SimTime t = SimTime::zero();
    for (std::uint64_t k = 1; k <= 200; ++k) {
        const SimTime next = profile.next_constant_arrival(t);
        CHECK(next > t);
        CHECK(next == profile.constant_arrival(k));
        CHECK(profile.cumulative(next) == doctest::Approx(static_cast<double>(k)).epsilon(1e-9));
        CHECK(profile.cumulative(next - kNs) < static_cast<double>(k));
        t = next;
    }
    // No arrival while the rate is zero (between 20 s and 30 s).
    CHECK(profile.next_constant_arrival(sec(20)) > sec(30));

    // With a periodic tail: crossings many days out still hit the integer exactly.
    LoadProfileParams q;
    q.rate = 0.5;
    q.daily = sketch_daily();
    q.daily_interpolation = Interpolation::Linear;
    q.weekly = {1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.6};
    q.calendar = christmas();
    const LoadProfile periodic(q);
    for (std::uint64_t k : {1ULL, 1000ULL, 123'457ULL, 2'000'001ULL}) {
        const SimTime tk = periodic.constant_arrival(k);
        INFO("k = " << k << " at " << tk.seconds() << " s");
        CHECK(periodic.cumulative(tk) == doctest::Approx(static_cast<double>(k)).epsilon(1e-9));
        CHECK(periodic.next_constant_arrival(tk) == periodic.constant_arrival(k + 1));
    }

    // A rate that ends at zero: the last crossing, then never again.
    LoadProfileParams r;
    r.rate = 1.0;
    r.steps = {{SimTime::from_ms(2500), 0.0}};
    const LoadProfile ends(r);
    CHECK(ends.constant_arrival(2) == sec(2));
    CHECK(ends.constant_arrival(3) == SimTime::max());
    CHECK(ends.next_constant_arrival(sec(2)) == SimTime::max());
}

TEST_CASE("parameters are validated, naming the field") {
    auto check = [](auto change, const std::string& expected) {
        LoadProfileParams p;
        p.rate = 1.0;
        change(p);
        const std::string what = error_of(p);
        INFO(what);
        CHECK(what.find(expected) != std::string::npos);
    };
    check([](LoadProfileParams& p) { p.rate = -1.0; }, "rate must be");
    check([](LoadProfileParams& p) { p.steps = {{sec(-1), 1.0}}; }, "steps[0].at");
    check([](LoadProfileParams& p) { p.steps = {{sec(1), std::nan("")}}; }, "steps[0].rate");
    check([](LoadProfileParams& p) { p.ramps = {{sec(5), sec(5), 1.0}}; }, "ramps[0].to");
    check(
        [](LoadProfileParams& p) {
            p.steps = {{sec(5), 1.0}, {sec(5), 2.0}};
        },
        "steps[0] and steps[1] both change the rate at 5s");
    check(
        [](LoadProfileParams& p) {
            p.ramps = {{sec(0), sec(10), 1.0}};
            p.steps = {{sec(5), 2.0}};
        },
        "steps[0] at 5s falls inside ramps[0] (0s to 10s)");
    check(
        [](LoadProfileParams& p) {
            p.ramps = {{sec(0), sec(10), 1.0}, {sec(9), sec(12), 2.0}};
        },
        "ramps[1] at 9s falls inside ramps[0]");
    check(
        [](LoadProfileParams& p) {
            p.series.times = {sec(0), sec(10)};
            p.series.rates = {1.0};
        },
        "series has 2 times but 1 rates");
    check(
        [](LoadProfileParams& p) {
            p.series.times = {sec(10), sec(10)};
            p.series.rates = {1.0, 2.0};
        },
        "series[1].time must be after");
    check([](LoadProfileParams& p) { p.daily = {{hours(24), 1.0}}; }, "daily[0].time_of_day");
    check(
        [](LoadProfileParams& p) {
            p.daily = {{hours(8), 1.0}, {hours(7), 1.0}};
        },
        "daily[1].time_of_day must be after");
    check([](LoadProfileParams& p) { p.weekly[6] = -0.5; }, "weekly[6]");
    check([](LoadProfileParams& p) { p.holidays = {{hours(2), hours(1)}}; }, "holidays[0].end");
    check([](LoadProfileParams& p) { p.calendar.start = local(2300, 1, 1); }, "calendar.start");
    // Touching changes are fine: a ramp ends where a step or another ramp starts.
    LoadProfileParams ok;
    ok.ramps = {{sec(0), sec(10), 1.0}, {sec(10), sec(20), 0.0}};
    ok.steps = {{sec(20), 3.0}};
    CHECK(error_of(ok).empty());
}

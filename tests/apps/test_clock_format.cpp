#include "apps/tpssim/clock_format.hpp"

#include <chrono>
#include <cmath>
#include <doctest/doctest.h>

using namespace tpssim;
using namespace std::chrono;

namespace {
// Friday 2026-12-25 at `hour`:`minute`.
local_seconds christmas(int hour, int minute = 0) {
    return local_days{year{2026} / December / 25} + hours{hour} + minutes{minute};
}
constexpr double kHour = 3600.0;
constexpr double kDay = 24 * kHour;
} // namespace

TEST_CASE("clock format without a calendar: elapsed times, as before") {
    const ClockFormat clock;
    CHECK_FALSE(clock.has_calendar());
    CHECK(clock.style() == ClockFormat::Style::Elapsed);
    CHECK(clock(0.0) == "0s");
    CHECK(clock(42.5) == "42.5s");
    CHECK(clock(60.0) == "0:01:00");
    CHECK(clock(902.5) == "0:15:02");
    CHECK(clock(3723.0) == "1:02:03");
    CHECK(clock(30 * kHour + 5) == "30:00:05"); // past a day, hours keep counting
    CHECK(clock(std::nan("")) == "-");
    // A start given as none is the same.
    CHECK(ClockFormat(std::nullopt, 7 * kDay)(3723.0) == "1:02:03");
}

TEST_CASE("clock format within one day: the time of day, rounded down to the second") {
    const ClockFormat clock(christmas(14), 2 * kHour);
    CHECK(clock.has_calendar());
    CHECK(clock.style() == ClockFormat::Style::TimeOfDay);
    CHECK(clock(0.0) == "14:00:00");
    CHECK(clock(3735.0) == "15:02:15");
    CHECK(clock(3735.999) == "15:02:15"); // a clock shows the second that has begun
    CHECK(clock(std::nan("")) == "-");
    // A run that ends exactly at midnight never shows the next day.
    const ClockFormat to_midnight(christmas(14), 10 * kHour);
    CHECK(to_midnight.style() == ClockFormat::Style::TimeOfDay);
    CHECK(to_midnight(10 * kHour - 1) == "23:59:59");
}

TEST_CASE("clock format across midnight: the weekday, and the clock wraps") {
    // Friday 22:00, four hours: Friday night into Saturday morning.
    const ClockFormat clock(christmas(22), 4 * kHour);
    CHECK(clock.style() == ClockFormat::Style::Weekday);
    CHECK(clock(0.0) == "Fri 22:00:00");
    CHECK(clock(2 * kHour - 1) == "Fri 23:59:59");
    CHECK(clock(2 * kHour) == "Sat 00:00:00");
    CHECK(clock(5 * kHour) == "Sat 03:00:00");
    // The holiday weekend: Friday 14:00 to Monday 08:00 (66 hours).
    const ClockFormat weekend(christmas(14), 66 * kHour);
    CHECK(weekend.style() == ClockFormat::Style::Weekday);
    CHECK(weekend(13 * kHour) == "Sat 03:00:00");
    CHECK(weekend(42 * kHour + 30) == "Sun 08:00:30");
    CHECK(weekend(66 * kHour - 1) == "Mon 07:59:59");
}

TEST_CASE("clock format over a week or more: the date, since a weekday would name two days") {
    const ClockFormat clock(christmas(0), 10 * kDay);
    CHECK(clock.style() == ClockFormat::Style::Date);
    CHECK(clock(0.0) == "2026-12-25 00:00:00");
    CHECK(clock(7 * kDay + 3 * kHour) == "2027-01-01 03:00:00"); // across the year
    // Six days and a bit from midnight still has distinct weekdays.
    CHECK(ClockFormat(christmas(0), 7 * kDay).style() == ClockFormat::Style::Weekday);
    CHECK(ClockFormat(christmas(0), 7 * kDay + 1).style() == ClockFormat::Style::Date);
}

TEST_CASE("calendar and ISO texts: the full date and time") {
    CHECK(calendar_text(0.0, christmas(14)) == "Fri 2026-12-25 14:00:00");
    CHECK(calendar_text(66 * kHour, christmas(14)) == "Mon 2026-12-28 08:00:00");
    CHECK(local_date_time_text(3735.25, christmas(14)) == "2026-12-25T15:02:15.250");
    CHECK(local_date_time_text(10 * kHour, christmas(14)) == "2026-12-26T00:00:00.000");
    CHECK(elapsed_text(42.5) == "42.5s");
}

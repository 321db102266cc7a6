#include "apps/tpssim/clock_format.hpp"

#include "sim/sim_time.hpp"

#include <array>
#include <cmath>
#include <fmt/format.h>

namespace tpssim {

namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::local_time;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// The local time `at_seconds` after `start`, to the nanosecond. Through SimTime, so a time the
// model computed (an integer count of nanoseconds) comes back exactly, never a hair early.
local_time<nanoseconds> local_at(double at_seconds, std::chrono::local_seconds start) {
    return local_time<nanoseconds>{start} +
           nanoseconds{sim::SimTime::from_seconds(at_seconds).ns()};
}

// The parts of a local time to the second.
struct LocalParts {
    std::string weekday; ///< "Sat"
    std::string date;    ///< "2026-12-26"
    std::string clock;   ///< "03:00:00"
};

LocalParts parts_at(double at_seconds, std::chrono::local_seconds start) {
    static constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                             "Thu", "Fri", "Sat"};
    const auto t = floor<std::chrono::seconds>(local_at(at_seconds, start));
    const auto day = floor<days>(t);
    const std::chrono::hh_mm_ss<std::chrono::seconds> hms{t - day};
    const std::chrono::year_month_day ymd{day};
    return {kWeekdays[std::chrono::weekday{day}.c_encoding()],
            fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())),
            fmt::format("{:02}:{:02}:{:02}", hms.hours().count(), hms.minutes().count(),
                        hms.seconds().count())};
}

} // namespace

ClockFormat::ClockFormat(std::optional<std::chrono::local_seconds> start, double span_seconds)
    : start_(start) {
    if (!start_) return;
    // The last instant shown is just before the end: a run from 14:00 to midnight stays on
    // one day.
    const auto first_day = floor<days>(*start_);
    const double span = std::isfinite(span_seconds) && span_seconds > 0 ? span_seconds : 0.0;
    const auto last = local_at(span, *start_) - nanoseconds{span > 0 ? 1 : 0};
    const auto day_count = (floor<days>(last) - first_day).count();
    style_ = day_count == 0 ? Style::TimeOfDay : day_count < 7 ? Style::Weekday : Style::Date;
}

std::string ClockFormat::operator()(double at_seconds) const {
    if (std::isnan(at_seconds)) return "-";
    if (!start_) return elapsed_text(at_seconds);
    auto p = parts_at(at_seconds, *start_);
    switch (style_) {
    case Style::Elapsed:
    case Style::TimeOfDay:
        break;
    case Style::Weekday:
        return p.weekday + ' ' + p.clock;
    case Style::Date:
        return p.date + ' ' + p.clock;
    }
    return p.clock;
}

std::string calendar_text(double at_seconds, std::chrono::local_seconds start) {
    if (std::isnan(at_seconds)) return "-";
    const auto p = parts_at(at_seconds, start);
    return p.weekday + ' ' + p.date + ' ' + p.clock;
}

std::string elapsed_text(double seconds) {
    if (std::isnan(seconds)) return "-";
    if (seconds < 60.0) return fmt::format("{:.3g}s", seconds);
    const auto total = static_cast<long long>(std::floor(seconds));
    return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
}

std::string local_date_time_text(double at_seconds, std::chrono::local_seconds start) {
    const auto t = floor<milliseconds>(local_at(at_seconds, start));
    const auto day = floor<days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss<milliseconds> hms{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                       hms.subseconds().count());
}

} // namespace tpssim

#pragma once
/// Points in time as a scenario writes them (internal to scenarios/): durations from the start,
/// clock times and dates against the calendar `start`, and `start` itself.

#include "scenarios/yaml_reader.hpp"
#include "sim/sim_time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tpssim::scenarios::detail {

/// The calendar start as far as the loader knows it.
struct CalendarStart {
    bool given = false;                              ///< `start:` is in the file (readable or not)
    std::optional<std::chrono::local_seconds> start; ///< its value, when readable
};

/// `start:`: a local date and time, `2026-12-25T14:00` (seconds optional, a space instead of
/// `T`, or a date alone for midnight), in the years 1900 to 2200.
std::optional<std::chrono::local_seconds> read_start(DiagnosticSink& sink, const Value& v);

/// "2026-12-25T14:00" (with ":SS" when the seconds are not zero).
std::string format_local(std::chrono::local_seconds t);

/// How a point in time is read.
struct TimeRules {
    sim::SimTime clock_from = sim::SimTime::zero(); ///< a clock time is the first one at or after
    bool strictly_after = false;                    ///< ... strictly after it (the end of a period)
    bool before_start_ok = false;                   ///< a date before the start is fine (holidays)
};

/// A point in time: a duration from the start (`90m`), or with a calendar start a clock time
/// (`"15:00"`, the first at or after `rules.clock_from`) or a date and time
/// (`2026-12-25T15:00`). Reported at `v` when it is none of these.
std::optional<sim::SimTime> read_time_point(DiagnosticSink& sink, const Value& v,
                                            const CalendarStart& start,
                                            const TimeRules& rules = {});

/// The same for a time written inside other text (an expression): the time, or what is wrong
/// ("expected ..., got <got>"), or an empty message when the calendar start was unreadable
/// (already reported).
std::variant<sim::SimTime, std::string> parse_time_point(std::string_view text,
                                                         std::string_view got,
                                                         const CalendarStart& start,
                                                         const TimeRules& rules);

/// A time for messages: a date and time with a calendar start, else a duration from 0.
std::string show_time(sim::SimTime t, const CalendarStart& start);

/// A time of day, `H:MM`, `HH:MM` or `HH:MM:SS`: `shape` says the text has that form, `valid`
/// that its fields are in range (hours below 24).
struct Clock {
    bool shape = false;
    bool valid = false;
    std::int64_t seconds = 0; ///< since midnight
};
Clock parse_clock(std::string_view s);

} // namespace tpssim::scenarios::detail

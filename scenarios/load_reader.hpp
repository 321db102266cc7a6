#pragma once
/// Reading what makes a load source's rate vary over time (`multiplier`, `steps`, `trace`), the
/// scenario's calendar `start`, and points in time written as durations, clock times or dates
/// (internal to scenarios/).

#include "models/load_profile.hpp"
#include "scenarios/yaml_reader.hpp"

#include <chrono>
#include <filesystem>
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

/// The keys of an open load source that shape its rate over time (`multiplier`, `steps`,
/// `trace`), read from `source` into `profile` (whose `rate` and `calendar` are left alone).
/// False when any of them is wrong (reported).
bool read_rate_profile(DiagnosticSink& sink, const MapReader& source, const CalendarStart& start,
                       const std::filesystem::path& base_dir, models::LoadProfileParams& profile);

/// A rate series from a CSV file: a header naming two columns with their units
/// (`time_seconds,rate_per_second`; times in `_seconds`, `_ms`, `_us`, `_ns`, `_minutes` or
/// `_hours`, rates `_per_second`, `_per_minute` or `_per_hour`), then one `TIME,RATE` line per
/// point, times strictly increasing. Problems are reported against `display` and its line,
/// sorted where `anchor` is.
std::optional<models::RateSeries> read_rate_csv(DiagnosticSink& sink,
                                                const std::filesystem::path& csv,
                                                const std::string& display, const Value& anchor);

} // namespace tpssim::scenarios::detail
#pragma once
/// How a point in simulated time reads to an operator: the one place that turns a time into
/// text for the report, the `expect:` verdicts and the summary JSON.
///
/// With a calendar start (`start:`) a time is the local clock time, rounded down to the second
/// as a clock shows it: "15:02:15" while the run stays within one day, "Sat 03:00:00" when it
/// crosses a midnight, "2026-12-26 03:00:00" when it spans a week or more (a weekday would then
/// name two days). Without one it is the time elapsed since t = 0: "42.5s" under a minute,
/// else "h:mm:ss" ("1:02:03", hours past 24 as they come: "30:00:05").

#include <chrono>
#include <optional>
#include <string>

namespace tpssim {

class ClockFormat {
public:
    enum class Style : unsigned char {
        Elapsed,   ///< no calendar start: "42.5s", "1:02:03"
        TimeOfDay, ///< within one local day: "15:02:15"
        Weekday,   ///< across midnights, under a week: "Sat 03:00:00"
        Date,      ///< a week or more: "2026-12-26 03:00:00"
    };

    /// Elapsed times (no calendar).
    ClockFormat() = default;
    /// The times of a run that starts at `start` (none: elapsed times) and covers
    /// [0, span_seconds): the span decides whether a weekday or a date is needed.
    ClockFormat(std::optional<std::chrono::local_seconds> start, double span_seconds);

    /// `at_seconds` after t = 0, as text ("-" for NaN).
    std::string operator()(double at_seconds) const;

    Style style() const { return style_; }
    bool has_calendar() const { return start_.has_value(); }
    const std::optional<std::chrono::local_seconds>& start() const { return start_; }

private:
    std::optional<std::chrono::local_seconds> start_;
    Style style_ = Style::Elapsed;
};

/// "42.5s" under a minute, else "h:mm:ss": the elapsed style on its own ("-" for NaN).
std::string elapsed_text(double seconds);

/// "Fri 2026-12-25 15:02:15": the weekday, local date and time (to the second, rounded down)
/// `at_seconds` after `start`; what anchors a report's clock times.
std::string calendar_text(double at_seconds, std::chrono::local_seconds start);

/// "2026-12-25T15:02:15.250": the local date and time `at_seconds` after `start`, to the
/// millisecond (rounded down), as ISO 8601 without a zone: what files and the JSON carry.
std::string local_date_time_text(double at_seconds, std::chrono::local_seconds start);

} // namespace tpssim

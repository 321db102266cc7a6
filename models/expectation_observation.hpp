#pragma once
/// What an `expect:` check observed, typed: which statistic, its value and unit, when it was
/// seen, the check's window and how many scrapes it covered. The model fills it in; the text an
/// operator reads ("max 0.031 at 15:02:15") is made from it by apps/ (observation_text), so
/// that the report, the summary JSON, the results file and Python say the same thing and a
/// program can read the numbers without parsing the text.

#include <cstdint>
#include <limits>
#include <string>

namespace tpssim::models {

/// What kind of thing a check observed; says which fields of ExpectationObservation are set.
enum class ObservationKind : std::uint8_t {
    // Series checks (`Always`, `Ever`): `from_seconds`, `to_seconds`, `scrapes`, `scrapes_held`.
    Max,              ///< the highest value in the window, at `at_seconds`
    Min,              ///< the lowest value in the window, at `at_seconds`
    ValueAt,          ///< the value at the scrape `at_seconds` that decided the check
    HeldAtAll,        ///< the condition held at every scrape (none is an extreme)
    NoDataAt,         ///< the first scrape without data (NaN), at `at_seconds`, broke it
    NotAtAny,         ///< the condition held at none of the scrapes
    NoScrapeInWindow, ///< no scrape fell in the window
    NoDataInWindow,   ///< scrapes, but none with data
    NoMetric,         ///< the record has no column for `name` of `subject`
    // `Total` checks.
    Total,          ///< the run's final figure `name` of `subject`: `value`, `unit`
    NoTotal,        ///< no total `name` of `subject`
    NoRequestEnded, ///< a latency total of `subject` without data
    // Alert checks: `from_seconds`, `to_seconds`.
    FirstFired,         ///< first fired in the window at `at_seconds`
    FiredOutsideWindow, ///< never in the window; first fired at `at_seconds`
    NeverFired,
    NoAlert, ///< no alert rule number `index`
    // Breaker checks: `from_seconds`, `to_seconds`.
    Opened, ///< the breaker first opened in the window at `at_seconds`
    NeverOpened,
    NoService, ///< no service number `index`
    NoCall,    ///< no call `name` at service `subject`
    // Canary checks.
    CanaryPhase, ///< the canary of `subject` ended in phase `name`, with weight `value`
    NoCanary,
};

struct ExpectationObservation {
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    ObservationKind kind = ObservationKind::NoScrapeInWindow;
    double value = kNone;      ///< the statistic's value, the total, the canary's weight
    std::string unit;          ///< `value`'s unit ("ratio", "seconds", "count", "1/s"; "" none)
    double at_seconds = kNone; ///< when it was seen, seconds from t = 0
    /// The check's window [from, to], seconds from t = 0 (to: +infinity when open-ended);
    /// NaN for checks without one (totals, canaries).
    double from_seconds = kNone;
    double to_seconds = kNone;
    std::uint64_t scrapes = 0;      ///< series checks: scrapes in the window
    std::uint64_t scrapes_held = 0; ///< ... at which the condition held
    std::string name;               ///< the metric, total, call key or canary phase the kind names
    std::string subject;            ///< the service, queue or edge it is about
    std::uint32_t index = 0;        ///< NoAlert, NoService: the number that named nothing
};

} // namespace tpssim::models

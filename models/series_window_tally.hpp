#pragma once
/// What a series check of the `expect:` block (`Always`/`Ever`) saw of its metric in its window,
/// over every scrape made: exact however coarsely the monitoring record keeps its rows (past
/// MetricsRecorder::kMaxRows it keeps every other row, and a check reading only the kept rows
/// could miss the very scrape that breaks it). The model feeds one tally per check at each
/// scrape, as alerts are evaluated; a hand-built or stored result is tallied from its rows.

#include "models/operations_params.hpp"

#include <cstdint>
#include <optional>

namespace tpssim::models {

class SeriesWindowTally {
public:
    /// One scrape of the check's metric at `t_seconds`; ignored outside the window of `check`.
    void observe(const ExpectationParams& check, double t_seconds, double value);

    struct Point {
        double t_seconds = 0.0;
        double value = 0.0;
    };
    std::uint64_t scrapes = 0; ///< scrapes in the window
    std::uint64_t held = 0;    ///< ... at which the condition held
    std::optional<Point> first_held;
    std::optional<Point> first_failed;       ///< the first at which it did not (NaN included)
    std::optional<double> first_nan_seconds; ///< the first scrape without data (a NaN)
    std::optional<Point> min, max;           ///< over the values that are numbers
};

/// Whether `t_seconds` lies in the window [from, to] of `check` (both inclusive; kNever as
/// `to` reaches past any scrape).
bool in_window(const ExpectationParams& check, double t_seconds);

} // namespace tpssim::models
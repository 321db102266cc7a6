#include "models/series_window_tally.hpp"

#include "models/alerts.hpp"

#include <cmath>

namespace tpssim::models {

bool in_window(const ExpectationParams& check, double t_seconds) {
    return check.from.seconds() <= t_seconds &&
           (check.to == kNever || t_seconds <= check.to.seconds());
}

void SeriesWindowTally::observe(const ExpectationParams& check, double t_seconds, double value) {
    if (!in_window(check, t_seconds)) return;
    ++scrapes;
    const Point here{t_seconds, value};
    if (holds(check.condition.op, value, check.condition.threshold)) {
        ++held;
        if (!first_held) first_held = here;
    } else if (!first_failed) {
        first_failed = here;
    }
    if (std::isnan(value)) {
        if (!first_nan_seconds) first_nan_seconds = t_seconds;
        return;
    }
    // Strict comparisons: the first scrape reaching an extreme is the one reported.
    if (!min || value < min->value) min = here;
    if (!max || value > max->value) max = here;
}

} // namespace tpssim::models
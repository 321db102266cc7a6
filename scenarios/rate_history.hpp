#pragma once
/// The history of a forecast (`history:` in a forecast file, docs/forecasts.md): a CSV of
/// timestamped request rates, read with the scenario layer's diagnostics (file:line:column,
/// expected vs found, every problem at once up to ten).
///
/// The header names the columns: `time` (ISO 8601 dates or date-times, `2026-06-01`,
/// `2026-06-01T12:00`, `...:00Z`) or `time_seconds` / `time_days` (numbers), then
/// `rate_per_second`; then, optionally and in any order, `cpu_cores`, `memory_gib` and
/// `queue_depth`. Times must increase, at a regular step: a spacing over 1.5 times the median
/// spacing is a gap, reported at the line after it (a forecast fitted across a hole would
/// weigh the two sides wrongly without saying so).

#include "scenarios/diagnostic.hpp"

#include <string>
#include <vector>

namespace tpssim::scenarios {

struct RateHistory {
    std::string file;              ///< as given, for messages and outputs
    std::vector<std::string> time; ///< each row's time as written
    std::vector<double> t_months;  ///< since the first row; a month is 365.25 / 12 days
    std::vector<double> rate_per_second;
    std::vector<double> cpu_cores;   ///< empty when the column is absent
    std::vector<double> memory_gib;  ///< empty when the column is absent
    std::vector<double> queue_depth; ///< empty when the column is absent
};

/// Seconds in the month the forecasts count in: 365.25 / 12 days.
inline constexpr double kSecondsPerMonth = 365.25 / 12.0 * 86400.0;

/// Reads `path` (`display` names it in messages). `key_path` is the key that named the file
/// (`history`), put in each diagnostic. Returns the problems instead of throwing, so that the
/// caller reports them with its own.
RateHistory read_rate_history(const std::string& path, const std::string& display,
                              const std::string& key_path, std::vector<Diagnostic>& problems);

} // namespace tpssim::scenarios

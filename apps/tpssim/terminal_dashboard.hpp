#pragma once
/// The dashboard in a terminal (`tpssim run --dashboard`), for a trainee on SSH: the program's
/// seven panels (breaker state, queue depth, worker utilisation and replicas, error rate,
/// latency p50/p90/p99, throughput, CPU and memory) as one-line sparklines per subject over the
/// whole run, under a time axis (clock times with a calendar `start:`, else elapsed h:mm) and
/// one line per alert rule marking when it fired, all on the same columns.
///
/// Each column is a bucket of the record's rows (equal slices of the run); its block
/// (▁▂▃▄▅▆▇█) is the bucket's maximum (its minimum for replicas, so a lost replica shows as a
/// dip) on a scale from 0 (or the series' minimum, when below 0) to the series' maximum, which
/// the line ends with. A bucket without data is blank. Every line fits `width` columns.

#include "models/run_result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace tpssim {

/// Where the sparklines sit in a line `width` columns wide.
struct DashboardLayout {
    std::size_t label_width = 0; ///< the subject's name, then a space, before the first column
    std::size_t columns = 0;     ///< one per bucket
    /// The width asked for, raised to the narrowest the dashboard can be drawn in.
    std::size_t width = 0;
    static constexpr std::size_t kMinWidth = 40;
    static constexpr std::size_t kValueWidth = 12; ///< " max 85.6s" after the sparkline
};

/// The layout of a dashboard `width` columns wide over `rows` rows of the record (no more
/// columns than rows).
DashboardLayout dashboard_layout(std::size_t width, std::size_t rows);

/// The column of the bucket holding time `t_seconds` of a run of `span_seconds`.
std::size_t dashboard_column(double t_seconds, double span_seconds, std::size_t columns);

/// The dashboard of `run`'s monitoring record and alert firings, lines of at most `width`
/// columns (at least DashboardLayout::kMinWidth), ending in a newline.
std::string format_dashboard(const models::RunResult& run,
                             const std::optional<std::chrono::local_seconds>& start,
                             std::size_t width);

/// The terminal's width as the environment gives it (COLUMNS), 100 when unset or not a number.
std::size_t terminal_width_from_environment();

} // namespace tpssim

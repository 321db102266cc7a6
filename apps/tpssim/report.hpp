#pragma once
/// The human report of a run: a header line and two tables (flow, time) that fit 100 columns,
/// then, when the run has them, the calls, operations, alerts, what was abnormal and the
/// expectations. Points in time read as RunSummary::clock writes them: clock times when the
/// scenario has a calendar start, elapsed times without.

#include "apps/tpssim/run_summary.hpp"

#include <string>

namespace tpssim {

/// "81.3ms", "2.10s", "340us", "0": three significant digits and the unit that suits.
std::string human_seconds(double seconds);
/// A point in simulated time as elapsed time: "42.5s" under a minute, else "h:mm:ss"
/// ("1:02:03"); elapsed_text. A run's own times go through RunSummary::clock.
std::string clock_seconds(double seconds);
/// "3,912,345".
std::string thousands(double value);

/// The report text, ending in a newline.
std::string format_report(const RunSummary& s);

/// What dominates the `n` slowest kept traces: the (service, operation) with the most self
/// time on the critical path, its share of their end-to-end time, and the next ones; empty
/// when no trace was kept.
std::string format_bottleneck(const RunSummary& s, std::size_t n);

/// The `n` slowest traced requests as span trees, the bottleneck span of each marked, after
/// the bottleneck summary over them.
std::string format_slowest(const RunSummary& s, std::size_t n);

} // namespace tpssim

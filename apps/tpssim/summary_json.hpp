#pragma once
/// The summary JSON (docs/outputs.md): the stable, machine-readable result of a run.

#include "apps/tpssim/run_summary.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

struct SummaryJsonOptions {
    /// Leave out `wall_seconds`, the one figure that differs between identical runs, so that
    /// the same scenario and seed give the same bytes.
    bool reproducible = false;
};

/// The summary as JSON text (2-space indent, keys in a fixed order, trailing newline). With a
/// calendar start, every point in time `X_seconds` has `X_time` beside it (local_time_text)
/// and the top level ends with `start` and `end`.
std::string summary_json(const RunSummary& s, const SummaryJsonOptions& options = {});

/// "2026-12-25T15:02:15.250": the local date and time `at_seconds` after `start`, to the
/// millisecond (rounded down): local_date_time_text, the one formatter, under the name
/// the outputs use.
std::string local_time_text(double at_seconds, std::chrono::local_seconds start);

/// An event log as JSON Lines (`--events`): one object a line, `{"t": seconds, "time": local
/// date and time (only with a calendar start), "type", "subject", then the event's fields in
/// order}`; a NaN field is null.
std::string event_log_jsonl(const models::EventLog& log,
                            const std::optional<std::chrono::local_seconds>& start);
/// The same, handed to `sink` piece by piece (whole lines), so that it is never held whole.
void write_event_log_jsonl(const models::EventLog& log,
                           const std::optional<std::chrono::local_seconds>& start,
                           const std::function<void(std::string_view)>& sink);

} // namespace tpssim

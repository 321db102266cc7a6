#pragma once
/// The `expect:` block: checks a finished run must pass, evaluated on its figures, its
/// monitoring record, its alerts and its breaker transitions. A failed check makes `tpssim run`
/// exit 1 (like a failed test), so a lab's "what to expect" is checked, not eyeballed.
///
/// Window semantics: [from, to] in simulated seconds, both inclusive; `Always` holds when every
/// scrape in the window satisfies the condition (and there is at least one: an empty window
/// fails, so a typo in a time cannot pass silently); `Ever` when at least one does. A scrape
/// whose value is NaN (no data) satisfies neither.

#include "models/operations_params.hpp"
#include "models/run_result.hpp"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace tpssim::models {

/// The names a `Total` expectation may read from a service's final figures: "arrivals",
/// "completed", "rejected", "failed", "timed_out", "dead_lettered", "redelivered",
/// "duplicates", "crashes", "oom_kills", "replaced", "unschedulable", "scale_ups", "scale_downs",
/// "utilization", "throughput", "error_rate" ((failed + rejected + timed_out) / arrivals, 0 without
/// arrivals), "mean", "p50", "p90", "p99", "max" (latency, seconds; NaN when no request ended after
/// the warm-up: a check on it then fails, saying so), "replicas_max", "max_queue_length".
const std::vector<std::string_view>& summary_total_names();
/// The value of total `name` for service `subject` in `run`; nullopt if either is unknown.
std::optional<double> summary_total(const RunResult& run, std::string_view name,
                                    std::string_view subject);
/// The unit of total `name`: "ratio" (utilization, error_rate), "1/s" (throughput), "seconds"
/// (the latencies), else "count".
std::string_view summary_total_unit(std::string_view name);

/// Evaluates `expectations` on `run` (its series tallies, alerts, services' breaker transitions
/// and canary phases); one result each, in order, with what it observed as numbers (see
/// ExpectationObservation; apps/ turns it into text with the run's clock). Series checks read
/// `run.expectation_tallies` (one per expectation, as the model fed them at every scrape); a run
/// without them (built by hand, or read back from a file) is tallied from its kept rows.
std::vector<ExpectationResult>
check_expectations(const std::vector<ExpectationParams>& expectations, const RunResult& run);

/// Tallies the series check `e` over the kept rows of `run`'s monitoring record; nullopt when
/// the record has no column for its metric.
std::optional<SeriesWindowTally> tally_rows(const ExpectationParams& e, const RunResult& run);

/// The column of `metric` (a Prometheus name or an alias such as "error_rate") about `subject`
/// among `columns`; nullopt if none.
std::optional<std::size_t> find_column(const std::vector<MetricsRecorder::Column>& columns,
                                       std::string_view metric, std::string_view subject);

} // namespace tpssim::models
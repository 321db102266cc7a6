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

#include <optional>
#include <string_view>
#include <vector>

namespace models {

/// The names a `Total` expectation may read from a service's final figures: "arrivals",
/// "completed", "rejected", "failed", "timed_out", "dead_lettered", "redelivered",
/// "duplicates", "crashes", "oom_kills", "replaced", "scale_ups", "scale_downs", "utilization",
/// "throughput", "error_rate" ((failed + rejected + timed_out) / arrivals, 0 without arrivals),
/// "mean", "p50", "p90", "p99", "max" (latency, seconds), "replicas_max", "max_queue_length".
const std::vector<std::string_view>& summary_total_names();
/// The value of total `name` for service `subject` in `run`; nullopt if either is unknown.
std::optional<double> summary_total(const RunResult& run, std::string_view name,
                                    std::string_view subject);

/// Evaluates `expectations` on `run` (its metrics, alerts, services' breaker transitions and
/// canary phases); one result each, in order. `alerts` are the rules the run evaluated, in the
/// order of AlertRuleParams indices.
std::vector<ExpectationResult>
check_expectations(const std::vector<ExpectationParams>& expectations, const RunResult& run);

} // namespace models

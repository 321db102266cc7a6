#pragma once
/// What an `expect:` check observed, as an operator reads it: "max 0.031 at 15:02:15" with a
/// calendar start, "max 0.031 at t=3615s" without one. The model records the observation as
/// numbers (models::ExpectationObservation); the report, the summary JSON, the results file and
/// the Python bindings all make its text here.

#include "apps/tpssim/clock_format.hpp"
#include "models/expectation_observation.hpp"
#include "models/run_result.hpp"

#include <string>
#include <string_view>

namespace tpssim {

/// The observation as text; times through `clock` when it has a calendar start, else as
/// seconds from t = 0 ("t=3615s", "t=12.5s").
std::string observation_text(const models::ExpectationObservation& observed,
                             const ClockFormat& clock);

/// The text of `check`, one of `run`'s expectations, with `run`'s clock.
std::string observation_text(const models::ExpectationResult& check, const models::RunResult& run);

/// The clock that `run`'s observations read with (its calendar start over its span).
ClockFormat observation_clock(const models::RunResult& run);

/// The kind's name in files and the JSON: "max", "min", "value_at", "held_at_all", ...
std::string_view observation_kind_name(models::ObservationKind kind);

} // namespace tpssim

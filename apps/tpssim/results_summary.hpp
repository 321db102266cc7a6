#pragma once
/// The results file's `summary/` group (docs/results-file.md): the figures of the summary
/// JSON as tables (services, calls, alert rules, expectations, monitoring series), its scalar
/// figures as attributes, and the summary JSON text itself.

#include "apps/tpssim/hdf5_table.hpp"
#include "apps/tpssim/run_summary.hpp"

#include <hdf5.h>

namespace tpssim {

/// Writes `summary/` under `root`; `reproducible` leaves wall-clock figures out of it.
void write_summary_group(hid_t root, const RunSummary& s, bool reproducible);

/// The typed columns of what `expect:` checks observed (docs/results-file.md), one row each,
/// added to `t`: `kind`, `value`, `unit`, `at_seconds`, `from_seconds`, `to_seconds`,
/// `scrapes`, `scrapes_held`, `name`, `subject`. Shared by a run's and the summary's tables.
void observation_columns(h5::Table& t, const std::vector<models::ExpectationObservation>& rows);

} // namespace tpssim

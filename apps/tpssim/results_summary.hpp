#pragma once
/// The results file's `summary/` group (docs/results-file.md): the figures of the summary
/// JSON as tables (services, calls, alert rules, expectations, monitoring series), its scalar
/// figures as attributes, and the summary JSON text itself.

#include "apps/tpssim/run_summary.hpp"

#include <hdf5.h>

namespace tpssim {

/// Writes `summary/` under `root`; `reproducible` leaves wall-clock figures out of it.
void write_summary_group(hid_t root, const RunSummary& s, bool reproducible);

} // namespace tpssim

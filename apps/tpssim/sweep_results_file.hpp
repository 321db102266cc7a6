#pragma once
/// A sweep's results as HDF5 (`tpssim sweep --out FILE.h5`, docs/sweeps.md): the `runs`
/// table (one row per finished point and replication) and the `points` table (one row per
/// finished point), the same columns as the two CSV files, written with the results file's
/// table writer (hdf5_table.hpp), whole or not at all.

#include "apps/tpssim/sweep_analysis.hpp"
#include "apps/tpssim/sweep_design.hpp"

#include <string>
#include <vector>

namespace tpssim {

/// The `format` attribute of a sweep file.
inline constexpr const char* kSweepResultsFormat = "tpssim-sweep";

/// Checks, before a sweep, that `path` may be written: a new file, or an existing sweep file
/// (root attribute format = kSweepResultsFormat), never another file (a results file of
/// `tpssim run`, someone's data). Throws std::runtime_error with a one-line message otherwise.
void check_sweep_results_file_target(const std::string& path);

/// Writes the file; throws std::runtime_error naming `path` on failure (nothing left behind).
void write_sweep_results_file(const std::string& path, const scenarios::SweepSpec& spec,
                              const std::vector<SweepPoint>& points, const SweepRuns& runs,
                              const SweepAnalysis& analysis);

} // namespace tpssim

#pragma once
/// The results file (`tpssim run --out results.h5`): everything a run observed, as HDF5 tables
/// of columns that h5py and pandas read without conversion. The layout is documented and
/// versioned in docs/results-file.md (kResultsFormatVersion); this file writes it.
///
/// Written whole or not at all: to a temporary name beside the target, then renamed over it.
/// Deterministic: the same runs give the same bytes (no object time stamps, chunk sizes that
/// depend only on a table's length, the wall-clock attributes left out when `reproducible`).

#include "apps/tpssim/run_summary.hpp"
#include "models/run_result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

/// The root attribute `format` that marks a file as ours.
inline constexpr const char* kResultsFormat = "tpssim-results";
/// Raised when the layout changes in a way a reader must know about.
inline constexpr std::uint32_t kResultsFormatVersion = 1;

/// What the file says about the run besides its tables.
struct ResultsFileHeader {
    std::string tpssim_version;
    std::string scenario_name;
    std::string scenario_file; ///< as given on the command line
    std::string scenario_yaml; ///< the resolved scenario: the file after --set and --chaos
    std::uint64_t seed = 0;
    std::optional<std::chrono::local_seconds> start; ///< the scenario's calendar `start:`
    /// Leave out the wall-clock attributes (`created`, `wall_seconds`): same bytes every run.
    bool reproducible = false;
};

/// Checks, before anything is simulated, that `path` can become a results file: its folder is
/// writable, it is not a folder, and if it exists it is a results file (an HDF5 file whose
/// `format` is kResultsFormat), never someone else's file. Throws std::runtime_error with a
/// one-line message naming the path otherwise.
void check_results_file_target(const std::string& path);

/// Whether `path` is an existing results file (HDF5, root attribute format = kResultsFormat).
bool is_results_file(const std::string& path);

/// Writes the results file of `runs` (replications in order; one for a plain run) and their
/// summary `summary` to `path`, whole or not at all. Throws std::runtime_error naming the path.
void write_results_file(const std::string& path, const ResultsFileHeader& header,
                        const std::vector<models::RunResult>& runs, const RunSummary& summary);

} // namespace tpssim

#pragma once
/// The summary JSON of ARCHITECTURE.md: the stable, machine-readable result of a run.

#include "apps/tpssim/run_summary.hpp"

#include <string>

namespace tpssim {

struct SummaryJsonOptions {
    /// Leave out `wall_seconds`, the one figure that differs between identical runs, so that
    /// the same scenario and seed give the same bytes.
    bool reproducible = false;
};

/// The summary as JSON text (2-space indent, keys in a fixed order, trailing newline).
std::string summary_json(const RunSummary& s, const SummaryJsonOptions& options = {});

} // namespace tpssim

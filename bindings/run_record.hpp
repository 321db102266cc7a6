#pragma once
/// The Python side of finished runs: one object owns the replications' RunResults and the
/// pooled summary; every numpy array handed out views its columns (no copy), read-only, with
/// that object as its base, so the columns live as long as any array of them.

#include "apps/tpssim/run_summary.hpp"
#include "models/run_result.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <vector>

namespace tpssim::python {

/// What `Scenario.run` returns to the pure-Python layer (tpssim/_result.py wraps it).
struct RunRecord {
    std::vector<models::RunResult> runs;    ///< replication order
    std::vector<std::string> service_names; ///< index -> name, for the spans' `service` column
    std::string summary_json;               ///< the same text as `tpssim run --summary-json`
    std::optional<std::string> start_iso;   ///< the calendar start, ISO 8601, when there is one
    bool interrupted = false;
};

/// Registers RunRecord and its array accessors on `m`.
void bind_run_record(pybind11::module_& m);

} // namespace tpssim::python

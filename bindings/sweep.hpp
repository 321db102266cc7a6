#pragma once
/// The Python side of sweeps (`tpssim.sweep`, tpssim/_sweep.py): a sweep's plan, its runs
/// on this machine's threads (GIL released, Ctrl-C keeps the finished points) or as picklable
/// jobs for an executor, and the analysis, report and files of `tpssim sweep`. A thin layer
/// over the sweep library (apps/tpssim/sweep_*, linked as tpssim::sweep).

#include <pybind11/pybind11.h>

namespace tpssim::python {

/// Registers SweepHandle, SweepOutcome, sweep_plan and run_sweep_job on `m`.
void bind_sweep(pybind11::module_& m);

} // namespace tpssim::python

#pragma once
/// Python binding of `tpssim forecast` (apps/tpssim/forecast_plan.*): reads a forecast file,
/// plans it on a worker thread (GIL released; the calling thread relays progress lines and
/// Ctrl-C) and returns its tables as dicts of columns, which tpssim.forecast (_forecast.py)
/// turns into pandas DataFrames.

#include <pybind11/pybind11.h>

namespace tpssim::python {

/// Adds `forecast(path, threads, seed, progress, poll_seconds)` to `m`; a bad input raises
/// tpssim.ScenarioError.
void bind_forecast(pybind11::module_& m);

} // namespace tpssim::python

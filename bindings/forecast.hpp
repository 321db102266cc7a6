#pragma once
/// Python binding of `tpssim forecast` (apps/tpssim/forecast_plan.*): reads a forecast file,
/// plans it on a worker thread (GIL released; the calling thread relays progress lines and
/// Ctrl-C) and returns its tables as dicts of columns, which tpssim.forecast (_forecast.py)
/// turns into pandas DataFrames.

#include "scenarios/diagnostic.hpp"

#include <pybind11/pybind11.h>

namespace tpssim::python {

/// Adds `forecast(path, threads, seed, progress, poll_seconds)` to `m`; a bad input is raised
/// through `raise_scenario_error` (tpssim.ScenarioError).
void bind_forecast(pybind11::module_& m,
                   void (*raise_scenario_error)(const scenarios::ScenarioError&));

} // namespace tpssim::python

#pragma once
/// scenarios::ScenarioError as Python's tpssim.ScenarioError (defined in tpssim/_errors.py),
/// with every diagnostic: shared by scenario loading (module.cpp) and sweeps (sweep.cpp).

#include "scenarios/diagnostic.hpp"

namespace tpssim::python {

/// Sets tpssim.ScenarioError from `e` and throws pybind11::error_already_set.
[[noreturn]] void raise_scenario_error(const scenarios::ScenarioError& e);

} // namespace tpssim::python

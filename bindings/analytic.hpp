#pragma once
/// Python bindings of models/analytic: Erlang B and C, M/M/c, M/M/c/K, M/G/1, Little's law,
/// exact MVA (tpssim.analytic re-exports them with docstrings and type hints).

#include <pybind11/pybind11.h>

namespace tpssim::python {

/// Adds the submodule `analytic` to `m`.
void bind_analytic(pybind11::module_& m);

} // namespace tpssim::python

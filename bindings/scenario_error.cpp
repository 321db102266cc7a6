#include "bindings/scenario_error.hpp"

#include <pybind11/pybind11.h>

#include <string>

namespace py = pybind11;

namespace tpssim::python {

void raise_scenario_error(const scenarios::ScenarioError& e) {
    py::list diagnostics;
    std::string text;
    for (const auto& d : e.diagnostics()) {
        diagnostics.append(py::make_tuple(d.file, d.line, d.column, d.key_path, d.message));
        if (!text.empty()) text += '\n';
        text += d.format();
    }
    py::object cls = py::module_::import("tpssim._errors").attr("ScenarioError");
    py::object error = cls(text, diagnostics);
    PyErr_SetObject(cls.ptr(), error.ptr());
    throw py::error_already_set();
}

} // namespace tpssim::python

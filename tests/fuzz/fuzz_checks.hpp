#pragma once
/// What the fuzz targets check about a load, loaded or not. A finding is an abort: libFuzzer
/// then keeps the input as a crash file.
///
/// - Bad input is a ScenarioError with at least one diagnostic, each with a message; any other
///   exception escapes the target (the CLI would call it an internal error, exit 3).
/// - A scenario that loads has a call graph that prints, and its resolved YAML (the document
///   after overrides, kept for provenance) loads again to the same document.

#include "models/call_graph.hpp"
#include "scenarios/scenario.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz {

[[noreturn]] inline void finding(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz finding: %s\n%s\n", what, detail.c_str());
    std::abort();
}

inline void check_error(const tpssim::scenarios::ScenarioError& e) {
    if (e.diagnostics().empty()) finding("a ScenarioError without a diagnostic", e.what());
    for (const auto& d : e.diagnostics())
        if (d.message.empty()) finding("a diagnostic without a message", d.format());
}

inline void check_loaded(const tpssim::scenarios::Scenario& sc, const std::string& display_name) {
    const tpssim::models::CallGraph graph(sc.model);
    (void)graph.to_text();
    (void)graph.to_dot(sc.name);
    if (sc.model.warmup >= sc.model.duration)
        finding("a scenario loaded with a warm-up not shorter than the run", sc.resolved_yaml);
    try {
        const auto again = tpssim::scenarios::load_scenario_text(sc.resolved_yaml, display_name);
        if (again.resolved_yaml != sc.resolved_yaml)
            finding("the resolved YAML changes when loaded again",
                    sc.resolved_yaml + "\n--- became ---\n" + again.resolved_yaml);
    } catch (const tpssim::scenarios::ScenarioError& e) {
        finding("the resolved YAML of a loaded scenario does not load",
                sc.resolved_yaml + "\n--- fails with ---\n" + e.what());
    }
}

} // namespace fuzz

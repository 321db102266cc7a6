#include "scenarios/diagnostic.hpp"

#include <fmt/format.h>

namespace tpssim::scenarios {

std::string Diagnostic::format() const {
    // Compiler style, leaving out what is unknown: `f.yaml:3:7: error: a.b: msg`,
    // `f.csv:12: error: ...` (no column), `<--set>: error: ...` (no position).
    std::string out = file;
    if (!file.empty() && line > 0) {
        out += fmt::format(":{}", line);
        if (column > 0) out += fmt::format(":{}", column);
    }
    out += out.empty() ? "error: " : ": error: ";
    if (!key_path.empty()) out += key_path + ": ";
    out += message;
    return out;
}

namespace {
std::string join_formatted(const std::vector<Diagnostic>& diagnostics) {
    if (diagnostics.empty()) return "invalid input";
    std::string out;
    for (const auto& d : diagnostics) {
        if (!out.empty()) out += '\n';
        out += d.format();
    }
    return out;
}
} // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_formatted(diagnostics)), diagnostics_(std::move(diagnostics)) {}

} // namespace tpssim::scenarios
#pragma once
/// Errors in scenario files, flags and values, reported the way a compiler reports them:
/// `lab.yaml:42:7: error: services.api.workers: expected an integer >= 1, got -3`.

#include <stdexcept>
#include <string>
#include <vector>

namespace tpssim::scenarios {

/// One problem found in an input.
struct Diagnostic {
    std::string file;     ///< the file's path as given, or "<--set>", "<command line>"
    int line = 0;         ///< 1-based; 0 when unknown
    int column = 0;       ///< 1-based; 0 when unknown
    std::string key_path; ///< dotted path, e.g. "services.api.queue.capacity"; may be empty
    std::string message;  ///< what was expected and what was found

    /// `file:line:column: error: key.path: message` (parts that are unknown are left out).
    std::string format() const;
};

/// Thrown when an input is invalid; carries every problem found, in file order.
class ScenarioError : public std::runtime_error {
public:
    explicit ScenarioError(std::vector<Diagnostic> diagnostics);
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
    std::vector<Diagnostic> diagnostics_;
};

} // namespace tpssim::scenarios
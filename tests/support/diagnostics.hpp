#pragma once
// A scenario's formatted diagnostics, for the tests that check exact error messages: what a
// load threw, one formatted line per diagnostic; a fixed base text that each test extends,
// loaded under a file name, with the position of a line of the extension; and doctest's
// printing of a list of messages, shown whole when a check fails.

#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

// Messages are shown whole, one a line, when a check on them fails.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& lines) {
        std::string out = "\n";
        for (const auto& l : lines)
            out += "  " + l + "\n";
        return String(out.c_str());
    }
};
} // namespace doctest

namespace test_support {

/// Every formatted diagnostic (`file:line:column: error: ...`) of the ScenarioError that
/// `load` throws; empty when it throws none.
template <typename Load>
std::vector<std::string> diagnostics_of(Load&& load) {
    try {
        std::forward<Load>(load)();
    } catch (const tpssim::scenarios::ScenarioError& e) {
        std::vector<std::string> lines;
        for (const auto& d : e.diagnostics())
            lines.push_back(d.format());
        return lines;
    }
    return {};
}

/// A scenario text that each test extends: `base` followed by the test's own `extra` lines,
/// loaded as if from the file `file_name`, with `--set` overrides and `--chaos` entries.
class ScenarioBase {
public:
    ScenarioBase(std::string base, std::string file_name)
        : base_(std::move(base)), file_name_(std::move(file_name)) {}

    const std::string& text() const { return base_; }
    const std::string& file_name() const { return file_name_; }

    /// The scenario of base + `extra`, with `sets` (each `path=value`) and `chaos` entries.
    tpssim::scenarios::Scenario load(const std::string& extra,
                                     const std::vector<std::string>& sets = {},
                                     const std::vector<std::string>& chaos = {}) const {
        std::vector<tpssim::scenarios::Override> overrides;
        for (const auto& s : sets)
            overrides.push_back(tpssim::scenarios::parse_override(s));
        return tpssim::scenarios::load_scenario_text(base_ + extra, file_name_, overrides, chaos);
    }

    /// Every formatted diagnostic of loading base + `extra`; empty when it loads.
    std::vector<std::string> errors(const std::string& extra,
                                    const std::vector<std::string>& sets = {},
                                    const std::vector<std::string>& chaos = {}) const {
        return diagnostics_of([&] { load(extra, sets, chaos); });
    }

    /// The number of lines of the base: the first line of `extra` is the one after.
    int lines() const { return static_cast<int>(std::count(base_.begin(), base_.end(), '\n')); }

    /// The start of an error message at line `line_in_extra` of `extra` (1 is its first line),
    /// column `column`: `file:line:column: error: `.
    std::string at(int line_in_extra, int column) const {
        return in_base(lines() + line_in_extra, column);
    }

    /// The start of an error message at line `line` of the base itself.
    std::string in_base(int line, int column) const {
        return file_name_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: ";
    }

private:
    std::string base_;
    std::string file_name_;
};

} // namespace test_support

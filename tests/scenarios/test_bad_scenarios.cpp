// Golden tests of error messages: every tests/bad/NAME.yaml must fail to load with exactly the
// diagnostics in tests/bad/NAME.expected (one formatted line each, paths relative to the source
// folder, e.g. `tests/bad/NAME.yaml:3:11: error: ...`).
//
// After a deliberate change of wording, regenerate with TPSSIM_UPDATE_BAD_EXPECTED=1 and review
// the diff: the .expected files are the user-facing contract.
#include "scenarios/scenario.hpp"

#include "files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace tpssim;

namespace fs = std::filesystem;

namespace {

const fs::path kSourceDir = fs::path(TPSSIM_SOURCE_DIR).lexically_normal();
const fs::path kBadDir = kSourceDir / "tests" / "bad";

using test_support::slurp;

/// `text` with the absolute source folder taken out of every path, so messages read as if the
/// file had been loaded as `tests/bad/NAME.yaml` from the source folder (as a user would).
std::string relative_to_source(std::string text) {
    std::string prefix = kSourceDir.generic_string();
    if (!prefix.ends_with('/')) prefix += '/';
    for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at))
        text.erase(at, prefix.size());
    return text;
}

/// What loading `yaml` reports, one formatted diagnostic per line; a note if it loads.
std::string diagnostics_of(const fs::path& yaml) {
    try {
        scenarios::load_scenario_file(yaml.string());
    } catch (const scenarios::ScenarioError& e) {
        std::string out;
        for (const auto& d : e.diagnostics())
            out += relative_to_source(d.format()) + "\n";
        return out;
    }
    return "(loaded without an error)\n";
}

std::vector<fs::path> files_with_extension(const std::string& extension) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(kBadDir))
        if (entry.path().extension() == extension) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

TEST_CASE("every bad scenario fails with exactly its expected messages") {
    const bool update = std::getenv("TPSSIM_UPDATE_BAD_EXPECTED") != nullptr;
    const auto scenarios = files_with_extension(".yaml");
    CHECK(scenarios.size() >= 25);
    for (const auto& yaml : scenarios) {
        const fs::path expected_file = fs::path(yaml).replace_extension(".expected");
        SUBCASE(yaml.filename().string().c_str()) {
            const std::string actual = diagnostics_of(yaml);
            if (update) {
                std::ofstream(expected_file, std::ios::binary) << actual;
                continue;
            }
            REQUIRE_MESSAGE(fs::exists(expected_file), expected_file.string()
                                                           << " is missing; it should hold:\n"
                                                           << actual);
            CHECK(actual == slurp(expected_file));
        }
    }
}

TEST_CASE("every .expected file belongs to a bad scenario") {
    for (const auto& expected : files_with_extension(".expected")) {
        CAPTURE(expected.string());
        CHECK(fs::exists(fs::path(expected).replace_extension(".yaml")));
    }
}

// Golden summaries: for every scenario file under scenarios/ (found by walking the folder, so a
// new file is picked up), the summary JSON of a short run must equal, byte for byte,
// tests/golden/<same relative path>.json. Any change in behaviour is a visible diff.
//
// The run is `tpssim run FILE --until <warm-up + 5m> --seed 1 --reproducible --quiet
// --summary-json -`, from the source folder, with the built binary. After a deliberate change,
// regenerate with TPSSIM_UPDATE_GOLDEN=1 and review the diff (tests/golden/README.md).
#include "scenarios/scenario.hpp"
#include "scenarios/units.hpp"

#include "command.hpp"
#include "files.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace tpssim;

namespace fs = std::filesystem;

namespace {

const fs::path kSourceDir = fs::path(TPSSIM_SOURCE_DIR).lexically_normal();
const fs::path kScenarioDir = kSourceDir / "scenarios";
const fs::path kGoldenDir = kSourceDir / "tests" / "golden";

/// Simulated time after the warm-up: long enough for every figure to be non-trivial, short
/// enough for the whole suite to take well under a second in Release.
constexpr sim::SimTime kAfterWarmup = sim::SimTime::from_s(5 * 60);

using test_support::slurp;

/// Every scenario file, relative to scenarios/, sorted.
std::vector<fs::path> scenario_files() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(kScenarioDir))
        // A sweep file (`*.sweep.yaml`, docs/sweeps.md), an exam's key (`*.key.yaml`) or a
        // playbook (`*.playbook.yaml`, docs/exams.md) is not a scenario of its own.
        if (entry.is_regular_file() && entry.path().extension() == ".yaml" &&
            entry.path().stem().extension() != ".sweep" &&
            entry.path().stem().extension() != ".forecast" && // nor a forecast (docs/forecasts.md)
            entry.path().stem().extension() != ".key" &&
            entry.path().stem().extension() != ".playbook")
            files.push_back(entry.path().lexically_relative(kScenarioDir));
    std::sort(files.begin(), files.end());
    return files;
}

/// Every golden file, relative to tests/golden/, sorted.
std::vector<fs::path> golden_files() {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(kGoldenDir))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
            files.push_back(entry.path().lexically_relative(kGoldenDir));
    std::sort(files.begin(), files.end());
    return files;
}

fs::path golden_of(const fs::path& scenario) {
    return kGoldenDir / fs::path(scenario).replace_extension(".json");
}

struct Run {
    std::string command; ///< as a user would type it from the source folder
    int exit_code = -1;
    std::string out;
};

/// Runs the short golden run of `scenario` (relative to scenarios/) with the built binary.
Run golden_run(const fs::path& scenario) {
    const std::string file = (fs::path("scenarios") / scenario).generic_string();
    Run r;
    sim::SimTime until;
    try {
        const auto sc = scenarios::load_scenario_file((kScenarioDir / scenario).string());
        until = sc.model.warmup + kAfterWarmup;
    } catch (const scenarios::ScenarioError& e) {
        r.command = "tpssim validate " + file;
        r.exit_code = 2;
        r.out = e.what();
        return r;
    }
    r.command = "tpssim run " + file + " --until " + scenarios::format_duration(until) +
                " --seed 1 --reproducible --quiet --summary-json -";
    // The exact tick count, so the horizon never depends on how a duration is formatted.
    const std::string cmd =
        test_support::tpssim_command("run '" + file + "' --until " + std::to_string(until.ns()) +
                                     "ns --seed 1 --reproducible --quiet --summary-json -");
    auto result = test_support::run_command(cmd);
    r.exit_code = result.exit_code;
    r.out = std::move(result.out);
    return r;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

/// A short unified-style diff (one hunk around the first difference, at most `max_lines`
/// removed and added lines shown) from `expected` to `actual`.
std::string short_diff(const std::string& expected, const std::string& actual,
                       const std::string& expected_name, const std::string& actual_name) {
    constexpr std::size_t kContext = 3;
    constexpr std::size_t kMaxLines = 8;
    const auto a = lines_of(expected);
    const auto b = lines_of(actual);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;
    const std::size_t a_end = a.size() - suffix;
    const std::size_t b_end = b.size() - suffix;
    const std::size_t from = prefix > kContext ? prefix - kContext : 0;
    std::string out = "--- " + expected_name + "\n+++ " + actual_name + "\n";
    out += "@@ -" + std::to_string(from + 1) + " +" + std::to_string(from + 1) + " @@\n";
    for (std::size_t i = from; i < prefix; ++i)
        out += " " + a[i] + "\n";
    auto changed = [&](const std::vector<std::string>& lines, std::size_t begin, std::size_t end,
                       char mark) {
        for (std::size_t i = begin; i < end && i < begin + kMaxLines; ++i)
            out += mark + lines[i] + "\n";
        if (end - begin > kMaxLines)
            out += "  ... " + std::to_string(end - begin - kMaxLines) + " more line(s)\n";
    };
    changed(a, prefix, a_end, '-');
    changed(b, prefix, b_end, '+');
    for (std::size_t i = a_end; i < a.size() && i < a_end + kContext; ++i)
        out += " " + a[i] + "\n";
    if (expected.ends_with('\n') != actual.ends_with('\n'))
        out += "(the files differ in their final newline)\n";
    return out;
}

} // namespace

TEST_CASE("the short diff shows the first differing lines with context") {
    const std::string d = short_diff("a\nb\nc\nd\ne\nf\n", "a\nb\nc\nd\nE\nf\n", "old", "new");
    CHECK(d == "--- old\n+++ new\n@@ -2 +2 @@\n b\n c\n d\n-e\n+E\n f\n");
    CHECK(short_diff("a\n", "a\nb\n", "old", "new") == "--- old\n+++ new\n@@ -1 +1 @@\n a\n+b\n");
}

TEST_CASE("every scenario's short run gives exactly its golden summary") {
    const bool update = std::getenv("TPSSIM_UPDATE_GOLDEN") != nullptr;
    const auto scenarios = scenario_files();
    CHECK(scenarios.size() >= 7);
    for (const auto& scenario : scenarios) {
        SUBCASE(scenario.generic_string().c_str()) {
            const fs::path golden = golden_of(scenario);
            const std::string golden_name = golden.lexically_relative(kSourceDir).generic_string();
            const Run run = golden_run(scenario);
            INFO("command: ", run.command);
            // No REQUIRE here: it would stop at the first bad file; every file gets its say.
            // 1: the short run fails some of the file's `expect:` checks (they are written for
            // the whole run); the summary, with those results, is still the golden record.
            if (run.exit_code != 0 && run.exit_code != 1) {
                FAIL_CHECK("exit code " << run.exit_code << "\n" << run.out);
            } else if (update) {
                fs::create_directories(golden.parent_path());
                std::ofstream(golden, std::ios::binary) << run.out;
            } else if (!fs::exists(golden)) {
                FAIL_CHECK(golden_name << " is missing: create it with TPSSIM_UPDATE_GOLDEN=1 "
                                          "(see tests/golden/README.md), then review and "
                                          "commit it");
            } else if (const std::string expected = slurp(golden); run.out != expected) {
                FAIL_CHECK(golden_name
                           << " differs from this run (if the change is deliberate, update "
                              "with TPSSIM_UPDATE_GOLDEN=1 and review the diff):\n"
                           << short_diff(expected, run.out, golden_name, "this run"));
            }
        }
    }
}

TEST_CASE("every golden summary belongs to a scenario file") {
    for (const auto& golden : golden_files()) {
        const fs::path scenario = kScenarioDir / fs::path(golden).replace_extension(".yaml");
        CHECK_MESSAGE(fs::exists(scenario),
                      "tests/golden/" << golden.generic_string() << " has no scenario "
                                      << scenario.lexically_relative(kSourceDir).generic_string()
                                      << "; delete it");
    }
}

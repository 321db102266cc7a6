// --openmetrics, --prometheus-rules, --grafana and --dashboard from the built `tpssim`: a path
// that cannot be written is bad input before anything is simulated, nothing is half-written,
// and the files are the same bytes for any --threads (the first replication's record).
#include "command.hpp"
#include "files.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

// Runs `tpssim run ARGS` from the repository root; stderr joins stdout.
test_support::CommandResult tpssim_run(const std::string& args) {
    return test_support::run_tpssim("run " + args);
}

} // namespace

TEST_CASE("andon outputs: an unwritable path is bad input before the run; nothing is written") {
    const test_support::ScratchDir dir("andon-bad");
    const auto csv = (dir.path() / "m.csv").string();
    for (const std::string flag : {"--openmetrics", "--prometheus-rules", "--grafana"}) {
        INFO(flag);
        const auto ran = tpssim_run("scenarios/examples/operations.yaml --metrics '" + csv + "' " +
                                    flag + " '" + (dir.path() / "no/such/dir/f").string() + "'");
        CHECK(ran.exit_code == 2);
        CHECK(ran.out.find("error: " + flag + ":") != std::string::npos);
        // Stopped before the run: no report, and no other output written.
        CHECK(ran.out.find("simulated") == std::string::npos);
        CHECK(!std::filesystem::exists(csv));
        // A folder is not a file.
        CHECK(tpssim_run("scenarios/examples/operations.yaml " + flag + " '" + dir.path().string() +
                         "'")
                  .exit_code == 2);
        // Standard output is not a file these are written to.
        const auto dash = tpssim_run("scenarios/examples/operations.yaml " + flag + " -");
        CHECK(dash.exit_code == 2);
        CHECK(dash.out.find("expected a file name, got \"-\"") != std::string::npos);
    }
    CHECK(tpssim_run("scenarios/examples/operations.yaml --dashboard=yes").exit_code == 2);
}

TEST_CASE("andon outputs: whole files, no temporary left, same bytes for any --threads") {
    const test_support::ScratchDir dir("andon-files");
    const auto om = dir.path() / "run.om", rules = dir.path() / "rules.yml",
               grafana = dir.path() / "dashboard.json";
    // An existing file is replaced whole.
    std::filesystem::create_directories(dir.path());
    {
        std::FILE* f = std::fopen(om.c_str(), "w");
        REQUIRE(f != nullptr);
        std::fputs("stale", f);
        std::fclose(f);
    }
    const std::string outputs = " --openmetrics '" + om.string() + "' --prometheus-rules '" +
                                rules.string() + "' --grafana '" + grafana.string() + "'";
    const std::string run =
        "scenarios/examples/operations.yaml --until 30m --quiet --replications 2";
    REQUIRE(tpssim_run(run + " --threads 1" + outputs).exit_code <= 1);
    const auto om1 = test_support::slurp(om), rules1 = test_support::slurp(rules),
               grafana1 = test_support::slurp(grafana);
    CHECK(om1.starts_with("# TYPE tps_request_rate gauge\n"));
    CHECK(om1.ends_with("# EOF\n"));
    CHECK(rules1.find("alert: SloBurn") != std::string::npos);
    CHECK(grafana1.find("\"schemaVersion\"") != std::string::npos);
    REQUIRE(tpssim_run(run + " --threads 2" + outputs).exit_code <= 1);
    CHECK(test_support::slurp(om) == om1);
    CHECK(test_support::slurp(rules) == rules1);
    CHECK(test_support::slurp(grafana) == grafana1);
    // The first replication's record, whatever the count: the same as a single run's.
    REQUIRE(
        tpssim_run("scenarios/examples/operations.yaml --until 30m --quiet" + outputs).exit_code <=
        1);
    CHECK(test_support::slurp(om) == om1);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
        ++files;
    CHECK(files == 3);
}

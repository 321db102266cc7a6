// The report and summary of a real run on a calendar (the built `tpssim`, as a user runs it):
// the model hands its calendar start to every output, so clock times and what was abnormal
// reach the terminal and the JSON. The holiday-weekend exam starts Friday 2026-12-25 at
// 14:00; at 15:00 service-c slows down, so service-b's p99 crosses its alert's 60 ms.
#include "command.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace {

// The first hour and five minutes of the exam, from the source folder.
test_support::CommandResult holiday_run(const std::string& flags) {
    return test_support::run_command(
        test_support::tpssim_command("run scenarios/examples/holiday-weekend-worked.yaml "
                                     "--until 1h5m --no-progress " +
                                     flags + " 2>/dev/null"));
}

std::string line_of(const std::string& report, const std::string& start) {
    const auto at = report.find("\n" + start);
    if (at == std::string::npos) return {};
    return report.substr(at + 1, report.find('\n', at + 1) - at - 1);
}

} // namespace

TEST_CASE("a run on a calendar: the report speaks in clock times and says what was abnormal") {
    const auto r = holiday_run("");
    INFO(r.out);
    REQUIRE(r.out.find("tpssim: holiday-weekend-worked") == 0);
    CHECK(r.out.find("\n  from Fri 2026-12-25 14:00:00 to Fri 2026-12-25 15:05:00\n") !=
          std::string::npos);
    // The alert fires at the first scrape after 15:00 (its `for:` is 0).
    CHECK(line_of(r.out, "DownstreamSlow").find(" 15:00:15  p99(service-b) > 60ms") !=
          std::string::npos);
    REQUIRE(r.out.find("\nwhat was abnormal ") != std::string::npos);
    const auto row = line_of(r.out, "p99(service-b) > 60ms");
    CHECK(row.find(" 15:00:15 ") != std::string::npos);
    CHECK(r.out.find("failed  dead-lettered") != std::string::npos);
}

TEST_CASE("a run on a calendar: the summary JSON has the times beside the seconds") {
    const auto r = holiday_run("--quiet --summary-json -");
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["start"] == "2026-12-25T14:00:00.000");
    CHECK(j["end"] == "2026-12-25T15:05:00.000");
    bool found = false;
    for (const auto& a : j["abnormal"]) {
        if (a["condition"] != "p99(service-b) > 60ms") continue;
        found = true;
        CHECK(a["metric"] == "tps_latency_p99_seconds");
        CHECK(a["subject"] == "service-b");
        CHECK(a["crossings"][0]["from_seconds"] == 3615.0);
        CHECK(a["crossings"][0]["from_time"] == "2026-12-25T15:00:15.000");
        CHECK(a["peak"].get<double>() > 0.06);
    }
    CHECK(found);
    for (const auto& a : j["alerts"])
        if (a["name"] == "DownstreamSlow")
            CHECK(a["first_run"][0]["fired_time"] == "2026-12-25T15:00:15.000");
}

// The metrics CSV (`tpssim run --metrics FILE.csv`, apps/tpssim/metrics_csv.*): one row per
// kept scrape and subject, one column per metric, empty cells where a metric does not apply.
#include "apps/tpssim/metrics_csv.hpp"

#include "command.hpp"
#include "files.hpp"

#include <algorithm>
#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using Column = tpssim::models::MetricsRecorder::Column;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> cells_of(const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    for (const char c : line) {
        if (c == ',') {
            cells.push_back(cell);
            cell.clear();
        } else {
            cell += c;
        }
    }
    cells.push_back(cell);
    return cells;
}

} // namespace

TEST_CASE("metrics CSV: a row per scrape and subject, empty cells where a metric does not apply") {
    using namespace tpssim;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    models::RunResult run;
    run.metric_times_seconds = {15.0, 30.0};
    run.metrics = {
        Column{"tps_utilization", "api", "ratio", {0.5, 0.25}},
        Column{"tps_latency_p99_seconds", "api", "seconds", {0.125, nan}},
        Column{"tps_utilization", "db", "ratio", {1.0, 0.75}},
        Column{"tps_latency_p99_seconds", "db", "seconds", {0.5, 2.0}},
        Column{"tps_call_rate", "api->db", "1/s", {90.0, 91.5}},
        Column{"tps_link_utilization", "api->db", "ratio", {0.1, 0.2}},
    };
    // Without a calendar start: no clock-time column; columns in the catalogue's order.
    CHECK(metrics_csv(run, std::nullopt) ==
          "time_seconds,subject,tps_utilization,tps_latency_p99_seconds,tps_call_rate,"
          "tps_link_utilization\n"
          "15,api,0.5,0.125,,\n"
          "15,db,1,0.5,,\n"
          "15,api->db,,,90,0.1\n"
          "30,api,0.25,,,\n"
          "30,db,0.75,2,,\n"
          "30,api->db,,,91.5,0.2\n");
    // With one, the local date and time beside the seconds.
    const auto start =
        std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    const auto lines = lines_of(metrics_csv(run, start));
    REQUIRE(lines.size() == 7);
    CHECK(lines[0].starts_with("time_seconds,time,subject,tps_utilization,"));
    CHECK(lines[1] == "15,2026-12-25T14:00:15.000,api,0.5,0.125,,");
    CHECK(lines[6] == "30,2026-12-25T14:00:30.000,api->db,,,91.5,0.2");
}

TEST_CASE("metrics CSV: a subject with a comma is quoted") {
    using namespace tpssim;
    models::RunResult run;
    run.metric_times_seconds = {15.0};
    run.metrics = {Column{"tps_utilization", "a,b", "ratio", {0.5}}};
    CHECK(metrics_csv(run, std::nullopt) ==
          "time_seconds,subject,tps_utilization\n15,\"a,b\",0.5\n");
}

TEST_CASE("--metrics FILE.csv: every kept scrape of every subject, as the summary counts them") {
    const test_support::ScratchDir dir("metrics-csv");
    const auto csv = dir.path() / "m.csv";
    const std::string cmd = test_support::tpssim_command(
        "run scenarios/examples/operations.yaml --quiet --summary-json - --metrics '" +
        csv.string() + "'");
    const auto ran = test_support::run_command(cmd);
    REQUIRE(ran.exit_code == 0);
    const auto summary = nlohmann::json::parse(ran.out);
    const auto lines = lines_of(test_support::slurp(csv));
    REQUIRE(!lines.empty());
    const auto header = cells_of(lines[0]);
    CHECK(header[0] == "time_seconds");
    CHECK(header[1] == "time"); // the example has a calendar start
    CHECK(header[2] == "subject");
    const auto& series = summary["monitoring"]["series"];
    const std::size_t subjects = series.size();
    CHECK(lines.size() - 1 == summary["monitoring"]["rows_kept"].get<std::size_t>() * subjects);
    // Each metric of each subject: a cell in its column on that subject's rows, the extremes
    // those of the summary (the run is short: every scrape is kept).
    REQUIRE(summary["monitoring"]["stride"] == 1);
    for (const auto& by_subject : series.items())
        for (const auto& by_metric : by_subject.value().items()) {
            // Named copies: doctest's INFO captures them (clang 14 captures no structured
            // binding).
            const std::string subject = by_subject.key(), metric = by_metric.key();
            const auto& figures = by_metric.value();
            const auto col = static_cast<std::size_t>(
                std::find(header.begin(), header.end(), metric) - header.begin());
            REQUIRE(col < header.size());
            double max = -std::numeric_limits<double>::infinity();
            for (std::size_t i = 1; i < lines.size(); ++i) {
                const auto cells = cells_of(lines[i]);
                REQUIRE(cells.size() == header.size());
                if (cells[2] != subject || cells[col].empty()) continue;
                max = std::max(max, std::stod(cells[col]));
            }
            INFO(subject << " " << metric);
            if (figures["max"].is_null())
                CHECK(max == -std::numeric_limits<double>::infinity());
            else
                CHECK(max == doctest::Approx(figures["max"].get<double>()));
        }
}

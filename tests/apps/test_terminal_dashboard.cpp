// The terminal dashboard (`tpssim run --dashboard`, apps/tpssim/terminal_dashboard.*): the
// seven panels as sparklines, one column per bucket of the run, alert windows on the same
// columns, every line within the width.
#include "apps/tpssim/terminal_dashboard.hpp"

#include "command.hpp"

#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <sstream>
#include <string>
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

// Terminal columns: UTF-8 code points (every character here is one column wide).
std::vector<std::string> code_points(const std::string& line) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < line.size();) {
        const auto c = static_cast<unsigned char>(line[i]);
        const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        out.push_back(line.substr(i, n));
        i += n;
    }
    return out;
}

const std::string* line_starting(const std::vector<std::string>& lines, const std::string& head) {
    for (const auto& l : lines)
        if (l.starts_with(head)) return &l;
    return nullptr;
}

// An hour scraped every 15 s: the queue holds 50 requests at 30:00 and 0 otherwise; the p99
// has no data in its first 10 minutes; an alert fires from 40:00 to 45:00.
tpssim::models::RunResult spike_run() {
    tpssim::models::RunResult run;
    run.simulated_seconds = 3600.0;
    Column depth{"tps_queue_depth", "api", "count", {}};
    Column p99{"tps_latency_p99_seconds", "api", "seconds", {}};
    for (int k = 1; k <= 240; ++k) {
        const double t = 15.0 * k;
        run.metric_times_seconds.push_back(t);
        depth.values.push_back(t == 1800.0 ? 50.0 : 0.0);
        p99.values.push_back(t <= 600.0 ? std::numeric_limits<double>::quiet_NaN() : 0.1);
    }
    run.metrics = {depth, p99};
    tpssim::models::AlertResult alert;
    alert.name = "Backlog";
    alert.firings.push_back({2400.0, 2700.0, 50.0});
    run.alerts.push_back(alert);
    return run;
}

} // namespace

TEST_CASE("terminal dashboard: every line fits the width, whatever the width") {
    const auto start =
        std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    for (const std::size_t width : {40, 60, 80, 100, 160, 300}) {
        INFO("width " << width);
        for (const auto& line : lines_of(tpssim::format_dashboard(spike_run(), start, width)))
            CHECK(code_points(line).size() <= width);
    }
    // Narrower than the dashboard can be drawn: the narrowest it can.
    for (const auto& line : lines_of(tpssim::format_dashboard(spike_run(), std::nullopt, 10)))
        CHECK(code_points(line).size() <= tpssim::DashboardLayout::kMinWidth);
}

TEST_CASE("terminal dashboard: a spike lands in its bucket's column, an alert on its columns") {
    using namespace tpssim;
    const auto run = spike_run();
    for (const std::size_t width : {60, 100, 160}) {
        INFO("width " << width);
        const auto layout = dashboard_layout(width, run.metric_times_seconds.size());
        const auto lines = lines_of(format_dashboard(run, std::nullopt, width));
        const auto* depth = line_starting(lines, "  api ");
        REQUIRE(depth != nullptr); // the queue-depth panel's first line
        const auto cells = code_points(*depth);
        const std::size_t spike = dashboard_column(1800.0, 3600.0, layout.columns);
        CHECK(spike == layout.columns / 2);
        for (std::size_t c = 0; c < layout.columns; ++c) {
            INFO("column " << c);
            CHECK(cells[layout.label_width + c] == (c == spike ? "█" : "▁"));
        }
        CHECK(depth->ends_with("max 50"));
        // The alert: firing from 40:00 to 45:00 (the bucket holding 45:00 only if it fired in
        // it), '·' elsewhere.
        const auto* alert = line_starting(lines, "  Backlog ");
        REQUIRE(alert != nullptr);
        const auto marks = code_points(*alert);
        const std::size_t from = dashboard_column(2400.0, 3600.0, layout.columns);
        const std::size_t to = dashboard_column(2699.999, 3600.0, layout.columns);
        for (std::size_t c = 0; c < layout.columns; ++c) {
            INFO("column " << c);
            CHECK(marks[layout.label_width + c] == (c >= from && c <= to ? "█" : "·"));
        }
        // No data in the first ten minutes of the p99: blank columns.
        const auto* p99 = line_starting(lines, "  api p99");
        REQUIRE(p99 != nullptr);
        CHECK(code_points(*p99)[layout.label_width] == " ");
        // Then 0.1 throughout: its maximum, on a scale from 0, is a full block.
        CHECK(code_points(*p99)[layout.label_width + layout.columns - 1] == "█");
    }
}

TEST_CASE("terminal dashboard: a time axis in clock times with a start, elapsed without") {
    using namespace tpssim;
    const auto start =
        std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    const auto with_clock = lines_of(format_dashboard(spike_run(), start, 100));
    REQUIRE(with_clock.size() > 2);
    CHECK(with_clock[0].find("Fri 2026-12-25 14:00:00") != std::string::npos);
    CHECK(with_clock[1].starts_with("time"));
    CHECK(with_clock[1].find("14:30") != std::string::npos);
    const auto elapsed = lines_of(format_dashboard(spike_run(), std::nullopt, 100));
    CHECK(elapsed[1].find("0:30") != std::string::npos);
    // The 30-minute tick sits on the spike's column (both at 30:00).
    const auto layout = dashboard_layout(100, 240);
    CHECK(elapsed[1]
              .substr(layout.label_width + dashboard_column(1800.0, 3600.0, layout.columns))
              .starts_with("0:30"));
}

TEST_CASE("terminal dashboard: COLUMNS sets the width, 100 by default") {
    ::setenv("COLUMNS", "132", 1);
    CHECK(tpssim::terminal_width_from_environment() == 132);
    ::setenv("COLUMNS", "wide", 1);
    CHECK(tpssim::terminal_width_from_environment() == 100);
    ::unsetenv("COLUMNS");
    CHECK(tpssim::terminal_width_from_environment() == 100);
}

TEST_CASE("tpssim run --dashboard: the seven panels within COLUMNS, after the report") {
    const std::string cmd = test_support::tpssim_command(
        "run scenarios/examples/operations.yaml --until 1h --dashboard", "COLUMNS=72");
    const auto ran = test_support::run_command(cmd);
    // The example cut short at 1h misses its later checks.
    CHECK((ran.exit_code == 0 || ran.exit_code == 1));
    const auto at = ran.out.find("dashboard: ");
    REQUIRE(at != std::string::npos);
    const auto lines = lines_of(ran.out.substr(at));
    for (const auto& line : lines)
        CHECK(code_points(line).size() <= 72);
    for (const char* title : {"circuit breaker state", "queue depth", "worker utilisation",
                              "error rate", "latency p50", "throughput", "CPU"})
        CHECK(line_starting(lines, title) != nullptr);
    CHECK(line_starting(lines, "  SloBurn") != nullptr);
}

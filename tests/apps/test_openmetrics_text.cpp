// The OpenMetrics file (`tpssim run --openmetrics FILE`, apps/tpssim/openmetrics_text.*): one
// family per recorded metric with TYPE, UNIT where the name ends in it, HELP, every subject's
// samples in time order with timestamps from the calendar start (or Monday 1970-01-05 00:00 UTC), #
// EOF. The real promtool and prometheus read it in tests/apps/check_prometheus.py.
#include "apps/tpssim/openmetrics_text.hpp"

#include "apps/tpssim/openmetrics_labels.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <limits>
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

tpssim::models::RunResult small_run() {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    tpssim::models::RunResult run;
    run.metric_times_seconds = {15.0, 30.0};
    run.metrics = {
        Column{"tps_queue_depth", "api", "count", {3.0, 0.0}},
        Column{"tps_latency_p99_seconds", "api", "seconds", {0.125, nan}},
        Column{"tps_dead_lettered_total", "api", "count", {0.0, 2.0}},
        Column{"tps_queue_depth", "db", "count", {1.0, 7.5}},
        Column{"tps_breaker_state", "api->db#2", "state", {0.0, 2.0}},
        Column{"tps_link_utilization", "api->db", "ratio", {0.25, 1e-05}},
    };
    return run;
}

} // namespace

TEST_CASE("OpenMetrics: families with TYPE, UNIT and HELP, labelled samples in time order, EOF") {
    using namespace tpssim;
    const auto lines = lines_of(openmetrics_text(small_run(), std::nullopt));
    // Without a start, t = 0 is Monday 1970-01-05 00:00 UTC: Unix time 345,600.
    const std::vector<std::string> expected = {
        "# TYPE tps_queue_depth gauge",
        "# HELP tps_queue_depth requests waiting (count)",
        "tps_queue_depth{service=\"api\"} 3 345615",
        "tps_queue_depth{service=\"api\"} 0 345630",
        "tps_queue_depth{service=\"db\"} 1 345615",
        "tps_queue_depth{service=\"db\"} 7.5 345630",
        "# TYPE tps_latency_p99_seconds gauge",
        "# UNIT tps_latency_p99_seconds seconds",
        "# HELP tps_latency_p99_seconds 99th percentile latency of the requests ended in the "
        "interval (seconds)",
        "tps_latency_p99_seconds{service=\"api\"} 0.125 345615",
        // No request ended: NaN, which every comparison in PromQL finds false, as tpssim does.
        "tps_latency_p99_seconds{service=\"api\"} NaN 345630",
        // A counter: the family without _total, the samples with it.
        "# TYPE tps_dead_lettered counter",
        "# HELP tps_dead_lettered items sent to the dead-letter queue so far (count)",
        "tps_dead_lettered_total{service=\"api\"} 0 345615",
        "tps_dead_lettered_total{service=\"api\"} 2 345630",
        "# TYPE tps_breaker_state gauge",
        "# HELP tps_breaker_state circuit breaker: 0 closed, 1 half-open, 2 open (state)",
        "tps_breaker_state{service=\"api\",call=\"db#2\"} 0 345615",
        "tps_breaker_state{service=\"api\",call=\"db#2\"} 2 345630",
        "# TYPE tps_link_utilization gauge",
        "# HELP tps_link_utilization share of the link's bandwidth in use (own traffic and "
        "background) (ratio)",
        "tps_link_utilization{link=\"api->db\"} 0.25 345615",
        "tps_link_utilization{link=\"api->db\"} 1e-05 345630",
        "# EOF",
    };
    CHECK(lines == expected);
}

TEST_CASE("OpenMetrics: timestamps from the calendar start read as UTC") {
    using namespace tpssim;
    // 2026-12-25T14:00 is 1798207200 Unix seconds in UTC.
    const auto start =
        std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    CHECK(prometheus_epoch_seconds(start) == 1798207200.0);
    // Without a start, the traces' epoch: Monday 1970-01-05 00:00 UTC.
    CHECK(prometheus_epoch_seconds(std::nullopt) == 345600.0);
    auto run = small_run();
    run.metric_times_seconds = {15.0, 30.5};
    const auto lines = lines_of(openmetrics_text(run, start));
    CHECK(lines[2] == "tps_queue_depth{service=\"api\"} 3 1798207215");
    CHECK(lines[3] == "tps_queue_depth{service=\"api\"} 0 1798207230.5");
}

TEST_CASE("OpenMetrics: UNIT only where the name ends in the unit; counters are the _total") {
    using namespace tpssim;
    for (const auto& info : models::metric_catalogue()) {
        INFO(info.name);
        const auto unit = openmetrics_unit(info);
        if (!unit.empty()) {
            std::string suffix = "_";
            suffix += unit;
            CHECK(info.name.ends_with(suffix));
        }
        CHECK(is_counter(info) == info.name.ends_with("_total"));
    }
    CHECK(openmetrics_unit(*models::find_metric("tps_memory_bytes")) == "bytes");
    CHECK(openmetrics_unit(*models::find_metric("tps_error_ratio")) == "ratio");
    CHECK(openmetrics_unit(*models::find_metric("tps_utilization")).empty());
    CHECK(escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

TEST_CASE("OpenMetrics: an empty record is an empty exposition") {
    const tpssim::models::RunResult empty;
    CHECK(tpssim::openmetrics_text(empty, std::nullopt) == "# EOF\n");
}

// The Grafana dashboard (`tpssim run --grafana FILE.json`, apps/tpssim/grafana_dashboard.*):
// the seven panels over the recorded metric names, a datasource and a service variable, the
// run's time range. tests/apps/check_prometheus.py checks its queries against a real
// OpenMetrics file.
#include "apps/tpssim/grafana_dashboard.hpp"

#include <algorithm>
#include <chrono>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

namespace {

using Column = tpssim::models::MetricsRecorder::Column;

tpssim::models::RunResult run_with(std::vector<Column> columns) {
    tpssim::models::RunResult run;
    run.simulated_seconds = 3600.0;
    run.metric_times_seconds = {15.0};
    run.metrics = std::move(columns);
    return run;
}

// Every metric name a PromQL expression reads (identifiers outside braces and strings that
// are not function names).
std::set<std::string> metric_names(std::string expr) {
    expr = std::regex_replace(expr, std::regex(R"(\{[^}]*\})"), "");
    std::set<std::string> names;
    const std::regex identifier(R"(([A-Za-z_:][A-Za-z0-9_:]*)\s*(\()?)");
    for (std::sregex_iterator it(expr.begin(), expr.end(), identifier), end; it != end; ++it)
        if (!(*it)[2].matched) names.insert((*it)[1]);
    return names;
}

} // namespace

TEST_CASE("Grafana: seven panels, variables, and queries only of recorded metrics") {
    using namespace tpssim;
    std::vector<Column> columns;
    std::set<std::string> recorded;
    for (const auto& info : models::metric_catalogue()) {
        const std::string subject =
            info.subject == models::MetricSubject::Service ? "api" : "api->db";
        columns.push_back(Column{std::string(info.name), subject, std::string(info.unit), {1.0}});
        recorded.insert(std::string(info.name));
    }
    const auto start =
        std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    const auto dashboard =
        nlohmann::json::parse(grafana_dashboard_json("demo", run_with(columns), start, 15.0));
    CHECK(dashboard["schemaVersion"].get<int>() >= 36);
    CHECK(dashboard["title"] == "tpssim: demo");
    CHECK(dashboard["uid"] == "tpssim-demo");
    // The run's own time range, in UTC as the OpenMetrics timestamps are.
    CHECK(dashboard["time"]["from"] == "2026-12-25T14:00:00Z");
    CHECK(dashboard["time"]["to"] == "2026-12-25T15:00:00Z");
    CHECK(dashboard["timezone"] == "utc");
    const auto& vars = dashboard["templating"]["list"];
    REQUIRE(vars.size() == 2);
    CHECK(vars[0]["type"] == "datasource");
    CHECK(vars[0]["query"] == "prometheus");
    CHECK(vars[1]["name"] == "service");
    const auto& panels = dashboard["panels"];
    REQUIRE(panels.size() == 7);
    std::set<int> ids;
    std::set<std::string> queried;
    for (const auto& p : panels) {
        INFO(p["title"].get<std::string>());
        ids.insert(p["id"].get<int>());
        CHECK(p["datasource"]["uid"] == "${datasource}");
        CHECK(!p["targets"].empty());
        for (const auto& t : p["targets"]) {
            const auto expr = t["expr"].get<std::string>();
            CHECK(expr.find("service=~\"$service\"") != std::string::npos);
            for (const auto& name : metric_names(expr)) {
                CHECK(recorded.count(name) == 1);
                queried.insert(name);
            }
        }
    }
    CHECK(ids.size() == 7);
    // The seven panels read what the labs' dashboard shows.
    for (const char* name :
         {"tps_breaker_state", "tps_queue_depth", "tps_utilization", "tps_replicas",
          "tps_error_ratio", "tps_latency_p50_seconds", "tps_latency_p90_seconds",
          "tps_latency_p99_seconds", "tps_throughput", "tps_cpu_cores", "tps_memory_bytes"})
        CHECK(queried.count(name) == 1);
}

TEST_CASE("Grafana: a panel whose metrics the run did not record queries nothing") {
    using namespace tpssim;
    // No call edges: no breakers.
    const auto dashboard = nlohmann::json::parse(grafana_dashboard_json(
        "lab-3.7 plain", run_with({Column{"tps_queue_depth", "api", "count", {1.0}}}), std::nullopt,
        15.0));
    const auto& panels = dashboard["panels"];
    REQUIRE(panels.size() == 7);
    CHECK(dashboard["uid"] == "tpssim-lab-3-7-plain"); // Grafana's characters only
    CHECK(panels[0]["targets"].empty());
    CHECK(panels[0]["description"].get<std::string>().find("recorded none") != std::string::npos);
    CHECK(panels[1]["targets"].size() == 1);
    // Without a calendar: from Monday 1970-01-05 00:00 UTC, as the OpenMetrics file and traces.
    CHECK(dashboard["time"]["from"] == "1970-01-05T00:00:00Z");
    CHECK(dashboard["time"]["to"] == "1970-01-05T01:00:00Z");
}

#include "apps/tpssim/grafana_dashboard.hpp"

#include "apps/tpssim/metric_table.hpp"
#include "apps/tpssim/openmetrics_labels.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tpssim {

namespace {

using Json = nlohmann::ordered_json;

/// One query of a panel: a metric and how its series are named in the legend.
struct Query {
    std::string_view metric;
    std::string_view legend;
    bool right_axis = false; ///< a second unit on the right (replicas, memory)
};

struct Panel {
    std::string_view title;
    std::string_view description;
    std::string_view type; ///< "timeseries" or "state-timeline"
    std::string_view unit; ///< Grafana's unit id of the left axis
    std::string_view right_unit;
    std::vector<Query> queries;
};

// The seven panels of the program's dashboard, in the order the labs read them.
const std::vector<Panel>& panels() {
    static const std::vector<Panel> all = {
        {"Circuit breaker state",
         "Each breaker: 0 closed, 1 half-open, 2 open.",
         "state-timeline",
         "none",
         "",
         {{"tps_breaker_state", "{{service}} -> {{call}}"}}},
        {"Queue depth",
         "Requests waiting at each service (items, for a queue).",
         "timeseries",
         "short",
         "",
         {{"tps_queue_depth", "{{service}}"}}},
        {"Worker utilisation and replicas",
         "Busy worker time over ready worker time (left); ready replicas (right).",
         "timeseries",
         "percentunit",
         "short",
         {{"tps_utilization", "{{service}} utilisation"},
          {"tps_replicas", "{{service}} replicas", true}}},
        {"Error rate",
         "Share of the requests ended in the interval that failed, were rejected or timed out.",
         "timeseries",
         "percentunit",
         "",
         {{"tps_error_ratio", "{{service}}"}}},
        {"Latency p50 / p90 / p99",
         "Quantiles of the requests ended in each scrape interval.",
         "timeseries",
         "s",
         "",
         {{"tps_latency_p50_seconds", "{{service}} p50"},
          {"tps_latency_p90_seconds", "{{service}} p90"},
          {"tps_latency_p99_seconds", "{{service}} p99"}}},
        {"Throughput",
         "Requests completed per second.",
         "timeseries",
         "reqps",
         "",
         {{"tps_throughput", "{{service}}"}}},
        {"CPU and memory",
         "CPU cores in use (left); mean memory of a ready replica (right).",
         "timeseries",
         "short",
         "bytes",
         {{"tps_cpu_cores", "{{service}} CPU"}, {"tps_memory_bytes", "{{service}} memory", true}}},
    };
    return all;
}

std::string utc_text(double unix_seconds) {
    const auto ms = static_cast<std::int64_t>(std::floor(unix_seconds * 1000.0));
    const std::chrono::sys_time<std::chrono::milliseconds> t{std::chrono::milliseconds(ms)};
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", t);
}

// Grafana's uid: at most 40 letters, digits, '-' and '_'.
std::string dashboard_uid(std::string_view scenario_name) {
    std::string uid = fmt::format("tpssim-{}", scenario_name).substr(0, 40);
    for (char& c : uid)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '-';
    return uid;
}

Json datasource_ref() {
    return {{"type", "prometheus"}, {"uid", "${datasource}"}};
}

Json panel_json(const Panel& p, int id, int x, int y, const MetricTable& table,
                double scrape_interval_seconds) {
    Json targets = Json::array();
    Json overrides = Json::array();
    char ref = 'A';
    for (const auto& q : p.queries) {
        const bool recorded = std::any_of(table.metrics.begin(), table.metrics.end(),
                                          [&](const auto* m) { return m->name == q.metric; });
        if (!recorded) continue;
        targets.push_back({{"refId", std::string(1, ref++)},
                           {"datasource", datasource_ref()},
                           {"expr", fmt::format("{}{{service=~\"$service\"}}", q.metric)},
                           {"legendFormat", q.legend},
                           {"interval", fmt::format("{}s", scrape_interval_seconds)}});
        if (q.right_axis)
            overrides.push_back(
                {{"matcher", {{"id", "byFrameRefID"}, {"options", targets.back()["refId"]}}},
                 {"properties",
                  {{{"id", "custom.axisPlacement"}, {"value", "right"}},
                   {{"id", "unit"}, {"value", p.right_unit}}}}});
    }
    std::string description(p.description);
    if (targets.empty()) description += " This run recorded none of its metrics.";
    Json defaults = {{"unit", p.unit}};
    if (p.type == "state-timeline") {
        defaults["mappings"] =
            Json::array({{{"type", "value"},
                          {"options",
                           {{"0", {{"text", "closed"}, {"color", "green"}, {"index", 0}}},
                            {"1", {{"text", "half-open"}, {"color", "yellow"}, {"index", 1}}},
                            {"2", {{"text", "open"}, {"color", "red"}, {"index", 2}}}}}}});
        defaults["color"] = {{"mode", "thresholds"}};
        defaults["thresholds"] = {{"mode", "absolute"},
                                  {"steps", Json::array({{{"color", "green"}, {"value", nullptr}},
                                                         {{"color", "yellow"}, {"value", 1}},
                                                         {{"color", "red"}, {"value", 2}}})}};
    }
    return {{"id", id},
            {"type", p.type},
            {"title", p.title},
            {"description", description},
            {"datasource", datasource_ref()},
            {"gridPos", {{"h", 8}, {"w", 12}, {"x", x}, {"y", y}}},
            {"fieldConfig", {{"defaults", defaults}, {"overrides", overrides}}},
            {"options", {{"legend", {{"displayMode", "list"}, {"placement", "bottom"}}}}},
            {"targets", targets}};
}

} // namespace

std::string grafana_dashboard_json(std::string_view scenario_name, const models::RunResult& run,
                                   const std::optional<std::chrono::local_seconds>& start,
                                   double scrape_interval_seconds) {
    const MetricTable table(run.metrics);
    const double epoch = prometheus_epoch_seconds(start);
    Json panels_json = Json::array();
    int id = 1;
    for (const auto& p : panels()) {
        const int slot = id - 1;
        panels_json.push_back(
            panel_json(p, id, (slot % 2) * 12, (slot / 2) * 8, table, scrape_interval_seconds));
        ++id;
    }
    // Services, queues and the callers of edges carry the `service` label.
    const std::string service_query = "label_values(tps_throughput, service)";
    Json dashboard = {
        {"title", fmt::format("tpssim: {}", scenario_name)},
        {"uid", dashboard_uid(scenario_name)},
        {"description", fmt::format("The seven panels of tpssim scenario \"{}\", over the series "
                                    "of `tpssim run --openmetrics` backfilled into Prometheus.",
                                    scenario_name)},
        {"tags", Json::array({"tpssim"})},
        {"timezone", "utc"},
        {"editable", true},
        {"schemaVersion", 39},
        {"version", 1},
        {"refresh", ""},
        {"time", {{"from", utc_text(epoch)}, {"to", utc_text(epoch + run.simulated_seconds)}}},
        {"templating",
         {{"list", Json::array({{{"name", "datasource"},
                                 {"label", "Prometheus"},
                                 {"type", "datasource"},
                                 {"query", "prometheus"},
                                 {"current", Json::object()},
                                 {"hide", 0}},
                                {{"name", "service"},
                                 {"label", "service"},
                                 {"type", "query"},
                                 {"datasource", datasource_ref()},
                                 {"query", {{"query", service_query}, {"refId", "service"}}},
                                 {"definition", service_query},
                                 {"refresh", 2},
                                 {"multi", true},
                                 {"includeAll", true},
                                 {"current", {{"text", "All"}, {"value", "$__all"}}},
                                 {"sort", 1},
                                 {"hide", 0}}})}}},
        {"annotations", {{"list", Json::array()}}},
        {"panels", panels_json},
    };
    return dashboard.dump(2) + "\n";
}

} // namespace tpssim

// The summary JSON's clock-time strings (beside the seconds, only with a calendar start) and
// its `abnormal` section. The rest of the JSON is tested with the report (test_report.cpp).
#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <chrono>
#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <nlohmann/json.hpp>

using namespace tpssim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A run of 2 h with a breaker transition, a dead letter, an alert that fired twice (the second
// firing still on at the end) and api's error ratio above the alert's 5% at 30 and 45 s.
models::RunResult timed_run() {
    models::RunResult r;
    r.simulated_seconds = 7200;
    models::ServiceResult api;
    api.name = "api";
    models::CallResult c;
    c.target = c.key = "db";
    c.has_circuit_breaker = true;
    c.breaker_state = "open";
    c.breaker_transitions = {{3735.25, "closed", "open", "failure_rate"}};
    api.calls.push_back(c);
    r.services.push_back(api);
    models::ServiceResult q;
    q.name = "jobs";
    q.kind = "queue";
    q.dead_letters = {{120.0, 3, 60.5}};
    r.services.push_back(q);
    models::AlertResult a;
    a.name = "Errors";
    a.severity = "page";
    a.condition = "error_rate(api) > 5%";
    a.firings = {{30.0, 60.0, 0.08}, {7000.0, kNaN, 0.2}};
    a.metric = "tps_error_ratio";
    a.subject = "api";
    a.op = models::Comparison::Greater;
    a.threshold = 0.05;
    r.alerts.push_back(a);
    r.metric_times_seconds = {15, 30, 45, 60};
    r.metrics.push_back({"tps_error_ratio", "api", "ratio", {0.0, 0.08, 0.12, 0.01}});
    r.metric_scrapes = 4;
    r.metric_totals.resize(1);
    return r;
}

nlohmann::ordered_json json_of(const models::RunResult& r) {
    return nlohmann::ordered_json::parse(
        summary_json(summarise({r}, "x", "x.yaml", 1, 0.5), {true}));
}

} // namespace

TEST_CASE("summary JSON: clock-time strings beside the seconds with a calendar start") {
    auto r = timed_run();
    r.start = std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    const auto j = json_of(r);
    CHECK(j["start"] == "2026-12-25T14:00:00.000");
    CHECK(j["end"] == "2026-12-25T16:00:00.000");
    const auto& t = j["services"]["api"]["circuit_breakers"]["db"]["transitions"][0];
    CHECK(t["at_seconds"] == 3735.25); // the number stays a number
    CHECK(t["at_time"] == "2026-12-25T15:02:15.250");
    const auto& d = j["services"]["jobs"]["dead_letter_queue"]["latest"][0];
    CHECK(d["at_time"] == "2026-12-25T14:02:00.000");
    CHECK(d["first_arrival_time"] == "2026-12-25T14:01:00.500");
    const auto& f = j["alerts"][0]["first_run"];
    CHECK(f[0]["fired_seconds"] == 30.0);
    CHECK(f[0]["fired_time"] == "2026-12-25T14:00:30.000");
    CHECK(f[0]["resolved_time"] == "2026-12-25T14:01:00.000");
    CHECK(f[1]["resolved_seconds"].is_null());
    CHECK(f[1]["resolved_time"].is_null()); // still firing at the end
    // Each time string right after its number.
    std::vector<std::string> keys;
    for (const auto& [k, v] : f[0].items())
        keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"fired_seconds", "fired_time", "resolved_seconds",
                                           "resolved_time", "value"});
    const auto& a = j["abnormal"][0];
    CHECK(a["peak_time"] == "2026-12-25T14:00:45.000");
    CHECK(a["crossings"][0]["from_time"] == "2026-12-25T14:00:30.000");
    CHECK(a["crossings"][0]["to_time"] == "2026-12-25T14:01:00.000");
}

TEST_CASE("summary JSON: no clock-time strings without a calendar start") {
    const auto j = json_of(timed_run());
    CHECK_FALSE(j.contains("start"));
    CHECK_FALSE(j.contains("end"));
    CHECK_FALSE(j["alerts"][0]["first_run"][0].contains("fired_time"));
    CHECK_FALSE(
        j["services"]["api"]["circuit_breakers"]["db"]["transitions"][0].contains("at_time"));
    CHECK_FALSE(j["services"]["jobs"]["dead_letter_queue"]["latest"][0].contains("at_time"));
    CHECK_FALSE(j["abnormal"][0].contains("peak_time"));
    CHECK_FALSE(j["abnormal"][0]["crossings"][0].contains("from_time"));
}

TEST_CASE("summary JSON: what was abnormal, as numbers with units in the keys") {
    const auto j = json_of(timed_run());
    REQUIRE(j["abnormal"].size() == 1);
    const auto& a = j["abnormal"][0];
    CHECK(a["metric"] == "tps_error_ratio");
    CHECK(a["subject"] == "api");
    CHECK(a["unit"] == "ratio");
    CHECK(a["condition"] == "error_rate(api) > 5%");
    CHECK(a["alerts"] == nlohmann::ordered_json::array({"Errors"}));
    CHECK(a["threshold"] == 0.05);
    CHECK(a["count"] == 1);
    CHECK(a["total_seconds"] == 30.0);
    CHECK(a["peak"] == 0.12);
    CHECK(a["peak_seconds"] == 45.0);
    REQUIRE(a["crossings"].size() == 1);
    const auto& c = a["crossings"][0];
    CHECK(c["from_seconds"] == 30.0);
    CHECK(c["to_seconds"] == 60.0);
    CHECK(c["duration_seconds"] == 30.0);
    CHECK(c["ongoing"] == false);
    CHECK(c["peak"] == 0.12);
    CHECK(c["peak_seconds"] == 45.0);
    CHECK(a["crossings_dropped"] == 0);

    // Nothing crossed: an empty list, the key still there.
    auto calm = timed_run();
    calm.metrics[0].values = {0.0, 0.0, 0.0, 0.0};
    CHECK(json_of(calm)["abnormal"] == nlohmann::ordered_json::array());
}

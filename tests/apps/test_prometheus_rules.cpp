// The Prometheus rules file (`tpssim run --prometheus-rules FILE`, apps/tpssim/prometheus_rules.*):
// one group at the scrape interval, one alerting rule per alert over the OpenMetrics names.
// promtool checks it and fires it against the run in tests/apps/check_prometheus.py.
#include "apps/tpssim/prometheus_rules.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

namespace {

tpssim::models::AlertRuleParams rule(std::string name, std::string metric, std::string subject,
                                     tpssim::models::Comparison op, double threshold,
                                     std::string text, tpssim::sim::SimTime for_duration) {
    tpssim::models::AlertRuleParams r;
    r.name = std::move(name);
    r.condition.metric.name = std::move(metric);
    r.condition.metric.subject = std::move(subject);
    r.condition.op = op;
    r.condition.threshold = threshold;
    r.condition.text = std::move(text);
    r.for_duration = for_duration;
    return r;
}

} // namespace

TEST_CASE("Prometheus durations: h, m, s and ms, as Prometheus reads them") {
    using tpssim::prometheus_duration;
    using tpssim::sim::SimTime;
    CHECK(prometheus_duration(SimTime::zero()) == "0s");
    CHECK(prometheus_duration(SimTime::from_s(15)) == "15s");
    CHECK(prometheus_duration(SimTime::from_s(150)) == "2m30s");
    CHECK(prometheus_duration(SimTime::from_s(3600 + 5)) == "1h5s");
    CHECK(prometheus_duration(SimTime::from_ms(1250)) == "1s250ms");
    CHECK(prometheus_duration(SimTime::from_s(66 * 3600)) == "66h");
}

TEST_CASE("Prometheus rules: expr over the OpenMetrics labels, for, severity, the condition") {
    using namespace tpssim;
    using C = models::Comparison;
    const std::vector<models::AlertRuleParams> rules = {
        rule("SloBurn", "tps_latency_p99_seconds", "worker", C::Greater, 0.1, "p99(worker) > 100ms",
             sim::SimTime::from_s(120)),
        rule("db-breaker-open", "tps_breaker_state", "worker->db", C::GreaterEqual, 2.0,
             "breaker_state(worker->db) >= 2", sim::SimTime::zero()),
        rule("FewReplicas", "tps_replicas", "worker", C::Less, 8.0, "replicas(worker) < 8",
             sim::SimTime::from_s(30)),
    };
    const auto text = prometheus_rules_yaml("holiday", rules, sim::SimTime::from_s(15));
    const YAML::Node doc = YAML::Load(text);
    REQUIRE(doc["groups"].size() == 1);
    const auto group = doc["groups"][0];
    CHECK(group["name"].as<std::string>() == "tpssim-holiday");
    CHECK(group["interval"].as<std::string>() == "15s");
    REQUIRE(group["rules"].size() == 3);
    const auto r0 = group["rules"][0];
    CHECK(r0["alert"].as<std::string>() == "SloBurn");
    CHECK(r0["expr"].as<std::string>() == "tps_latency_p99_seconds{service=\"worker\"} > 0.1");
    CHECK(r0["for"].as<std::string>() == "2m");
    CHECK(r0["labels"]["severity"].as<std::string>() == "page");
    CHECK(r0["annotations"]["summary"].as<std::string>() == "p99(worker) > 100ms");
    const auto r1 = group["rules"][1];
    // '-' is not allowed in a Prometheus alert name.
    CHECK(r1["alert"].as<std::string>() == "db_breaker_open");
    CHECK(r1["expr"].as<std::string>() == "tps_breaker_state{service=\"worker\",call=\"db\"} >= 2");
    CHECK(r1["for"].as<std::string>() == "0s");
    CHECK(group["rules"][2]["expr"].as<std::string>() == "tps_replicas{service=\"worker\"} < 8");
}

TEST_CASE("Prometheus rules: the dead man's switch is exported as its always-firing Watchdog") {
    using namespace tpssim;
    models::AlertRuleParams silent;
    silent.name = "MonitoringSilent";
    silent.condition.watchdog_absent = true;
    silent.condition.text = "absent(watchdog)";
    silent.for_duration = sim::SimTime::from_s(120);
    const YAML::Node doc =
        YAML::Load(prometheus_rules_yaml("holiday", {silent}, sim::SimTime::from_s(15)));
    const auto r = doc["groups"][0]["rules"][0];
    CHECK(r["alert"].as<std::string>() == "MonitoringSilent");
    CHECK(r["expr"].as<std::string>() == "vector(1)");
    CHECK(r["for"].as<std::string>() == "0s");
    CHECK(r["annotations"]["summary"].as<std::string>().find("silent for 2m") != std::string::npos);
}

TEST_CASE("Prometheus rules: a scenario without alerts gives an empty group") {
    const YAML::Node doc =
        YAML::Load(tpssim::prometheus_rules_yaml("calm", {}, tpssim::sim::SimTime::from_s(15)));
    CHECK(doc["groups"][0]["rules"].size() == 0);
}

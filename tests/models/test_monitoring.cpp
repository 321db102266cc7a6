#include "models/monitoring.hpp"

#include <doctest/doctest.h>
#include <stdexcept>

using namespace tpssim;

using models::Monitoring;
using models::OperationsParams;
using models::RunResult;
using sim::SimTime;

TEST_CASE("Monitoring: rules read the record's latest row; nothing is evaluated while down") {
    OperationsParams ops;
    models::AlertRuleParams rule;
    rule.name = "backlog";
    rule.condition.metric.name = "queue_depth";
    rule.condition.metric.subject = "api";
    rule.condition.threshold = 5.0;
    ops.alerts.push_back(rule);
    models::MetricsRecorder metrics({"api"}, {}, {});
    Monitoring m(ops, metrics);
    REQUIRE(m.services.size() == 1);
    CHECK(m.edges.empty());
    CHECK(m.links.empty());
    m.services[0].queue_depth = 9.0;
    metrics.record(SimTime::from_s(15), m.services, m.edges, m.links);
    const auto fired = m.evaluate(SimTime::from_s(15), ops, metrics);
    REQUIRE(fired.size() == 1);
    CHECK(fired[0].fired);
    CHECK(fired[0].value == 9.0);
    // Down: the backlog is gone but no rule is evaluated, so the alert stays firing.
    m.down = true;
    m.services[0].queue_depth = 0.0;
    metrics.record(SimTime::from_s(30), m.services, m.edges, m.links);
    CHECK(m.evaluate(SimTime::from_s(30), ops, metrics).empty());
    m.down = false;
    const auto resolved = m.evaluate(SimTime::from_s(30), ops, metrics);
    REQUIRE(resolved.size() == 1);
    CHECK_FALSE(resolved[0].fired);
    RunResult out;
    m.fill(out);
    CHECK(out.expectation_tallies.empty());
}

TEST_CASE("Monitoring: an alert on a metric nobody records is refused at once") {
    OperationsParams ops;
    models::AlertRuleParams rule;
    rule.name = "ghost";
    rule.condition.metric.name = "no_such_metric";
    rule.condition.metric.subject = "api";
    ops.alerts.push_back(rule);
    const models::MetricsRecorder metrics({"api"}, {}, {});
    CHECK_THROWS_AS(Monitoring(ops, metrics), std::invalid_argument);
}

TEST_CASE("Monitoring: the dead man's switch pages on the heartbeat's silence, and only then") {
    OperationsParams ops;
    models::AlertRuleParams silent;
    silent.name = "MonitoringSilent";
    silent.condition.watchdog_absent = true; // no metric: Monitoring looks none up
    silent.condition.text = "absent(watchdog)";
    silent.for_duration = SimTime::from_s(30);
    models::AlertRuleParams busy;
    busy.name = "Busy";
    busy.condition.metric.name = "tps_request_rate";
    busy.condition.metric.subject = "api";
    busy.condition.threshold = -1.0; // always holds while evaluated
    ops.alerts = {silent, busy};
    models::MetricsRecorder metrics({"api"}, {}, {});
    Monitoring m(ops, metrics);
    metrics.record(SimTime::from_s(15), m.services, m.edges, m.links);
    // Busy fires; the heartbeat is there.
    CHECK(m.evaluate(SimTime::from_s(15), ops, metrics).size() == 1);
    m.down = true;
    // Silent from 30: pending at 30 and 45, firing at 60 (held for 30 s); Busy is not
    // evaluated, so it neither resolves nor fires again.
    CHECK(m.evaluate(SimTime::from_s(30), ops, metrics).empty());
    CHECK(m.evaluate(SimTime::from_s(45), ops, metrics).empty());
    const auto paged = m.evaluate(SimTime::from_s(60), ops, metrics);
    REQUIRE(paged.size() == 1);
    CHECK(paged[0].rule == 0);
    CHECK(paged[0].fired);
    m.down = false;
    metrics.record(SimTime::from_s(75), m.services, m.edges, m.links);
    const auto back = m.evaluate(SimTime::from_s(75), ops, metrics);
    REQUIRE(back.size() == 1);
    CHECK(back[0].rule == 0);
    CHECK_FALSE(back[0].fired);
}

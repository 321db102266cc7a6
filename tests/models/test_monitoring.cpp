#include "models/monitoring.hpp"

#include <doctest/doctest.h>
#include <stdexcept>

using namespace tpssim;

using models::Monitoring;
using models::OperationsParams;
using models::RunResult;
using sim::SimTime;

TEST_CASE("Monitoring: an outage is a gap (no sample), and each scrape is recorded otherwise") {
    const OperationsParams ops;
    Monitoring m(ops, {"api"}, {}, {});
    REQUIRE(m.services.size() == 1);
    m.services[0].arrivals = 10;
    CHECK(m.scrape(SimTime::from_s(15), ops).empty());
    m.down = true;
    m.scrape(SimTime::from_s(30), ops);
    m.down = false;
    m.services[0].arrivals = 40;
    m.scrape(SimTime::from_s(45), ops);
    RunResult out;
    m.fill(ops, out);
    CHECK(out.metric_scrapes == 2);
    CHECK(out.metric_times_seconds == std::vector<double>{15.0, 45.0});
}

TEST_CASE("Monitoring: an alert on a metric nobody records is refused at once") {
    OperationsParams ops;
    models::AlertRuleParams rule;
    rule.name = "ghost";
    rule.condition.metric.name = "no_such_metric";
    rule.condition.metric.subject = "api";
    ops.alerts.push_back(rule);
    CHECK_THROWS_AS(Monitoring(ops, {"api"}, {}, {}), std::invalid_argument);
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
    Monitoring m(ops, {"api"}, {}, {});
    CHECK(m.scrape(SimTime::from_s(15), ops).size() == 1); // Busy fires; the heartbeat is there
    m.down = true;
    // Silent from 30: pending at 30 and 45, firing at 60 (held for 30 s); Busy is not
    // evaluated, so it neither resolves nor fires again.
    CHECK(m.scrape(SimTime::from_s(30), ops).empty());
    CHECK(m.scrape(SimTime::from_s(45), ops).empty());
    const auto paged = m.scrape(SimTime::from_s(60), ops);
    REQUIRE(paged.size() == 1);
    CHECK(paged[0].rule == 0);
    CHECK(paged[0].fired);
    m.down = false;
    const auto back = m.scrape(SimTime::from_s(75), ops);
    REQUIRE(back.size() == 1);
    CHECK(back[0].rule == 0);
    CHECK_FALSE(back[0].fired);
    RunResult out;
    m.fill(ops, out);
    REQUIRE(out.alerts.size() == 2);
    REQUIRE(out.alerts[0].firings.size() == 1);
    CHECK(out.alerts[0].firings[0].fired_seconds == 60.0);
    CHECK(out.alerts[0].firings[0].resolved_seconds == 75.0);
    CHECK(out.alerts[1].firings.size() == 1);
    CHECK(out.metric_times_seconds == std::vector<double>{15.0, 75.0});
}

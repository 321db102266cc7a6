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

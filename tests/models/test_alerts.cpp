#include "models/alerts.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace tpssim;

using models::AlertEvaluator;
using models::AlertRuleParams;
using models::Comparison;
using models::MetricsRecorder;
using models::ServiceReading;
using sim::SimTime;
using State = AlertEvaluator::State;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One service "api" scraped by hand: each scrape sets its queue depth, then evaluates.
struct Monitor {
    MetricsRecorder metrics{{"api"}, {}, {}};
    AlertEvaluator alerts;

    explicit Monitor(SimTime for_duration, std::string_view metric = "queue_depth",
                     Comparison op = Comparison::Greater, double threshold = 10.0)
        : alerts(rules(metric, op, threshold, for_duration)) {}

    std::vector<AlertRuleParams> rules(std::string_view metric, Comparison op, double threshold,
                                       SimTime for_duration) const {
        AlertRuleParams rule;
        rule.name = "Backlog";
        rule.condition.metric.name = std::string(metric);
        rule.condition.metric.subject = "api";
        rule.condition.metric.column = static_cast<std::uint32_t>(metrics.find(metric, "api"));
        rule.condition.op = op;
        rule.condition.threshold = threshold;
        rule.for_duration = for_duration;
        return {rule};
    }

    std::vector<models::AlertChange> scrape(std::int64_t t_seconds, double depth) {
        ServiceReading r;
        r.queue_depth = depth;
        metrics.record(SimTime::from_s(t_seconds), {r}, {}, {});
        return alerts.evaluate(SimTime::from_s(t_seconds), metrics);
    }
};

} // namespace

TEST_CASE("alerts: holds compares, and NaN never holds") {
    CHECK(models::holds(Comparison::Less, 1.0, 2.0));
    CHECK_FALSE(models::holds(Comparison::Less, 2.0, 2.0));
    CHECK(models::holds(Comparison::LessEqual, 2.0, 2.0));
    CHECK(models::holds(Comparison::Greater, 3.0, 2.0));
    CHECK_FALSE(models::holds(Comparison::Greater, 2.0, 2.0));
    CHECK(models::holds(Comparison::GreaterEqual, 2.0, 2.0));
    CHECK(models::holds(Comparison::Equal, 2.0, 2.0));
    CHECK(models::holds(Comparison::NotEqual, 1.0, 2.0));
    for (auto op : {Comparison::Less, Comparison::LessEqual, Comparison::Greater,
                    Comparison::GreaterEqual, Comparison::Equal, Comparison::NotEqual})
        CHECK_FALSE(models::holds(op, kNaN, 2.0));
}

TEST_CASE("alerts: pending from the first true evaluation, firing once `for` has elapsed") {
    Monitor m(SimTime::from_s(60));
    CHECK(m.scrape(0, 0.0).empty());
    CHECK(m.alerts.state(0) == State::Inactive);

    // True from t = 15: pending at 15, 30, 45, 60; 75 - 15 = 60 >= for: fires at 75 exactly.
    for (std::int64_t t = 15; t <= 60; t += 15) {
        CHECK(m.scrape(t, 12.0).empty());
        CHECK(m.alerts.state(0) == State::Pending);
    }
    auto changes = m.scrape(75, 13.0);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].rule == 0);
    CHECK(changes[0].fired);
    CHECK(changes[0].value == 13.0);
    CHECK(m.alerts.state(0) == State::Firing);
    REQUIRE(m.alerts.firings(0).size() == 1);
    CHECK(m.alerts.firings(0)[0].fired_seconds == 75.0);
    CHECK(std::isnan(m.alerts.firings(0)[0].resolved_seconds));
    CHECK(m.alerts.firings(0)[0].value == 13.0);

    // Still true: no new change.
    CHECK(m.scrape(90, 20.0).empty());
    CHECK(m.alerts.state(0) == State::Firing);

    // The first false evaluation resolves it.
    changes = m.scrape(105, 3.0);
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].fired);
    CHECK(changes[0].value == 3.0);
    CHECK(m.alerts.state(0) == State::Inactive);
    CHECK(m.alerts.firings(0)[0].resolved_seconds == 105.0);

    // A second episode is a second firing, with `for` measured afresh.
    CHECK(m.scrape(120, 11.0).empty());
    CHECK(m.alerts.state(0) == State::Pending);
    CHECK(m.scrape(165, 11.0).empty());
    CHECK(m.scrape(180, 11.0).size() == 1);
    REQUIRE(m.alerts.firings(0).size() == 2);
    CHECK(m.alerts.firings(0)[1].fired_seconds == 180.0);
}

TEST_CASE("alerts: for 0 fires at the first true evaluation") {
    Monitor m(SimTime::zero());
    CHECK(m.scrape(15, 5.0).empty());
    const auto changes = m.scrape(30, 11.0);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].fired);
    CHECK(m.alerts.state(0) == State::Firing);
    CHECK(m.alerts.firings(0)[0].fired_seconds == 30.0);
    CHECK(m.scrape(45, 10.0).size() == 1); // 10 > 10 is false: resolved
    CHECK(m.alerts.firings(0)[0].resolved_seconds == 45.0);
}

TEST_CASE("alerts: a false evaluation while pending resets it (flapping never fires)") {
    Monitor m(SimTime::from_s(60));
    CHECK(m.scrape(15, 11.0).empty());
    CHECK(m.scrape(30, 11.0).empty());
    CHECK(m.scrape(45, 11.0).empty());
    CHECK(m.scrape(60, 1.0).empty()); // would have been 45 s of 60: starts again
    CHECK(m.alerts.state(0) == State::Inactive);
    CHECK(m.scrape(75, 11.0).empty()); // pending since 75
    CHECK(m.scrape(90, 11.0).empty()); // 90 - 15 >= 60 would have fired without the reset
    CHECK(m.scrape(120, 11.0).empty());
    CHECK(m.alerts.state(0) == State::Pending);
    CHECK(m.scrape(135, 11.0).size() == 1); // 135 - 75 = 60
    CHECK(m.alerts.firings(0)[0].fired_seconds == 135.0);
}

TEST_CASE("alerts: a NaN value (no data) counts as false") {
    // p99 < 1 s: with no request in any interval the p99 is NaN, so the rule never becomes
    // pending, even though "less than" would hold for an absent value read as 0.
    Monitor m(SimTime::zero(), "p99", Comparison::Less, 1.0);
    CHECK(m.scrape(15, 0.0).empty());
    CHECK(m.alerts.state(0) == State::Inactive);
    CHECK(m.alerts.firings(0).empty());
}

TEST_CASE("alerts: a NaN value resolves a firing alert") {
    // p99 > 0.5 s fires on an interval of slow requests; the next interval has no request, so
    // its p99 is NaN (no data) and the alert resolves, as an empty vector does in Prometheus.
    Monitor m(SimTime::zero(), "p99", Comparison::Greater, 0.5);
    sim::QuantileSketch slow;
    slow.add(SimTime::from_s(2));
    ServiceReading r;
    r.interval_latency_p50_p90_p99 = models::interval_latency_quantiles(slow);
    m.metrics.record(SimTime::from_s(15), {r}, {}, {});
    CHECK(m.alerts.evaluate(SimTime::from_s(15), m.metrics).size() == 1);
    CHECK(m.alerts.state(0) == State::Firing);

    r.interval_latency_p50_p90_p99 = ServiceReading{}.interval_latency_p50_p90_p99;
    m.metrics.record(SimTime::from_s(30), {r}, {}, {});
    const auto changes = m.alerts.evaluate(SimTime::from_s(30), m.metrics);
    REQUIRE(changes.size() == 1);
    CHECK_FALSE(changes[0].fired);
    CHECK(std::isnan(changes[0].value));
    CHECK(m.alerts.firings(0)[0].resolved_seconds == 30.0);
}

TEST_CASE("alerts: a rule on increase() fires on a counter's rise and resolves once the range "
          "has moved past it") {
    // increase(dead_lettered(api)[5m]) > 0, scraped every 15 s: 2 dead letters counted
    // between the scrapes at 585 s and 600 s.
    MetricsRecorder metrics{{"api"}, {}, {}};
    AlertRuleParams rule;
    rule.name = "DeadLetters";
    rule.condition.metric.name = "tps_dead_lettered_total";
    rule.condition.metric.subject = "api";
    rule.condition.metric.column =
        static_cast<std::uint32_t>(metrics.find("tps_dead_lettered_total", "api"));
    rule.condition.range_function = models::RangeFunction::Increase;
    rule.condition.range = SimTime::from_s(300);
    rule.condition.op = Comparison::Greater;
    rule.condition.threshold = 0.0;
    AlertEvaluator alerts({rule});
    for (std::int64_t t = 15; t <= 1200; t += 15) {
        ServiceReading r;
        r.dead_lettered = t >= 600 ? 2 : 0;
        metrics.record(SimTime::from_s(t), {r}, {}, {});
        const auto changes = alerts.evaluate(SimTime::from_s(t), metrics);
        // Firing from the scrape that saw the rise until the one whose range [t - 5m, t]
        // starts at the 600 s sample (Prometheus 2's closed range): 900 s.
        const bool firing = t >= 600 && t < 900;
        CHECK(alerts.state(0) == (firing ? State::Firing : State::Inactive));
        if (t == 600) {
            REQUIRE(changes.size() == 1);
            CHECK(changes[0].fired);
            CHECK(changes[0].value == 2.0); // the increase, not the counter
        }
    }
    REQUIRE(alerts.firings(0).size() == 1);
    CHECK(alerts.firings(0)[0].fired_seconds == 600.0);
    CHECK(alerts.firings(0)[0].resolved_seconds == 900.0);
}

TEST_CASE("alerts: a rule on rate() compares the increase per second of the range") {
    MetricsRecorder metrics{{"api"}, {}, {}};
    AlertRuleParams rule;
    rule.name = "Redelivering";
    rule.condition.metric.name = "tps_redelivered_total";
    rule.condition.metric.subject = "api";
    rule.condition.metric.column =
        static_cast<std::uint32_t>(metrics.find("tps_redelivered_total", "api"));
    rule.condition.range_function = models::RangeFunction::Rate;
    rule.condition.range = SimTime::from_s(60);
    rule.condition.op = Comparison::GreaterEqual;
    rule.condition.threshold = 0.5; // 30 in a minute
    AlertEvaluator alerts({rule});
    // 10 redeliveries per scrape from 120 s: 40 a minute (0.67/s) once the range is past it.
    std::uint64_t total = 0;
    for (std::int64_t t = 15; t <= 300; t += 15) {
        if (t > 120) total += 10;
        ServiceReading r;
        r.redelivered = total;
        metrics.record(SimTime::from_s(t), {r}, {}, {});
        alerts.evaluate(SimTime::from_s(t), metrics);
        // At 165 s the range [105, 165] rose 30 (3 scrapes of 10): 0.5/s, the first to hold.
        CHECK(alerts.state(0) == (t >= 165 ? State::Firing : State::Inactive));
    }
}

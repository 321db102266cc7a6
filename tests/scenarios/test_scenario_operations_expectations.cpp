// The `expect:` checks of a scenario: windows, at some point, totals, alerts, breakers and
// canaries, and errors saying what was expected and what was found, where.
// Broken files with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "operations_scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;
using namespace test_support::operations_scenario;

using models::Comparison;
using models::ExpectationParams;
using sim::SimTime;
TEST_CASE("expectations: windows, at some point, totals, alerts, breakers and canaries") {
    const auto sc = kSystem.load(R"(deployments:
  worker:
    versions: {v2: {}}
    canary: {version: v2}
alerts:
  - {name: SloBurn, when: "p99(api) > 100ms"}
expect:
  - "error_rate(api) < 1% during [14:00, 15:00]"
  - "p99(api) < 100ms after 16:00"
  - "queue_depth(jobs) > 100 at some point during [1m, 2m]"
  - "throughput(api) >= 90/s before 2026-12-25T20:00"
  - "utilization(worker) < 90% between 15:00 and 15:10"
  - "dead_lettered(jobs) == 0"
  - "p99(api) <= 250ms"
  - "alert SloBurn fires before 1h"
  - "alert SloBurn never fires"
  - "breaker(worker->service-b) opens between 15:00 and 15:10"
  - "breaker(worker->service-c) never opens"
  - "canary(worker) promoted"
  - "canary(worker) rolled back"
  - "queue_depth(jobs) > 10% at some point"
)");
    const auto& e = sc.model.operations.expectations;
    REQUIRE(e.size() == 14);
    using K = ExpectationParams::Kind;
    CHECK(e[0].kind == K::Always);
    CHECK(e[0].text == "error_rate(api) < 1% during [14:00, 15:00]");
    CHECK(e[0].condition.text == "error_rate(api) < 1%");
    CHECK(e[0].condition.metric.name == "tps_error_ratio");
    CHECK(e[0].condition.op == Comparison::Less);
    CHECK(e[0].condition.threshold == doctest::Approx(0.01));
    CHECK(e[0].from == SimTime::zero()); // 14:00 is the start
    CHECK(e[0].to == hours(1));
    CHECK(e[1].kind == K::Always);
    CHECK(e[1].from == hours(2));
    CHECK(e[1].to == models::kNever);
    CHECK(e[2].kind == K::Ever);
    CHECK(e[2].condition.metric.name == "tps_queue_depth");
    CHECK(e[2].from == SimTime::from_s(60));
    CHECK(e[2].to == SimTime::from_s(120));
    CHECK(e[3].condition.threshold == 90.0);
    CHECK(e[3].from == SimTime::zero());
    CHECK(e[3].to == hours(6));
    CHECK(e[4].from == hours(1));
    CHECK(e[4].to == hours(1) + SimTime::from_s(600));
    CHECK(e[5].kind == K::Total);
    CHECK(e[5].condition.metric.name == "dead_lettered");
    CHECK(e[5].condition.metric.subject == "jobs");
    CHECK(e[5].condition.op == Comparison::Equal);
    CHECK(e[5].condition.threshold == 0.0);
    CHECK(e[6].kind == K::Total);
    CHECK(e[6].condition.metric.name == "p99");
    CHECK(e[6].condition.threshold == doctest::Approx(0.25));
    CHECK(e[7].kind == K::AlertFires);
    CHECK(e[7].alert == 0);
    CHECK(e[7].to == hours(1));
    CHECK(e[8].kind == K::AlertNeverFires);
    CHECK(e[8].to == models::kNever);
    CHECK(e[9].kind == K::BreakerOpens);
    CHECK(e[9].service == kWorker);
    CHECK(e[9].edge_key == "service-b");
    CHECK(e[9].from == hours(1));
    CHECK(e[10].kind == K::BreakerNeverOpens);
    CHECK(e[10].edge_key == "service-c");
    CHECK(e[11].kind == K::CanaryPromoted);
    CHECK(e[11].service == kWorker);
    CHECK(e[12].kind == K::CanaryRolledBack);
    CHECK(e[13].kind == K::Ever);
    CHECK(e[13].condition.metric.name == "tps_queue_fill_ratio");
    CHECK(e[13].from == SimTime::zero());
    CHECK(e[13].to == models::kNever);
}

TEST_CASE("expectation errors say what was expected and what was found, where") {
    const auto one = [](const std::string& text) {
        return kSystem.errors("expect: [\"" + text + "\"]\n");
    };
    // The text starts at column 11.
    CHECK(one("queue_depth(jobs) < 10") ==
          std::vector<std::string>{kSystem.at(1, 33) +
                                   "expect.0: a condition on the metric "
                                   "\"queue_depth\" needs a window: add during [a, b], "
                                   "after t, before t, between a and b or at some "
                                   "point (or use a total of the run's final figures: "
                                   "arrivals, completed, rejected, failed, timed_out, "
                                   "dead_lettered, redelivered, duplicates, crashes, "
                                   "oom_kills, replaced, unschedulable, scale_ups, scale_downs, "
                                   "utilization, throughput, error_rate, mean, p50, "
                                   "p90, p99, max, replicas_max, max_queue_length)"});
    CHECK(one("crashes(worker) > 0 after 1h") ==
          std::vector<std::string>{kSystem.at(1, 11) +
                                   "expect.0: \"crashes\" is a total of the run's "
                                   "final figures: it takes no window (e.g. "
                                   "crashes(api) == 0)"});
    CHECK(one("p99(api) < 100ms durng [1m, 2m]") ==
          std::vector<std::string>{kSystem.at(1, 28) +
                                   "expect.0: expected a window (during [a, b], after "
                                   "t, before t, between a and b), \"at some point\" "
                                   "or the end of the text, got \"durng\""});
    CHECK(one("p99(api) < 100ms during [2m, 1m]") ==
          std::vector<std::string>{kSystem.at(1, 40) +
                                   "expect.0: expected a time at or after the "
                                   "window's start (2026-12-25T14:02), got \"1m\""});
    CHECK(one("p99(api) < 100ms during [1m 2m]") ==
          std::vector<std::string>{kSystem.at(1, 39) +
                                   "expect.0: expected \",\" between the window's two "
                                   "times, got \"2m\""});
    CHECK(one("alert") ==
          std::vector<std::string>{kSystem.at(1, 16) + "expect.0: expected the alert's "
                                                       "name after \"alert\", got the "
                                                       "end of the text"});
    CHECK(one("alert Nope fires") ==
          std::vector<std::string>{kSystem.at(1, 17) +
                                   "expect.0: unknown alert \"Nope\": no alerts are "
                                   "defined (alerts: [{name: ..., when: ...}])"});
    CHECK(one("breaker(worker->db) opens") ==
          std::vector<std::string>{kSystem.at(1, 19) + "expect.0: the call worker->db has no "
                                                       "circuit_breaker"});
    CHECK(one("canary(worker) promoted") ==
          std::vector<std::string>{kSystem.at(1, 18) +
                                   "expect.0: \"worker\" has no canary (deployments: "
                                   "{worker: {canary: ...}})"});
    CHECK(
        one("p99(api) < 100ms after slo_violation") ==
        std::vector<std::string>{kSystem.at(1, 34) +
                                 "expect.0: expected a duration from the start (e.g. 90m), or with "
                                 "start: a clock time (e.g. \"15:00\") or a date and time (e.g. "
                                 "2026-12-25T15:00), got \"slo_violation\""});
    // Without a close name, every metric and total is listed (the list follows the catalogue).
    const auto unknown = kSystem.errors("expect: [\"lantency(api) < 1s after 1m\"]\n");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].starts_with(kSystem.at(1, 11) +
                                 "expect.0: unknown metric \"lantency\" (metrics: "
                                 "request_rate, throughput, error_rate,"));
    CHECK(unknown[0].find("; totals: arrivals, completed,") != std::string::npos);
}

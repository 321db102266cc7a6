// The alerts of a scenario: conditions on metrics with their units, absent() as the dead man's
// switch, and errors pointing inside the condition.
// Broken files with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "operations_scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;
using namespace test_support::operations_scenario;

using models::Comparison;
using sim::SimTime;

TEST_CASE("alerts: conditions on metrics with their units, queue_depth as a share") {
    const auto sc = kSystem.load(R"(network:
  links: [{between: [worker, db], bandwidth: 1Gbit/s, payload: 20KiB}]
alerts:
  - {name: HighErrorRate, when: "error_rate(api) > 5%", for: 2m, severity: page}
  - {name: QueueBacklog, when: "queue_depth(jobs) > 50%", for: 5m, severity: ticket}
  - {name: QueueLong, when: "queue_depth(jobs) >= 100"}
  - {name: SloBurn, when: "tps_latency_p99_seconds(api) > 100ms", severity: info}
  - {name: Calls, when: "call_error_rate(worker->service-b) != 0.25"}
  - {name: Link, when: "link_utilization(worker->db) <= 90%"}
  - {name: Memory, when: "memory(worker) > 1.5GiB"}
  - {name: Open, when: "breaker_state(worker->service-c) == open"}
)");
    const auto& alerts = sc.model.operations.alerts;
    REQUIRE(alerts.size() == 8);
    CHECK(alerts[0].name == "HighErrorRate");
    CHECK(alerts[0].condition.metric.name == "tps_error_ratio");
    CHECK(alerts[0].condition.metric.subject == "api");
    CHECK(alerts[0].condition.op == Comparison::Greater);
    CHECK(alerts[0].condition.threshold == doctest::Approx(0.05));
    CHECK(alerts[0].condition.text == "error_rate(api) > 5%");
    CHECK(alerts[0].for_duration == SimTime::from_s(120));
    CHECK(alerts[0].severity == "page");
    CHECK(alerts[1].condition.metric.name == "tps_queue_fill_ratio");
    CHECK(alerts[1].condition.threshold == doctest::Approx(0.5));
    CHECK(alerts[1].severity == "ticket");
    CHECK(alerts[2].condition.metric.name == "tps_queue_depth");
    CHECK(alerts[2].condition.op == Comparison::GreaterEqual);
    CHECK(alerts[2].condition.threshold == 100.0);
    CHECK(alerts[2].for_duration == SimTime::zero());
    CHECK(alerts[2].severity == "page");
    CHECK(alerts[3].condition.metric.name == "tps_latency_p99_seconds");
    CHECK(alerts[3].condition.threshold == doctest::Approx(0.1));
    CHECK(alerts[3].severity == "info");
    CHECK(alerts[4].condition.metric.name == "tps_call_error_ratio");
    CHECK(alerts[4].condition.metric.subject == "worker->service-b");
    CHECK(alerts[4].condition.op == Comparison::NotEqual);
    CHECK(alerts[4].condition.threshold == 0.25);
    CHECK(alerts[5].condition.metric.name == "tps_link_utilization");
    CHECK(alerts[5].condition.metric.subject == "worker->db");
    CHECK(alerts[5].condition.op == Comparison::LessEqual);
    CHECK(alerts[6].condition.threshold == 1.5 * 1024 * 1024 * 1024);
    CHECK(alerts[7].condition.op == Comparison::Equal);
    CHECK(alerts[7].condition.threshold == 2.0);
}

TEST_CASE("alerts: absent(watchdog) is the dead man's switch; absent() takes nothing else") {
    const auto sc =
        kSystem.load("alerts:\n  - {name: MonitoringSilent, when: \"absent(watchdog)\", "
                     "for: 2m}\n");
    const auto& alerts = sc.model.operations.alerts;
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].condition.watchdog_absent);
    CHECK(alerts[0].condition.text == "absent(watchdog)");
    CHECK(alerts[0].for_duration == SimTime::from_s(120));
    const std::string head = "alerts:\n  - {name: A, for: 1m, when: \"";
    CHECK(kSystem.errors(head + "absent(worker)\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 38) +
                                   "alerts.0.when: absent() takes watchdog (the "
                                   "monitoring's heartbeat: absent(watchdog) holds "
                                   "while monitoring is down), got \"worker\""});
    CHECK(kSystem.errors(head + "absent(watchdog) > 0\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 48) +
                                   "alerts.0.when: expected the end of the text "
                                   "after absent(watchdog): it holds or not, with no "
                                   "comparison, got \">\""});
}

TEST_CASE("alert errors point inside the condition") {
    // The condition starts at column 31 (after the opening quote at 30).
    const std::string head = "alerts:\n  - {name: A, for: 1m, when: \"";
    CHECK(kSystem.errors(head + "error_rat(api) > 5%\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 31) +
                                   "alerts.0.when: unknown metric \"error_rat\"; did "
                                   "you mean \"error_rate\"?"});
    CHECK(kSystem.errors(head + "error_rate(apl) > 5%\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 42) +
                                   "alerts.0.when: unknown service \"apl\"; did you "
                                   "mean \"api\"?"});
    CHECK(kSystem.errors(head + "error_rate(api) => 5%\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 47) +
                                   "alerts.0.when: expected a comparison (<, <=, >, "
                                   ">=, ==, !=) after \"error_rate(api)\", got \"=\"; "
                                   "did you mean \"==\"?"});
    CHECK(kSystem.errors(head + "p99(api) > 100\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 42) +
                                   "alerts.0.when: expected a duration with a unit, "
                                   "e.g. 100ms (p99 is a time), got \"100\""});
    CHECK(kSystem.errors(head + "call_rate(worker) > 1\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 41) + "alerts.0.when: call_rate is about a call: "
                                                       "expected caller->callee, e.g. "
                                                       "call_rate(worker->db), got \"worker\""});
    CHECK(kSystem.errors(head + "call_rate(worker->api) > 1\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 41) +
                                   "alerts.0.when: no call \"worker->api\" (worker "
                                   "calls: worker->service-b, worker->db, "
                                   "worker->service-c)"});
    CHECK(kSystem.errors(head + "error_rate(api) > 5% during [1h, 2h]\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 52) +
                                   "alerts.0.when: an alert's condition takes no "
                                   "window: it is checked at every scrape, and for: "
                                   "says how long it must hold; got \"during\""});
    CHECK(kSystem.errors(head + "link_utilization(worker->db) > 5%\"}\n") ==
          std::vector<std::string>{kSystem.at(2, 48) +
                                   "alerts.0.when: no network link \"worker->db\": "
                                   "none is defined (network: {links: [{between: "
                                   "[worker, db], bandwidth: 1Gbit/s, payload: "
                                   "20KiB}]})"});
    CHECK(kSystem.errors(
              "alerts:\n  - {name: A, when: \"p99(api) > 1s\"}\n  - {name: A, when: \"p99(api) "
              "> 2s\"}\n") ==
          std::vector<std::string>{kSystem.at(3, 12) +
                                   "alerts.1.name: duplicate alert name \"A\"; the "
                                   "first is at line " +
                                   std::to_string(kSystem.lines() + 2)});
}

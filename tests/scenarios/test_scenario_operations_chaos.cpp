// The chaos timeline of a scenario: every fault kind, targets, clock times and default names,
// the errors, and `--chaos` entries read like `chaos:` ones.
// Broken files with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "operations_scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;
using namespace test_support::operations_scenario;

using models::FaultKind;
using models::FaultTarget;
using sim::SimTime;

TEST_CASE("chaos: every fault kind, targets, clock times and default names") {
    const auto sc = kSystem.load(R"(network:
  links: [{between: [worker, db], bandwidth: 1Gbit/s, payload: 20KiB}]
chaos:
  - {at: "15:00", for: 3h, target: service-c, latency: +400ms}
  - {at: "16:00", target: worker, crash: 2, restart_after: 10m}
  - {at: "17:00", target: db, slow_query: {fraction: 20%, factor: 10}}
  - {at: "18:00", target: worker, memory_leak: 2MiB/min}
  - {at: "19:00", until: "19:30", target: "worker->db", bandwidth_used: 90%}
  - {at: 30h, for: 10m, target: jobs, backend_down: true}
  - {at: 40h, for: 20m, monitoring_down: true}
  - {at: 55h, target: service-b, errors: {ramp: {from: 0%, to: 50%, step: 10%, every: 1m}}}
  - {name: slow calls, target: "worker->service-c", latency: {dist: exponential, mean: 50ms}}
  - {target: "service-b->service-c", errors: 5%}
  - {target: worker, unhealthy: {count: 2, factor: 5, errors: 50%}}
  - {target: db, memory_leak: {per_second: 1KiB, per_request: 100B}}
  - {target: api, errors: {probability: 1%}}
  - {name: leaky build, target: worker, memory_leak: 4KiB/request}
)",
                                 {"services.worker.autoscaler={max: 20}"});
    const auto& f = sc.model.operations.faults;
    REQUIRE(f.size() == 14);
    CHECK(f[0].name == "service-c latency");
    CHECK(f[0].kind == FaultKind::Latency);
    CHECK(f[0].target.kind == FaultTarget::Kind::Service);
    CHECK(f[0].target.index == kServiceC);
    CHECK(f[0].start == hours(1));
    CHECK(f[0].end == hours(4));
    CHECK(f[0].latency.mean_seconds() == doctest::Approx(0.4));
    CHECK(f[1].kind == FaultKind::Crash);
    CHECK(f[1].count == 2);
    CHECK(f[1].restart_after == SimTime::from_s(600));
    CHECK(f[1].end == models::kNever);
    CHECK(f[2].kind == FaultKind::SlowQuery);
    CHECK(f[2].fraction == doctest::Approx(0.2));
    CHECK(f[2].factor == 10.0);
    CHECK(f[3].kind == FaultKind::MemoryLeak);
    CHECK(f[3].bytes_per_second == doctest::Approx(2.0 * 1024 * 1024 / 60));
    CHECK(f[4].kind == FaultKind::BandwidthUsed);
    CHECK(f[4].target.kind == FaultTarget::Kind::Link);
    CHECK(f[4].target.index == 0);
    CHECK(f[4].fraction == doctest::Approx(0.9));
    CHECK(f[4].start == hours(5));
    CHECK(f[4].end == hours(5.5));
    CHECK(f[4].name == "worker->db bandwidth_used");
    CHECK(f[5].kind == FaultKind::BackendDown);
    CHECK(f[5].target.index == kJobs);
    CHECK(f[5].end == hours(30) + SimTime::from_s(600));
    CHECK(f[6].kind == FaultKind::MonitoringDown);
    CHECK(f[6].target.kind == FaultTarget::Kind::System);
    CHECK(f[6].name == "monitoring_down");
    CHECK(f[7].kind == FaultKind::Errors);
    REQUIRE(f[7].ramp);
    CHECK(f[7].ramp->from == 0.0);
    CHECK(f[7].ramp->to == doctest::Approx(0.5));
    CHECK(f[7].ramp->step == doctest::Approx(0.1));
    CHECK(f[7].ramp->every == SimTime::from_s(60));
    CHECK(f[8].name == "slow calls");
    CHECK(f[8].target.kind == FaultTarget::Kind::Edge);
    CHECK(f[8].target.index == 2);
    CHECK(f[8].start == SimTime::zero());
    CHECK(f[8].latency.mean_seconds() == doctest::Approx(0.05));
    CHECK(f[9].target.kind == FaultTarget::Kind::Edge);
    CHECK(f[9].target.index == 3);
    CHECK(f[9].probability == doctest::Approx(0.05));
    CHECK_FALSE(f[9].ramp);
    CHECK(f[10].kind == FaultKind::UnhealthyWorker);
    CHECK(f[10].count == 2);
    CHECK(f[10].factor == 5.0);
    CHECK(f[10].probability == doctest::Approx(0.5));
    CHECK(f[11].bytes_per_second == 1024.0);
    CHECK(f[11].bytes_per_request == 100.0);
    CHECK(f[12].target.index == kApi);
    CHECK(f[12].probability == doctest::Approx(0.01));
    CHECK(f[13].bytes_per_request == 4096.0);
    CHECK(f[13].bytes_per_second == 0.0);
}

TEST_CASE("chaos errors: kinds, targets and names") {
    CHECK(kSystem.errors("chaos: [{target: worker, explode: true}]\n") ==
          std::vector<std::string>{
              kSystem.at(1, 26) +
              "chaos.0.explode: unknown key \"explode\"; expected one of: name, at, "
              "for, until, target, latency, errors, crash, restart_after, unhealthy, "
              "slow_query, memory_leak, bandwidth_used, backend_down, "
              "monitoring_down, autoscaler_broken, node_crash"});
    CHECK(kSystem.errors("chaos: [{target: worker, crash: 1, latency: 1s}]\n") ==
          std::vector<std::string>{kSystem.at(1, 36) +
                                   "chaos.0: expected exactly one fault kind, found "
                                   "crash and latency: a fault does one thing (make "
                                   "them separate faults)"});
    CHECK(kSystem.errors("chaos: [{target: jobs, crash: 1}]\n") ==
          std::vector<std::string>{kSystem.at(1, 18) +
                                   "chaos.0.target: \"jobs\" is a queue (kind: "
                                   "queue): crash hits a service's replicas (to stop "
                                   "a queue, backend_down: true)"});
    CHECK(kSystem.errors("chaos: [{target: worker, backend_down: true}]\n") ==
          std::vector<std::string>{kSystem.at(1, 18) +
                                   "chaos.0.target: backend_down hits a queue (kind: "
                                   "queue); \"worker\" is a service"});
    CHECK(kSystem.errors("chaos: [{target: \"worker->db\", crash: 1}]\n") ==
          std::vector<std::string>{kSystem.at(1, 18) +
                                   "chaos.0.target: crash hits a service, not a "
                                   "call; got \"worker->db\""});
    CHECK(kSystem.errors("chaos: [{target: worker, autoscaler_broken: true}]\n") ==
          std::vector<std::string>{kSystem.at(1, 18) +
                                   "chaos.0.target: \"worker\" has no autoscaler to "
                                   "break (services.worker.autoscaler)"});
    CHECK(kSystem.errors("chaos: [{target: worker, monitoring_down: true}]\n") ==
          std::vector<std::string>{kSystem.at(1, 10) +
                                   "chaos.0.target: monitoring_down hits the whole "
                                   "system: it takes no target"});
    CHECK(kSystem.errors("chaos: [{target: api, latency: 1s}, {target: api, latency: 2s}]\n") ==
          std::vector<std::string>{kSystem.at(1, 37) +
                                   "chaos.1: duplicate fault name \"api latency\"; "
                                   "the first is at line " +
                                   std::to_string(kSystem.lines() + 1) +
                                   " (give each a name: ...)"});
    CHECK(kSystem.errors("chaos: [{at: 70h, target: api, latency: 1s}]\n") ==
          std::vector<std::string>{kSystem.at(1, 14) +
                                   "chaos.0.at: it starts at 2026-12-28T12:00, when "
                                   "the run is over (duration: 66h); got \"70h\""});
    CHECK(kSystem.errors("chaos: [{target: api, backend_down: false}]\n") ==
          std::vector<std::string>{
              kSystem.at(1, 18) + "chaos.0.target: backend_down hits a queue (kind: "
                                  "queue); \"api\" is a service",
              kSystem.at(1, 37) + "chaos.0.backend_down: expected true "
                                  "(backend_down: false would do nothing: remove the "
                                  "fault instead)"});
}

TEST_CASE("--chaos adds faults read like chaos: entries") {
    const auto sc =
        kSystem.load("chaos: [{target: api, latency: 1s}]\n", {},
                     {"target=service-c,latency=5000ms", "target=worker,crash=2,at=10m,for=5m",
                      "target=service-b,errors={probability: 5%},name=b errors"});
    const auto& f = sc.model.operations.faults;
    REQUIRE(f.size() == 4);
    CHECK(f[1].name == "service-c latency");
    CHECK(f[1].target.index == kServiceC);
    CHECK(f[1].latency.mean_seconds() == doctest::Approx(5.0));
    CHECK(f[2].kind == FaultKind::Crash);
    CHECK(f[2].count == 2);
    CHECK(f[2].start == SimTime::from_s(600));
    CHECK(f[2].end == SimTime::from_s(900));
    CHECK(f[3].name == "b errors");
    CHECK(f[3].probability == doctest::Approx(0.05));
    // The resolved document holds them, for provenance.
    CHECK(sc.resolved_yaml.find("latency: 5000ms") != std::string::npos);

    CHECK(kSystem.errors("", {}, {"target=servce-c,latency=5s"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.0.target: unknown service "
                                   "\"servce-c\"; did you mean \"service-c\"?"});
    CHECK(kSystem.errors("", {}, {"target=api,latency"}) ==
          std::vector<std::string>{"<--chaos>: error: expected key=value pairs separated by "
                                   "commas, e.g. target=service-c,latency=5000ms, got "
                                   "\"target=api,latency\""});
    CHECK(kSystem.errors("", {}, {"target=api,latency=1s,latency=2s"}) ==
          std::vector<std::string>{"<--chaos>: error: duplicate key \"latency\" in "
                                   "\"target=api,latency=1s,latency=2s\""});
    CHECK(kSystem.errors("", {}, {""}) ==
          std::vector<std::string>{"<--chaos>: error: expected key=value pairs separated by "
                                   "commas, e.g. target=service-c,latency=5000ms, got \"\""});
    CHECK(kSystem.errors("", {}, {"target=api,latency={dist: exponential"}) ==
          std::vector<std::string>{"<--chaos>: error: the value of \"latency\" is not valid YAML: "
                                   "end of map flow not found"});
    CHECK(kSystem.errors("", {}, {"target=api,latency='1s,2s'"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.0.latency: expected a duration with "
                                   "a unit (ns, us, ms, s, m, h, d), got \"1s,2s\" (unknown unit "
                                   "\"s,\")"});
    CHECK(kSystem.errors("", {}, {"target=api,latency=5"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.0.latency: expected a duration with "
                                   "a unit (ns, us, ms, s, m, h, d), got \"5\""});
    CHECK(kSystem.errors("chaos: [{target: api, latency: 1s}]\n", {}, {"target=api,latency=2s"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.1: duplicate fault name \"api "
                                   "latency\"; the first is at line " +
                                   std::to_string(kSystem.lines() + 1) +
                                   " (give each a name: ...)"});
}

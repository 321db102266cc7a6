// The operator actions of a scenario: every kind, times, alerts and set paths, and their
// errors with their exact messages.
// Broken files with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "operations_scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace tpssim;
using namespace test_support::operations_scenario;

using models::ActionParams;
using models::FaultTarget;
using sim::SimTime;

TEST_CASE("actions: every kind, times, alerts and set paths") {
    const auto sc = kSystem.load(R"(alerts:
  - {name: SloBurn, when: "p99(api) > 100ms"}
  - {name: HighErrorRate, when: "error_rate(api) > 5%"}
chaos:
  - {name: slow c, at: 1h, target: service-c, latency: +1s}
deployments:
  worker: {versions: {v2: {}}, canary: {version: v2}}
actions:
  - {on: SloBurn, after: 5m, set: "services.service-b.steps[1].timeout", to: 200ms}
  - {on: HighErrorRate, after: 3m, repeat: true, scale: worker, by: -2}
  - {at: "18:30", restart: worker}
  - {at: 1h, scale: worker, to: 10}
  - {at: 1h, set: services.worker.workers, to: 12}
  - {at: 1h, set: services.api.queue.capacity, to: 50}
  - {at: 1h, set: services.jobs.capacity, to: unbounded}
  - {at: 1h, set: "services.worker.steps[2].calls[1].timeout", to: none}
  - {at: 1h, set: services.worker.errors.probability, to: 2%}
  - {at: 1h, set: "services.worker.steps[1].circuit_breaker.failure_rate_threshold", to: 30%}
  - {at: 1h, replace_unhealthy: worker}
  - {at: 1h, disable_autoscaler: worker}
  - {at: 1h, repair_autoscaler: worker}
  - {at: 1h, rollback: worker}
  - {at: 2h, stop_fault: slow c}
)",
                                 {"services.worker.autoscaler={max: 20}"});
    const auto& a = sc.model.operations.actions;
    REQUIRE(a.size() == 15);
    using K = ActionParams::Kind;
    CHECK(a[0].kind == K::SetCallTimeout);
    CHECK(a[0].on_alert == 0u);
    CHECK(a[0].at == models::kNever);
    CHECK(a[0].after == SimTime::from_s(300));
    CHECK(a[0].target.kind == FaultTarget::Kind::Edge);
    CHECK(a[0].target.index == 3);
    CHECK(a[0].duration == SimTime::from_ms(200));
    CHECK(a[0].text == "set: services.service-b.steps[1].timeout, to: 200ms");
    CHECK(a[1].kind == K::Scale);
    CHECK(a[1].on_alert == 1u);
    CHECK(a[1].repeat);
    CHECK(a[1].relative);
    CHECK(a[1].count == -2);
    CHECK(a[1].target.index == kWorker);
    CHECK(a[2].kind == K::Restart);
    CHECK(a[2].at == hours(4.5));
    CHECK_FALSE(a[2].on_alert);
    CHECK(a[3].kind == K::Scale);
    CHECK_FALSE(a[3].relative);
    CHECK(a[3].count == 10);
    CHECK(a[4].kind == K::Scale);
    CHECK(a[4].count == 12);
    CHECK(a[5].kind == K::SetQueueCapacity);
    CHECK(a[5].target.index == kApi);
    CHECK(a[5].value == 50.0);
    CHECK(a[6].kind == K::SetQueueCapacity);
    CHECK(a[6].target.index == kJobs);
    CHECK(std::isinf(a[6].value));
    CHECK(a[7].kind == K::SetCallTimeout);
    CHECK(a[7].target.index == 2);
    CHECK(a[7].duration == models::kNoTimeout);
    CHECK(a[8].kind == K::SetErrorProbability);
    CHECK(a[8].value == doctest::Approx(0.02));
    CHECK(a[9].kind == K::SetBreakerFailureRate);
    CHECK(a[9].target.kind == FaultTarget::Kind::Edge);
    CHECK(a[9].target.index == 0);
    CHECK(a[9].value == doctest::Approx(0.3));
    CHECK(a[10].kind == K::ReplaceUnhealthy);
    CHECK(a[11].kind == K::DisableAutoscaler);
    CHECK(a[12].kind == K::RepairAutoscaler);
    CHECK(a[13].kind == K::Rollback);
    CHECK(a[14].kind == K::StopFault);
    CHECK(a[14].fault == 0);
}

TEST_CASE("action errors") {
    CHECK(
        kSystem.errors("alerts: [{name: SloBurn, when: \"p99(api) > 1s\"}]\nactions: [{on: SloBrn, "
                       "restart: worker}]\n") ==
        std::vector<std::string>{kSystem.at(2, 16) +
                                 "actions.0.on: unknown alert \"SloBrn\"; did you "
                                 "mean \"SloBurn\"?"});
    CHECK(kSystem.errors("actions: [{at: 1h, set: services.worker.queue.size, to: 3}]\n") ==
          std::vector<std::string>{
              kSystem.at(1, 25) +
              "actions.0.set: unsupported path \"services.worker.queue.size\"; set "
              "supports services.NAME.workers, services.NAME.queue.capacity, "
              "services.QUEUE.capacity, services.NAME.errors.probability, "
              "services.NAME.work_factor, services.NAME.rate_limit, "
              "services.NAME.steps[I].timeout, "
              "services.NAME.steps[I].circuit_breaker.failure_rate_threshold, "
              "services.NAME.steps[I].cache.hit_ratio (each step one also as "
              "steps[I].calls[J]...), network.links[I].payload, network.links[I].bandwidth"});
    CHECK(kSystem.errors(
              "actions: [{at: 1h, set: \"services.worker.steps[0].timeout\", to: 1s}]\n") ==
          std::vector<std::string>{kSystem.at(1, 25) +
                                   "actions.0.set: step 0 of \"worker\" is not a call "
                                   "(a work step)"});
    CHECK(kSystem.errors(
              "actions: [{at: 1h, set: \"services.worker.steps[2].timeout\", to: 1s}]\n") ==
          std::vector<std::string>{kSystem.at(1, 25) +
                                   "actions.0.set: step 2 of \"worker\" is a parallel "
                                   "step: name one of its calls, "
                                   "services.worker.steps[2].calls[J]..."});
    CHECK(kSystem.errors("actions: [{at: 1h, set: \"services.service-b.steps[1].circuit_breaker."
                         "failure_rate_threshold\", to: 10%}]\n") ==
          std::vector<std::string>{kSystem.at(1, 25) +
                                   "actions.0.set: the call service-b->service-c has "
                                   "no circuit_breaker"});
    CHECK(kSystem.errors("actions: [{at: 1h, set: services.jobs.queue.capacity, to: 3}]\n") ==
          std::vector<std::string>{kSystem.at(1, 25) +
                                   "actions.0.set: \"jobs\" is a queue (kind: queue): "
                                   "its only setting here is services.jobs.capacity"});
    CHECK(kSystem.errors("actions: [{at: 1h, scale: worker}]\n") ==
          std::vector<std::string>{kSystem.at(1, 11) +
                                   "actions.0: missing required key \"to\" (a replica "
                                   "count, e.g. to: 10) or \"by\" (a change, e.g. by: "
                                   "4 or by: -2)"});
    CHECK(kSystem.errors("actions: [{at: 1h, scale: worker, by: 0}]\n") ==
          std::vector<std::string>{kSystem.at(1, 39) +
                                   "actions.0.by: expected a non-zero integer from "
                                   "-1000000 to 1000000, e.g. 4 or -2, got 0"});
    CHECK(kSystem.errors("actions: [{at: 1h, restart: worker, rollback: worker}]\n") ==
          std::vector<std::string>{kSystem.at(1, 37) +
                                   "actions.0: expected exactly one action, found "
                                   "restart and rollback (make them separate "
                                   "actions)"});
    CHECK(kSystem.errors("actions: [{at: 1h, stop_fault: nope}]\n") ==
          std::vector<std::string>{kSystem.at(1, 32) +
                                   "actions.0.stop_fault: unknown fault \"nope\": no "
                                   "faults are defined (chaos: [...])"});
    CHECK(kSystem.errors("actions: [{restart: worker}]\n") ==
          std::vector<std::string>{kSystem.at(1, 11) +
                                   "actions.0: missing required key \"at\" (a time, "
                                   "e.g. at: 2h) or \"on\" (an alert's name, e.g. on: "
                                   "HighErrorRate)"});
    CHECK(kSystem.errors("actions: [{at: 1h, after: 1m, restart: worker}]\n") ==
          std::vector<std::string>{kSystem.at(1, 20) +
                                   "actions.0.after: after goes with on (an alert), "
                                   "not with at"});
    CHECK(kSystem.errors("actions: [{at: 1h, disable_autoscaler: worker}]\n") ==
          std::vector<std::string>{kSystem.at(1, 40) +
                                   "actions.0.disable_autoscaler: \"worker\" has no "
                                   "autoscaler (services.worker.autoscaler)"});
}

// The services' operations blocks of a scenario: autoscaler (its behaviour, thresholds and
// metrics), startup, resources and health checks, their defaults, the errors with their exact
// messages, and `--set` creating these blocks.
// Broken files with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "operations_scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace tpssim;
using namespace test_support::operations_scenario;

using sim::SimTime;

TEST_CASE("without operations blocks: one default ServiceOpsParams per service") {
    const auto sc = kSystem.load("");
    const auto& ops = sc.model.operations;
    REQUIRE(ops.services.size() == 6);
    for (const auto& s : ops.services) {
        CHECK_FALSE(s.autoscaler);
        CHECK(s.startup == SimTime::zero());
        CHECK_FALSE(s.health_check);
        CHECK(s.versions.empty());
        CHECK_FALSE(s.canary);
    }
    CHECK(ops.links.empty());
    CHECK(ops.faults.empty());
    CHECK(ops.monitoring.scrape_interval == SimTime::from_s(15));
    CHECK(ops.alerts.empty());
    CHECK(ops.actions.empty());
    CHECK(ops.expectations.empty());
}

TEST_CASE("an HPA autoscaler with the sketch's keys, startup, resources and a health check") {
    const auto sc =
        kSystem.load("", {"services.worker.autoscaler={min: 2, max: 40, metric: utilization, "
                          "target: 70%, sync_period: 30s, tolerance: 5%, "
                          "scale_down_stabilization: 10m, startup: 30s}",
                          "services.worker.resources={cpu_per_request: 4ms, memory: 512MiB, "
                          "memory_limit: 2GiB}",
                          "services.worker.health_check={period: 5s, failure_threshold: 2}",
                          "services.db.startup=45s"});
    const auto& w = sc.model.operations.services[kWorker];
    REQUIRE(w.autoscaler);
    const auto& a = *w.autoscaler;
    CHECK(a.algorithm == models::AutoscalerAlgorithm::Hpa);
    CHECK(a.min_replicas == 2);
    CHECK(a.max_replicas == 40);
    CHECK(a.target == doctest::Approx(0.7));
    CHECK(a.sync_period == SimTime::from_s(30));
    CHECK(a.tolerance == doctest::Approx(0.05));
    CHECK(a.scale_down.stabilization_window == SimTime::from_s(600));
    // Kubernetes' defaults where nothing is said.
    CHECK(a.scale_up.stabilization_window == SimTime::zero());
    CHECK(a.scale_up.policies.size() == 2);
    CHECK(a.scale_down.policies.size() == 1);
    CHECK(w.scaling_metric == models::ServiceOpsParams::ScalingMetric::Utilization);
    CHECK(w.startup == SimTime::from_s(30));
    CHECK(w.resources.cpu_per_request == SimTime::from_ms(4));
    CHECK(w.resources.memory_bytes == 512.0 * 1024 * 1024);
    CHECK(w.resources.memory_limit_bytes == 2.0 * 1024 * 1024 * 1024);
    REQUIRE(w.health_check);
    CHECK(w.health_check->period == SimTime::from_s(5));
    CHECK(w.health_check->failure_threshold == 2);
    CHECK(sc.model.operations.services[kDb].startup == SimTime::from_s(45));
    CHECK(std::isinf(sc.model.operations.services[kDb].resources.memory_limit_bytes));
}

TEST_CASE("autoscaler behaviour: scale_up and scale_down rules with policies") {
    const auto sc =
        kSystem.load("", {"services.worker.autoscaler={max: 10, scale_up: "
                          "{stabilization_window: 1m, select_policy: min, policies: [{type: "
                          "pods, value: 2, period: 30s}, {type: percent, value: 50%}]}, "
                          "scale_down: {select_policy: disabled}}"});
    const auto& a = *sc.model.operations.services[kWorker].autoscaler;
    CHECK(a.min_replicas == 1);
    CHECK(a.scale_up.stabilization_window == SimTime::from_s(60));
    CHECK(a.scale_up.select_policy == models::SelectPolicy::Min);
    REQUIRE(a.scale_up.policies.size() == 2);
    CHECK(a.scale_up.policies[0].type == models::ScalingPolicyType::Pods);
    CHECK(a.scale_up.policies[0].value == 2);
    CHECK(a.scale_up.policies[0].period == SimTime::from_s(30));
    CHECK(a.scale_up.policies[1].type == models::ScalingPolicyType::Percent);
    CHECK(a.scale_up.policies[1].value == 50);
    CHECK(a.scale_up.policies[1].period == SimTime::from_s(15));
    CHECK(a.scale_down.select_policy == models::SelectPolicy::Disabled);
}

TEST_CASE("autoscaler thresholds, and the queue-depth metric with a number of items") {
    const auto sc = kSystem.load(
        "", {"services.worker.autoscaler={max: 20, thresholds: {up: 80%, down: 20%, "
             "cooldown: 2m, step_up: 2, step_down: 1}}",
             "services.service-b.autoscaler={max: 20, metric: queue_depth, target: 30}"});
    const auto& a = *sc.model.operations.services[kWorker].autoscaler;
    CHECK(a.algorithm == models::AutoscalerAlgorithm::Threshold);
    CHECK(a.thresholds.scale_up_threshold == doctest::Approx(0.8));
    CHECK(a.thresholds.scale_down_threshold == doctest::Approx(0.2));
    CHECK(a.thresholds.cooldown == SimTime::from_s(120));
    CHECK(a.thresholds.scale_up_step == 2);
    CHECK(a.thresholds.scale_down_step == 1);
    const auto& b = sc.model.operations.services[kServiceB];
    CHECK(b.scaling_metric == models::ServiceOpsParams::ScalingMetric::QueueDepthPerReplica);
    CHECK(b.autoscaler->target == 30.0);
}

TEST_CASE("autoscaler and service errors, each with its exact message") {
    CHECK(kSystem.errors("", {"services.worker.autoscaler={min: 2}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler: missing required "
                                   "key \"max\" (the most replicas the autoscaler may run, e.g. "
                                   "max: 40)"});
    CHECK(kSystem.errors("", {"services.worker.autoscaler={min: 5, max: 3}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.min: expected an "
                                   "integer <= max (3), got 5"});
    CHECK(kSystem.errors(
              "", {"services.worker.autoscaler={max: 3, target: 70%, thresholds: {up: 80%}}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.thresholds: "
                                   "expected either target (the HPA form) or thresholds (scaling "
                                   "by steps), got both"});
    CHECK(kSystem.errors(
              "", {"services.worker.autoscaler={max: 3, thresholds: {up: 10%, down: 20%}}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.thresholds.up: "
                                   "expected a level above down (20%), got \"10%\""});
    CHECK(kSystem.errors("", {"services.worker.autoscaler={max: 3, startup: 1s}",
                              "services.worker.startup=2s"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.startup: startup is given "
                                   "twice: here and in autoscaler.startup; keep one"});
    CHECK(kSystem.errors("",
                         {"services.worker.autoscaler={max: 3, scale_up: {policies: [{type: pods, "
                          "value: 2, period: 31m}]}}"}) ==
          std::vector<std::string>{"<--set>: error: "
                                   "services.worker.autoscaler.scale_up.policies.0.period: "
                                   "expected a duration <= 30m, got \"31m\""});
    CHECK(kSystem.errors("", {"services.worker.autoscaler={max: 3, metrc: utilization}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.metrc: unknown key "
                                   "\"metrc\"; did you mean \"metric\"?"});
    CHECK(kSystem.errors("", {"services.jobs.autoscaler={max: 3}"}) ==
          std::vector<std::string>{"<--set>: error: services.jobs.autoscaler: \"autoscaler\" does "
                                   "not apply to a queue (kind: queue): it has no replicas of its "
                                   "own; put it on its consumer"});
    CHECK(kSystem.errors("", {"services.worker.resources={memory: 2GiB, memory_limit: 1GiB}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.resources.memory_limit: "
                                   "expected a size above memory (2GiB), or a fresh replica would "
                                   "be killed at once, got \"1GiB\""});
    CHECK(kSystem.errors("", {"services.worker.resources={memory: 512}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.resources.memory: expected a "
                                   "size with a unit (B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, "
                                   "PiB), got \"512\""});
}

// --- --set reaches the new blocks -------------------------------------------------------------

TEST_CASE("--set creates the new settings blocks") {
    const auto sc = kSystem.load(
        "", {"services.worker.autoscaler.max=9", "services.worker.autoscaler.thresholds.up=90%",
             "services.worker.resources.memory=1GiB", "services.worker.health_check.period=20s",
             "monitoring.scrape_interval=30s"});
    const auto& w = sc.model.operations.services[kWorker];
    CHECK(w.autoscaler->max_replicas == 9);
    CHECK(w.autoscaler->algorithm == models::AutoscalerAlgorithm::Threshold);
    CHECK(w.autoscaler->thresholds.scale_up_threshold == doctest::Approx(0.9));
    CHECK(w.resources.memory_bytes == 1024.0 * 1024 * 1024);
    CHECK(w.health_check->period == SimTime::from_s(20));
    CHECK(sc.model.operations.monitoring.scrape_interval == SimTime::from_s(30));
}

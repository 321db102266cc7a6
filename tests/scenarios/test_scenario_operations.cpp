// Reading the operations blocks of a scenario into models::OperationsParams: autoscaler,
// startup, resources, health checks, versions and canaries, network links, monitoring, alerts,
// chaos (and --chaos), actions and expectations, with their exact error messages. Broken files
// with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace tpssim;

using models::ActionParams;
using models::Comparison;
using models::ExpectationParams;
using models::FaultKind;
using models::FaultTarget;
// Messages are shown whole when a check fails.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& lines) {
        std::string out = "\n";
        for (const auto& l : lines)
            out += "  " + l + "\n";
        return String(out.c_str());
    }
};
} // namespace doctest

using scenarios::load_scenario_text;
using scenarios::Override;
using scenarios::parse_override;
using scenarios::Scenario;
using scenarios::ScenarioError;
using sim::SimTime;

namespace {

// The sketch's reference system (docs/scenario-format.md): api publishes to jobs, consumed by
// worker, which calls service-b (with a breaker), then db and service-c in parallel; service-b
// calls service-c. Edges in model numbering: 0 worker->service-b, 1 worker->db,
// 2 worker->service-c, 3 service-b->service-c.
const std::string kSystem = R"(name: ops
start: 2026-12-25T14:00
duration: 66h
load:
  - {name: users, target: api, rate: 100/s}
services:
  api:
    workers: 32
    steps:
      - work: {dist: exponential, mean: 2ms}
      - publish: jobs
  jobs:
    kind: queue
    capacity: 5000
    consumers: worker
  worker:
    workers: 8
    steps:
      - work: {dist: exponential, mean: 10ms}
      - call: service-b
        timeout: 800ms
        circuit_breaker: {failure_rate_threshold: 50%}
      - parallel:
          - call: db
          - call: service-c
            circuit_breaker: {failure_rate_threshold: 50%}
  service-b:
    workers: 16
    steps:
      - work: {dist: exponential, mean: 5ms}
      - call: service-c
        timeout: 500ms
  service-c:
    workers: 16
    service_time: {dist: exponential, mean: 8ms}
  db:
    workers: 20
    service_time: {dist: exponential, mean: 3ms}
)";

constexpr std::uint32_t kApi = 0, kJobs = 1, kWorker = 2, kServiceB = 3, kServiceC = 4, kDb = 5;

Scenario load(const std::string& extra, const std::vector<std::string>& sets = {},
              const std::vector<std::string>& chaos = {}) {
    std::vector<Override> overrides;
    for (const auto& s : sets)
        overrides.push_back(parse_override(s));
    return load_scenario_text(kSystem + extra, "ops.yaml", overrides, chaos);
}

/// Every formatted diagnostic of loading kSystem + `extra`; empty if it loads.
std::vector<std::string> errors(const std::string& extra, const std::vector<std::string>& sets = {},
                                const std::vector<std::string>& chaos = {}) {
    try {
        load(extra, sets, chaos);
    } catch (const ScenarioError& e) {
        std::vector<std::string> lines;
        for (const auto& d : e.diagnostics())
            lines.push_back(d.format());
        return lines;
    }
    return {};
}

/// kSystem has this many lines: the first line of `extra` is line kLines + 1.
int lines_of_system() {
    return static_cast<int>(std::count(kSystem.begin(), kSystem.end(), '\n'));
}

std::string at(int line_in_extra, int column) {
    return "ops.yaml:" + std::to_string(lines_of_system() + line_in_extra) + ":" +
           std::to_string(column) + ": error: ";
}

SimTime hours(double h) {
    return SimTime::from_ns(static_cast<SimTime::Rep>(h * 3600e9));
}

} // namespace

// --- services -------------------------------------------------------------------------------

TEST_CASE("without operations blocks: one default ServiceOpsParams per service") {
    const auto sc = load("");
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
    const auto sc = load("", {"services.worker.autoscaler={min: 2, max: 40, metric: utilization, "
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
    const auto sc = load("", {"services.worker.autoscaler={max: 10, scale_up: "
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
    const auto sc =
        load("", {"services.worker.autoscaler={max: 20, thresholds: {up: 80%, down: 20%, "
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
    CHECK(errors("", {"services.worker.autoscaler={min: 2}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler: missing required "
                                   "key \"max\" (the most replicas the autoscaler may run, e.g. "
                                   "max: 40)"});
    CHECK(errors("", {"services.worker.autoscaler={min: 5, max: 3}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.min: expected an "
                                   "integer <= max (3), got 5"});
    CHECK(errors("", {"services.worker.autoscaler={max: 3, target: 70%, thresholds: {up: 80%}}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.thresholds: "
                                   "expected either target (the HPA form) or thresholds (scaling "
                                   "by steps), got both"});
    CHECK(errors("", {"services.worker.autoscaler={max: 3, thresholds: {up: 10%, down: 20%}}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.thresholds.up: "
                                   "expected a level above down (20%), got \"10%\""});
    CHECK(errors("", {"services.worker.autoscaler={max: 3, startup: 1s}",
                      "services.worker.startup=2s"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.startup: startup is given "
                                   "twice: here and in autoscaler.startup; keep one"});
    CHECK(errors("", {"services.worker.autoscaler={max: 3, scale_up: {policies: [{type: pods, "
                      "value: 2, period: 31m}]}}"}) ==
          std::vector<std::string>{"<--set>: error: "
                                   "services.worker.autoscaler.scale_up.policies.0.period: "
                                   "expected a duration <= 30m, got \"31m\""});
    CHECK(errors("", {"services.worker.autoscaler={max: 3, metrc: utilization}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.autoscaler.metrc: unknown key "
                                   "\"metrc\"; did you mean \"metric\"?"});
    CHECK(errors("", {"services.jobs.autoscaler={max: 3}"}) ==
          std::vector<std::string>{"<--set>: error: services.jobs.autoscaler: \"autoscaler\" does "
                                   "not apply to a queue (kind: queue): it has no replicas of its "
                                   "own; put it on its consumer"});
    CHECK(errors("", {"services.worker.resources={memory: 2GiB, memory_limit: 1GiB}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.resources.memory_limit: "
                                   "expected a size above memory (2GiB), or a fresh replica would "
                                   "be killed at once, got \"1GiB\""});
    CHECK(errors("", {"services.worker.resources={memory: 512}"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.resources.memory: expected a "
                                   "size with a unit (B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, "
                                   "PiB), got \"512\""});
}

// --- deployments, network, monitoring -------------------------------------------------------

TEST_CASE("deployments: versions and a canary with its gates") {
    const auto sc = load(R"(deployments:
  worker:
    versions:
      v2: {work_factor: 1.5, errors: {probability: 3%}, memory_leak: 10KiB/request}
      v3: {}
    canary:
      version: v3
      start: "20:00"
      interval: 2m
      step_weight: 5%
      max_weight: 40%
      threshold: 3
      min_requests: 50
      gates: {success_rate: 99%, p99: 500ms}
)");
    const auto& w = sc.model.operations.services[kWorker];
    REQUIRE(w.versions.size() == 2);
    CHECK(w.versions[0].name == "v2");
    CHECK(w.versions[0].work_factor == 1.5);
    CHECK(w.versions[0].error_probability == doctest::Approx(0.03));
    CHECK(w.versions[0].memory_leak_bytes_per_request == 10240.0);
    CHECK(w.versions[1].name == "v3");
    CHECK(w.versions[1].work_factor == 1.0);
    CHECK_FALSE(w.versions[1].error_probability);
    REQUIRE(w.canary);
    CHECK(w.canary->version == 1);
    CHECK(w.canary->start == hours(6)); // 20:00 on a calendar starting at 14:00
    CHECK(w.canary->interval == SimTime::from_s(120));
    CHECK(w.canary->step_weight == doctest::Approx(0.05));
    CHECK(w.canary->max_weight == doctest::Approx(0.4));
    CHECK(w.canary->threshold == 3);
    CHECK(w.canary->min_requests == 50);
    CHECK(w.canary->min_success_rate == doctest::Approx(0.99));
    CHECK(w.canary->max_p99 == SimTime::from_ms(500));
    CHECK_FALSE(w.canary->max_error_rate_increase);
    CHECK_FALSE(w.canary->max_p99_increase);
}

TEST_CASE("deployments: a canary's gates relative to the primary") {
    const auto sc = load(R"(deployments:
  worker:
    versions:
      v2: {work_factor: 1.2}
    canary:
      version: v2
      gates: {error_rate_increase: 1%, p99_increase: 20%}
)");
    const auto& c = sc.model.operations.services[kWorker].canary;
    REQUIRE(c);
    CHECK(c->max_error_rate_increase == doctest::Approx(0.01));
    CHECK(c->max_p99_increase == doctest::Approx(0.2));
    CHECK_FALSE(c->min_success_rate);
    CHECK_FALSE(c->max_p99);
}

TEST_CASE("network links: units, indices and the calls they carry") {
    const auto sc = load(R"(network:
  links:
    - {between: [worker, db], bandwidth: 1Gbit/s, payload: 20KiB}
    - {between: [service-b, service-c], bandwidth: 100MiB/s, payload: 1.5KB}
monitoring: {scrape_interval: 5s}
)");
    const auto& links = sc.model.operations.links;
    REQUIRE(links.size() == 2);
    CHECK(links[0].from == kWorker);
    CHECK(links[0].to == kDb);
    CHECK(links[0].bandwidth_bytes_per_second == 125e6);
    CHECK(links[0].payload_bytes == 20480.0);
    CHECK(links[1].from == kServiceB);
    CHECK(links[1].to == kServiceC);
    CHECK(links[1].bandwidth_bytes_per_second == 100.0 * 1024 * 1024);
    CHECK(links[1].payload_bytes == 1500.0);
    CHECK(sc.model.operations.monitoring.scrape_interval == SimTime::from_s(5));
}

TEST_CASE("network, deployment and monitoring errors") {
    CHECK(errors("network: {links: [{between: [db, worker], bandwidth: 1Gbit/s, payload: "
                 "1KiB}]}\n") ==
          std::vector<std::string>{at(1, 29) + "network.links.0.between: \"db\" does not call "
                                               "\"worker\": a link carries the calls from its "
                                               "first service to its second (worker calls db: "
                                               "write between: [worker, db])"});
    CHECK(errors("network: {links: [{between: [worker, db], bandwidth: 1Gbit, payload: "
                 "1KiB}]}\n") ==
          std::vector<std::string>{
              at(1, 54) + "network.links.0.bandwidth: expected a data rate with a unit: bits "
                          "(bit/s, kbit/s, Mbit/s, Gbit/s) or a size per time (B/s, KiB/s, "
                          "MiB/s, 2MiB/min, ...), got \"1Gbit\""});
    CHECK(errors("deployments: {worker: {versions: {v2: {}}, canary: {version: v3}}}\n") ==
          std::vector<std::string>{at(1, 62) + "deployments.worker.canary.version: unknown "
                                               "version \"v3\"; did you mean \"v2\"?"});
    CHECK(errors("deployments: {jobs: {versions: {v2: {}}}}\n") ==
          std::vector<std::string>{at(1, 15) + "deployments.jobs: \"jobs\" is a queue (kind: "
                                               "queue): only services have versions"});
    CHECK(errors("monitoring: {scrape_interval: 1ms}\n") ==
          std::vector<std::string>{at(1, 31) + "monitoring.scrape_interval: expected at most "
                                               "10000000 scrapes over the run (duration 66h): an "
                                               "interval >= 24ms, got \"1ms\""});
}

// --- alerts and expressions -----------------------------------------------------------------

TEST_CASE("alerts: conditions on metrics with their units, queue_depth as a share") {
    const auto sc = load(R"(network:
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
    const auto sc = load("alerts:\n  - {name: MonitoringSilent, when: \"absent(watchdog)\", "
                         "for: 2m}\n");
    const auto& alerts = sc.model.operations.alerts;
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].condition.watchdog_absent);
    CHECK(alerts[0].condition.text == "absent(watchdog)");
    CHECK(alerts[0].for_duration == SimTime::from_s(120));
    const std::string head = "alerts:\n  - {name: A, for: 1m, when: \"";
    CHECK(errors(head + "absent(worker)\"}\n") ==
          std::vector<std::string>{at(2, 38) + "alerts.0.when: absent() takes watchdog (the "
                                               "monitoring's heartbeat: absent(watchdog) holds "
                                               "while monitoring is down), got \"worker\""});
    CHECK(errors(head + "absent(watchdog) > 0\"}\n") ==
          std::vector<std::string>{at(2, 48) + "alerts.0.when: expected the end of the text "
                                               "after absent(watchdog): it holds or not, with no "
                                               "comparison, got \">\""});
}

TEST_CASE("alert errors point inside the condition") {
    // The condition starts at column 31 (after the opening quote at 30).
    const std::string head = "alerts:\n  - {name: A, for: 1m, when: \"";
    CHECK(errors(head + "error_rat(api) > 5%\"}\n") ==
          std::vector<std::string>{at(2, 31) + "alerts.0.when: unknown metric \"error_rat\"; did "
                                               "you mean \"error_rate\"?"});
    CHECK(errors(head + "error_rate(apl) > 5%\"}\n") ==
          std::vector<std::string>{at(2, 42) + "alerts.0.when: unknown service \"apl\"; did you "
                                               "mean \"api\"?"});
    CHECK(errors(head + "error_rate(api) => 5%\"}\n") ==
          std::vector<std::string>{at(2, 47) + "alerts.0.when: expected a comparison (<, <=, >, "
                                               ">=, ==, !=) after \"error_rate(api)\", got \"=\"; "
                                               "did you mean \"==\"?"});
    CHECK(errors(head + "p99(api) > 100\"}\n") ==
          std::vector<std::string>{at(2, 42) + "alerts.0.when: expected a duration with a unit, "
                                               "e.g. 100ms (p99 is a time), got \"100\""});
    CHECK(errors(head + "call_rate(worker) > 1\"}\n") ==
          std::vector<std::string>{at(2, 41) + "alerts.0.when: call_rate is about a call: "
                                               "expected caller->callee, e.g. "
                                               "call_rate(worker->db), got \"worker\""});
    CHECK(errors(head + "call_rate(worker->api) > 1\"}\n") ==
          std::vector<std::string>{at(2, 41) + "alerts.0.when: no call \"worker->api\" (worker "
                                               "calls: worker->service-b, worker->db, "
                                               "worker->service-c)"});
    CHECK(errors(head + "error_rate(api) > 5% during [1h, 2h]\"}\n") ==
          std::vector<std::string>{at(2, 52) + "alerts.0.when: an alert's condition takes no "
                                               "window: it is checked at every scrape, and for: "
                                               "says how long it must hold; got \"during\""});
    CHECK(errors(head + "link_utilization(worker->db) > 5%\"}\n") ==
          std::vector<std::string>{at(2, 48) + "alerts.0.when: no network link \"worker->db\": "
                                               "none is defined (network: {links: [{between: "
                                               "[worker, db], bandwidth: 1Gbit/s, payload: "
                                               "20KiB}]})"});
    CHECK(errors("alerts:\n  - {name: A, when: \"p99(api) > 1s\"}\n  - {name: A, when: \"p99(api) "
                 "> 2s\"}\n") ==
          std::vector<std::string>{at(3, 12) +
                                   "alerts.1.name: duplicate alert name \"A\"; the "
                                   "first is at line " +
                                   std::to_string(lines_of_system() + 2)});
}

TEST_CASE("expectations: windows, at some point, totals, alerts, breakers and canaries") {
    const auto sc = load(R"(deployments:
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
    const auto one = [](const std::string& text) { return errors("expect: [\"" + text + "\"]\n"); };
    // The text starts at column 11.
    CHECK(one("queue_depth(jobs) < 10") ==
          std::vector<std::string>{at(1, 33) +
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
          std::vector<std::string>{at(1, 11) + "expect.0: \"crashes\" is a total of the run's "
                                               "final figures: it takes no window (e.g. "
                                               "crashes(api) == 0)"});
    CHECK(one("p99(api) < 100ms durng [1m, 2m]") ==
          std::vector<std::string>{at(1, 28) + "expect.0: expected a window (during [a, b], after "
                                               "t, before t, between a and b), \"at some point\" "
                                               "or the end of the text, got \"durng\""});
    CHECK(one("p99(api) < 100ms during [2m, 1m]") ==
          std::vector<std::string>{at(1, 40) + "expect.0: expected a time at or after the "
                                               "window's start (2026-12-25T14:02), got \"1m\""});
    CHECK(one("p99(api) < 100ms during [1m 2m]") ==
          std::vector<std::string>{at(1, 39) + "expect.0: expected \",\" between the window's two "
                                               "times, got \"2m\""});
    CHECK(one("alert") == std::vector<std::string>{at(1, 16) + "expect.0: expected the alert's "
                                                               "name after \"alert\", got the "
                                                               "end of the text"});
    CHECK(one("alert Nope fires") ==
          std::vector<std::string>{at(1, 17) + "expect.0: unknown alert \"Nope\": no alerts are "
                                               "defined (alerts: [{name: ..., when: ...}])"});
    CHECK(one("breaker(worker->db) opens") ==
          std::vector<std::string>{at(1, 19) + "expect.0: the call worker->db has no "
                                               "circuit_breaker"});
    CHECK(one("canary(worker) promoted") ==
          std::vector<std::string>{at(1, 18) + "expect.0: \"worker\" has no canary (deployments: "
                                               "{worker: {canary: ...}})"});
    CHECK(one("p99(api) < 100ms after slo_violation") ==
          std::vector<std::string>{
              at(1, 34) + "expect.0: expected a duration from the start (e.g. 90m), or with "
                          "start: a clock time (e.g. \"15:00\") or a date and time (e.g. "
                          "2026-12-25T15:00), got \"slo_violation\""});
    // Without a close name, every metric and total is listed (the list follows the catalogue).
    const auto unknown = errors("expect: [\"lantency(api) < 1s after 1m\"]\n");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0].starts_with(at(1, 11) + "expect.0: unknown metric \"lantency\" (metrics: "
                                             "request_rate, throughput, error_rate,"));
    CHECK(unknown[0].find("; totals: arrivals, completed,") != std::string::npos);
}

// --- chaos ----------------------------------------------------------------------------------

TEST_CASE("chaos: every fault kind, targets, clock times and default names") {
    const auto sc = load(R"(network:
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
    CHECK(errors("chaos: [{target: worker, explode: true}]\n") ==
          std::vector<std::string>{
              at(1, 26) + "chaos.0.explode: unknown key \"explode\"; expected one of: name, at, "
                          "for, until, target, latency, errors, crash, restart_after, unhealthy, "
                          "slow_query, memory_leak, bandwidth_used, backend_down, "
                          "monitoring_down, autoscaler_broken, node_crash"});
    CHECK(errors("chaos: [{target: worker, crash: 1, latency: 1s}]\n") ==
          std::vector<std::string>{at(1, 36) + "chaos.0: expected exactly one fault kind, found "
                                               "crash and latency: a fault does one thing (make "
                                               "them separate faults)"});
    CHECK(errors("chaos: [{target: jobs, crash: 1}]\n") ==
          std::vector<std::string>{at(1, 18) + "chaos.0.target: \"jobs\" is a queue (kind: "
                                               "queue): crash hits a service's replicas (to stop "
                                               "a queue, backend_down: true)"});
    CHECK(errors("chaos: [{target: worker, backend_down: true}]\n") ==
          std::vector<std::string>{at(1, 18) + "chaos.0.target: backend_down hits a queue (kind: "
                                               "queue); \"worker\" is a service"});
    CHECK(errors("chaos: [{target: \"worker->db\", crash: 1}]\n") ==
          std::vector<std::string>{at(1, 18) + "chaos.0.target: crash hits a service, not a "
                                               "call; got \"worker->db\""});
    CHECK(errors("chaos: [{target: worker, autoscaler_broken: true}]\n") ==
          std::vector<std::string>{at(1, 18) + "chaos.0.target: \"worker\" has no autoscaler to "
                                               "break (services.worker.autoscaler)"});
    CHECK(errors("chaos: [{target: worker, monitoring_down: true}]\n") ==
          std::vector<std::string>{at(1, 10) + "chaos.0.target: monitoring_down hits the whole "
                                               "system: it takes no target"});
    CHECK(errors("chaos: [{target: api, latency: 1s}, {target: api, latency: 2s}]\n") ==
          std::vector<std::string>{at(1, 37) +
                                   "chaos.1: duplicate fault name \"api latency\"; "
                                   "the first is at line " +
                                   std::to_string(lines_of_system() + 1) +
                                   " (give each a name: ...)"});
    CHECK(errors("chaos: [{at: 70h, target: api, latency: 1s}]\n") ==
          std::vector<std::string>{at(1, 14) + "chaos.0.at: it starts at 2026-12-28T12:00, when "
                                               "the run is over (duration: 66h); got \"70h\""});
    CHECK(errors("chaos: [{target: api, backend_down: false}]\n") ==
          std::vector<std::string>{at(1, 18) + "chaos.0.target: backend_down hits a queue (kind: "
                                               "queue); \"api\" is a service",
                                   at(1, 37) + "chaos.0.backend_down: expected true "
                                               "(backend_down: false would do nothing: remove the "
                                               "fault instead)"});
}

TEST_CASE("--chaos adds faults read like chaos: entries") {
    const auto sc = load("chaos: [{target: api, latency: 1s}]\n", {},
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

    CHECK(errors("", {}, {"target=servce-c,latency=5s"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.0.target: unknown service "
                                   "\"servce-c\"; did you mean \"service-c\"?"});
    CHECK(errors("", {}, {"target=api,latency"}) ==
          std::vector<std::string>{"<--chaos>: error: expected key=value pairs separated by "
                                   "commas, e.g. target=service-c,latency=5000ms, got "
                                   "\"target=api,latency\""});
    CHECK(errors("", {}, {"target=api,latency=1s,latency=2s"}) ==
          std::vector<std::string>{"<--chaos>: error: duplicate key \"latency\" in "
                                   "\"target=api,latency=1s,latency=2s\""});
    CHECK(errors("", {}, {""}) ==
          std::vector<std::string>{"<--chaos>: error: expected key=value pairs separated by "
                                   "commas, e.g. target=service-c,latency=5000ms, got \"\""});
    CHECK(errors("", {}, {"target=api,latency={dist: exponential"}) ==
          std::vector<std::string>{"<--chaos>: error: the value of \"latency\" is not valid YAML: "
                                   "end of map flow not found"});
    CHECK(errors("", {}, {"target=api,latency='1s,2s'"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.0.latency: expected a duration with "
                                   "a unit (ns, us, ms, s, m, h, d), got \"1s,2s\" (unknown unit "
                                   "\"s,\")"});
    CHECK(errors("", {}, {"target=api,latency=5"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.0.latency: expected a duration with "
                                   "a unit (ns, us, ms, s, m, h, d), got \"5\""});
    CHECK(errors("chaos: [{target: api, latency: 1s}]\n", {}, {"target=api,latency=2s"}) ==
          std::vector<std::string>{"<--chaos>: error: chaos.1: duplicate fault name \"api "
                                   "latency\"; the first is at line " +
                                   std::to_string(lines_of_system() + 1) +
                                   " (give each a name: ...)"});
}

// --- actions --------------------------------------------------------------------------------

TEST_CASE("actions: every kind, times, alerts and set paths") {
    const auto sc = load(R"(alerts:
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
    CHECK(errors("alerts: [{name: SloBurn, when: \"p99(api) > 1s\"}]\nactions: [{on: SloBrn, "
                 "restart: worker}]\n") ==
          std::vector<std::string>{at(2, 16) + "actions.0.on: unknown alert \"SloBrn\"; did you "
                                               "mean \"SloBurn\"?"});
    CHECK(errors("actions: [{at: 1h, set: services.worker.queue.size, to: 3}]\n") ==
          std::vector<std::string>{
              at(1, 25) +
              "actions.0.set: unsupported path \"services.worker.queue.size\"; set "
              "supports services.NAME.workers, services.NAME.queue.capacity, "
              "services.QUEUE.capacity, services.NAME.errors.probability, "
              "services.NAME.work_factor, services.NAME.rate_limit, "
              "services.NAME.steps[I].timeout, "
              "services.NAME.steps[I].circuit_breaker.failure_rate_threshold, "
              "services.NAME.steps[I].cache.hit_ratio (each step one also as "
              "steps[I].calls[J]...), network.links[I].payload, network.links[I].bandwidth"});
    CHECK(errors("actions: [{at: 1h, set: \"services.worker.steps[0].timeout\", to: 1s}]\n") ==
          std::vector<std::string>{at(1, 25) + "actions.0.set: step 0 of \"worker\" is not a call "
                                               "(a work step)"});
    CHECK(errors("actions: [{at: 1h, set: \"services.worker.steps[2].timeout\", to: 1s}]\n") ==
          std::vector<std::string>{at(1, 25) + "actions.0.set: step 2 of \"worker\" is a parallel "
                                               "step: name one of its calls, "
                                               "services.worker.steps[2].calls[J]..."});
    CHECK(errors("actions: [{at: 1h, set: \"services.service-b.steps[1].circuit_breaker."
                 "failure_rate_threshold\", to: 10%}]\n") ==
          std::vector<std::string>{at(1, 25) + "actions.0.set: the call service-b->service-c has "
                                               "no circuit_breaker"});
    CHECK(errors("actions: [{at: 1h, set: services.jobs.queue.capacity, to: 3}]\n") ==
          std::vector<std::string>{at(1, 25) + "actions.0.set: \"jobs\" is a queue (kind: queue): "
                                               "its only setting here is services.jobs.capacity"});
    CHECK(errors("actions: [{at: 1h, scale: worker}]\n") ==
          std::vector<std::string>{at(1, 11) + "actions.0: missing required key \"to\" (a replica "
                                               "count, e.g. to: 10) or \"by\" (a change, e.g. by: "
                                               "4 or by: -2)"});
    CHECK(errors("actions: [{at: 1h, scale: worker, by: 0}]\n") ==
          std::vector<std::string>{at(1, 39) + "actions.0.by: expected a non-zero integer from "
                                               "-1000000 to 1000000, e.g. 4 or -2, got 0"});
    CHECK(errors("actions: [{at: 1h, restart: worker, rollback: worker}]\n") ==
          std::vector<std::string>{at(1, 37) + "actions.0: expected exactly one action, found "
                                               "restart and rollback (make them separate "
                                               "actions)"});
    CHECK(errors("actions: [{at: 1h, stop_fault: nope}]\n") ==
          std::vector<std::string>{at(1, 32) + "actions.0.stop_fault: unknown fault \"nope\": no "
                                               "faults are defined (chaos: [...])"});
    CHECK(errors("actions: [{restart: worker}]\n") ==
          std::vector<std::string>{at(1, 11) + "actions.0: missing required key \"at\" (a time, "
                                               "e.g. at: 2h) or \"on\" (an alert's name, e.g. on: "
                                               "HighErrorRate)"});
    CHECK(errors("actions: [{at: 1h, after: 1m, restart: worker}]\n") ==
          std::vector<std::string>{at(1, 20) + "actions.0.after: after goes with on (an alert), "
                                               "not with at"});
    CHECK(errors("actions: [{at: 1h, disable_autoscaler: worker}]\n") ==
          std::vector<std::string>{at(1, 40) + "actions.0.disable_autoscaler: \"worker\" has no "
                                               "autoscaler (services.worker.autoscaler)"});
}

// --- --set reaches the new blocks -------------------------------------------------------------

TEST_CASE("--set creates the new settings blocks") {
    const auto sc = load(
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

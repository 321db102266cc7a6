// Reading what changes the system and the cluster's capacity: a service's work_factor and
// rate_limit, its placement, the set paths of actions (work_factor, rate_limit, a cache's
// hit_ratio, a link's payload and bandwidth), the node_crash fault; with their exact errors.
#include "diagnostics.hpp"
#include "models/operations_params.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;

using models::ActionParams;
using models::FaultKind;
using models::FaultTarget;
using sim::SimTime;

namespace {

// api publishes to jobs, consumed by worker (8 replicas on 4 nodes of 2), which calls db
// through a cache and over a link. Edges: 0 worker->db.
const test_support::ScenarioBase kCapacitySystem{R"(name: capacity
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
    placement: {nodes: 4, replicas_per_node: 2}
    steps:
      - work: {dist: exponential, mean: 10ms}
      - call: db
        cache: {hit_ratio: 80%, latency: 300us}
  db:
    workers: 20
    service_time: {dist: exponential, mean: 3ms}
network:
  links:
    - {between: [worker, db], bandwidth: 1Gbit/s, payload: 256KiB}
)",
                                                 "capacity.yaml"};

constexpr std::uint32_t kApi = 0, kWorker = 2, kDb = 3;

} // namespace

TEST_CASE("a service's placement, work_factor and rate_limit") {
    const auto sc =
        kCapacitySystem.load("", {"services.api.rate_limit=50/s", "services.db.work_factor=0.5"});
    const auto& placement = sc.model.operations.services[kWorker].placement;
    REQUIRE(placement);
    CHECK(placement->nodes == 4);
    CHECK(placement->replicas_per_node == 2);
    CHECK(placement->capacity() == 8);
    CHECK(placement->capacity(1) == 6);
    CHECK_FALSE(sc.model.operations.services[kDb].placement);
    CHECK(sc.model.services[kApi].rate_limit_per_second == 50.0);
    CHECK(sc.model.services[kDb].work_factor == 0.5);
    CHECK(sc.model.services[kWorker].work_factor == 1.0);
}

TEST_CASE("placement, work_factor and rate_limit errors") {
    CHECK(kCapacitySystem.errors("", {"services.worker.workers=9"}) ==
          std::vector<std::string>{
              kCapacitySystem.in_base(18, 16) +
              "services.worker.placement: 4 nodes x 2 replicas per node hold 8 replicas, fewer "
              "than the service's workers (9); add nodes or ask for fewer workers"});
    CHECK(kCapacitySystem.errors("", {"services.worker.placement.nodes=0"}) ==
          std::vector<std::string>{"<--set>: error: services.worker.placement.nodes: expected "
                                   "an integer >= 1, got 0"});
    CHECK(kCapacitySystem.errors("", {"services.db.work_factor=fast"}) ==
          std::vector<std::string>{"<--set>: error: services.db.work_factor: expected a number "
                                   "> 0, got \"fast\""});
    CHECK(kCapacitySystem.errors("", {"services.jobs.work_factor=2"}) ==
          std::vector<std::string>{"<--set>: error: services.jobs.work_factor: \"work_factor\" "
                                   "does not apply to a queue (kind: queue): it does no work of "
                                   "its own; put it on its consumer"});
}

TEST_CASE("set paths that change the system") {
    const auto sc = kCapacitySystem.load(R"(actions:
  - {at: 1h, set: services.db.work_factor, to: 0.25}
  - {at: 1h, set: services.api.rate_limit, to: 40/s}
  - {at: 2h, set: services.api.rate_limit, to: unlimited}
  - {at: 1h, set: "services.worker.steps[1].cache.hit_ratio", to: 95%}
  - {at: 1h, set: "network.links[0].payload", to: 64KiB}
  - {at: 1h, set: "network.links[0].bandwidth", to: 10Gbit/s}
)");
    const auto& a = sc.model.operations.actions;
    REQUIRE(a.size() == 6);
    using K = ActionParams::Kind;
    CHECK(a[0].kind == K::SetWorkFactor);
    CHECK(a[0].target.kind == FaultTarget::Kind::Service);
    CHECK(a[0].target.index == kDb);
    CHECK(a[0].value == 0.25);
    CHECK(a[1].kind == K::SetRateLimit);
    CHECK(a[1].target.index == kApi);
    CHECK(a[1].value == 40.0);
    CHECK(a[2].kind == K::SetRateLimit);
    CHECK(a[2].value == 0.0);
    CHECK(a[3].kind == K::SetCacheHitRatio);
    CHECK(a[3].target.kind == FaultTarget::Kind::Edge);
    CHECK(a[3].target.index == 0);
    CHECK(a[3].value == doctest::Approx(0.95));
    CHECK(a[4].kind == K::SetLinkPayload);
    CHECK(a[4].target.kind == FaultTarget::Kind::Link);
    CHECK(a[4].target.index == 0);
    CHECK(a[4].value == 64.0 * 1024);
    CHECK(a[5].kind == K::SetLinkBandwidth);
    CHECK(a[5].value == doctest::Approx(10e9 / 8));
}

TEST_CASE("set path errors: unknown paths list the forms, wrong values name the type") {
    CHECK(kCapacitySystem.errors("actions: [{at: 1h, set: services.db.speed, to: 2}]\n") ==
          std::vector<std::string>{
              kCapacitySystem.at(1, 25) +
              "actions.0.set: unsupported path \"services.db.speed\"; set supports "
              "services.NAME.workers, services.NAME.queue.capacity, services.QUEUE.capacity, "
              "services.NAME.errors.probability, services.NAME.work_factor, "
              "services.NAME.rate_limit, services.NAME.steps[I].timeout, "
              "services.NAME.steps[I].circuit_breaker.failure_rate_threshold, "
              "services.NAME.steps[I].cache.hit_ratio (each step one also as "
              "steps[I].calls[J]...), network.links[I].payload, network.links[I].bandwidth"});
    CHECK(kCapacitySystem.errors("actions: [{at: 1h, set: services.db.work_factor, to: fast}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 54) +
                                   "actions.0.to: expected a number > 0, got "
                                   "\"fast\""});
    CHECK(kCapacitySystem.errors("actions: [{at: 1h, set: services.db.work_factor, to: 2000}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 54) +
                                   "actions.0.to: expected a number <= 1000 (the "
                                   "limit on a factor), got 2000"});
    CHECK(kCapacitySystem.errors("actions: [{at: 1h, set: services.api.rate_limit, to: 40}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 54) +
                                   "actions.0.to: expected a rate with a unit (/ns, "
                                   "/us, /ms, /s, /m, /h, /d), e.g. 100/s, got "
                                   "\"40\""});
    CHECK(kCapacitySystem.errors("actions: [{at: 1h, set: services.jobs.work_factor, to: 2}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 25) +
                                   "actions.0.set: \"jobs\" is a queue (kind: "
                                   "queue): its only setting here is "
                                   "services.jobs.capacity"});
    CHECK(kCapacitySystem.errors(
              "actions: [{at: 1h, set: \"services.worker.steps[0].cache.hit_ratio\", to: "
              "90%}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 25) +
                                   "actions.0.set: step 0 of \"worker\" is not a call "
                                   "(a work step)"});
    CHECK(kCapacitySystem.errors(
              "actions: [{at: 1h, set: \"network.links[1].payload\", to: 1KiB}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 25) +
                                   "actions.0.set: there is 1 link (network.links), "
                                   "so there is no link 1"});
    CHECK(kCapacitySystem.errors(
              "actions: [{at: 1h, set: \"network.links[0].payload\", to: 10/s}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 57) +
                                   "actions.0.to: expected a size with a unit (B, "
                                   "KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB), "
                                   "got \"10/s\""});
}

TEST_CASE("set: a cache's hit_ratio needs a cache") {
    // The same system without the worker's cache.
    std::string text = kCapacitySystem.text();
    const std::string cache_line = "        cache: {hit_ratio: 80%, latency: 300us}\n";
    text.erase(text.find(cache_line), cache_line.size());
    const test_support::ScenarioBase without_cache{text, kCapacitySystem.file_name()};
    const auto lines = without_cache.errors(
        "actions: [{at: 1h, set: \"services.worker.steps[1].cache.hit_ratio\", to: 90%}]\n");
    CHECK(lines == std::vector<std::string>{
                       "capacity.yaml:28:25: error: actions.0.set: the call worker->db has no "
                       "cache (give its step one, e.g. cache: {hit_ratio: 0%, latency: 300us}, "
                       "to change it here)"});
}

TEST_CASE("node_crash: nodes of a placement, back after restart_after") {
    const auto sc = kCapacitySystem.load(R"(chaos:
  - {name: node, at: "16:00", target: worker, node_crash: 1, restart_after: 4h}
  - {at: "17:00", target: worker, node_crash: 2}
)");
    const auto& f = sc.model.operations.faults;
    REQUIRE(f.size() == 2);
    CHECK(f[0].kind == FaultKind::NodeCrash);
    CHECK(f[0].count == 1);
    CHECK(f[0].target.index == kWorker);
    CHECK(f[0].restart_after == SimTime::from_s(4 * 3600));
    CHECK(f[0].end == SimTime::from_s(6 * 3600)); // 16:00 + 4h, from 14:00
    CHECK(f[1].name == "worker node_crash");
    CHECK(f[1].end == models::kNever);
}

TEST_CASE("node_crash errors") {
    CHECK(kCapacitySystem.errors("chaos: [{at: 1h, target: db, node_crash: 1}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 26) +
                                   "chaos.0.target: \"db\" has no nodes: node_crash needs "
                                   "services.db.placement (e.g. {nodes: 4, replicas_per_node: 2}); "
                                   "crash: N kills replicas without one"});
    CHECK(kCapacitySystem.errors("chaos: [{at: 1h, target: worker, node_crash: 5}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 46) +
                                   "chaos.0.node_crash: \"worker\" has 4 nodes "
                                   "(services.worker.placement.nodes), so 5 cannot "
                                   "crash"});
    CHECK(kCapacitySystem.errors(
              "chaos: [{at: 1h, target: worker, node_crash: 1, for: 1h, restart_after: "
              "2h}]\n") == std::vector<std::string>{kCapacitySystem.at(1, 58) +
                                                    "chaos.0.restart_after: expected either "
                                                    "restart_after or for/until (when the nodes "
                                                    "return), got both"});
    CHECK(kCapacitySystem.errors(
              "chaos: [{at: 1h, target: worker, latency: +1s, restart_after: 2h}]\n") ==
          std::vector<std::string>{kCapacitySystem.at(1, 48) +
                                   "chaos.0.restart_after: restart_after goes with "
                                   "crash or node_crash, not with latency"});
}

TEST_CASE("rate_limit as Envoy's token bucket, and the short form's bucket") {
    const auto sc = kCapacitySystem.load(
        "",
        {"services.api.rate_limit={max_tokens: 100, tokens_per_fill: 25, fill_interval: 100ms}"});
    CHECK(sc.model.services[kApi].rate_limit_per_second == 250.0);
    CHECK(sc.model.services[kApi].rate_limit_max_tokens == 100.0);
    // tokens_per_fill defaults to 1, as Envoy's.
    const auto one =
        kCapacitySystem.load("", {"services.api.rate_limit={max_tokens: 3, fill_interval: 250ms}"});
    CHECK(one.model.services[kApi].rate_limit_per_second == 4.0);
    CHECK(one.model.services[kApi].rate_limit_max_tokens == 3.0);
    // The short form leaves the bucket's size to the model: one second's tokens.
    const auto rate = kCapacitySystem.load("", {"services.api.rate_limit=50/s"});
    CHECK(rate.model.services[kApi].rate_limit_max_tokens == 0.0);
}

TEST_CASE("rate_limit token bucket errors") {
    CHECK(kCapacitySystem.errors(
              "", {"services.api.rate_limit={max_tokens: 0, fill_interval: 10ms}"}) ==
          std::vector<std::string>{
              "<--set>: error: services.api.rate_limit.max_tokens: expected an integer >= 1, "
              "got 0",
              "<--set>: error: services.api.rate_limit.fill_interval: expected a duration >= "
              "50ms, got \"10ms\""});
    CHECK(kCapacitySystem.errors("", {"services.api.rate_limit={tokens_per_fill: 5}"}) ==
          std::vector<std::string>{
              "<--set>: error: services.api.rate_limit: missing required key \"max_tokens\" (an "
              "integer >= 1: the bucket's size, e.g. 100)",
              "<--set>: error: services.api.rate_limit: missing required key \"fill_interval\" "
              "(a duration >= 50ms, e.g. 1s)"});
}

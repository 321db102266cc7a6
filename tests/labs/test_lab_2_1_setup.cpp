// Lab 2.1, system setup: scenarios/labs/2.1-setup.yaml. The reference system as it is, at its
// usual 100 requests/s: the healthy baseline every later lab is compared with. What the lab
// expects (the certification program's Lab 2.1): every service up, requests flowing, the
// dashboard green (no errors, breaker closed).
//
// The test asserts every check of the file passed, adds its own on the figures, and runs an
// unhealthy variant (2 worker replicas: ~82/s of capacity for 100/s) that must fail the
// checks on throughput, utilisation, queue and latency, and only on what 2 replicas change.

#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "run_inspection.hpp"

using namespace tpssim;

namespace {

using namespace run_inspection;

const std::string kFile = TPSSIM_SOURCE_DIR "/scenarios/labs/2.1-setup.yaml";

} // namespace

TEST_CASE("lab 2.1 setup: the healthy baseline") {
    const auto sc = scenarios::load_scenario_file(kFile);
    const auto r = run(sc);
    check_all_passed(sc, r);
    const auto& api = service(r, "api");
    const auto& worker = service(r, "worker");
    const auto& jobs = service(r, "jobs");
    MESSAGE("worker utilisation " << worker.utilization << ", p50 " << worker.latency_seconds.p50
                                  << " s, p99 " << worker.latency_seconds.p99 << " s");
    // 100/s x ~24 ms over 10 replicas.
    CHECK(worker.utilization > 0.18);
    CHECK(worker.utilization < 0.30);
    // Everything offered is served: the worker finishes what api published, but the few in
    // flight at the end.
    CHECK(api.failed == 0);
    CHECK(worker.completed + 20 > api.completed);
    CHECK(jobs.max_queue_length < 30);
    CHECK(worker.latency_seconds.p50 > 0.010);
    CHECK(worker.latency_seconds.p50 < 0.030);
    CHECK(worker.latency_seconds.p99 < 0.100);
    for (const auto& s : r.services) {
        CAPTURE(s.name);
        CHECK(s.failed == 0);
        CHECK(s.rejected == 0);
    }
}

TEST_CASE("lab 2.1 with 2 worker replicas: not healthy, and the checks say where") {
    const std::vector<scenarios::Override> two{{"services.worker.workers", "2"}};
    const auto sc = scenarios::load_scenario_file(kFile, two);
    const auto r = run(sc);
    // The pool is saturated, the queue fills and latency is seconds ...
    CHECK(check_failed(r, "utilization(worker) < 40% during [30s, 5m]"));
    CHECK(check_failed(r, "queue_depth(jobs) < 30 during [0s, 5m]"));
    CHECK(check_failed(r, "p99(worker) < 110ms during [30s, 5m]"));
    CHECK(check_failed(r, "throughput(worker) > 85/s during [30s, 5m]"));
    CHECK(check_failed(r, "replicas(worker) == 10 during [0s, 5m]"));
    // ... and the full queue pushes back on api's publishes.
    CHECK(check_failed(r, "rejected(jobs) == 0"));
    // The worker itself fails nothing and the breaker stays closed: the problem is capacity.
    CHECK_FALSE(check_failed(r, "failed(worker) == 0"));
    CHECK_FALSE(check_failed(r, "breaker(worker->service-b) never opens"));
}

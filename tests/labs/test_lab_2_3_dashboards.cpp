// Lab 2.3, reading dashboards under load: scenarios/labs/2.3-dashboards.yaml. A steady 150
// requests/s with the seven panels of the program's dashboard recorded at every scrape. What
// the lab expects (the certification program's Lab 2.3): for each panel, what the metric
// shows and whether it is normal.
//
// The test asserts every check of the file passed, that each panel's series exists in the
// metric record with a value at every scrape, and what steady load looks like on it; then a
// variant with two problems (a memory leak on the worker, service-c 30 ms slower) must fail the
// checks of the panels that show them (latency, utilisation, memory) and not the others.

#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "run_inspection.hpp"

using namespace tpssim;

namespace {

using namespace run_inspection;

const std::string kFile = TPSSIM_SOURCE_DIR "/scenarios/labs/2.3-dashboards.yaml";

struct Panel {
    const char* metric;  // Prometheus name
    const char* subject; // service, queue or call edge
};

// The seven panels: breaker, queue, utilisation and replicas, errors, latency, throughput,
// resources.
const std::vector<Panel> kPanels{
    {"tps_breaker_state", "worker->service-b"},
    {"tps_queue_depth", "jobs"},
    {"tps_utilization", "worker"},
    {"tps_replicas", "worker"},
    {"tps_error_ratio", "worker"},
    {"tps_latency_p50_seconds", "worker"},
    {"tps_latency_p90_seconds", "worker"},
    {"tps_latency_p99_seconds", "worker"},
    {"tps_throughput", "worker"},
    {"tps_cpu_cores", "worker"},
    {"tps_memory_bytes", "worker"},
};

} // namespace

TEST_CASE("lab 2.3 dashboards: every panel's series, and what steady load shows on it") {
    const auto sc = scenarios::load_scenario_file(kFile);
    const auto r = run(sc);
    check_all_passed(sc, r);
    const std::size_t scrapes = r.metric_times_seconds.size();
    CHECK(scrapes == 39); // every 15 s, from 15 s to 9m45s
    for (const auto& p : kPanels) {
        CAPTURE(p.metric);
        const auto& values = column(r, p.metric, p.subject);
        REQUIRE(values.size() == scrapes);
        for (const double v : values)
            CHECK(std::isfinite(v));
    }
    // The latencies in order at every scrape: p50 <= p90 <= p99.
    const auto& p50 = column(r, "tps_latency_p50_seconds", "worker");
    const auto& p90 = column(r, "tps_latency_p90_seconds", "worker");
    const auto& p99 = column(r, "tps_latency_p99_seconds", "worker");
    for (std::size_t i = 0; i < scrapes; ++i) {
        CHECK(p50[i] <= p90[i]);
        CHECK(p90[i] <= p99[i]);
    }
    // Steady: throughput near the load, the breaker closed and memory flat throughout.
    CHECK(max_in(r, column(r, "tps_breaker_state", "worker->service-b"), 0, 600) == 0.0);
    CHECK(max_in(r, column(r, "tps_memory_bytes", "worker"), 0, 600) == 256.0 * 1024 * 1024);
    const auto& thru = column(r, "tps_throughput", "worker");
    CHECK(min_in(r, thru, 30, 600) > 130);
    CHECK(max_in(r, thru, 30, 600) < 170);
    // CPU follows throughput: 6 ms per request.
    const auto& cpu = column(r, "tps_cpu_cores", "worker");
    for (std::size_t i = 1; i < scrapes; ++i)
        CHECK(cpu[i] == doctest::Approx(thru[i] * 0.006).epsilon(0.02));
}

TEST_CASE("lab 2.3 with a leak and a slow service-c: the panels that should show it do") {
    const std::vector<scenarios::Override> problems{
        {"services.worker.resources.memory_limit", "4GiB"},
        {"chaos", "[{at: 2m, target: worker, memory_leak: 10MiB/min}, "
                  "{at: 2m, target: service-c, latency: +30ms}]"}};
    const auto sc = scenarios::load_scenario_file(kFile, problems);
    const auto r = run(sc);
    CHECK(check_failed(r, "memory(worker) == 256MiB during [0s, 10m]"));
    CHECK(check_failed(r, "p90(worker) < 70ms during [30s, 10m]"));
    CHECK(check_failed(r, "p99(worker) < 130ms during [30s, 10m]"));
    // A slower downstream holds each worker longer: ~85% busy instead of ~36%.
    CHECK(check_failed(r, "utilization(worker) < 50% during [30s, 10m]"));
    // What the problems do not touch stays normal.
    CHECK_FALSE(check_failed(r, "error_rate(worker) == 0 during [0s, 10m]"));
    CHECK_FALSE(check_failed(r, "breaker_state(worker->service-b) == closed during [0s, 10m]"));
    CHECK_FALSE(check_failed(r, "replicas(worker) == 10 during [0s, 10m]"));
    // The leak climbs: memory at the end well above where it started.
    const auto& memory = column(r, "tps_memory_bytes", "worker");
    CHECK(memory.back() > memory.front() + 50.0 * 1024 * 1024);
}

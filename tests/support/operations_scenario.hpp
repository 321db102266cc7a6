#pragma once
// The reference system of the tests of the operations blocks
// (tests/scenarios/test_scenario_operations_*.cpp): the sketch's system of
// docs/scenario-format.md, which each test extends with its own blocks, loaded as `ops.yaml`.

#include "diagnostics.hpp"

#include "sim/sim_time.hpp"

#include <cstdint>

namespace test_support::operations_scenario {

// api publishes to jobs, consumed by worker, which calls service-b (with a breaker), then db and
// service-c in parallel; service-b calls service-c. Edges in model numbering: 0 worker->service-b,
// 1 worker->db, 2 worker->service-c, 3 service-b->service-c.
inline const ScenarioBase kSystem{R"(name: ops
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
)",
                                  "ops.yaml"};

/// The services' indices in the model.
constexpr std::uint32_t kApi = 0, kJobs = 1, kWorker = 2, kServiceB = 3, kServiceC = 4, kDb = 5;

/// `h` hours of simulated time.
inline tpssim::sim::SimTime hours(double h) {
    return tpssim::sim::SimTime::from_ns(static_cast<tpssim::sim::SimTime::Rep>(h * 3600e9));
}

} // namespace test_support::operations_scenario

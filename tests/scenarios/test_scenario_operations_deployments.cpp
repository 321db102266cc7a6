// The deployments (versions and canaries with their gates), network links and monitoring
// blocks of a scenario, and their errors with their exact messages.
// Broken files with their messages are in tests/bad/ (ops_*.yaml).
#include "models/operations_params.hpp"
#include "operations_scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;
using namespace test_support::operations_scenario;

using sim::SimTime;

TEST_CASE("deployments: versions and a canary with its gates") {
    const auto sc = kSystem.load(R"(deployments:
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
    const auto sc = kSystem.load(R"(deployments:
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
    const auto sc = kSystem.load(R"(network:
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
    CHECK(kSystem.errors("network: {links: [{between: [db, worker], bandwidth: 1Gbit/s, payload: "
                         "1KiB}]}\n") ==
          std::vector<std::string>{kSystem.at(1, 29) +
                                   "network.links.0.between: \"db\" does not call "
                                   "\"worker\": a link carries the calls from its "
                                   "first service to its second (worker calls db: "
                                   "write between: [worker, db])"});
    CHECK(kSystem.errors("network: {links: [{between: [worker, db], bandwidth: 1Gbit, payload: "
                         "1KiB}]}\n") ==
          std::vector<std::string>{
              kSystem.at(1, 54) +
              "network.links.0.bandwidth: expected a data rate with a unit: bits "
              "(bit/s, kbit/s, Mbit/s, Gbit/s) or a size per time (B/s, KiB/s, "
              "MiB/s, 2MiB/min, ...), got \"1Gbit\""});
    CHECK(kSystem.errors("deployments: {worker: {versions: {v2: {}}, canary: {version: v3}}}\n") ==
          std::vector<std::string>{kSystem.at(1, 62) + "deployments.worker.canary.version: unknown "
                                                       "version \"v3\"; did you mean \"v2\"?"});
    CHECK(kSystem.errors("deployments: {jobs: {versions: {v2: {}}}}\n") ==
          std::vector<std::string>{kSystem.at(1, 15) +
                                   "deployments.jobs: \"jobs\" is a queue (kind: "
                                   "queue): only services have versions"});
    CHECK(kSystem.errors("monitoring: {scrape_interval: 1ms}\n") ==
          std::vector<std::string>{kSystem.at(1, 31) +
                                   "monitoring.scrape_interval: expected at most "
                                   "10000000 scrapes over the run (duration 66h): an "
                                   "interval >= 24ms, got \"1ms\""});
}

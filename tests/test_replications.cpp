#include "models/replications.hpp"

#include <doctest/doctest.h>
#include <set>

using sim::Distribution;
using sim::SimTime;

namespace {
models::ModelParams mm2() {
    models::ModelParams p;
    p.duration = SimTime::from_s(200);
    models::ServiceParams api;
    api.name = "api";
    api.workers = 2;
    api.service_time = Distribution::exponential(SimTime::from_ms(100));
    p.services.push_back(api);
    p.load.push_back({"users", 0, models::ArrivalProcess::Poisson, 15.0});
    return p;
}
} // namespace

TEST_CASE("replication 0 uses the run's own seed; the others get distinct seeds") {
    CHECK(models::replication_seed(42, 0) == 42);
    std::set<std::uint64_t> seeds;
    for (std::uint32_t r = 0; r < 1000; ++r)
        seeds.insert(models::replication_seed(42, r));
    CHECK(seeds.size() == 1000);
}

TEST_CASE("results do not depend on the number of threads") {
    const auto p = mm2();
    models::ReplicationOptions o;
    o.seed = 5;
    o.replications = 6;
    o.threads = 1;
    const auto one = models::run_replications(p, o);
    o.threads = 3;
    const auto three = models::run_replications(p, o);
    REQUIRE(one.size() == 6);
    REQUIRE(three.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(one[i].seed == three[i].seed);
        CHECK(one[i].events == three[i].events);
        CHECK(one[i].services[0].latency_seconds.mean == three[i].services[0].latency_seconds.mean);
    }
    CHECK(one[0].services[0].arrivals != one[1].services[0].arrivals);
}

TEST_CASE("replication 0 equals a plain run with the same seed") {
    const auto p = mm2();
    models::ReplicationOptions o;
    o.seed = 9;
    o.replications = 2;
    const auto reps = models::run_replications(p, o);
    models::RunOptions ro;
    ro.seed = 9;
    const auto plain = models::run_model(p, ro);
    CHECK(reps[0].events == plain.events);
    CHECK(reps[0].services[0].wait_seconds.mean == plain.services[0].wait_seconds.mean);
}

TEST_CASE("a progress callback returning false stops further replications") {
    const auto p = mm2();
    models::ReplicationOptions o;
    o.replications = 50;
    o.threads = 1;
    o.progress = [](std::uint32_t done, std::uint32_t) { return done < 3; };
    const auto reps = models::run_replications(p, o);
    CHECK(reps.size() == 3);
}

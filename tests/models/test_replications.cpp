#include "models/replications.hpp"

#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

using namespace tpssim;

using sim::Distribution;
using sim::SimTime;
namespace fs = std::filesystem;

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

// Every scenario file in scenarios/ (calls with timeouts, retries, breakers, caches, queues
// with consumers, load profiles, closed users, tracing...), shortened: every thread reads the
// same ModelParams, and the summary JSON (every figure) must not depend on how many threads
// ran the replications. Under ThreadSanitizer (the tsan preset) this is the race check.
TEST_CASE("replications of every scenario file give the same summary for any thread count") {
    const fs::path root = fs::path(TPSSIM_SOURCE_DIR) / "scenarios";
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        // A sweep file (`*.sweep.yaml`), a forecast file, an exam's key or a playbook is not a
        // scenario.
        if (entry.path().extension() == ".yaml" && entry.path().stem().extension() != ".sweep" &&
            entry.path().stem().extension() != ".forecast" &&
            entry.path().stem().extension() != ".key" &&
            entry.path().stem().extension() != ".playbook")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(!files.empty());
    for (const auto& file : files) {
        SUBCASE(file.lexically_relative(root).string().c_str()) {
            auto sc = scenarios::load_scenario_file(file.string());
            sc.model.warmup = SimTime::from_s(10);
            sc.model.duration = SimTime::from_s(70);
            sc.model.tracing.sample_fraction = 0.5;
            sc.model.tracing.keep_slowest = 5;
            auto summary_with = [&](std::uint32_t threads) {
                models::ReplicationOptions o;
                o.seed = 3;
                o.replications = 3;
                o.threads = threads;
                const auto runs = models::run_replications(sc.model, o);
                REQUIRE(runs.size() == 3);
                return tpssim::summary_json(tpssim::summarise(runs, sc.name, file.string(), 3, 0.0),
                                            {true});
            };
            const std::string one = summary_with(1);
            CHECK(one == summary_with(3));
        }
    }
}

TEST_CASE("a stop asked from the progress callback while several threads run") {
    auto p = mm2();
    p.duration = SimTime::from_s(50);
    models::ReplicationOptions o;
    o.seed = 11;
    o.replications = 40;
    o.threads = 3;
    o.progress = [](std::uint32_t done, std::uint32_t) { return done < 4; };
    const auto reps = models::run_replications(p, o);
    // The fourth finished replication asks to stop; others may finish meanwhile, at most one
    // per other thread. What is kept is whole, in replication order.
    CHECK(reps.size() >= 4);
    CHECK(reps.size() <= 6);
    for (const auto& r : reps)
        CHECK_FALSE(r.interrupted);
}

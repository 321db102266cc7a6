#include "models/model.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace tpssim;

using models::ArrivalProcess;
using models::ModelParams;
using sim::Distribution;
using sim::SimTime;

namespace {
ModelParams single_service(double rate, ArrivalProcess arrivals, Distribution service,
                           std::uint32_t workers, std::uint64_t capacity, SimTime duration) {
    ModelParams p;
    p.duration = duration;
    models::ServiceParams api;
    api.name = "api";
    api.workers = workers;
    api.queue_capacity = capacity;
    api.service_time = service;
    p.services.push_back(api);
    p.load.push_back({"users", 0, arrivals, rate});
    return p;
}
models::RunResult run(const ModelParams& p, std::uint64_t seed = 1) {
    models::RunOptions o;
    o.seed = seed;
    return models::run_model(p, o);
}
} // namespace

TEST_CASE("D/D/1 below capacity: no wait, exact latency and utilisation") {
    // Arrivals at 1, 2, ..., 100 s; each takes 0.5 s.
    const auto p =
        single_service(1.0, ArrivalProcess::Constant, Distribution::constant(SimTime::from_ms(500)),
                       1, models::kUnbounded, SimTime::from_s(100) + SimTime::from_ms(1));
    const auto r = run(p);
    const auto& s = r.services.at(0);
    CHECK(s.arrivals == 100);
    CHECK(s.completed == 99); // the one arriving at t=100 s is still in service at 100.001 s
    CHECK(s.rejected == 0);
    CHECK(s.wait_seconds.max == 0.0);
    CHECK(s.latency_seconds.mean == doctest::Approx(0.5));
    CHECK(s.latency_seconds.p99 == doctest::Approx(0.5).epsilon(0.005));
    CHECK(s.utilization == doctest::Approx(49.501 / 100.001).epsilon(1e-9));
    CHECK(s.replicas_time_mean == 1.0);
}

TEST_CASE("a full queue rejects: D/D/1/1 at twice its capacity serves every other request") {
    // Arrivals every 0.5 s, service 1 s, one worker, no waiting place.
    const auto p =
        single_service(2.0, ArrivalProcess::Constant, Distribution::constant(SimTime::from_s(1)), 1,
                       0, SimTime::from_s(100) + SimTime::from_ms(250));
    const auto r = run(p);
    const auto& s = r.services.at(0);
    // Served: 0.5, 1.5, ..., 99.5 s (a completion at 1.5 s was scheduled before the arrival at
    // 1.5 s, so FIFO among equal times frees the worker first). Rejected: 1, 2, ..., 100 s.
    CHECK(s.arrivals == 200);
    CHECK(s.rejected == 100);
    CHECK(s.completed == 99); // the one started at 99.5 s is still in service at 100.25 s
    CHECK(s.mean_queue_length == 0.0);
}

TEST_CASE("a bounded queue holds at most its capacity and waits are exact") {
    // Arrivals at 0.5, 1.0, ...; service 1 s; one worker; 2 waiting places.
    const auto p =
        single_service(2.0, ArrivalProcess::Constant, Distribution::constant(SimTime::from_s(1)), 1,
                       2, SimTime::from_s(50));
    const auto r = run(p);
    const auto& s = r.services.at(0);
    CHECK(s.max_queue_length == 0.0 + 2.0);
    CHECK(s.rejected > 0);
    CHECK(s.arrivals == s.completed + s.rejected + 3); // at most 1 in service + 2 waiting left
}

TEST_CASE("warm-up: only requests arriving after it are counted") {
    auto p =
        single_service(1.0, ArrivalProcess::Constant, Distribution::constant(SimTime::from_ms(100)),
                       1, models::kUnbounded, SimTime::from_s(20) + SimTime::from_ms(500));
    p.warmup = SimTime::from_s(10) + SimTime::from_ms(500);
    const auto r = run(p);
    CHECK(r.warmup_seconds == 10.5);
    CHECK(r.services[0].arrivals == 10); // arrivals at 11..20 s
    CHECK(r.services[0].completed == 10);
    CHECK(r.services[0].utilization == doctest::Approx(1.0 / 10.0));
}

TEST_CASE("same seed, same figures; another seed, other figures") {
    const auto p = single_service(90.0, ArrivalProcess::Poisson,
                                  Distribution::exponential(SimTime::from_ms(100)), 10,
                                  models::kUnbounded, SimTime::from_s(600));
    const auto a = run(p, 42), b = run(p, 42), c = run(p, 43);
    CHECK(a.events == b.events);
    CHECK(a.services[0].latency_seconds.mean == b.services[0].latency_seconds.mean);
    CHECK(a.services[0].mean_queue_length == b.services[0].mean_queue_length);
    CHECK(a.services[0].arrivals != c.services[0].arrivals);
}

TEST_CASE("Little's law holds on a Poisson run: L = lambda W") {
    const auto p = single_service(90.0, ArrivalProcess::Poisson,
                                  Distribution::exponential(SimTime::from_ms(100)), 10,
                                  models::kUnbounded, SimTime::from_s(20000));
    const auto r = run(p, 7);
    const auto& s = r.services[0];
    const double lw = s.throughput_per_second * s.latency_seconds.mean;
    // Only the requests in flight at the ends break the identity: ~L/(lambda T) relative.
    CHECK(s.mean_in_system == doctest::Approx(lw).epsilon(0.01));
}

TEST_CASE("memory follows what is in flight: the request slab stays small on a stable run") {
    const auto p = single_service(90.0, ArrivalProcess::Poisson,
                                  Distribution::exponential(SimTime::from_ms(100)), 10,
                                  models::kUnbounded, SimTime::from_s(5000));
    const auto r = run(p, 3);
    CHECK(r.services[0].arrivals > 400000);
    CHECK(r.peak_in_flight < 500);
}

TEST_CASE("the progress callback can interrupt a run, which says so") {
    const auto p = single_service(1000.0, ArrivalProcess::Poisson,
                                  Distribution::exponential(SimTime::from_ms(1)), 2,
                                  models::kUnbounded, SimTime::from_s(100000));
    models::RunOptions o;
    int calls = 0;
    o.progress = [&](double, std::uint64_t) { return ++calls < 2; };
    const auto r = models::run_model(p, o);
    CHECK(r.interrupted);
    CHECK(r.simulated_seconds < 100000.0);
    CHECK(calls == 2);
}

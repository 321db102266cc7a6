// Load through the model: rate profiles (steps, ramps, daily patterns on a calendar start,
// clock times) seen in the arrivals a service counts, overload that is rejected and counted,
// and closed load (users who think, send, and wait for the answer).
#include "models/load_profile.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace tpssim;

using models::ArrivalProcess;
using models::ModelParams;
using sim::Distribution;
using sim::SimTime;

namespace {

ModelParams one_service(ArrivalProcess arrivals, double rate, std::uint32_t workers,
                        Distribution service, std::uint64_t capacity = models::kUnbounded) {
    ModelParams p;
    p.duration = SimTime::from_s(86'400);
    models::ServiceParams api;
    api.name = "api";
    api.workers = workers;
    api.queue_capacity = capacity;
    api.service_time = service;
    p.services.push_back(api);
    models::LoadSourceParams l;
    l.name = "users";
    l.arrivals = arrivals;
    l.rate_per_second = rate;
    p.load.push_back(l);
    return p;
}

/// Drives a model through consecutive windows, recording the arrivals counted in each.
struct Windows {
    Windows(const ModelParams& p, std::uint64_t seed) : model(p, seed) { model.start(sim); }
    /// Arrivals at the service in [now, until).
    std::uint64_t arrivals_until(SimTime until) {
        const std::uint64_t before = model.service_stats(0).arrivals;
        sim.run(model, {until});
        return model.service_stats(0).arrivals - before;
    }
    sim::Simulation sim;
    models::Model model;
};

/// |count - mean| within 4.5 standard deviations of a Poisson count of that mean.
bool poisson_close(std::uint64_t count, double mean) {
    return std::abs(static_cast<double>(count) - mean) <= 4.5 * std::sqrt(mean);
}

SimTime hours(double h) {
    return SimTime::from_ns(static_cast<SimTime::Rep>(std::llround(h * 3600e9)));
}

} // namespace

TEST_CASE("a step change is seen in arrivals per interval: exact with constant spacing") {
    // 100/s, then 300/s from 60 s; the k-th arrival is where the cumulative rate reaches k.
    auto p = one_service(ArrivalProcess::Constant, 100.0, 1000,
                         Distribution::constant(SimTime::from_ms(1)));
    p.load[0].profile.steps.push_back({SimTime::from_s(60), 300.0});
    Windows w(p, 1);
    // Arrivals at 0.01, 0.02, ... s; the 6000th falls at exactly 60 s, in the second window.
    CHECK(w.arrivals_until(SimTime::from_s(60)) == 5999);
    CHECK(w.arrivals_until(SimTime::from_s(120)) == 18000);
    // Ten-second windows after the step: 3000 each.
    for (int k = 0; k < 3; ++k)
        CHECK(w.arrivals_until(SimTime::from_s(130 + 10 * k)) == 3000);
}

TEST_CASE("a step and a ramp are seen in Poisson arrivals per interval") {
    // 100/s; 300/s from 60 s; from 120 s a ramp to 0/s at 180 s.
    auto p = one_service(ArrivalProcess::Poisson, 100.0, 1000,
                         Distribution::constant(SimTime::from_ms(1)));
    p.load[0].profile.steps.push_back({SimTime::from_s(60), 300.0});
    p.load[0].profile.ramps.push_back({SimTime::from_s(120), SimTime::from_s(180), 0.0});
    Windows w(p, 7);
    const std::uint64_t first = w.arrivals_until(SimTime::from_s(60));
    const std::uint64_t second = w.arrivals_until(SimTime::from_s(120));
    const std::uint64_t ramp_down = w.arrivals_until(SimTime::from_s(180));
    const std::uint64_t after = w.arrivals_until(SimTime::from_s(600));
    INFO(first << " " << second << " " << ramp_down << " " << after);
    CHECK(poisson_close(first, 6000.0));
    CHECK(poisson_close(second, 18000.0));
    CHECK(poisson_close(ramp_down, 9000.0)); // a triangle: 300/s x 60 s / 2
    CHECK(after == 0);                       // the rate stays 0: no arrival is ever scheduled
    CHECK(w.sim.pending() == 1);             // only monitoring's next scrape: no arrival is pending
}

TEST_CASE("a constant-rate source draws the same arrivals with an explicit flat profile") {
    // A daily pattern whose factors are all 1 compiles to a constant rate: the fast path, and
    // the very same random numbers as a source without a profile.
    auto plain = one_service(ArrivalProcess::Poisson, 50.0, 4,
                             Distribution::exponential(SimTime::from_ms(50)));
    plain.duration = SimTime::from_s(300);
    auto flat = plain;
    flat.load[0].profile.daily = {{SimTime::zero(), 1.0}, {hours(12), 1.0}};
    const auto a = models::run_model(plain, {});
    const auto b = models::run_model(flat, {});
    CHECK(a.events == b.events);
    CHECK(a.services[0].arrivals == b.services[0].arrivals);
    CHECK(a.services[0].latency_seconds.mean == b.services[0].latency_seconds.mean);
}

TEST_CASE("a daily pattern's expected count, hour block by hour block") {
    // 10/s x {00:00 0.5, 08:00 1.0, 12:00 2.0, 18:00 1.0}; the calendar starts at midnight.
    auto p = one_service(ArrivalProcess::Poisson, 10.0, 1000,
                         Distribution::constant(SimTime::from_ms(1)));
    p.start = std::chrono::local_days{std::chrono::year{2026} / 12 / 21}; // a Monday
    p.load[0].profile.daily = {
        {hours(0), 0.5}, {hours(8), 1.0}, {hours(12), 2.0}, {hours(18), 1.0}};
    const models::LoadProfile profile(models::rate_profile_of(p, p.load[0]));
    CHECK(profile.expected_arrivals(SimTime::zero(), hours(24)) ==
          doctest::Approx(10.0 * 3600.0 * (8 * 0.5 + 4 * 1.0 + 6 * 2.0 + 6 * 1.0)));
    Windows w(p, 3);
    const double block[] = {0, 8, 12, 18, 24};
    std::uint64_t total = 0;
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t n = w.arrivals_until(hours(block[i + 1]));
        const double expected = profile.expected_arrivals(hours(block[i]), hours(block[i + 1]));
        INFO("block " << i << ": " << n << " arrivals, expected " << expected);
        CHECK(poisson_close(n, expected));
        total += n;
    }
    CHECK(poisson_close(total, 936'000.0));
}

TEST_CASE("start: shifts the daily pattern and the weekday; the calendar reads 14:00 as t = 0") {
    // 2026-12-25 is a Friday. Starting at 14:00, the 12:00-18:00 peak covers t in [0, 4h),
    // then 18:00-24:00 at 1.0; Saturday (weekly 0.5) begins at t = 10h.
    auto p = one_service(ArrivalProcess::Constant, 10.0, 1000,
                         Distribution::constant(SimTime::from_ms(1)));
    p.start = std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    p.load[0].profile.daily = {
        {hours(0), 0.5}, {hours(8), 1.0}, {hours(12), 2.0}, {hours(18), 1.0}};
    p.load[0].profile.weekly[5] = 0.5; // Saturday
    Windows w(p, 1);
    // Constant spacing: counts are exact up to the arrival that lands on a boundary.
    CHECK(w.arrivals_until(hours(4)) == 10 * 2 * 4 * 3600 - 1);
    CHECK(w.arrivals_until(hours(10)) == 10 * 1 * 6 * 3600);
    CHECK(w.arrivals_until(hours(18)) == 10 * 0.5 * 0.5 * 8 * 3600); // Saturday night
}

TEST_CASE("clock times and dates in steps, through the scenario file") {
    const std::string yaml = R"(
name: clock-times
start: 2026-12-25T14:00
duration: 2d
load:
  - name: users
    target: api
    arrivals: constant
    rate: 1/s
    steps:
      - {at: "15:00", rate: 2/s}                     # 1h after the start
      - {from: "23:30", to: "00:30", ramp_to: 4/s}   # across midnight: 9.5h to 10.5h
      - {at: "13:00", rate: 3/s}                     # before 14:00: the next day, 23h
      - {at: 2026-12-26T20:00, rate: 0/s}            # 30h
services:
  api:
    workers: 100
    service_time: {dist: constant, value: 1ms}
)";
    const auto sc = scenarios::load_scenario_text(yaml, "clock.yaml");
    const auto& prof = sc.model.load[0].profile;
    REQUIRE(prof.steps.size() == 3);
    CHECK(prof.steps[0].at == hours(1));
    CHECK(prof.steps[1].at == hours(23));
    CHECK(prof.steps[2].at == hours(30));
    REQUIRE(prof.ramps.size() == 1);
    CHECK(prof.ramps[0].from == hours(9.5));
    CHECK(prof.ramps[0].to == hours(10.5));
    REQUIRE(sc.model.start);
    CHECK(models::Calendar{*sc.model.start}.weekday_at(hours(10)) == std::chrono::Saturday);

    Windows w(sc.model, 1);
    // Where the cumulative rate reaches a whole number exactly on a window's edge, the arrival
    // belongs to the later window; inside a ramp that instant is found to a few nanoseconds, so
    // the windows next to the ramp may trade that one arrival.
    const auto near = [](std::uint64_t n, double expected) {
        return std::abs(static_cast<double>(n) - expected) <= 1.0;
    };
    CHECK(w.arrivals_until(hours(1)) == 3599);
    CHECK(near(w.arrivals_until(hours(9.5)), 2 * 8.5 * 3600));
    CHECK(near(w.arrivals_until(hours(10.5)), 3 * 3600)); // from 2/s to 4/s: a mean of 3/s
    CHECK(near(w.arrivals_until(hours(23)), 4 * 12.5 * 3600));
    CHECK(w.arrivals_until(hours(30)) == 3 * 7 * 3600);
    CHECK(w.arrivals_until(hours(48)) == 1); // the one at exactly 30 h; then the rate is 0
}

TEST_CASE("an overload ramp: arrivals past the queue are rejected and counted, none lost") {
    // Two workers of 10 ms (200/s at most) and 20 waiting places; the rate ramps from 50/s to
    // 1000/s over a minute, holds for a minute, then drops back to 50/s.
    auto p = one_service(ArrivalProcess::Poisson, 50.0, 2,
                         Distribution::exponential(SimTime::from_ms(10)), 20);
    p.load[0].profile.ramps.push_back({SimTime::from_s(60), SimTime::from_s(120), 1000.0});
    p.load[0].profile.steps.push_back({SimTime::from_s(180), 50.0});
    const models::LoadProfile profile(models::rate_profile_of(p, p.load[0]));
    Windows w(p, 11);
    const std::uint64_t arrivals = w.arrivals_until(SimTime::from_s(300));
    const auto& s = w.model.service_stats(0);
    CHECK(
        poisson_close(arrivals, profile.expected_arrivals(SimTime::zero(), SimTime::from_s(300))));
    CHECK(s.rejected > 30'000);
    // Every arrival is accounted for: served, failed, rejected, or still in the system.
    CHECK(s.arrivals ==
          s.completed + s.failed + s.timed_out + s.rejected + w.model.jobs_in_flight());
    CHECK(w.model.jobs_in_flight() <= 22);
    // Latency counts from the intended arrival: the waits under overload are in it.
    CHECK(s.wait.max_seconds() > 0.05);
    CHECK(s.latency.max_seconds() >= s.wait.max_seconds());
}

TEST_CASE("closed load: one user, constant think and service, a request every 1.5 s") {
    auto p =
        one_service(ArrivalProcess::Closed, 0.0, 1, Distribution::constant(SimTime::from_ms(500)));
    p.load[0].users = 1;
    p.load[0].think_time = Distribution::constant(SimTime::from_s(1));
    p.duration = SimTime::from_s(100) + SimTime::from_ms(600);
    const auto r = models::run_model(p, {});
    // Requests at 1, 2.5, 4, ..., 100 s (it starts by thinking); the last ends at 100.5 s.
    CHECK(r.services[0].arrivals == 67);
    CHECK(r.services[0].completed == 67);
    CHECK(r.services[0].wait_seconds.max == 0.0);
    CHECK(r.services[0].latency_seconds.mean == doctest::Approx(0.5));
}

TEST_CASE("closed load: rejected and timed-out requests free their users, who send again") {
    // 8 users without think time against one worker with no waiting room: most requests are
    // rejected at once; the users retry at once. With a 100 ms timeout and 300 ms of service,
    // every accepted request is given up on; the worker finishes it for nobody.
    auto p = one_service(ArrivalProcess::Closed, 0.0, 1,
                         Distribution::constant(SimTime::from_ms(300)), 0);
    p.load[0].users = 8;
    p.load[0].think_time = Distribution::constant(SimTime::from_ms(50));
    p.load[0].timeout = SimTime::from_ms(100);
    sim::Simulation sim;
    models::Model model(p, 5);
    model.start(sim);
    sim.run(model, {SimTime::from_s(60) + SimTime::from_ms(1)});
    const auto& s = model.service_stats(0);
    CHECK(s.completed == 0);
    CHECK(s.timed_out > 150); // one every 300 ms
    CHECK(s.rejected > 1000);
    CHECK(s.arrivals == s.timed_out + s.rejected + model.jobs_in_flight());
    CHECK(model.jobs_in_flight() <= 1);
    // No user is lost: the last second still sees them all at work.
    const std::uint64_t before = s.arrivals;
    sim.run(model, {SimTime::from_s(61) + SimTime::from_ms(1)});
    CHECK(model.service_stats(0).arrivals - before > 8 * 5);
}

TEST_CASE("closed load through a queue: a redelivered item keeps its user waiting") {
    const std::string yaml = R"(
name: closed-queue
duration: 10m
load:
  - {name: users, target: jobs, arrivals: closed, users: 20, think_time: 100ms}
services:
  jobs: {kind: queue, consumers: worker, max_deliver: 3}
  worker:
    workers: 2
    errors: {probability: 50%}
    service_time: {dist: exponential, mean: 10ms}
)";
    const auto sc = scenarios::load_scenario_text(yaml, "closed-queue.yaml");
    sim::Simulation sim;
    models::Model model(sc.model, 2);
    model.start(sim);
    sim.run(model, {SimTime::from_s(600)});
    const auto& q = model.service_stats(0);
    // Each user has at most one item in the system at a time.
    CHECK(model.jobs_in_flight() <= 20);
    CHECK(q.redelivered > 1000);
    CHECK(q.dead_lettered > 100);
    // An item ends completed or dead-lettered; each ending sends its user thinking. A cycle
    // takes 100 ms of thinking plus a few deliveries of ~10 ms (2 workers, 20 users: some
    // queueing), so each user sends several requests a second.
    CHECK(q.completed + q.dead_lettered >= q.arrivals - 20);
    CHECK(q.arrivals > 20 * 600 * 3);
}

TEST_CASE("MMPP: the long-run rate of its states, and bursts (counts far more dispersed)") {
    // 10/s for 20 s on average, 100/s for 5 s: the long-run rate is (10 x 20 + 100 x 5) / 25 =
    // 28/s. Counts per second mix the two rates: variance about 28 + 0.8 x 0.2 x 90^2 = 1324,
    // an index of dispersion near 47 where a Poisson source has 1.
    auto p =
        one_service(ArrivalProcess::Mmpp, 0.0, 1000, Distribution::constant(SimTime::from_ms(1)));
    p.load[0].mmpp = {{10.0, SimTime::from_s(20)}, {100.0, SimTime::from_s(5)}};
    p.duration = SimTime::from_s(2000);
    p.operations.monitoring.scrape_interval = SimTime::from_s(1);
    std::vector<double> counts;
    double sum = 0.0, sum2 = 0.0;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        models::RunOptions o;
        o.seed = seed;
        const auto r = models::run_model(p, o);
        const double n = static_cast<double>(r.services[0].arrivals);
        sum += n;
        sum2 += n * n;
        if (seed == 1) {
            for (const auto& c : r.metrics)
                if (c.name == "tps_request_rate") counts = c.values;
        }
    }
    const double mean = sum / 20.0;
    const double sd = std::sqrt((sum2 - 20.0 * mean * mean) / 19.0);
    INFO("mean " << mean << " sd " << sd);
    CHECK(std::abs(mean - 28.0 * 2000.0) < 4.0 * sd / std::sqrt(20.0));
    REQUIRE(counts.size() > 1000);
    double m = 0.0, v = 0.0;
    for (double c : counts)
        m += c;
    m /= static_cast<double>(counts.size());
    for (double c : counts)
        v += (c - m) * (c - m);
    v /= static_cast<double>(counts.size() - 1);
    CHECK(v / m > 10.0);
}

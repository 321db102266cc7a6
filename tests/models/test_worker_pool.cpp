#include "models/worker_pool.hpp"
#include "sim/random_stream.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

using namespace tpssim;

using models::WorkerPool;
using State = WorkerPool::Replica::State;
using sim::SimTime;

TEST_CASE("WorkerPool: replica 0 is taken first, and a freed replica is the next taken") {
    WorkerPool p(3);
    CHECK(p.ready() == 3);
    CHECK(p.desired() == 3);
    CHECK(p.take_idle() == 0);
    CHECK(p.take_idle() == 1);
    p.start(0, 10);
    p.start(1, 11);
    CHECK(p.busy() == 2);
    CHECK(p.release(0, 10) == WorkerPool::Release::Free);
    p.put_idle(0);
    CHECK(p.busy() == 1);
    CHECK(p.take_idle() == 0); // last in, first out: a warm replica is reused
    CHECK(p.take_idle() == 2);
    CHECK_FALSE(p.has_idle());
}

TEST_CASE("WorkerPool: a scale-down removes starting ones, then idle ones, then drains busy ones") {
    WorkerPool p(3);
    const std::uint32_t busy = p.take_idle(); // replica 0
    p.start(busy, 7);
    const std::uint32_t starting = p.add(false);
    CHECK(starting == 3);
    CHECK(p.desired() == 4);
    p.remove(3); // the starting one, then the idle ones (2, then 1)
    CHECK(p.replica(starting).state == State::Removed);
    CHECK(p.replica(1).state == State::Removed);
    CHECK(p.replica(2).state == State::Removed);
    CHECK(p.replica(busy).state == State::Ready);
    CHECK(p.desired() == 1);
    p.remove(1); // the busy one drains
    CHECK(p.desired() == 0);
    CHECK(p.ready() == 0);
    CHECK(p.serving() == 1);
    CHECK(p.replica(busy).draining);
    CHECK(p.release(busy, 7) == WorkerPool::Release::Left);
    CHECK(p.serving() == 0);
    CHECK(p.replica(busy).state == State::Removed);
    // Removed slots are reused, each with a new generation.
    const std::uint32_t gen = p.replica(busy).gen;
    const std::uint32_t again = p.add(false);
    CHECK(again == busy);
    CHECK(p.replica(again).gen == gen + 1);
}

TEST_CASE(
    "WorkerPool: a killed replica hands back its request and restarts; a draining one leaves") {
    WorkerPool p(2);
    const std::uint32_t r = p.take_idle();
    p.start(r, 5);
    const std::uint32_t gen = p.replica(r).gen;
    const auto killed = p.kill(r);
    CHECK(killed.job == 5);
    CHECK(killed.restarts);
    CHECK(killed.gen == gen + 1);
    CHECK(p.replica(r).state == State::Down);
    CHECK(p.ready() == 1);
    CHECK(p.desired() == 2); // a down replica is still asked for
    CHECK(p.counters().crashes == 1);
    // Its request ends later, on no replica: the busy count drops, nothing else changes.
    CHECK(p.release(0xffffffffu, 5) == WorkerPool::Release::Gone);
    CHECK(p.busy() == 0);
    p.restart(r);
    p.make_ready(r, SimTime::from_s(3));
    CHECK(p.ready() == 2);
    CHECK(p.replica(r).started == SimTime::from_s(3));
    // An idle replica killed leaves the idle stack.
    const std::uint32_t other = 1 - r;
    const auto idle_killed = p.kill(other);
    CHECK(idle_killed.job == models::kNone);
    CHECK(p.idle_count() == 1);
    CHECK(p.take_idle() == r);
}

TEST_CASE("WorkerPool: a rolling restart retires one old replica per new ready one") {
    WorkerPool p(2);
    const std::uint32_t busy = p.take_idle(); // 0 works, 1 idles
    p.start(busy, 9);
    CHECK(p.begin_rolling_restart() == 2);
    const std::uint32_t a = p.add(true);
    const std::uint32_t b = p.add(true);
    CHECK(p.desired() == 2);          // surge replicas are not asked for
    p.make_ready(a, SimTime::zero()); // retires the last listed: replica 1, idle, removed
    CHECK(p.replica(1).state == State::Removed);
    CHECK(p.ready() == 2);
    p.make_ready(b, SimTime::zero()); // retires replica 0, busy: it drains
    CHECK(p.replica(busy).draining);
    CHECK(p.ready() == 2);
    CHECK(p.serving() == 3);
    CHECK(p.desired() == 2);
    CHECK(p.release(busy, 9) == WorkerPool::Release::Left);
    CHECK(p.serving() == 2);
}

TEST_CASE("WorkerPool: unhealthy replicas are counted until healed or killed") {
    WorkerPool p(3);
    p.make_unhealthy(1, 2.0, 0.5);
    CHECK(p.unhealthy() == 1);
    CHECK(p.replica(1).slow_factor == 2.0);
    CHECK(p.ready_ids(true) == std::vector<std::uint32_t>{0, 2});
    CHECK(p.ready_ids(false) == std::vector<std::uint32_t>{0, 1, 2});
    p.heal(1, p.replica(1).gen + 1); // a stale generation: another replica now
    CHECK(p.unhealthy() == 1);
    p.heal(1, p.replica(1).gen);
    CHECK(p.unhealthy() == 0);
    CHECK(p.replica(1).fail_probability == 0.0);
    p.make_unhealthy(2, 3.0, 0.0);
    p.kill(2);
    CHECK(p.unhealthy() == 0);
}

namespace {
/// The mean memory of the serving replicas by visiting each one, as a scrape once did.
double walked_mean_memory(const WorkerPool& p, double base, double rate, SimTime since,
                          SimTime now) {
    double memory = 0.0;
    std::uint32_t serving = 0;
    for (const auto& r : p.replicas()) {
        if (r.state != State::Ready) continue;
        ++serving;
        memory += base + r.leaked_bytes;
        if (rate > 0.0) memory += rate * (now - std::max(r.started, since)).seconds();
    }
    return serving > 0 ? memory / serving : 0.0;
}
} // namespace

TEST_CASE("WorkerPool: the memory sums equal a walk over the replicas through leaks and deaths") {
    // Random operations on a pool: requests that leak, time-based leaks starting and
    // stopping, crashes, restarts, scale-ups and downs, rolling restarts. After each, the
    // O(1) mean must equal the walk over the replicas (to rounding).
    sim::RandomStream rng(7, "worker pool", "memory");
    constexpr double kBase = 256e6;
    WorkerPool p(4);
    double rate = 0.0; // bytes per second of the time-based leak in force
    SimTime since = SimTime::zero();
    SimTime now = SimTime::zero();
    std::vector<std::uint32_t> down; // crashed, to restart
    std::vector<std::uint32_t> starting;
    std::uint32_t job = 0;
    std::uint32_t checks_with_leaks = 0;
    for (int step = 0; step < 4000; ++step) {
        now = now + SimTime::from_ms(1 + static_cast<std::int64_t>(rng.next_below(5000)));
        const auto ready = p.ready_ids(false);
        switch (rng.next_below(9)) {
        case 0: // a request ends on a ready replica, leaking
        case 1:
            if (!ready.empty()) {
                const std::uint32_t r = ready[rng.next_below(ready.size())];
                if (p.replica(r).job == models::kNone) {
                    p.start(r, ++job);
                    p.add_leaked(r, static_cast<double>(1 + rng.next_below(1'000'000)));
                    if (p.release(r, job) != WorkerPool::Release::Free) break;
                }
            }
            break;
        case 2: // a time-based leak starts
            if (rate == 0.0) {
                rate = 1e3 * static_cast<double>(1 + rng.next_below(1000));
                since = now;
                p.set_leak_since(now);
            }
            break;
        case 3: // it stops: what leaked stays leaked, as the model folds it in
            if (rate > 0.0) {
                for (std::uint32_t id = 0; id < p.replicas().size(); ++id)
                    if (p.replica(id).state == State::Ready)
                        p.add_leaked(
                            id, rate * (now - std::max(p.replica(id).started, since)).seconds());
                rate = 0.0;
            }
            break;
        case 4: // a crash
            if (!ready.empty()) {
                const std::uint32_t r = ready[rng.next_below(ready.size())];
                if (p.kill(r).restarts) down.push_back(r);
            }
            break;
        case 5: // a crashed one restarts, or a starting one is ready
            // (An id may be listed twice: a removed replica's slot is reused by `add`.)
            if (!down.empty()) {
                if (p.replica(down.back()).state == State::Down) {
                    p.restart(down.back());
                    starting.push_back(down.back());
                }
                down.pop_back();
            } else if (!starting.empty()) {
                if (p.replica(starting.back()).state == State::Starting)
                    p.make_ready(starting.back(), now);
                starting.pop_back();
            }
            break;
        case 6: // scale up
            if (p.desired() < 12) starting.push_back(p.add(false));
            break;
        case 7: // scale down (idle ones leave, busy ones would drain)
            if (p.desired() > 1) {
                p.remove(1);
                std::erase_if(starting, [&](std::uint32_t r) {
                    return p.replica(r).state != State::Starting;
                });
                std::erase_if(down,
                              [&](std::uint32_t r) { return p.replica(r).state != State::Down; });
            }
            break;
        case 8: // a rolling restart: new replicas retire the old ones as they become ready
            for (std::size_t k = p.begin_rolling_restart(); k > 0; --k)
                starting.push_back(p.add(true));
            break;
        }
        const double expected = walked_mean_memory(p, kBase, rate, since, now);
        const double got = p.mean_memory_bytes(kBase, rate, now);
        INFO("step " << step);
        REQUIRE(got == doctest::Approx(expected).epsilon(1e-12));
        if (expected > kBase) ++checks_with_leaks;
    }
    CHECK(checks_with_leaks > 1000); // the comparison saw leaked memory, not just the base
}

TEST_CASE("WorkerPool: without leaks the mean memory is the base exactly, 0 with none serving") {
    WorkerPool p(3);
    CHECK(p.mean_memory_bytes(1.3e6 / 3.0, 0.0, SimTime::from_s(10)) == 1.3e6 / 3.0);
    for (std::uint32_t r = 0; r < 3; ++r)
        p.kill(r);
    CHECK(p.mean_memory_bytes(1.3e6, 0.0, SimTime::from_s(10)) == 0.0);
}

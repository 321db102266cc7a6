#include "models/worker_pool.hpp"

#include <doctest/doctest.h>

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

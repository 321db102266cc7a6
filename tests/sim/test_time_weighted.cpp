#include "sim/time_weighted.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using sim::SimTime;

TEST_CASE("time-weighted mean of a step function") {
    sim::TimeWeighted q;
    q.set(SimTime::from_s(0), 2); // 2 for 1 s
    q.set(SimTime::from_s(1), 0); // 0 for 2 s
    q.set(SimTime::from_s(3), 6); // 6 for 1 s
    CHECK(q.mean(SimTime::from_s(4)) == doctest::Approx((2.0 + 0 + 6) / 4));
    CHECK(q.integral_seconds(SimTime::from_s(4)) == doctest::Approx(8.0));
    CHECK(q.max() == 6.0);
}

TEST_CASE("restart forgets the past but keeps the current value") {
    sim::TimeWeighted q;
    q.set(SimTime::from_s(0), 10);
    q.restart(SimTime::from_s(5));
    q.add(SimTime::from_s(6), -10); // 10 for 1 s, then 0 for 1 s
    CHECK(q.mean(SimTime::from_s(7)) == doctest::Approx(5.0));
    CHECK(q.max() == 10.0);
}

TEST_CASE("with no time elapsed the mean is the current value") {
    sim::TimeWeighted q;
    q.set(SimTime::from_s(3), 4);
    q.restart(SimTime::from_s(3));
    CHECK(q.mean(SimTime::from_s(3)) == 4.0);
}

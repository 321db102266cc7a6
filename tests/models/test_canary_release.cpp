#include "models/canary.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::CanaryAnalysis;
using models::CanaryParams;
using models::CanaryRelease;
using sim::SimTime;
using Phase = CanaryAnalysis::Phase;

TEST_CASE("CanaryRelease: each analysis sees only its interval's requests") {
    CanaryParams p;
    p.step_weight = 0.25;
    p.max_weight = 0.5;
    p.threshold = 2;
    p.min_success_rate = 0.9;
    p.min_requests = 10;
    CanaryRelease c(p);
    CHECK(c.weight() == 0.0);
    const auto start = c.next_step(SimTime::from_s(0));
    CHECK(start.reason == "start");
    CHECK(c.weight() == 0.25);
    for (int k = 0; k < 20; ++k)
        c.record(SimTime::from_ms(10), k == 0); // 95% success
    const auto passed = c.next_step(SimTime::from_s(60));
    CHECK(passed.requests == 20);
    CHECK(passed.success_rate == doctest::Approx(0.95));
    CHECK(c.weight() == 0.5);
    // Nothing recorded since: the next interval has no traffic, a failed check.
    const auto empty = c.next_step(SimTime::from_s(120));
    CHECK(empty.requests == 0);
    CHECK(empty.failed_checks == 1);
    CHECK_FALSE(c.done());
    c.abort(SimTime::from_s(130));
    CHECK(c.phase() == Phase::RolledBack);
    CHECK(c.done());
    CHECK(c.weight() == 0.0);
}

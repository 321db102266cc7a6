// The canary's gates relative to the primary (models/canary.hpp: max_error_rate_increase,
// max_p99_increase): the canary is judged against the old version in the same interval, so a
// version as good as the old one passes even when both miss an absolute limit, and one worse
// than the old one fails even within the absolute limits.

#include "models/canary.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::CanaryAnalysis;
using models::CanaryParams;
using models::CanaryRelease;
using sim::SimTime;
using Check = CanaryAnalysis::Step::Check;
using Primary = CanaryAnalysis::PrimaryInterval;

namespace {

// Relative gates only: at most 1 point more errors than the primary, at most 20% slower.
CanaryParams relative() {
    CanaryParams p;
    p.start = SimTime::from_s(0);
    p.interval = SimTime::from_s(60);
    p.threshold = 2;
    p.max_error_rate_increase = 0.01;
    p.max_p99_increase = 0.2;
    return p;
}

SimTime minute(std::int64_t k) {
    return SimTime::from_s(60 * k);
}

} // namespace

TEST_CASE("canary relative gates: as good as the primary passes, whatever the absolute level") {
    CanaryAnalysis canary(relative());
    canary.begin(minute(0));
    // Both versions fail 5% and take 400 ms at p99: the new one adds nothing.
    const auto step = canary.analyse(minute(1), 1000, 50, 0.4, Primary{9000, 450, 0.4});
    CHECK(step.check == Check::Passed);
    CHECK(step.reason == "advance");
    // Within the allowed increase: +0.9 points of errors, 17.5% slower.
    const auto edge = canary.analyse(minute(2), 1000, 59, 0.47, Primary{9000, 450, 0.4});
    CHECK(edge.check == Check::Passed);
}

TEST_CASE("canary relative gates: more errors than the primary fails on error_rate_increase") {
    CanaryAnalysis canary(relative());
    canary.begin(minute(0));
    // 3% against the primary's 0.5%: 2.5 points more than the old version.
    const auto step = canary.analyse(minute(1), 1000, 30, 0.1, Primary{9000, 45, 0.1});
    CHECK(step.check == Check::Failed);
    CHECK(step.reason == "error_rate_increase");
    CHECK(step.failed_checks == 1);
}

TEST_CASE("canary relative gates: slower than the primary fails on p99_increase") {
    CanaryAnalysis canary(relative());
    canary.begin(minute(0));
    // 90 ms against 60 ms: 50% slower, over the 20% allowed, though far under any SLO.
    const auto step = canary.analyse(minute(1), 1000, 0, 0.090, Primary{9000, 0, 0.060});
    CHECK(step.check == Check::Failed);
    CHECK(step.reason == "p99_increase");
    // Twice: rolled back at the next interval.
    canary.analyse(minute(2), 1000, 0, 0.090, Primary{9000, 0, 0.060});
    CHECK(canary.analyse(minute(3), 1000, 0, 0.090, Primary{9000, 0, 0.060}).reason == "rollback");
    CHECK(canary.phase() == CanaryAnalysis::Phase::RolledBack);
}

TEST_CASE("canary relative gates: with no primary request in the interval they are not checked") {
    CanaryAnalysis canary(relative());
    canary.begin(minute(0));
    const auto step = canary.analyse(minute(1), 1000, 100, 1.0, Primary{});
    CHECK(step.check == Check::Passed);
}

TEST_CASE("canary relative gates: the absolute gates are checked first") {
    auto p = relative();
    p.min_success_rate = 0.99;
    CanaryAnalysis canary(p);
    canary.begin(minute(0));
    const auto step = canary.analyse(minute(1), 1000, 50, 0.1, Primary{9000, 900, 0.1});
    CHECK(step.reason == "success_rate");
}

TEST_CASE("canary release: the primary's requests of the interval feed the relative gates") {
    CanaryRelease release(relative());
    CHECK(release.next_step(minute(0)).reason == "start");
    // The primary: 100 fast requests, none failed; the canary: 100 requests, 5 failed.
    for (int i = 0; i < 100; ++i) {
        release.record_primary(SimTime::from_ms(10), false);
        release.record(SimTime::from_ms(10), i < 5);
    }
    const auto step = release.next_step(minute(1));
    CHECK(step.reason == "error_rate_increase");
    // The next interval starts empty on both sides: equal again, it passes.
    for (int i = 0; i < 100; ++i) {
        release.record_primary(SimTime::from_ms(10), i < 5);
        release.record(SimTime::from_ms(10), i < 5);
    }
    CHECK(release.next_step(minute(2)).check == Check::Passed);
}

TEST_CASE("canary release: without relative gates the primary is not recorded") {
    CanaryParams p = relative();
    p.max_error_rate_increase.reset();
    p.max_p99_increase.reset();
    CanaryRelease release(p);
    release.next_step(minute(0));
    for (int i = 0; i < 100; ++i) {
        release.record_primary(SimTime::from_ms(10), false);
        release.record(SimTime::from_ms(10), i < 5);
    }
    // 5% failures, no absolute gate, no relative gate: passes.
    CHECK(release.next_step(minute(1)).check == Check::Passed);
}

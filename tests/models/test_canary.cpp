#include "models/canary.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::CanaryAnalysis;
using models::CanaryParams;
using sim::SimTime;
using Phase = CanaryAnalysis::Phase;
using Check = CanaryAnalysis::Step::Check;

namespace {

// Flagger's example: +10% per passed minute up to 50%, 99% success and p99 <= 500 ms, rolled
// back after 3 failed checks, at least 10 requests per interval.
CanaryParams params() {
    CanaryParams p;
    p.start = SimTime::from_s(600);
    p.interval = SimTime::from_s(60);
    p.step_weight = 0.1;
    p.max_weight = 0.5;
    p.threshold = 3;
    p.min_success_rate = 0.99;
    p.max_p99 = SimTime::from_ms(500);
    p.min_requests = 10;
    return p;
}

SimTime minute(std::int64_t k) {
    return SimTime::from_s(600 + 60 * k);
}

} // namespace

TEST_CASE("canary: a good canary advances 10% a check up to 50%, then is promoted") {
    CanaryAnalysis canary(params());
    CHECK(canary.phase() == Phase::Waiting);
    CHECK(canary.weight() == 0.0);

    const auto start = canary.begin(minute(0));
    CHECK(start.reason == "start");
    CHECK(start.phase == Phase::Progressing);
    CHECK(start.weight == doctest::Approx(0.1));
    CHECK(canary.weight() == doctest::Approx(0.1));

    const double expected[] = {0.2, 0.3, 0.4, 0.5};
    for (int k = 0; k < 4; ++k) {
        const auto step = canary.analyse(minute(k + 1), 100, 0, 0.2);
        CHECK(step.check == Check::Passed);
        CHECK(step.reason == "advance");
        CHECK(step.phase == Phase::Progressing);
        CHECK(step.weight == doctest::Approx(expected[k]));
        CHECK(step.success_rate == 1.0);
        CHECK(step.p99_seconds == 0.2);
        CHECK(step.requests == 100);
    }
    CHECK(canary.phase() == Phase::Progressing);

    // At max_weight, one more passed check promotes it.
    const auto promoted = canary.analyse(minute(5), 100, 1, 0.2); // 99% passes ">= 0.99"
    CHECK(promoted.check == Check::Passed);
    CHECK(promoted.reason == "promote");
    CHECK(promoted.phase == Phase::Promoted);
    CHECK(promoted.weight == 1.0);
    CHECK(canary.weight() == 1.0);

    // After the end nothing changes.
    const auto after = canary.analyse(minute(6), 100, 100, 9.0);
    CHECK(after.check == Check::None);
    CHECK(after.phase == Phase::Promoted);
    CHECK(canary.abort(minute(7)).check == Check::None);
    CHECK(canary.phase() == Phase::Promoted);
    CHECK(canary.weight() == 1.0);
}

TEST_CASE("canary: max_weight below step_weight caps the first weight") {
    auto p = params();
    p.step_weight = 0.3;
    p.max_weight = 0.2;
    CanaryAnalysis canary(p);
    CHECK(canary.begin(minute(0)).weight == 0.2);
    CHECK(canary.analyse(minute(1), 100, 0, 0.1).phase == Phase::Promoted);
}

TEST_CASE("canary: `threshold` failed checks roll back at the next interval (Flagger)") {
    CanaryAnalysis canary(params());
    canary.begin(minute(0));

    auto step = canary.analyse(minute(1), 100, 5, 0.2); // 95% < 99%
    CHECK(step.check == Check::Failed);
    CHECK(step.reason == "success_rate");
    CHECK(step.success_rate == doctest::Approx(0.95));
    CHECK(step.failed_checks == 1);
    CHECK(step.weight == doctest::Approx(0.1)); // no advance
    CHECK(step.phase == Phase::Progressing);

    step = canary.analyse(minute(2), 100, 0, 0.8); // p99 800 ms > 500 ms
    CHECK(step.check == Check::Failed);
    CHECK(step.reason == "p99");
    CHECK(step.failed_checks == 2);

    // A passed check advances but does not reset the count (Flagger).
    step = canary.analyse(minute(3), 100, 0, 0.2);
    CHECK(step.check == Check::Passed);
    CHECK(step.weight == doctest::Approx(0.2));
    CHECK(canary.failed_checks() == 2);

    // The third failure reaches the threshold; Flagger acts on it at the next interval's start.
    step = canary.analyse(minute(4), 100, 50, 0.2);
    CHECK(step.check == Check::Failed);
    CHECK(step.reason == "success_rate");
    CHECK(step.failed_checks == 3);
    CHECK(step.phase == Phase::Progressing);
    CHECK(step.weight == doctest::Approx(0.2));

    // Rolled back before analysing, however good the interval was.
    step = canary.analyse(minute(5), 100, 0, 0.1);
    CHECK(step.check == Check::None);
    CHECK(step.reason == "rollback");
    CHECK(step.failed_checks == 3);
    CHECK(step.phase == Phase::RolledBack);
    CHECK(step.weight == 0.0);
    CHECK(canary.phase() == Phase::RolledBack);
    CHECK(canary.weight() == 0.0);

    CHECK(canary.analyse(minute(6), 100, 0, 0.1).check == Check::None);
    CHECK(canary.phase() == Phase::RolledBack);
}

TEST_CASE("canary: failing from the start, rolled back at start + (threshold + 1) intervals") {
    for (std::uint32_t threshold : {1U, 2U, 5U}) {
        auto p = params();
        p.threshold = threshold;
        CanaryAnalysis canary(p);
        canary.begin(minute(0));
        std::int64_t k = 1;
        while (canary.phase() == Phase::Progressing)
            canary.analyse(minute(k++), 100, 100, 0.1);
        CHECK(canary.phase() == Phase::RolledBack);
        CHECK(k - 1 == static_cast<std::int64_t>(threshold) + 1);
    }
}

TEST_CASE("canary: an interval with too few requests is a failed check") {
    CanaryAnalysis canary(params()); // threshold 3, min_requests 10
    canary.begin(minute(0));
    auto step = canary.analyse(minute(1), 9, 0, 0.1); // all good, but only 9
    CHECK(step.check == Check::NoTraffic);
    CHECK(step.reason == "no_traffic");
    CHECK(step.phase == Phase::Progressing);
    CHECK(step.weight == doctest::Approx(0.1));
    CHECK(step.failed_checks == 1);

    step = canary.analyse(minute(2), 0, 0, 0.0);
    CHECK(step.check == Check::NoTraffic);
    CHECK(step.failed_checks == 2);
    CHECK(step.success_rate == 1.0);
    CHECK(step.p99_seconds == 0.0);

    // Exactly min_requests is enough.
    step = canary.analyse(minute(3), 10, 0, 0.1);
    CHECK(step.check == Check::Passed);
    CHECK(canary.weight() == doctest::Approx(0.2));

    CHECK(canary.analyse(minute(4), 3, 0, 0.1).failed_checks == 3);
    CHECK(canary.analyse(minute(5), 100, 0, 0.1).reason == "rollback");
    CHECK(canary.phase() == Phase::RolledBack);
}

TEST_CASE("canary: with min_requests 0, a canary that serves nothing is never promoted") {
    auto p = params();
    p.min_requests = 0;
    p.threshold = 2;
    CanaryAnalysis canary(p);
    canary.begin(minute(0));
    for (std::int64_t k = 1; k <= 2; ++k) {
        const auto step = canary.analyse(minute(k), 0, 0, 0.0);
        CHECK(step.check == Check::NoTraffic);
        CHECK(step.phase == Phase::Progressing);
    }
    CHECK(canary.analyse(minute(3), 0, 0, 0.0).phase == Phase::RolledBack);
    // One request is enough to judge with min_requests 0.
    CanaryAnalysis other(p);
    other.begin(minute(0));
    CHECK(other.analyse(minute(1), 1, 0, 0.1).check == Check::Passed);
}

TEST_CASE("canary: an unset gate is not checked") {
    auto p = params();
    p.min_success_rate.reset();
    p.max_p99.reset();
    CanaryAnalysis canary(p);
    canary.begin(minute(0));
    CHECK(canary.analyse(minute(1), 100, 100, 60.0).check == Check::Passed);
}

TEST_CASE("canary: abort rolls back at once; analyse before the start does nothing") {
    CanaryAnalysis canary(params());
    CHECK(canary.analyse(minute(-1), 100, 0, 0.1).check == Check::None);
    CHECK(canary.phase() == Phase::Waiting);

    canary.begin(minute(0));
    canary.analyse(minute(1), 100, 0, 0.1);
    const auto step = canary.abort(minute(1) + SimTime::from_s(5));
    CHECK(step.reason == "aborted");
    CHECK(step.phase == Phase::RolledBack);
    CHECK(step.weight == 0.0);
    CHECK(canary.phase() == Phase::RolledBack);
    CHECK(canary.weight() == 0.0);

    CHECK(canary.analyse(minute(2), 100, 0, 0.1).check == Check::None);
    CHECK(canary.abort(minute(3)).check == Check::None);
    CHECK(canary.begin(minute(4)).phase == Phase::RolledBack); // no restart
    CHECK(canary.weight() == 0.0);
}

TEST_CASE("canary: phase names") {
    CHECK(models::to_string(Phase::Waiting) == "waiting");
    CHECK(models::to_string(Phase::Progressing) == "progressing");
    CHECK(models::to_string(Phase::Promoted) == "promoted");
    CHECK(models::to_string(Phase::RolledBack) == "rolled_back");
}

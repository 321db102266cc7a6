#include "apps/tpssim/observation_text.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <set>
#include <string>

using namespace tpssim;
using models::ExpectationObservation;
using Obs = models::ObservationKind;

namespace {

ExpectationObservation point(Obs kind, double value, double at_seconds) {
    ExpectationObservation o;
    o.kind = kind;
    o.value = value;
    o.at_seconds = at_seconds;
    return o;
}

} // namespace

TEST_CASE("observation text: without a calendar start, times are seconds from t = 0") {
    const ClockFormat elapsed;
    CHECK(observation_text(point(Obs::Max, 0.031, 3615), elapsed) == "max 0.031 at t=3615s");
    CHECK(observation_text(point(Obs::Min, 3, 3570), elapsed) == "min 3 at t=3570s");
    CHECK(observation_text(point(Obs::ValueAt, 0.5, 5000.2), elapsed) == "value 0.5 at t=5000.2s");
    CHECK(observation_text(point(Obs::NoDataAt, ExpectationObservation::kNone, 3585), elapsed) ==
          "no data at t=3585s");
    CHECK(observation_text(point(Obs::FirstFired, 0.031, 3615), elapsed) ==
          "first fired at t=3615s");
    CHECK(observation_text(point(Obs::FiredOutsideWindow, 0.031, 3615), elapsed) ==
          "never fired in the window (first at t=3615s)");
    CHECK(observation_text(point(Obs::Opened, ExpectationObservation::kNone, 3600), elapsed) ==
          "opened at t=3600s");
    CHECK(observation_text(point(Obs::Total, 0.05, ExpectationObservation::kNone), elapsed) ==
          "value 0.05");

    ExpectationObservation counts;
    counts.kind = Obs::HeldAtAll;
    counts.scrapes = 240;
    CHECK(observation_text(counts, elapsed) == "held at all 240 scrapes");
    counts.kind = Obs::NotAtAny;
    CHECK(observation_text(counts, elapsed) == "not at any of 240 scrapes");

    ExpectationObservation named;
    named.kind = Obs::NoMetric;
    named.name = "tps_error_ratio";
    named.subject = "nowhere";
    CHECK(observation_text(named, elapsed) == "no metric tps_error_ratio of 'nowhere'");
    named.kind = Obs::NoCall;
    named.name = "cache";
    named.subject = "api";
    CHECK(observation_text(named, elapsed) == "no call 'cache' at api");
    named.kind = Obs::NoRequestEnded;
    CHECK(observation_text(named, elapsed) == "no data: no request ended at api after the warm-up");
    named.kind = Obs::CanaryPhase;
    named.name = "rolled_back";
    named.value = 0.25;
    CHECK(observation_text(named, elapsed) == "rolled_back (weight 0.25)");
    named.kind = Obs::NoAlert;
    named.index = 7;
    CHECK(observation_text(named, elapsed) == "no alert #7");
}

TEST_CASE("observation text: with a calendar start, times are clock times") {
    using namespace std::chrono;
    // t = 0 is Friday 2026-12-25 14:00, so t = 3615 s is 15:00:15 the same day.
    const ClockFormat same_day(local_days{year{2026} / December / 25} + hours{14}, 3700);
    CHECK(observation_text(point(Obs::Max, 0.031, 3615), same_day) == "max 0.031 at 15:00:15");
    CHECK(observation_text(point(Obs::NoDataAt, ExpectationObservation::kNone, 3585), same_day) ==
          "no data at 14:59:45");
    CHECK(observation_text(point(Obs::Opened, ExpectationObservation::kNone, 3600), same_day) ==
          "opened at 15:00:00");
    // A run that crosses midnight names the weekday: from Friday 23:00, 3615 s is Saturday.
    const ClockFormat overnight(local_days{year{2026} / December / 25} + hours{23}, 3700);
    CHECK(observation_text(point(Obs::FirstFired, 1, 3615), overnight) ==
          "first fired at Sat 00:00:15");

    // A run result's own clock: its start over its span.
    models::RunResult run;
    run.start = local_days{year{2026} / December / 25} + hours{14};
    run.simulated_seconds = 3700;
    models::ExpectationResult check{"p99(api) < 1s always", true, point(Obs::Max, 0.2, 60)};
    CHECK(observation_text(check, run) == "max 0.2 at 14:01:00");
}

TEST_CASE("observation text: every kind has its own name") {
    std::set<std::string> names;
    for (int k = 0; k <= static_cast<int>(Obs::NoCanary); ++k) {
        const auto name = std::string(observation_kind_name(static_cast<Obs>(k)));
        CAPTURE(k);
        CHECK(name != "unknown");
        CHECK(names.insert(name).second);
    }
}

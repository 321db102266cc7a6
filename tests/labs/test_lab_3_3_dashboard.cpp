// Lab 3.3, a custom dashboard: scenarios/labs/3.3-dashboard.yaml. Seven health metrics, each
// with an alert rule, over 10 calm minutes and then a slow dependency (service-c 60 ms slower
// from 10m). What the lab expects (the certification program's Lab 3.3): alerts that are
// properly configured, so that problems are spotted quickly, and useful (no noise). The file
// scores the dashboard with its checks: no rule fires in the calm period (no false alarm),
// and the problem is detected within 2 minutes.
//
// The test asserts every check passed, measures the time to detect from the alerts' firings,
// and runs two badly tuned dashboards that must fail the right checks: thresholds too tight
// (false alarms in the calm) and too loose (the problem never detected).

#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "run_inspection.hpp"

using namespace tpssim;

namespace {

using namespace run_inspection;

const std::string kFile = TPSSIM_SOURCE_DIR "/scenarios/labs/3.3-dashboard.yaml";
constexpr double kFaultStart = 600.0;

/// When the alert first fired, in seconds; -1 if never.
double first_fired(const models::RunResult& r, const std::string& name) {
    for (const auto& a : r.alerts)
        if (a.name == name) return a.firings.empty() ? -1.0 : a.firings.front().fired_seconds;
    FAIL("no alert " << name);
    return -1.0;
}

} // namespace

TEST_CASE("lab 3.3 dashboard: no false alarm in the calm, the problem detected within 2 min") {
    const auto sc = scenarios::load_scenario_file(kFile);
    const auto r = run(sc);
    check_all_passed(sc, r);
    REQUIRE(r.alerts.size() >= 5);
    REQUIRE(r.alerts.size() <= 10);

    // No rule fired before the fault.
    double detected = -1.0;
    for (const auto& a : r.alerts) {
        CAPTURE(a.name);
        for (const auto& f : a.firings)
            CHECK(f.fired_seconds >= kFaultStart);
        if (!a.firings.empty() && (detected < 0 || a.firings.front().fired_seconds < detected))
            detected = a.firings.front().fired_seconds;
    }
    MESSAGE("time to detect: " << detected - kFaultStart << " s");
    // Both latency rules cross at the first scrape of the fault (10m15s) and hold for their
    // minute: detected at 11m15s, 75 s after the start; at most 2 minutes.
    REQUIRE(detected > kFaultStart);
    CHECK(detected - kFaultStart <= 120.0);
    CHECK(first_fired(r, "SloLatency") == doctest::Approx(675.0));
    // Slow, not broken: the failure rules stay quiet.
    CHECK(first_fired(r, "Errors") < 0);
    CHECK(first_fired(r, "BreakerOpen") < 0);
    CHECK(first_fired(r, "ThroughputDrop") < 0);
}

TEST_CASE("lab 3.3 with thresholds too tight: false alarms in the calm period") {
    // The calm p99 is ~65 ms and the pool ~24% busy: rules at 50 ms and 20% fire at once.
    const std::vector<scenarios::Override> tight{
        {"alerts.SloLatency.when", "p99(worker) > 50ms"},
        {"alerts.Saturation.when", "utilization(worker) > 20%"}};
    const auto r = run(scenarios::load_scenario_file(kFile, tight));
    CHECK(check_failed(r, "alert SloLatency never fires before 10m"));
    CHECK(check_failed(r, "alert Saturation never fires before 10m"));
    CHECK(first_fired(r, "SloLatency") < kFaultStart);
    // The other rules are untouched and still quiet in the calm.
    CHECK_FALSE(check_failed(r, "alert DependencySlow never fires before 10m"));
}

TEST_CASE("lab 3.3 with thresholds too loose: the problem goes unseen") {
    const std::vector<scenarios::Override> loose{
        {"alerts.SloLatency.when", "p99(worker) > 1s"},
        {"alerts.DependencySlow.when", "p99(service-b) > 500ms"}};
    const auto r = run(scenarios::load_scenario_file(kFile, loose));
    CHECK(check_failed(r, "alert SloLatency fires during [10m, 12m]"));
    CHECK(check_failed(r, "alert DependencySlow fires during [10m, 12m]"));
    // No false alarm either: a quiet dashboard is not a good one.
    CHECK_FALSE(check_failed(r, "alert SloLatency never fires before 10m"));
}

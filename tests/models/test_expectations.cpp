#include "models/expectations.hpp"

#include "apps/tpssim/observation_text.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <limits>

using namespace tpssim;

using models::Comparison;
using models::ExpectationParams;
using models::ExpectationResult;
using models::RunResult;
using sim::SimTime;
using Kind = ExpectationParams::Kind;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A run of one hour and a bit: "api" scraped every 15 s from t = 3570 s, whose error ratio
// peaks at 0.031 at t = 3615 s; alert HighErrors fired at 3615 s; api's call to "db" opened its
// breaker at 3600 s and again at 3661 s; the canary of api was promoted.
RunResult sample_run() {
    RunResult run;
    run.metric_times_seconds = {3570, 3585, 3600, 3615, 3630, 3645};
    run.metrics.push_back({"tps_error_ratio", "api", "ratio", {0.0, 0.004, 0.02, 0.031, 0.01, 0}});
    run.metrics.push_back(
        {"tps_latency_p99_seconds", "api", "seconds", {0.2, kNaN, 0.25, 0.3, 0.22, 0.21}});
    run.metrics.push_back({"tps_replicas", "api", "count", {3, 3, 4, 4, 5, 5}});

    models::ServiceResult api;
    api.name = "api";
    api.arrivals = 1000;
    api.completed = 950;
    api.failed = 20;
    api.rejected = 25;
    api.timed_out = 5;
    api.utilization = 0.75;
    api.latency_seconds.p99 = 0.3;
    api.replicas_max = 5;
    api.canary_phase = "promoted";
    api.canary_weight = 1.0;
    models::CallResult db;
    db.target = "db";
    db.key = "db";
    db.has_circuit_breaker = true;
    db.breaker_transitions = {{3600, "closed", "open", "failure_rate"},
                              {3660, "open", "half_open", "wait_elapsed"},
                              {3661, "half_open", "open", "failure_rate"}};
    api.calls.push_back(db);
    run.services.push_back(api);

    models::ServiceResult worker;
    worker.name = "worker";
    worker.canary_phase = "rolled_back";
    run.services.push_back(worker);

    models::AlertResult alert;
    alert.name = "HighErrors";
    alert.metric = "tps_error_ratio";
    alert.subject = "api";
    alert.firings = {{3615, 3645, 0.031}};
    run.alerts.push_back(alert);
    run.alerts.push_back({"Quiet", "page", "error_rate(api) > 50%", 0.0, {}});
    return run;
}

ExpectationParams series(Kind kind, const char* metric, Comparison op, double threshold,
                         SimTime from = SimTime::zero(), SimTime to = models::kNever) {
    ExpectationParams e;
    e.kind = kind;
    e.text = metric;
    e.condition.metric.name = metric;
    e.condition.metric.subject = "api";
    e.condition.op = op;
    e.condition.threshold = threshold;
    e.from = from;
    e.to = to;
    return e;
}

ExpectationResult check(const ExpectationParams& e, const RunResult& run = sample_run()) {
    const auto results = models::check_expectations({e}, run);
    REQUIRE(results.size() == 1);
    CHECK(results[0].text == e.text);
    return results[0];
}

// What `r` observed as the report writes it, with `run`'s clock (sample_run has no calendar:
// "t=3615s").
std::string observed(const ExpectationResult& r, const RunResult& run = sample_run()) {
    return observation_text(r, run);
}

} // namespace

TEST_CASE("expectations: Always holds at every scrape of the window, reporting the extreme") {
    auto r = check(series(Kind::Always, "tps_error_ratio", Comparison::Less, 0.05));
    CHECK(r.passed);
    CHECK(observed(r) == "max 0.031 at t=3615s");

    r = check(series(Kind::Always, "tps_error_ratio", Comparison::Less, 0.03));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "max 0.031 at t=3615s");

    r = check(series(Kind::Always, "tps_replicas", Comparison::GreaterEqual, 4));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "min 3 at t=3570s");

    // The window [3600 s, 3645 s] (inclusive) starts after the 3 replicas.
    r = check(series(Kind::Always, "tps_replicas", Comparison::GreaterEqual, 4,
                     SimTime::from_s(3600), SimTime::from_s(3645)));
    CHECK(r.passed);
    CHECK(observed(r) == "min 4 at t=3600s");

    // A window ending before the peak; the alias names the same column.
    r = check(series(Kind::Always, "error_rate", Comparison::LessEqual, 0.02, SimTime::zero(),
                     SimTime::from_s(3600)));
    CHECK(r.passed);
    CHECK(observed(r) == "max 0.02 at t=3600s");
}

TEST_CASE("expectations: Ever holds at some scrape of the window") {
    auto r = check(series(Kind::Ever, "tps_replicas", Comparison::GreaterEqual, 5));
    CHECK(r.passed);
    CHECK(observed(r) == "value 5 at t=3630s");

    r = check(series(Kind::Ever, "tps_replicas", Comparison::Greater, 5));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "max 5 at t=3630s");

    r = check(series(Kind::Ever, "tps_error_ratio", Comparison::Less, 0.01, SimTime::from_s(3600),
                     SimTime::from_s(3630)));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "min 0.01 at t=3630s");

    r = check(series(Kind::Ever, "tps_replicas", Comparison::Equal, 4));
    CHECK(r.passed);
    CHECK(observed(r) == "value 4 at t=3600s");
    r = check(series(Kind::Ever, "tps_replicas", Comparison::Equal, 7));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "not at any of 6 scrapes");
}

TEST_CASE("expectations: an empty window fails, and so does a missing column") {
    auto r = check(
        series(Kind::Always, "tps_error_ratio", Comparison::Less, 1.0, SimTime::from_s(4000)));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no scrape in the window");
    r = check(series(Kind::Ever, "tps_error_ratio", Comparison::Less, 1.0, SimTime::from_s(3571),
                     SimTime::from_s(3584)));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no scrape in the window");

    auto e = series(Kind::Always, "tps_error_ratio", Comparison::Less, 1.0);
    e.condition.metric.subject = "nowhere";
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no metric tps_error_ratio of 'nowhere'");
}

TEST_CASE("expectations: a NaN scrape satisfies neither Always nor Ever") {
    // p99 is NaN at 3585 s: "p99 < 1 s always" fails there although every number is below.
    auto r = check(series(Kind::Always, "tps_latency_p99_seconds", Comparison::Less, 1.0));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no data at t=3585s");
    // ... but a number breaking the condition is the better explanation.
    r = check(series(Kind::Always, "tps_latency_p99_seconds", Comparison::Less, 0.28));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "max 0.3 at t=3615s");

    r = check(series(Kind::Ever, "tps_latency_p99_seconds", Comparison::Greater, 1.0,
                     SimTime::from_s(3585), SimTime::from_s(3585)));
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no data in the window");
    r = check(series(Kind::Ever, "tps_latency_p99_seconds", Comparison::NotEqual, 1.0,
                     SimTime::from_s(3585), SimTime::from_s(3585)));
    CHECK_FALSE(r.passed);
}

TEST_CASE("expectations: Total reads the run's final figures") {
    auto e = series(Kind::Total, "error_rate", Comparison::Less, 0.06);
    auto r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "value 0.05"); // (20 + 25 + 5) / 1000
    e.condition.threshold = 0.04;
    CHECK_FALSE(check(e).passed);

    e = series(Kind::Total, "replicas_max", Comparison::LessEqual, 4);
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "value 5");

    e = series(Kind::Total, "no_such_total", Comparison::Less, 1);
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no total no_such_total of 'api'");
}

TEST_CASE("expectations: every summary total name has a value") {
    const RunResult run = sample_run();
    for (const auto name : models::summary_total_names()) {
        CAPTURE(name);
        CHECK(models::summary_total(run, name, "api").has_value());
        CHECK_FALSE(models::summary_total(run, name, "nowhere").has_value());
    }
    CHECK(*models::summary_total(run, "completed", "api") == 950.0);
    CHECK(*models::summary_total(run, "p99", "api") == 0.3);
    CHECK(*models::summary_total(run, "error_rate", "worker") == 0.0); // no arrivals
    CHECK_FALSE(models::summary_total(run, "bogus", "api").has_value());
}

TEST_CASE("expectations: an alert fires, or never fires, in the window") {
    ExpectationParams e;
    e.kind = Kind::AlertFires;
    e.text = "HighErrors fires";
    e.alert = 0;
    auto r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "first fired at t=3615s");

    e.to = SimTime::from_s(3600);
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "never fired in the window (first at t=3615s)");

    e.kind = Kind::AlertNeverFires;
    CHECK(check(e).passed);
    e.to = SimTime::from_s(3615); // inclusive
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "first fired at t=3615s");

    e.alert = 1;
    e.to = models::kNever;
    r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "never fired");
    e.kind = Kind::AlertFires;
    CHECK_FALSE(check(e).passed);

    e.alert = 7;
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no alert #7");
}

TEST_CASE("expectations: a breaker opens, or never opens, in the window") {
    ExpectationParams e;
    e.kind = Kind::BreakerOpens;
    e.text = "api->db opens";
    e.service = 0;
    e.edge_key = "db";
    auto r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "opened at t=3600s");

    e.from = SimTime::from_s(3601); // the half-open at 3660 s is not an opening
    r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "opened at t=3661s");

    e.from = SimTime::from_s(3662);
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "never opened");

    e.kind = Kind::BreakerNeverOpens;
    CHECK(check(e).passed);
    e.from = SimTime::zero();
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "opened at t=3600s");

    e.edge_key = "cache";
    r = check(e);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no call 'cache' at api");
}

TEST_CASE("expectations: a canary is promoted or rolled back") {
    ExpectationParams e;
    e.kind = Kind::CanaryPromoted;
    e.text = "api canary promoted";
    e.service = 0;
    auto r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "promoted (weight 1)");
    e.kind = Kind::CanaryRolledBack;
    CHECK_FALSE(check(e).passed);

    e.service = 1;
    r = check(e);
    CHECK(r.passed);
    CHECK(observed(r) == "rolled_back (weight 0)");
    e.kind = Kind::CanaryPromoted;
    CHECK_FALSE(check(e).passed);

    RunResult run = sample_run();
    run.services[1].canary_phase.clear();
    r = check(e, run);
    CHECK_FALSE(r.passed);
    CHECK(observed(r) == "no canary");
}

TEST_CASE("expectations: one result per expectation, in order") {
    const auto results = models::check_expectations(
        {series(Kind::Always, "tps_error_ratio", Comparison::Less, 0.03),
         series(Kind::Always, "tps_error_ratio", Comparison::Less, 0.05)},
        sample_run());
    REQUIRE(results.size() == 2);
    CHECK_FALSE(results[0].passed);
    CHECK(results[1].passed);
}

TEST_CASE("expect: checks and the monitoring summary see every scrape, also past the kept rows") {
    // 71,999 scrapes (every 100 ms for 2 h) overflow the record's 65,536 rows, so it keeps every
    // other one. In one scrape interval one request of two fails; its row is one of those not
    // kept. The check must still see it (and the alert, evaluated at every scrape, fires).
    const char* yaml = R"(
name: thinned
seed: 1
duration: 2h
load:
  - {name: users, target: api, arrivals: constant, rate: 20/s}
services:
  api:
    workers: 4
    service_time: {dist: constant, value: 10ms}
monitoring: {scrape_interval: 100ms}
chaos:
  - {at: 5000.11s, for: 50ms, target: api, errors: 100%}
alerts:
  - {name: Errors, when: "error_rate(api) > 0"}
expect:
  - "error_rate(api) == 0 during [0s, 2h]"
  - "error_rate(api) > 0 at some point"
)";
    const auto sc = scenarios::load_scenario_text(yaml, "thinned.yaml");
    models::RunOptions o;
    o.seed = sc.seed;
    const auto r = models::run_model(sc.model, o);
    REQUIRE(r.metric_scrapes == 71'999); // the one at 2 h is past the end
    CHECK(r.metric_stride == 2);
    CHECK(r.metric_times_seconds.size() == 36'000);
    REQUIRE(r.alerts.size() == 1);
    REQUIRE(r.alerts[0].firings.size() == 1);
    const double failing_scrape = r.alerts[0].firings[0].fired_seconds;

    // The premise: the failing scrape's row is not kept, so the kept rows alone pass the check.
    const auto& never = sc.model.operations.expectations[0];
    const auto from_rows = models::tally_rows(never, r);
    REQUIRE(from_rows);
    CHECK(from_rows->max->value == 0.0);
    for (double t : r.metric_times_seconds)
        REQUIRE(t != failing_scrape);

    REQUIRE(r.expectations.size() == 2);
    CHECK_FALSE(r.expectations[0].passed);
    CHECK(observed(r.expectations[0], r) == fmt::format("value 0.5 at t={:.6g}s", failing_scrape));
    CHECK(r.expectations[1].passed);
    const auto c = models::find_column(r.metrics, "error_rate", "api");
    REQUIRE(c);
    CHECK(r.metric_totals[*c].max == 0.5);
    CHECK(r.metric_totals[*c].samples == 71'999);
}

TEST_CASE("a latency check with no request ended fails with 'no data', never vacuously") {
    // 10 s of work per request, a 5 s run: nothing ends.
    const char* yaml = R"(
name: nothing-ends
duration: 5s
load:
  - {name: users, target: api, arrivals: constant, rate: 1/s}
services:
  api:
    service_time: {dist: constant, value: 10s}
expect:
  - "p99(api) < 1ms"
  - "mean(api) >= 0s"
  - "arrivals(api) > 0"
)";
    const auto sc = scenarios::load_scenario_text(yaml, "nothing-ends.yaml");
    models::RunOptions o;
    const auto r = models::run_model(sc.model, o);
    CHECK_FALSE(r.services[0].latency_seconds.has_data());
    REQUIRE(r.expectations.size() == 3);
    for (int i : {0, 1}) {
        CHECK_FALSE(r.expectations[i].passed);
        CHECK(observed(r.expectations[i], r) ==
              "no data: no request ended at api after the warm-up");
    }
    CHECK(r.expectations[2].passed);
}

TEST_CASE("expectations: what a check observed is typed: statistic, value, unit, time, window") {
    using Obs = models::ObservationKind;
    constexpr double kOpen = std::numeric_limits<double>::infinity();

    // A series check: the extreme, its unit from the metric catalogue, the window and counts.
    auto r = check(series(Kind::Always, "error_rate", Comparison::Less, 0.03));
    auto o = r.observation;
    CHECK(o.kind == Obs::Max);
    CHECK(o.value == 0.031);
    CHECK(o.unit == "ratio");
    CHECK(o.at_seconds == 3615);
    CHECK(o.from_seconds == 0);
    CHECK(o.to_seconds == kOpen);
    CHECK(o.scrapes == 6);
    CHECK(o.scrapes_held == 5);
    CHECK(o.name == "tps_error_ratio"); // the Prometheus name, also when an alias was written
    CHECK(o.subject == "api");

    o = check(series(Kind::Always, "tps_replicas", Comparison::GreaterEqual, 4,
                     SimTime::from_s(3600), SimTime::from_s(3645)))
            .observation;
    CHECK(o.kind == Obs::Min);
    CHECK(o.value == 4);
    CHECK(o.unit == "count");
    CHECK(o.at_seconds == 3600);
    CHECK(o.from_seconds == 3600);
    CHECK(o.to_seconds == 3645);
    CHECK(o.scrapes == 4);
    CHECK(o.scrapes_held == 4);

    o = check(series(Kind::Always, "tps_latency_p99_seconds", Comparison::Less, 1.0)).observation;
    CHECK(o.kind == Obs::NoDataAt);
    CHECK(o.at_seconds == 3585);
    CHECK(std::isnan(o.value));

    o = check(series(Kind::Ever, "tps_replicas", Comparison::Equal, 7)).observation;
    CHECK(o.kind == Obs::NotAtAny);
    CHECK(o.scrapes == 6);
    CHECK(o.scrapes_held == 0);

    // A total: its value and unit, no window.
    o = check(series(Kind::Total, "p99", Comparison::Less, 1.0)).observation;
    CHECK(o.kind == Obs::Total);
    CHECK(o.value == 0.3);
    CHECK(o.unit == "seconds");
    CHECK(std::isnan(o.from_seconds));
    CHECK(std::isnan(o.to_seconds));
    CHECK(check(series(Kind::Total, "throughput", Comparison::Less, 1.0)).observation.unit ==
          "1/s");
    CHECK(check(series(Kind::Total, "completed", Comparison::Less, 1.0)).observation.unit ==
          "count");

    // An alert: when it fired and the value that fired it, in the check's window.
    ExpectationParams alert;
    alert.kind = Kind::AlertFires;
    alert.text = "HighErrors fires";
    alert.from = SimTime::from_s(3601);
    o = check(alert).observation;
    CHECK(o.kind == Obs::FirstFired);
    CHECK(o.name == "HighErrors");
    CHECK(o.subject == "api");
    CHECK(o.unit == "ratio");
    CHECK(o.at_seconds == 3615);
    CHECK(o.value == 0.031);
    CHECK(o.from_seconds == 3601);
    alert.alert = 7;
    o = check(alert).observation;
    CHECK(o.kind == Obs::NoAlert);
    CHECK(o.index == 7);

    // A breaker: the call and its caller, when it opened.
    ExpectationParams breaker;
    breaker.kind = Kind::BreakerOpens;
    breaker.text = "api->db opens";
    breaker.edge_key = "db";
    breaker.from = SimTime::from_s(3601);
    o = check(breaker).observation;
    CHECK(o.kind == Obs::Opened);
    CHECK(o.at_seconds == 3661);
    CHECK(o.name == "db");
    CHECK(o.subject == "api");

    // A canary: its phase and weight.
    ExpectationParams canary;
    canary.kind = Kind::CanaryRolledBack;
    canary.text = "worker canary rolled back";
    canary.service = 1;
    o = check(canary).observation;
    CHECK(o.kind == Obs::CanaryPhase);
    CHECK(o.name == "rolled_back");
    CHECK(o.subject == "worker");
    CHECK(o.value == 0);
    CHECK(o.unit == "ratio");
}

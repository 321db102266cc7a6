// The exam grader on hand-made runs: what it judges per failure (detection before users see
// the SLO violated, the fix holding it, verification, a recurrence handled, the key's checks)
// and how the parts add up to a pass or a fail.

#include "apps/tpssim/exam_grade.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace tpssim;

namespace {

constexpr double kStill = std::numeric_limits<double>::quiet_NaN();

// Failure "f1" at 1000 s, its recurrence "f1b" at 5000 s, failure "f2" at 3000 s; the SLO alert
// "Users" (index 0), the trainee's "Mine" (index 1), one action on it; one key check.
struct Fixture {
    ExamKey key;
    models::ModelParams model;
    Fixture() {
        key.slo_alerts = {"Users"};
        key.recover_within = sim::SimTime::from_s(600);
        key.pass_mark = 0.8;
        key.parts = {{"Detection", 0.2, ExamJudge::Detection},
                     {"Root cause", 0.2, ExamJudge::Instructor},
                     {"Fix", 0.2, ExamJudge::Fix},
                     {"Verification", 0.2, ExamJudge::Verification},
                     {"Prevention", 0.2, ExamJudge::Prevention}};
        ExamFailure f1;
        f1.fault = "f1";
        f1.what = "first";
        f1.recurrence = "f1b";
        ExamFailure f2;
        f2.fault = "f2";
        f2.what = "second";
        f2.prevention_checks = {0};
        key.failures = {f1, f2};
        key.checks = 1;
        auto fault = [](const char* name, std::int64_t at) {
            models::FaultParams f;
            f.name = name;
            f.start = sim::SimTime::from_s(at);
            return f;
        };
        model.operations.faults = {fault("f1", 1000), fault("f2", 3000), fault("f1b", 5000)};
        model.operations.alerts.resize(2);
        model.operations.alerts[0].name = "Users";
        model.operations.alerts[1].name = "Mine";
        models::ActionParams act;
        act.text = "on: Mine, after: 60s, restart: worker";
        act.on_alert = 1;
        act.after = sim::SimTime::from_s(60);
        act.repeat = true;
        model.operations.actions = {act};
        model.operations.expectations.resize(1);
    }
};

models::RunResult run_with(std::vector<models::AlertFiring> users,
                           std::vector<models::AlertFiring> mine, bool check_passes) {
    models::RunResult r;
    r.seed = 1;
    r.simulated_seconds = 8000;
    r.alerts.resize(2);
    r.alerts[0].name = "Users";
    r.alerts[0].firings = std::move(users);
    r.alerts[1].name = "Mine";
    r.alerts[1].firings = std::move(mine);
    models::ExpectationObservation total;
    total.kind = models::ObservationKind::Total;
    total.value = 0.0;
    total.unit = "count";
    total.name = "oom_kills";
    total.subject = "worker";
    r.expectations = {{"oom_kills(worker) == 0", check_passes, total}};
    return r;
}

} // namespace

TEST_CASE("exam grade: an alert before users, a quick fix and a recurrence handled pass") {
    const Fixture fx;
    // f1: Mine at 1015, users at 1030 until 1200; f2: Mine at 3015 (no violation);
    // the recurrence f1b: users 5015-5100, Mine 5000-5090.
    const auto run = run_with({{1030, 1200, 0}, {5015, 5100, 0}},
                              {{1015, 1210, 0}, {3015, 3100, 0}, {5000, 5090, 0}}, true);
    const auto g = grade_exam(fx.key, fx.model, {run});
    REQUIRE(g.outcomes.size() == 1);
    const auto& f1 = g.outcomes[0][0];
    CHECK(f1.first_alert == "Mine");
    CHECK(f1.first_alert_at == 1015);
    CHECK(f1.first_violation_at == 1030);
    CHECK(f1.detection);
    CHECK(f1.recovered_at == 1200);
    CHECK(f1.fixing_action == "on: Mine, after: 60s, restart: worker");
    CHECK(f1.fixing_action_at == 1075);
    CHECK(f1.fix);
    CHECK(f1.verification);
    CHECK(f1.window_end == 3000);
    REQUIRE(f1.prevention.has_value());
    CHECK(*f1.prevention); // the recurrence's violation ended within 600 s
    const auto& f2 = g.outcomes[0][1];
    CHECK(std::isnan(f2.first_violation_at));
    CHECK(f2.detection);
    CHECK(f2.window_end == 5000); // the recurrence of f1 ends f2's window
    CHECK(*f2.prevention);
    CHECK(g.simulation_weight == doctest::Approx(0.8));
    CHECK(g.simulation_score == doctest::Approx(0.8));
    CHECK(g.instructor_weight == doctest::Approx(0.2));
    CHECK(g.passed());
}

TEST_CASE("exam grade: users first, a violation past the recovery limit, a failed check") {
    const Fixture fx;
    // f1: users see it at 1015 and until 1700 (past 1000 + 600), the alert comes at 1030 and
    // never resolves; the recurrence is never fixed; f2's check fails; no alert for f2.
    const auto run = run_with({{1015, 1700, 0}, {5015, kStill, 0}}, {{1030, kStill, 0}}, false);
    const auto g = grade_exam(fx.key, fx.model, {run});
    const auto& f1 = g.outcomes[0][0];
    CHECK_FALSE(f1.detection);
    CHECK(f1.recovered);
    CHECK_FALSE(f1.fix);
    CHECK_FALSE(f1.verification);
    CHECK_FALSE(*f1.prevention);
    const auto& f2 = g.outcomes[0][1];
    CHECK(f2.first_alert.empty());
    CHECK_FALSE(f2.detection);
    CHECK(f2.fix); // users never saw f2
    CHECK_FALSE(*f2.prevention);
    REQUIRE(f2.failed_checks.size() == 1);
    CHECK(f2.failed_checks[0] == "oom_kills(worker) == 0 (value 0)");
    // detection 0/2, fix 1/2, verification 0/2, prevention 0/2: 10% of 80%.
    CHECK(g.simulation_score == doctest::Approx(0.1));
    CHECK_FALSE(g.passed());
}

TEST_CASE("exam grade: a broken rule scores every judged part 0 in that replication") {
    Fixture fx;
    fx.key.failures[1].prevention_checks.clear();
    fx.key.rule_checks = {0};
    const auto good = run_with({}, {{1015, 1100, 0}, {3015, 3100, 0}, {5000, 5010, 0}}, true);
    const auto broken = run_with({}, {{1015, 1100, 0}, {3015, 3100, 0}, {5000, 5010, 0}}, false);
    const auto g = grade_exam(fx.key, fx.model, {good, broken});
    CHECK(g.broken_rules[0].empty());
    REQUIRE(g.broken_rules[1].size() == 1);
    CHECK(g.outcomes[0][0].fix);
    CHECK_FALSE(g.outcomes[1][0].fix);
    CHECK_FALSE(g.outcomes[1][0].detection);
    CHECK(g.simulation_score == doctest::Approx(0.4));
    CHECK_FALSE(g.passed());
}

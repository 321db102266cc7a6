// `tpssim exam`'s grade of both exams (apps/tpssim/exam_*): the instructor's playbook beside
// each exam passes, the naive one fails, and the grade says why (per failure: detection before
// users, the fix, verification, prevention). One seed each here (the holiday weekend to
// 20:30, its five failures and their fixes: a shorter horizon leaves its recurrences out);
// the `robust` suite below (ctest `labs_robust`) grades both whole weekends over several
// seeds.

#include "apps/tpssim/exam_command.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using namespace tpssim;

namespace {

std::string exam_file(const std::string& name) {
    return TPSSIM_SOURCE_DIR "/scenarios/exams/" + name;
}

ExamGrade grade(const std::string& exam, const std::string& playbook, double horizon_hours = 0) {
    auto loaded = load_exam(exam_file(exam + ".yaml"), exam_file(exam + "." + playbook));
    if (horizon_hours > 0)
        loaded.scenario.model.duration =
            sim::SimTime::from_s(static_cast<std::int64_t>(horizon_hours * 3600));
    return run_exam(loaded, playbook, loaded.scenario.seed, 1, 1);
}

std::string judged(const ExamGrade& g) {
    std::string out;
    for (const auto& o : g.outcomes.front())
        out += std::string(o.detection ? "D" : "-") + (o.fix ? "F" : "-") +
               (o.verification ? "V" : "-") + (o.prevention ? (*o.prevention ? "P" : "-") : ".") +
               " ";
    return out;
}

} // namespace

TEST_CASE("exam grading: Monday, the reference playbook passes, doing nothing fails") {
    const auto good = grade("level2-monday", "reference.playbook.yaml");
    INFO(judged(good));
    // The outage and the sick replica: each detected by HighErrorRate before users saw errors,
    // the SLO back within 30 min, the alerts resolved (DeadLetters, on the dead-letter count's
    // increase over 10 minutes, resolves after the outage); the Monday recurrence handled.
    CHECK(judged(good) == "DFV. DFVP ");
    CHECK(good.outcomes[0][1].first_alert == "HighErrorRate");
    CHECK(good.outcomes[0][1].fixing_action.find("replace_unhealthy: worker") != std::string::npos);
    CHECK(good.passed());
    CHECK(good.instructor_weight == doctest::Approx(0.4));

    const auto none = grade("level2-monday", "naive.playbook.yaml");
    INFO(judged(none));
    // Nothing detected; the outage ends by itself (its fix "holds"), the sick replica never
    // goes: 1 of 2 fixes, no recurrence handled.
    CHECK(judged(none) == "-F-. ---- ");
    CHECK(none.simulation_score == doctest::Approx(0.1));
    CHECK_FALSE(none.passed());
}

TEST_CASE("exam grading: the holiday weekend to 20:30, the reference playbook passes") {
    const auto good = grade("level3-holiday-weekend", "reference.playbook.yaml", 6.5);
    INFO(judged(good));
    CHECK(good.passed());
    for (const auto& o : good.outcomes.front()) {
        // Sunday night's monitoring outage lies past 20:30: not run here.
        if (o.started >= 6.5 * 3600) continue;
        CHECK(o.detection);
        CHECK(o.fix);
    }
    // service-c's slowdown: users and DownstreamSlow see it at the same scrape; the timeout
    // cut 2 min later is what fixed it.
    const auto& slow = good.outcomes[0][0];
    CHECK(slow.first_alert == "DownstreamSlow");
    CHECK(slow.fixing_action.find("services.service-b.steps[1].timeout") != std::string::npos);
    CHECK(slow.recovered_at - slow.started < 5 * 60);

    const auto naive = grade("level3-holiday-weekend", "naive.playbook.yaml", 6.5);
    INFO(judged(naive));
    CHECK_FALSE(naive.passed());
    // The SLO page comes only after users see the violation.
    CHECK_FALSE(naive.outcomes[0][0].detection);
}

// scenarios/examples/holiday-weekend-worked.yaml is the exam with its key's faults and the
// reference playbook in one file (for the notebooks and the results-file tests): it must not
// drift from them.
TEST_CASE("exam grading: the worked holiday weekend is the exam, its key's faults, the reference") {
    const auto exam = load_exam(exam_file("level3-holiday-weekend.yaml"),
                                exam_file("level3-holiday-weekend.reference.playbook.yaml"));
    const auto worked = scenarios::load_scenario_file(
        TPSSIM_SOURCE_DIR "/scenarios/examples/holiday-weekend-worked.yaml");
    const auto& a = exam.scenario.model.operations;
    const auto& b = worked.model.operations;
    REQUIRE(a.faults.size() == b.faults.size());
    for (std::size_t i = 0; i < a.faults.size(); ++i) {
        CHECK(a.faults[i].name == b.faults[i].name);
        CHECK(a.faults[i].start == b.faults[i].start);
        CHECK(a.faults[i].end == b.faults[i].end);
        CHECK(a.faults[i].kind == b.faults[i].kind);
        CHECK(a.faults[i].count == b.faults[i].count);
    }
    // The exam's alerts are the grader's first, then the playbook's.
    REQUIRE(a.alerts.size() == b.alerts.size() + exam.key.slo_alerts.size());
    for (std::size_t i = 0; i < b.alerts.size(); ++i)
        CHECK(a.alerts[i + exam.key.slo_alerts.size()].condition.text ==
              b.alerts[i].condition.text);
    REQUIRE(a.actions.size() == b.actions.size());
    for (std::size_t i = 0; i < a.actions.size(); ++i)
        CHECK(a.actions[i].text == b.actions[i].text);
    CHECK(exam.scenario.model.load.front().rate_per_second ==
          worked.model.load.front().rate_per_second);
}

namespace {

// Grades `exam` with `playbook` over `replications` seeds (the whole run).
ExamGrade grade_over(const std::string& exam, const std::string& playbook,
                     std::uint32_t replications) {
    const auto loaded = load_exam(exam_file(exam + ".yaml"), exam_file(exam + "." + playbook));
    return run_exam(loaded, playbook, loaded.scenario.seed, replications, 0);
}

// Each failure passes every judge the exam grades in at least `required` of `replications`
// seeds, and the grade passes.
void check_reference_robust(const std::string& exam, std::uint32_t replications,
                            std::size_t required) {
    const auto g = grade_over(exam, "reference.playbook.yaml", replications);
    REQUIRE(g.outcomes.size() == replications);
    auto graded = [&](ExamJudge j) {
        for (const auto& p : g.parts)
            if (p.part.judge == j) return true;
        return false;
    };
    for (std::size_t f = 0; f < g.outcomes.front().size(); ++f) {
        std::size_t d = 0, x = 0, v = 0, p = 0, judged_p = 0;
        std::string failed;
        for (std::size_t r = 0; r < g.outcomes.size(); ++r) {
            const auto& o = g.outcomes[r][f];
            d += o.detection;
            x += o.fix;
            v += o.verification;
            if (o.prevention) {
                ++judged_p;
                p += *o.prevention;
            }
            for (const auto& c : o.failed_checks)
                failed += " replication " + std::to_string(r) + ": " + c;
        }
        CAPTURE(exam);
        CAPTURE(f);
        CAPTURE(failed);
        if (graded(ExamJudge::Detection)) CHECK(d >= required);
        if (graded(ExamJudge::Fix)) CHECK(x >= required);
        if (graded(ExamJudge::Verification)) CHECK(v >= required);
        if (graded(ExamJudge::Prevention) && judged_p > 0) CHECK(p >= required);
    }
    CHECK(g.passed());
}

} // namespace

TEST_SUITE("robust" * doctest::skip()) {
    TEST_CASE("robust: exam level 2 monday, graded over 16 seeds") {
        check_reference_robust("level2-monday", 16, 15);
        CHECK_FALSE(grade_over("level2-monday", "naive.playbook.yaml", 4).passed());
    }
    // The holiday weekend at its stressing load is ~42 million requests, ~34 s of CPU a seed:
    // 16 seeds here would be 9 minutes of CPU. So CI grades the reference over the first 4 of
    // the 16 seeds (every judge must pass in each) and the naive playbook over 1: 5 weekends,
    // ~165 s of CPU, what the 20 weekends at the old, light load cost (16 + 4 at ~8.1 s). The
    // 16-seed result (`tpssim exam ... --replications 16`: every judge 16/16; the naive
    // playbook 8.2% of 80% over 8 seeds; the healthy weekend never violates the SLO in 16
    // seeds) is recorded in docs/exams.md; measure it again whenever the exam, its key or its
    // playbooks change.
    TEST_CASE("robust: exam level 3 holiday weekend, graded over 4 seeds") {
        check_reference_robust("level3-holiday-weekend", 4, 4);
        CHECK_FALSE(grade_over("level3-holiday-weekend", "naive.playbook.yaml", 1).passed());
    }
}

#include "apps/tpssim/exam_report.hpp"

#include "apps/tpssim/report.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tpssim {

namespace {

using Json = nlohmann::ordered_json;

std::string percent(double share) {
    return fmt::format("{:.1f}%", share * 100.0);
}

std::string count_of(const ExamGrade& g, std::size_t f, bool FailureOutcome::*field) {
    std::size_t n = 0;
    for (const auto& rep : g.outcomes)
        n += rep[f].*field ? 1 : 0;
    return fmt::format("{}/{}", n, g.outcomes.size());
}

std::string prevention_count(const ExamGrade& g, std::size_t f) {
    std::size_t n = 0, judged = 0;
    for (const auto& rep : g.outcomes)
        if (rep[f].prevention) {
            ++judged;
            n += *rep[f].prevention ? 1 : 0;
        }
    return judged == 0 ? "not graded here" : fmt::format("{}/{}", n, judged);
}

std::string judged_by(ExamJudge j) {
    return j == ExamJudge::Instructor ? "an instructor" : "the simulation";
}

} // namespace

std::string format_exam_report(const ExamGrade& g, const ExamKey& key, const ClockFormat& clock) {
    std::string out = fmt::format("tpssim exam: {}\n", key.title.empty() ? g.exam : key.title);
    out += fmt::format("  playbook {}; {} replication(s): seed {}{}\n", g.playbook, g.replications,
                       g.seeds.empty() ? 0 : g.seeds.front(),
                       g.seeds.size() > 1 ? " and seeds derived from it" : "");
    out += fmt::format("  SLO: {}; a fix must hold it from {} after a failure starts\n",
                       key.slo_text, clock_seconds(key.recover_within.seconds()));
    if (g.outcomes.empty()) return out;
    const auto& first = g.outcomes.front();
    out += fmt::format("\nper failure (the first replication, seed {}; then how many of the {} "
                       "replications passed each judged part)\n",
                       g.seeds.front(), g.replications);
    for (std::size_t f = 0; f < first.size(); ++f) {
        const auto& o = first[f];
        out += fmt::format("\n{}. {}\n", f + 1, key.failures[f].what);
        out += fmt::format("   started             {}\n", clock(o.started));
        out += fmt::format("   first alert         {}\n",
                           o.first_alert.empty()
                               ? std::string("none")
                               : fmt::format("{} at {}", o.first_alert, clock(o.first_alert_at)));
        out +=
            fmt::format("   first SLO violation {}\n", std::isnan(o.first_violation_at)
                                                           ? std::string("none: users never saw it")
                                                           : clock(o.first_violation_at));
        const char* before = !o.detection                               ? "no"
                             : std::isnan(o.first_violation_at)         ? "yes"
                             : o.first_alert_at == o.first_violation_at ? "yes (the same scrape)"
                                                                        : "yes";
        out += fmt::format("   detected before users {}\n", before);
        // With no violation nothing needed fixing: the playbook's first action is shown.
        out += fmt::format(
            "   {}{}\n",
            std::isnan(o.first_violation_at) ? "action taken        " : "fixed by            ",
            o.fixing_action.empty()
                ? std::string("no action of the playbook")
                : fmt::format("{} (at {})", o.fixing_action, clock(o.fixing_action_at)));
        std::string recovery;
        if (std::isnan(o.first_violation_at))
            recovery = "nothing to recover: no violation";
        else if (!o.recovered)
            recovery = fmt::format("not recovered by {}", clock(o.window_end));
        else
            recovery = fmt::format("{} (the SLO holds again from {})",
                                   clock_seconds(o.recovered_at - o.first_violation_at),
                                   clock(o.recovered_at));
        out += fmt::format("   time to recovery    {}\n", recovery);
        out += fmt::format("   over the seeds      detection {}, fix {}, verification {}, "
                           "prevention {}\n",
                           count_of(g, f, &FailureOutcome::detection),
                           count_of(g, f, &FailureOutcome::fix),
                           count_of(g, f, &FailureOutcome::verification), prevention_count(g, f));
        for (const auto& c : o.failed_checks)
            out += fmt::format("   ✗ {}\n", c);
    }
    for (std::size_t r = 0; r < g.broken_rules.size(); ++r)
        for (const auto& b : g.broken_rules[r])
            out += fmt::format("\nrule broken in replication {} (seed {}): {}: every part the "
                               "simulation judges scores 0 there\n",
                               r + 1, g.seeds[r], b);

    out += fmt::format("\n{:<44} {:>7}  {:<15} {}\n", "part", "weight", "graded by", "score");
    for (const auto& p : g.parts) {
        const bool person = p.part.judge == ExamJudge::Instructor;
        out += fmt::format(
            "{:<44} {:>7}  {:<15} {}\n", p.part.name, percent(p.part.weight),
            judged_by(p.part.judge),
            person ? std::string("graded by an instructor (written report)")
                   : fmt::format("{} ({} passed)", percent(p.score()), percent(p.passed_share)));
    }
    out += fmt::format(
        "\nsimulation-graded: {} of {} ({} of its weight); pass mark {}: {}\n",
        percent(g.simulation_score), percent(g.simulation_weight),
        percent(g.simulation_weight > 0 ? g.simulation_score / g.simulation_weight : 0.0),
        percent(g.pass_mark), g.passed() ? "PASS" : "FAIL");
    if (g.instructor_weight > 0)
        out += fmt::format("graded by an instructor: {} of the grade (the written report), not "
                           "included above\n",
                           percent(g.instructor_weight));
    return out;
}

std::string exam_grade_json(const ExamGrade& g, const ExamKey& key, const ClockFormat& clock) {
    auto time = [&](double t) -> Json {
        if (std::isnan(t)) return nullptr;
        return Json{{"clock", clock(t)}, {"seconds", t}};
    };
    Json j;
    j["exam"] = g.exam;
    j["title"] = key.title;
    j["playbook"] = g.playbook;
    j["replications"] = g.replications;
    j["seeds"] = g.seeds;
    j["slo"] = key.slo_text;
    j["recover_within_seconds"] = key.recover_within.seconds();
    Json failures = Json::array();
    for (std::size_t f = 0; f < key.failures.size(); ++f) {
        Json per = Json::array();
        for (const auto& rep : g.outcomes) {
            const auto& o = rep[f];
            per.push_back(Json{
                {"started", time(o.started)},
                {"first_alert", o.first_alert.empty() ? Json(nullptr) : Json(o.first_alert)},
                {"first_alert_at", time(o.first_alert_at)},
                {"first_slo_violation", time(o.first_violation_at)},
                {"detected_before_users", o.detection},
                {"fixing_action", o.fixing_action.empty() ? Json(nullptr) : Json(o.fixing_action)},
                {"fixing_action_at", time(o.fixing_action_at)},
                {"recovered", o.recovered},
                {"recovered_at", time(o.recovered_at)},
                {"time_to_recovery_seconds", std::isnan(o.recovered_at)
                                                 ? Json(nullptr)
                                                 : Json(o.recovered_at - o.first_violation_at)},
                {"detection", o.detection},
                {"fix", o.fix},
                {"verification", o.verification},
                {"prevention", o.prevention ? Json(*o.prevention) : Json(nullptr)},
                {"failed_checks", o.failed_checks},
            });
        }
        failures.push_back(Json{{"what", key.failures[f].what}, {"replications", per}});
    }
    j["failures"] = failures;
    Json parts = Json::array();
    for (const auto& p : g.parts) {
        const bool person = p.part.judge == ExamJudge::Instructor;
        parts.push_back(Json{{"name", p.part.name},
                             {"weight", p.part.weight},
                             {"judge", to_string(p.part.judge)},
                             {"passed_share", person ? Json(nullptr) : Json(p.passed_share)},
                             {"score", person ? Json(nullptr) : Json(p.score())}});
    }
    j["parts"] = parts;
    j["broken_rules"] = g.broken_rules;
    j["simulation_weight"] = g.simulation_weight;
    j["simulation_score"] = g.simulation_score;
    j["instructor_weight"] = g.instructor_weight;
    j["pass_mark"] = g.pass_mark;
    j["passed"] = g.passed();
    return j.dump(2) + "\n";
}

} // namespace tpssim

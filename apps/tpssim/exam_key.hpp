#pragma once
/// An exam's grading key (`EXAM.key.yaml` beside `EXAM.yaml`): the faults the trainee is not
/// shown (its `chaos:`), the grader's SLO probes (its `alerts:`) and its `grading:` block: the
/// parts and their weights, the pass mark, and per failure the checks that judge its fix,
/// verification and prevention (docs/exams.md). The grader's checks join the run's `expect:`
/// list, so they are read, and their problems reported, like any scenario's checks.

#include "scenarios/layers.hpp"
#include "sim/sim_time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

/// What decides a part of the grade.
enum class ExamJudge : std::uint8_t {
    Detection,    ///< the trainee's first alert in a failure's window, before users see it
    Fix,          ///< the SLO holds from `recover_within` after the failure to its window's end
    Verification, ///< the alerts of the window resolve, the SLO holds at its end (the fix seen)
    Prevention,   ///< the failure's prevention checks (a recurrence handled)
    Instructor,   ///< a person grades it (the written root cause)
};

/// "detection", "fix", "verification", "prevention", "instructor".
const char* to_string(ExamJudge judge);

struct ExamPart {
    std::string name; ///< as the program words it: "Root cause analysis"
    double weight = 0.0;
    ExamJudge judge = ExamJudge::Instructor;
};

/// One failure of the exam: a fault of the key's `chaos:` and the checks that grade it.
struct ExamFailure {
    std::string fault; ///< the fault's name in the key's `chaos:`
    std::string what;  ///< what it was, shown in the grade (after the exam)
    /// A second fault of the key: the same failure again. The failure's window ends where it
    /// starts, and prevention is judged on it (the SLO holds again within recover_within).
    std::string recurrence;
    /// Another team's fix (the DBA's, the developers'): the playbook may `stop_fault` this
    /// failure's fault (and its recurrence), on an alert, at least this long after it.
    std::optional<sim::SimTime> escalation_after;
    /// Indices into the run's expectations (ExpectationResult) of the grader's checks.
    std::vector<std::size_t> fix_checks, verification_checks, prevention_checks;
};

struct ExamKey {
    std::string path;
    std::string title;
    std::vector<std::string> slo_alerts; ///< the key's alerts: any firing is an SLO violation
    std::string slo_text;                ///< what the SLO says, for the report
    sim::SimTime recover_within = sim::SimTime::from_s(15 * 60);
    double pass_mark = 0.8;
    std::uint32_t replications = 8;
    std::vector<ExamPart> parts;
    std::vector<ExamFailure> failures;
    /// Exam-wide rules (e.g. "you can't add infrastructure"): a replication that breaks one
    /// scores 0 on every part the simulation judges.
    std::vector<std::size_t> rule_checks;
    std::size_t first_check = 0; ///< where the key's checks start among the expectations
    std::size_t checks = 0;      ///< how many checks the key added
};

/// The layer that reads `key_path` into `key` (the `grading:` block) and merges its `chaos`,
/// `alerts` and checks into the exam's run. `key.first_check` is set by the caller once the
/// run's expectations are known (the exam's own come first).
scenarios::Layer exam_key_layer(const std::string& key_path, ExamKey& key);

/// The key beside an exam: `level3-holiday-weekend.yaml` -> `level3-holiday-weekend.key.yaml`.
std::string key_path_for(const std::string& exam_path);

} // namespace tpssim

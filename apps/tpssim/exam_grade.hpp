#pragma once
/// Grading an exam's runs (`tpssim exam`): per failure and replication, what the simulation
/// can judge (detection before the first SLO violation, the fix holding the SLO, the checks of
/// the key), then the parts' scores with the program's weights; the parts a person grades are
/// reported with their weight and no score (docs/exams.md).

#include "apps/tpssim/exam_key.hpp"
#include "models/params.hpp"
#include "models/run_result.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

inline constexpr double kNoTime = std::numeric_limits<double>::quiet_NaN();

/// One failure in one replication. Times in simulated seconds; NaN: it did not happen.
struct FailureOutcome {
    double started = 0.0;    ///< the fault's start
    double window_end = 0.0; ///< the next failure's start, or the end of the run
    std::string first_alert; ///< the trainee's first alert that fired in the window ("": none)
    double first_alert_at = kNoTime;
    double first_violation_at = kNoTime; ///< the first scrape where users saw the SLO violated
    double recovered_at = kNoTime; ///< the SLO held again from here (NaN: no violation, or none)
    bool recovered = true;         ///< false: still violated at the window's end
    std::string fixing_action;     ///< the playbook action that preceded recovery ("": none)
    double fixing_action_at = kNoTime;
    bool detection = false;         ///< an alert fired, at or before the first violation
    bool fix = false;               ///< no violation from recover_within on, the fix checks pass
    bool verification = false;      ///< the detecting alert resolved in the window, checks pass
    std::optional<bool> prevention; ///< the prevention checks (none: not graded here)
    std::vector<std::string> failed_checks; ///< the key's checks that failed, with what was seen
};

struct PartScore {
    ExamPart part;
    /// Share of (failure, replication) pairs that passed; NaN for a part a person grades.
    double passed_share = kNoTime;
    double score() const {
        return part.judge == ExamJudge::Instructor ? 0.0 : part.weight * passed_share;
    }
};

struct ExamGrade {
    std::string exam;     ///< the exam's name
    std::string playbook; ///< the playbook's path
    std::uint32_t replications = 0;
    std::vector<std::uint64_t> seeds;
    /// outcomes[r][f]: replication r, failure f.
    std::vector<std::vector<FailureOutcome>> outcomes;
    std::vector<std::vector<std::string>> broken_rules; ///< per replication, as observed
    std::vector<PartScore> parts;
    double simulation_weight = 0.0; ///< the weights the simulation judges
    double simulation_score = 0.0;  ///< out of simulation_weight
    double instructor_weight = 0.0; ///< the weights a person grades
    double pass_mark = 0.8;
    /// The simulation's parts reach the pass mark of their own weight.
    bool passed() const {
        return simulation_weight > 0 && simulation_score >= pass_mark * simulation_weight - 1e-12;
    }
};

/// Grades `runs` (one per replication, each with the key's checks among its expectations).
ExamGrade grade_exam(const ExamKey& key, const models::ModelParams& model,
                     const std::vector<models::RunResult>& runs);

} // namespace tpssim

#pragma once
/// `tpssim exam EXAM.yaml --playbook MINE.yaml [options]`: runs an exam (the exam file, its
/// grading key `EXAM.key.yaml` beside it, and the trainee's playbook: alert rules and actions)
/// over several seeds and grades it with the program's weights (docs/exams.md). Exit 0: the
/// parts the simulation judges reach the pass mark; 1: they do not; 2: bad input.

#include "apps/tpssim/exam_grade.hpp"
#include "apps/tpssim/exam_key.hpp"
#include "scenarios/scenario.hpp"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace tpssim {

/// The options, for `tpssim exam --help` and the usage.
extern const char* const kExamUsage;

/// An exam's run: the exam, its key and a playbook merged and validated.
struct LoadedExam {
    scenarios::Scenario scenario;
    ExamKey key;
};

/// Reads `exam_path`, its key (`key_path`, or the one beside the exam when empty) and the
/// playbook; throws scenarios::ScenarioError listing every problem (pointing into whichever
/// file holds it). A playbook holds only `alerts` and `actions`.
LoadedExam load_exam(const std::string& exam_path, const std::string& playbook_path,
                     const std::string& key_path = {});

/// Runs `exam` over `replications` seeds from `seed` on `threads` threads and grades it.
ExamGrade run_exam(const LoadedExam& exam, const std::string& playbook_path, std::uint64_t seed,
                   std::uint32_t replications, std::uint32_t threads);

/// Runs the command; `interrupted` is set by Ctrl-C (exit 130, nothing graded).
int run_exam_command(std::span<const std::string> args, std::FILE* out, std::FILE* err,
                     const std::atomic<bool>& interrupted);

} // namespace tpssim

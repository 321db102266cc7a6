#pragma once
/// The grade of `tpssim exam` as text (per failure, then the parts and the verdict) and as
/// JSON (`--json`; docs/exams.md describes its keys).

#include "apps/tpssim/clock_format.hpp"
#include "apps/tpssim/exam_grade.hpp"

#include <string>

namespace tpssim {

/// The report, ending in a newline; times read through `clock`.
std::string format_exam_report(const ExamGrade& grade, const ExamKey& key,
                               const ClockFormat& clock);

/// The grade as a JSON document (times as clock text and as seconds from the start).
std::string exam_grade_json(const ExamGrade& grade, const ExamKey& key, const ClockFormat& clock);

} // namespace tpssim

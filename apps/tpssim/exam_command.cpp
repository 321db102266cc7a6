#include "apps/tpssim/exam_command.hpp"
#include "apps/tpssim/command_flags.hpp"

#include "apps/tpssim/cli.hpp"
#include "apps/tpssim/exam_report.hpp"
#include "apps/tpssim/output_file.hpp"
#include "apps/tpssim/progress_bar.hpp"
#include "models/replications.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>

namespace tpssim {

const char* const kExamUsage = R"(usage: tpssim exam EXAM.yaml --playbook MINE.yaml [options]
run an exam with the trainee's playbook (alert rules and actions) over several seeds and grade
it with the program's weights (docs/exams.md); the exam's key is EXAM.key.yaml beside it

exam options:
  --playbook FILE          the trainee's playbook: alerts: and actions: only (required)
  --key FILE               the grading key, instead of the one beside the exam
  --replications R         seeds to grade over (default: the key's, 8)
  --seed N                 the first seed, instead of the exam's
  --threads T              threads for the replications (default: every core)
  --json FILE|-            write the grade as JSON to FILE (written whole) or stdout
  --quiet                  no report, no progress bar
  --no-progress            no progress bar

exit codes: 0 pass, 1 fail, 2 bad input, 3 internal error, 130 interrupted
)";

namespace {

struct ExamArgs {
    std::string exam, playbook, key;
    std::optional<std::uint32_t> replications;
    std::optional<std::uint64_t> seed;
    std::uint32_t threads = 0;
    std::optional<std::string> json;
    bool quiet = false, progress = true;
};

ExamArgs parse_args(std::span<const std::string> args) {
    ExamArgs a;
    FlagReader flags(args);
    while (flags.next()) {
        const std::string& flag = flags.flag();
        if (flag == "--playbook") {
            a.playbook = flags.value();
            if (a.playbook.empty()) bad_flag(flag, "expected a file name, got \"\"");
        } else if (flag == "--key") {
            a.key = flags.value();
            if (a.key.empty()) bad_flag(flag, "expected a file name, got \"\"");
        } else if (flag == "--replications") {
            a.replications = parse_integer_in_range<std::uint32_t>(flag, flags.value(), 1, 10000);
        } else if (flag == "--seed") {
            a.seed = parse_integer_in_range<std::uint64_t>(flag, flags.value(), 0, UINT64_MAX);
        } else if (flag == "--threads") {
            a.threads = parse_integer_in_range<std::uint32_t>(flag, flags.value(), 1, 1024);
        } else if (flag == "--json") {
            a.json = flags.value();
            if (a.json->empty()) bad_flag(flag, "expected a file name or -, got \"\"");
        } else if (flag == "--quiet" || flag == "-q") {
            flags.no_value();
            a.quiet = true;
        } else if (flag == "--no-progress") {
            flags.no_value();
            a.progress = false;
        } else if (flag.starts_with("-")) {
            bad_flag(flag, "unknown option for exam (see tpssim exam --help)");
        } else {
            if (!a.exam.empty())
                bad_flag(flag, fmt::format("expected one exam file, got a second: \"{}\"", flag));
            a.exam = flag;
        }
    }
    if (a.exam.empty()) bad_flag("EXAM", "expected an exam file, got nothing");
    if (a.playbook.empty())
        bad_flag("--playbook", "expected the trainee's playbook (--playbook MINE.yaml), got "
                               "nothing");
    return a;
}

// A playbook stops a fault only where the key says another team fixes it (the DBA, the
// developers), on an alert and no sooner than that team can: anything else is the trainee's
// to fix by changing the system.
void check_stop_fault(const ExamKey& key, const YAML::Node& action, std::size_t i,
                      const scenarios::LayerError& error) {
    const YAML::Node stop = action["stop_fault"];
    if (!stop || !stop.IsScalar()) return;
    const std::string path = fmt::format("actions.{}.stop_fault", i);
    const ExamFailure* failure = nullptr;
    for (const auto& f : key.failures)
        if (f.fault == stop.Scalar() || f.recurrence == stop.Scalar()) failure = &f;
    if (!failure) return; // not a fault of the exam: the scenario reader says so
    if (!failure->escalation_after) {
        error(stop.Mark(), path,
              fmt::format("\"{}\" is not another team's to fix: change the system (set, scale, "
                          "restart, replace_unhealthy) instead of stopping the fault",
                          stop.Scalar()));
        return;
    }
    const YAML::Node on = action["on"];
    const YAML::Node after = action["after"];
    std::optional<sim::SimTime> delay;
    if (after && after.IsScalar())
        if (const auto d = scenarios::parse_duration(after.Scalar());
            std::holds_alternative<sim::SimTime>(d))
            delay = std::get<sim::SimTime>(d);
    if (!on || (after && !delay)) {
        error(stop.Mark(), path,
              fmt::format("expected on: an alert, with after: at least {} (the time the team "
                          "that fixes \"{}\" needs)",
                          scenarios::format_duration(*failure->escalation_after), stop.Scalar()));
        return;
    }
    if (delay.value_or(sim::SimTime::zero()) < *failure->escalation_after)
        error(after ? after.Mark() : on.Mark(), fmt::format("actions.{}.after", i),
              fmt::format("expected at least {} (the time the team that fixes \"{}\" needs), "
                          "got {}",
                          scenarios::format_duration(*failure->escalation_after), stop.Scalar(),
                          after ? after.Scalar() : std::string("nothing")));
}

} // namespace

LoadedExam load_exam(const std::string& exam_path, const std::string& playbook_path,
                     const std::string& key_path) {
    LoadedExam exam;
    std::vector<scenarios::Layer> layers;
    layers.push_back(
        exam_key_layer(key_path.empty() ? key_path_for(exam_path) : key_path, exam.key));
    scenarios::Layer playbook;
    playbook.path = playbook_path;
    playbook.role = "playbook";
    playbook.allowed_keys = {"alerts", "actions"};
    // A playbook acts on its own alerts: the grader's SLO probes stand for the users.
    playbook.transform = [&exam](YAML::Node& doc, const scenarios::LayerError& error) {
        const YAML::Node actions = std::as_const(doc)["actions"];
        if (!actions || !actions.IsSequence()) return;
        for (std::size_t i = 0; i < actions.size(); ++i) {
            check_stop_fault(exam.key, actions[i], i, error);
            const YAML::Node on = actions[i]["on"];
            if (!on || !on.IsScalar()) continue;
            const auto& slo = exam.key.slo_alerts;
            if (std::find(slo.begin(), slo.end(), on.Scalar()) != slo.end())
                error(on.Mark(), fmt::format("actions.{}.on", i),
                      fmt::format("\"{}\" is the grader's alert (what users see), not one of the "
                                  "playbook's; act on an alert of your own",
                                  on.Scalar()));
        }
    };
    layers.push_back(std::move(playbook));
    exam.scenario = scenarios::load_scenario_layers(exam_path, layers);
    return exam;
}

ExamGrade run_exam(const LoadedExam& exam, const std::string& playbook_path, std::uint64_t seed,
                   std::uint32_t replications, std::uint32_t threads) {
    models::ReplicationOptions ro;
    ro.seed = seed;
    ro.replications = replications;
    ro.threads = threads;
    ro.keep_first_event_log = false;
    const auto runs = models::run_replications(exam.scenario.model, ro);
    ExamGrade g = grade_exam(exam.key, exam.scenario.model, runs);
    g.exam = exam.scenario.name;
    g.playbook = playbook_path;
    return g;
}

int run_exam_command(std::span<const std::string> args, std::FILE* out, std::FILE* err,
                     const std::atomic<bool>& interrupted) {
    const ExamArgs a = parse_args(args);
    if (a.json && *a.json != "-") try {
            check_can_write(*a.json);
        } catch (const std::runtime_error& e) {
            bad_flag("--json", e.what());
        }
    const LoadedExam exam = load_exam(a.exam, a.playbook, a.key);
    const std::uint32_t replications = a.replications.value_or(exam.key.replications);
    const std::uint64_t seed = a.seed.value_or(exam.scenario.seed);

    models::ReplicationOptions ro;
    ro.seed = seed;
    ro.replications = replications;
    ro.threads = a.threads;
    ro.keep_first_event_log = false;
    ProgressBar bar(a.progress && !a.quiet && ProgressBar::stderr_is_terminal(), err);
    ro.keep_going = [&] { return !interrupted.load(); };
    ro.progress = [&](std::uint32_t done, std::uint32_t total) {
        bar.update(static_cast<double>(done) / total,
                   fmt::format("{} / {} replications", done, total));
        return !interrupted.load();
    };
    const auto runs = models::run_replications(exam.scenario.model, ro);
    bar.finish();
    if (interrupted.load() || runs.size() < replications) {
        fmt::print(err,
                   "tpssim: interrupted: {} of {} replication(s) ran; an exam is graded "
                   "over all of them, so nothing is graded\n",
                   runs.size(), replications);
        return kExitInterrupted;
    }
    ExamGrade g = grade_exam(exam.key, exam.scenario.model, runs);
    g.exam = exam.scenario.name;
    g.playbook = a.playbook;
    const ClockFormat clock(exam.scenario.model.start, exam.scenario.model.duration.seconds());
    const bool json_to_stdout = a.json && *a.json == "-";
    if (!a.quiet)
        fmt::print(json_to_stdout ? err : out, "{}", format_exam_report(g, exam.key, clock));
    if (a.json) {
        const std::string text = exam_grade_json(g, exam.key, clock);
        if (json_to_stdout) {
            fmt::print(out, "{}", text);
        } else {
            try {
                write_file_atomically(*a.json, text);
            } catch (const std::runtime_error& e) {
                bad_flag("--json", e.what());
            }
        }
    }
    return g.passed() ? kExitOk : kExitExpectFailed;
}

} // namespace tpssim

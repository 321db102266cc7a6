// `tpssim exam` as a user runs it (apps/tpssim/exam_command.*): a small exam with its key and
// two playbooks (one that fixes the failure and its recurrence, one that does nothing), the
// report and the JSON grade, the exit codes, and bad input pointing into the right file.

#include "apps/tpssim/exam_command.hpp"
#include "command.hpp"
#include "files.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

using namespace tpssim;
namespace fs = std::filesystem;

namespace {

// api -> backend (4 replicas, ~25% busy, no health check). The key makes 2 backend replicas
// sick (20x slower) at 10m, and again at 20m.
const char* kExam = R"(name: tiny-exam
seed: 3
duration: 30m
warmup: 1m
load:
  - {name: users, target: api, rate: 50/s}
services:
  api:
    workers: 32
    steps:
      - work: {dist: exponential, mean: 1ms}
      - call: backend
        timeout: 5s
  backend:
    workers: 4
    service_time: {dist: exponential, mean: 20ms}
monitoring: {scrape_interval: 15s}
)";

const char* kKey = R"(alerts:
  - {name: UsersSeeIt, when: "p99(api) > 150ms", for: 0s}
chaos:
  - {name: incident-1, at: 10m, target: backend, unhealthy: {count: 2, factor: 20}}
  - {name: incident-1b, at: 20m, target: backend, unhealthy: {count: 2, factor: 20}}
grading:
  title: a tiny exam
  slo: {text: "api p99 <= 150 ms", alerts: [UsersSeeIt]}
  recover_within: 3m
  pass_mark: 80%
  replications: 2
  parts:
    - {name: Detection, weight: 20%, judge: detection}
    - {name: Root cause, weight: 20%, judge: instructor}
    - {name: Fix, weight: 20%, judge: fix}
    - {name: Verification, weight: 20%, judge: verification}
    - {name: Prevention, weight: 20%, judge: prevention}
  failures:
    - {fault: incident-1, what: two sick backend replicas, recurrence: incident-1b}
)";

const char* kGoodPlaybook = R"(alerts:
  - {name: BackendSlow, when: "p99(backend) > 100ms", for: 0s}
actions:
  - {on: BackendSlow, after: 30s, repeat: true, replace_unhealthy: backend}
)";

struct ExamDir : test_support::ScratchDir {
    explicit ExamDir(const std::string& tag) : ScratchDir("exam-cmd-" + tag) {
        write("exam.yaml", kExam);
        write("exam.key.yaml", kKey);
        write("good.yaml", kGoodPlaybook);
        write("empty.yaml", "alerts: []\nactions: []\n");
    }
};

test_support::CommandResult exam(const ExamDir& d, const std::string& playbook,
                                 const std::string& flags = "") {
    return test_support::run_command(test_support::tpssim_command(
        "exam " + d.path("exam.yaml") + " --playbook " + d.path(playbook.c_str()) +
        " --no-progress " + flags + " 2>&1"));
}

// The one-line error of loading `playbook` (written into the exam's folder) with the exam.
std::string load_error(const ExamDir& d, const std::string& playbook) {
    d.write("bad.yaml", playbook);
    try {
        load_exam(d.path("exam.yaml"), d.path("bad.yaml"));
    } catch (const scenarios::ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        return e.diagnostics().front().format();
    }
    return "no error";
}

} // namespace

TEST_CASE("tpssim exam: a playbook that detects and fixes passes, an empty one fails") {
    const ExamDir d("pass");
    const auto good = exam(d, "good.yaml");
    INFO(good.out);
    CHECK(good.exit_code == 0);
    CHECK(good.out.find("tpssim exam: a tiny exam\n") == 0);
    CHECK(good.out.find("   first alert         BackendSlow at ") != std::string::npos);
    CHECK(good.out.find("   fixed by            replace_unhealthy: backend (at 0:10:45)\n") !=
          std::string::npos);
    CHECK(good.out.find("graded by an instructor") != std::string::npos);
    CHECK(good.out.find(": PASS\n") != std::string::npos);

    const auto empty = exam(d, "empty.yaml", "--replications 1");
    INFO(empty.out);
    CHECK(empty.exit_code == 1);
    CHECK(empty.out.find("   first alert         none\n") != std::string::npos);
    CHECK(empty.out.find("   fixed by            no action of the playbook\n") !=
          std::string::npos);
    CHECK(empty.out.find(": FAIL\n") != std::string::npos);
}

TEST_CASE("tpssim exam --json: the grade, per failure and replication, machine-readable") {
    const ExamDir d("json");
    const auto r = test_support::run_command(
        test_support::tpssim_command("exam " + d.path("exam.yaml") + " --playbook " +
                                     d.path("good.yaml") + " --quiet --json -"));
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["passed"] == true);
    CHECK(j["replications"] == 2);
    REQUIRE(j["failures"].size() == 1);
    const auto& first = j["failures"][0]["replications"][0];
    CHECK(first["started"]["seconds"] == 600.0);
    CHECK(first["first_alert"] == "BackendSlow");
    CHECK(first["detection"] == true);
    CHECK(first["prevention"] == true);
    CHECK(j["instructor_weight"].get<double>() == doctest::Approx(0.2));
    CHECK(j["parts"][1]["score"].is_null());
    // The same bytes on 1 and 2 threads.
    const auto one = test_support::run_command(test_support::tpssim_command(
        "exam " + d.path("exam.yaml") + " --playbook " + d.path("good.yaml") +
        " --quiet --json - "
        "--threads 1"));
    CHECK(one.out == r.out);
}

TEST_CASE("tpssim exam: bad playbooks and keys are errors in their own file, exit 2") {
    const ExamDir d("bad");
    const std::string bad = d.path("bad.yaml");
    // An action on a service the exam does not have.
    CHECK(load_error(d, "actions:\n  - {at: 5m, restart: backnd}\n") ==
          bad + ":2:23: error: actions.0.restart: unknown service \"backnd\"; did you mean "
                "\"backend\"?");
    // A key the exam forbids in a playbook: no adding infrastructure, no faults of one's own.
    CHECK(load_error(d, "alerts: []\nservices:\n  backend: {workers: 40}\n") ==
          bad + ":2:1: error: services: a playbook may not hold \"services\" (the exam forbids "
                "it); expected one of: alerts, actions");
    // The grader's alert is what users see, not the trainee's to act on.
    CHECK(load_error(d, "actions:\n  - {on: UsersSeeIt, replace_unhealthy: backend}\n") ==
          bad + ":2:10: error: actions.0.on: \"UsersSeeIt\" is the grader's alert (what users "
                "see), not one of the playbook's; act on an alert of your own");
    // Stopping the fault is not a fix.
    CHECK(load_error(d, "actions:\n  - {at: 11m, stop_fault: incident-1}\n") ==
          bad + ":2:27: error: actions.0.stop_fault: \"incident-1\" is not another team's to "
                "fix: change the system (set, scale, restart, replace_unhealthy) instead of "
                "stopping the fault");
    // The key: a failure that names no fault of its chaos.
    std::string key = kKey;
    key.replace(key.find("fault: incident-1,"), 18, "fault: incident-9,");
    d.write("exam.key.yaml", key);
    try {
        load_exam(d.path("exam.yaml"), d.path("good.yaml"));
        FAIL("no error");
    } catch (const scenarios::ScenarioError& e) {
        CHECK(e.diagnostics().front().format().starts_with(
            d.path("exam.key.yaml") + ":19:15: error: grading.failures.0.fault: expected the "
                                      "name of a fault in this file's chaos:, got \"incident-9\""));
    }
    // On the command line: exit 2, one line per problem.
    d.write("exam.key.yaml", kKey);
    d.write("bad.yaml", "actions:\n  - {at: 5m, restart: backnd}\n");
    const auto r = exam(d, "bad.yaml");
    CHECK(r.exit_code == 2);
    CHECK(r.out.starts_with(bad + ":2:23: error: actions.0.restart: unknown service"));
    const auto none = test_support::run_command(
        test_support::tpssim_command("exam " + d.path("exam.yaml") + " 2>&1"));
    CHECK(none.exit_code == 2);
    CHECK(none.out == "<command line>: error: --playbook: expected the trainee's playbook "
                      "(--playbook MINE.yaml), got nothing\n");
}

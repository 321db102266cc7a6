// The order of the messages about values made by `--set`: such nodes carry no position, so
// their problems come out in the order the readers find them, which is each table's order of
// reading (scenarios/key_table.hpp). Where a map reads its keys in another order than it lists
// them (listed_last, listed_before), or reads one key through another (a rate change's `at`
// reads its `rate`), that order is the one the hand-written readers had; these pin it.
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;

namespace {

const std::string kBase = R"(name: order
duration: 1h
load:
  - {name: users, target: api, rate: 10/s}
services:
  api:
    workers: 2
    steps:
      - call: db
  db:
    workers: 1
    service_time: {dist: constant, value: 5ms}
)";

/// The diagnostics of the scenario with one `--set`, one a line.
std::string problems_with(const std::string& set) {
    const std::vector<scenarios::Override> overrides{scenarios::parse_override(set)};
    try {
        scenarios::load_scenario_text(kBase, "order.yaml", overrides);
    } catch (const scenarios::ScenarioError& e) {
        std::string out;
        for (const auto& d : e.diagnostics())
            out += d.format() + "\n";
        return out;
    }
    return "(loaded)\n";
}

} // namespace

TEST_CASE("--set: a retry policy reads on_refused before jitter, though it lists it last") {
    CHECK(problems_with("services.api.steps[0].retry={jitter: x, on_refused: y}") ==
          "<--set>: error: services.api.steps.0.retry.on_refused: expected one of fail, retry, "
          "got \"y\"\n"
          "<--set>: error: services.api.steps.0.retry.jitter: expected one of full, none, got "
          "\"x\"\n");
    CHECK(problems_with("services.api.steps[0].retry={jiter: x}") ==
          "<--set>: error: services.api.steps.0.retry.jiter: unknown key \"jiter\"; did you "
          "mean \"jitter\"?\n");
    CHECK(problems_with("services.api.steps[0].retry={zzz: 1}") ==
          "<--set>: error: services.api.steps.0.retry.zzz: unknown key \"zzz\"; expected one "
          "of: max_attempts, backoff, max_backoff, jitter, budget, on_refused\n");
}

TEST_CASE("--set: a rate trace reads its interpolation before its file") {
    CHECK(problems_with("load[0].trace={file: [1], interpolation: x}") ==
          "<--set>: error: load.0.trace.interpolation: expected one of step, linear, got \"x\"\n"
          "<--set>: error: load.0.trace.file: expected non-empty text, got a sequence\n");
}

TEST_CASE("--set: an autoscaler reads thresholds after target, a fault its name last") {
    CHECK(problems_with("services.api.autoscaler={max: 4, thresholds: {up: 2}, startup: x}") ==
          "<--set>: error: services.api.autoscaler.thresholds.up: expected a ratio from 0% to "
          "100% (as 80% or 0.8), got \"2\" (a bare number is a fraction: write 80% for a "
          "percentage)\n"
          "<--set>: error: services.api.autoscaler.startup: expected a duration with a unit "
          "(ns, us, ms, s, m, h, d), got \"x\"\n");
    CHECK(problems_with("chaos=[{name: [1], at: x, target: api, crash: 1}]") ==
          "<--set>: error: chaos.0.at: expected a duration from the start (e.g. 90m), or with "
          "start: a clock time (e.g. \"15:00\") or a date and time (e.g. 2026-12-25T15:00), got "
          "\"x\"\n"
          "<--set>: error: chaos.0.name: expected non-empty text, got a sequence\n");
}

TEST_CASE("--set: a step of the rate reads its rate through its at, after a misplaced ramp key") {
    CHECK(problems_with("load[0].steps=[{at: x, to: 1m}]") ==
          "<--set>: error: load.0.steps.0.to: \"to\" belongs to a ramp {from, to, ramp_to}, not "
          "to a step {at, rate}\n"
          "<--set>: error: load.0.steps.0: missing required key \"rate\" (the rate from then "
          "on, e.g. 0/s)\n"
          "<--set>: error: load.0.steps.0.at: expected a duration from the start (e.g. 90m), or "
          "with start: a clock time (e.g. \"15:00\") or a date and time (e.g. 2026-12-25T15:00), "
          "got \"x\"\n");
}

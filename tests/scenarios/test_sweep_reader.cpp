// The sweep file (apps/tpssim/sweep_spec.*): what it reads, and bad input reported at the
// sweep file's line and column the way `--set` reports it, one clear message per problem.

#include "scenarios/diagnostic.hpp"
#include "scenarios/sweep_reader.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <string>

using namespace tpssim;
namespace fs = std::filesystem;

namespace {

const char* kBase = R"(name: sweep-base
seed: 3
duration: 2m
warmup: 10s
load:
  - {name: users, target: api, rate: 50/s}
services:
  api:
    workers: 4
    steps:
      - work: {dist: exponential, mean: 20ms}
      - call: backend
        timeout: 1s
  backend:
    workers: 2
    queue: {capacity: 50}
    service_time: {dist: exponential, mean: 15ms}
)";

// A folder holding base.yaml; sweep text read as if it were `dir/sweep.yaml`.
struct SweepDir {
    fs::path dir;
    SweepDir() {
        dir = fs::temp_directory_path() /
              ("tpssim-sweep-spec-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::create_directories(dir);
        std::ofstream(dir / "base.yaml") << kBase;
    }
    ~SweepDir() { fs::remove_all(dir); }
    scenarios::SweepSpec read(const std::string& text) const {
        return scenarios::read_sweep_text(text, (dir / "sweep.yaml").string());
    }
    // The one diagnostic `text` gets, formatted, with the folder left out.
    std::string error(const std::string& text) const {
        try {
            (void)read(text);
        } catch (const scenarios::ScenarioError& e) {
            REQUIRE(e.diagnostics().size() >= 1);
            std::string s = e.diagnostics().front().format();
            const std::string prefix = dir.string() + "/";
            if (s.starts_with(prefix)) s = s.substr(prefix.size());
            return s;
        }
        FAIL("no error for:\n" << text);
        return {};
    }
};

} // namespace

TEST_CASE("sweep file: every part read, ranges with units, figures added by objective") {
    SweepDir d;
    const auto spec = d.read(R"(base: base.yaml
vary:
  services.backend.workers: [2, 3, 4]
  services.backend.service_time.mean: {from: 10ms, to: 20ms, steps: 3}
replications: 3
until: 1m
figures: [p99(api), throughput(api)]
objective: minimise p50(api)
constraints:
  - error_rate(api) < 0.1%
  - utilization(backend) within 20%..80%
  - p99(api) <= 250ms
)");
    CHECK(spec.base_file == (d.dir / "base.yaml").string());
    REQUIRE(spec.vary.size() == 2);
    CHECK(spec.vary[0].values == std::vector<std::string>{"2", "3", "4"});
    REQUIRE(spec.vary[1].range);
    CHECK(spec.vary[1].range->unit == "ms");
    CHECK(spec.vary[1].range->integer);
    CHECK(spec.vary[1].range->at(0.5) == "15ms");
    CHECK(spec.replications == 3);
    CHECK(spec.until->seconds() == 60.0);
    // p99, throughput, then the objective's p50 and the constraints' new figures.
    REQUIRE(spec.figures.size() == 5);
    CHECK(spec.figures[spec.objective.figure].text == "p50(api)");
    CHECK(spec.objective.minimise);
    REQUIRE(spec.constraints.size() == 3);
    CHECK(spec.constraints[0].low == doctest::Approx(0.001));
    CHECK(spec.constraints[0].holds(0.0005));
    CHECK_FALSE(spec.constraints[0].holds(0.002));
    CHECK(spec.constraints[1].op == scenarios::SweepConstraint::Op::within);
    CHECK(spec.constraints[1].holds(0.5));
    CHECK_FALSE(spec.constraints[1].holds(0.9));
    CHECK(spec.constraints[2].low == doctest::Approx(0.25));
    CHECK(spec.figures[spec.constraints[2].figure].text == "p99(api)");
}

TEST_CASE("sweep file: a bad key path is reported as --set reports it, at the value's line") {
    SweepDir d;
    const std::string e = d.error(R"(base: base.yaml
vary:
  services.backend.wrokers: [2, 3]
objective: minimise p99(api)
)");
    CHECK(
        e.starts_with("sweep.yaml:3:30: error: services.backend.wrokers: unknown key \"wrokers\"; "
                      "did you mean \"workers\"?"));
    CHECK(e.find("vary: services.backend.wrokers=2") != std::string::npos);
}

TEST_CASE("sweep file: a value of the wrong unit names the key, the value and its line") {
    SweepDir d;
    const std::string e = d.error(R"(base: base.yaml
vary:
  services.backend.service_time.mean: [10ms, 20kg]
objective: minimise p99(api)
)");
    CHECK(e.starts_with("sweep.yaml:3:46: error: services.backend.service_time.mean:"));
    CHECK(e.find("20kg") != std::string::npos);
}

TEST_CASE("sweep file: a range whose ends have different units") {
    SweepDir d;
    CHECK(d.error(R"(base: base.yaml
vary:
  services.backend.service_time.mean: {from: 10ms, to: 2s, steps: 3}
objective: minimise p99(api)
)") == "sweep.yaml:3:56: error: vary.services.backend.service_time.mean.to: expected the unit "
       "of from (\"ms\"), got \"s\"");
}

TEST_CASE("sweep file: empty designs") {
    SweepDir d;
    CHECK(d.error("base: base.yaml\nvary: {}\nobjective: minimise p99(api)\n") ==
          "sweep.yaml:2:7: error: vary: expected at least one key path to vary, got an empty map");
    CHECK(d.error("base: base.yaml\nvary:\n  services.api.workers: []\nobjective: minimise "
                  "p99(api)\n") == "sweep.yaml:3:25: error: vary.services.api.workers: expected "
                                   "at least one value, got an empty sequence");
    CHECK(d.error("base: base.yaml\ndesign: random\nvary:\n  services.api.workers: {from: 2, "
                  "to: 8}\nobjective: minimise p99(api)\n")
              .find("points") != std::string::npos);
    CHECK(d.error("base: base.yaml\nvary:\n  services.api.workers: {from: 2, to: 8}\n"
                  "objective: minimise p99(api)\n")
              .find("expected steps (2 or more) in a grid's range") != std::string::npos);
}

TEST_CASE("sweep file: bad constraints, objectives and figures") {
    SweepDir d;
    const std::string head = "base: base.yaml\nvary:\n  services.api.workers: [2, 4]\n";
    CHECK(d.error(head + "objective: minimise p99(api)\nconstraints: ['error_rate(api) ~ 1%']\n") ==
          "sweep.yaml:5:15: error: constraints.0: expected <, <=, >, >= or within after "
          "error_rate(api), got \"~ 1%\"");
    CHECK(d.error(head + "objective: minimise p99(api)\nconstraints: ['p99(api) < 5%']\n") ==
          "sweep.yaml:5:15: error: constraints.0: expected a duration such as 250ms or 0.25 for "
          "p99(api), got \"5%\"");
    CHECK(d.error(head + "objective: minimise p99(api)\nconstraints: ['utilization(api) within "
                         "80%..60%']\n")
              .find("expected LOW <= HIGH") != std::string::npos);
    CHECK(d.error(head + "objective: lower p99(api)\n") ==
          "sweep.yaml:4:12: error: objective: expected minimise FIGURE or maximise FIGURE, got "
          "\"lower p99(api)\"");
    CHECK(d.error(head + "objective: minimise p98(api)\n").find("expected a figure kind") !=
          std::string::npos);
    CHECK(d.error(head + "objective: minimise p99(api)\nreplications: 1\n")
              .starts_with("sweep.yaml:5:15: error: replications:"));
    CHECK(d.error(head + "objective: minimise p99(api)\nsteps: 3\n")
              .starts_with("sweep.yaml:5:1: error: steps: unknown key"));
}

TEST_CASE("sweep file: a missing base scenario") {
    SweepDir d;
    const std::string e =
        d.error("base: nope.yaml\nvary:\n  services.api.workers: [2]\nobjective: minimise "
                "p99(api)\n");
    CHECK(e.find("nope.yaml") != std::string::npos);
}

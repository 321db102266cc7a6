// A sweep's runs shipped as jobs (apps/tpssim/sweep_job.*, what Python's executors run): each
// job gives the local run's figures to the bit, and the gathered runs analyse as the local
// sweep's.

#include "apps/tpssim/sweep_analysis.hpp"
#include "apps/tpssim/sweep_job.hpp"
#include "apps/tpssim/sweep_plan.hpp"
#include "apps/tpssim/sweep_report.hpp"
#include "apps/tpssim/sweep_runner.hpp"
#include "files.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using namespace tpssim;
namespace fs = std::filesystem;

namespace {

const char* kBase = R"(name: sweep-job-base
seed: 11
duration: 2m
warmup: 10s
load:
  - {name: users, target: api, rate: 80/s}
services:
  api:
    workers: 8
    steps:
      - work: {dist: exponential, mean: 2ms}
      - call: backend
        timeout: 2s
  backend:
    workers: 2
    service_time: {dist: exponential, mean: 18ms}
)";

const char* kSweep = R"(base: base.yaml
vary:
  services.backend.workers: [2, 3]
  services.backend.service_time.mean: [15ms, 18ms]
replications: 2
until: 90s
figures: [p99(api), utilization(backend)]
objective: minimise p99(api)
)";

struct Dir : test_support::ScratchDir {
    Dir() : ScratchDir("sweep-job") {
        write("base.yaml", kBase);
        write("sweep.yaml", kSweep);
    }
};

} // namespace

TEST_CASE("sweep jobs give the local run's figures; gathered runs analyse alike") {
    Dir d;
    const SweepPlan plan =
        plan_sweep(scenarios::read_sweep_file((d.path() / "sweep.yaml").string()));
    REQUIRE(plan.points.size() == 5);
    SweepRunOptions ro;
    ro.seed = plan.seed;
    ro.replications = plan.spec.replications;
    ro.threads = 2;
    const SweepRuns local = run_sweep(plan.models, plan.spec.figures, ro);

    const std::string text = test_support::slurp((d.path() / "base.yaml").string());
    // Another folder's name for the same text: only messages and `extends:` read it.
    const auto jobs = sweep_jobs(plan, text, "/elsewhere/base.yaml");
    REQUIRE(jobs.size() == 10);
    CHECK(jobs[0].overrides.empty()); // the baseline
    CHECK(jobs[3].overrides.size() == 2);
    CHECK(jobs[3].seed == jobs[1].seed); // common random numbers: replication 1 both
    CHECK(jobs[2].seed != jobs[3].seed);
    std::vector<double> values;
    std::vector<bool> done;
    for (std::size_t j = 0; j < jobs.size(); ++j) {
        const bool ran = j < 6; // points 0..2 finished, 3 half, 4 not at all
        const auto v = ran ? run_sweep_job(jobs[j]) : std::vector<double>(2, std::nan(""));
        if (ran)
            for (std::size_t f = 0; f < 2; ++f)
                CHECK(v[f] == local.at(j / 2, static_cast<std::uint32_t>(j % 2), f));
        values.insert(values.end(), v.begin(), v.end());
        done.push_back(ran);
    }
    const SweepRuns gathered = gather_sweep_runs(plan, values, done);
    CHECK(gathered.interrupted);
    CHECK(gathered.point_complete == std::vector<bool>{true, true, true, false, false});
    CHECK(gathered.seeds == local.seeds);
    // The finished points' CSV rows are the local run's.
    const std::string local_csv = sweep_runs_csv(plan.spec, plan.points, local);
    const std::string gathered_csv = sweep_runs_csv(plan.spec, plan.points, gathered);
    CHECK(local_csv.starts_with(gathered_csv));
    CHECK(gathered_csv.size() < local_csv.size());
    CHECK_THROWS_AS(gather_sweep_runs(plan, values, std::vector<bool>(3, true)),
                    std::invalid_argument);
}

TEST_CASE("a sweep job that names no valid run throws") {
    Dir d;
    SweepJob job;
    job.scenario_text = kBase;
    job.display_name = "base.yaml";
    job.figures = {"p99(api)"};
    job.overrides = {{"services.nope.workers", "2"}};
    CHECK_THROWS_AS(run_sweep_job(job), scenarios::ScenarioError);
    job.overrides.clear();
    job.figures = {"p99(nothing)"};
    CHECK_THROWS_AS(run_sweep_job(job), std::invalid_argument);
    job.figures = {"p99 api"};
    CHECK_THROWS_AS(run_sweep_job(job), std::invalid_argument);
    job.figures = {"p99(api)"};
    job.until = sim::SimTime::from_seconds(5.0); // shorter than the 10 s warm-up
    CHECK_THROWS_AS(run_sweep_job(job), std::invalid_argument);
}

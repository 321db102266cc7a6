#pragma once
/// One (point, replication) run of a sweep as plain data, for running it in another process
/// or on another machine (Python's `executor=`: a process pool, a Dask cluster): the base
/// scenario's text, the point's values as `--set` overrides, the horizon and the seed. It
/// gives the very figures the local run gives (the same text, overrides and seed make the
/// same model and the same run), so the gathered results can be analysed as a local sweep's.

#include "apps/tpssim/sweep_plan.hpp"
#include "apps/tpssim/sweep_runner.hpp"
#include "scenarios/scenario.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

struct SweepJob {
    std::string scenario_text; ///< the base scenario file's text
    std::string display_name;  ///< its path: messages, and the folder `extends:` reads from
    std::vector<scenarios::Override> overrides; ///< the point's values (none: the baseline)
    std::optional<sim::SimTime> until;          ///< the sweep's `until:`
    std::uint64_t seed = 1;                     ///< replication k's seed
    std::vector<std::string> figures;           ///< `p99(api)`, ... in the sweep's order
};

/// The jobs of `plan` (point by point, replication by replication: job j is point
/// j / replications, replication j % replications), each with the base scenario's text.
std::vector<SweepJob> sweep_jobs(const SweepPlan& plan, const std::string& scenario_text,
                                 const std::string& display_name);

/// Runs one job and returns its figures; throws scenarios::ScenarioError or
/// std::invalid_argument when the job does not describe a valid run.
std::vector<double> run_sweep_job(const SweepJob& job);

/// The runs of a sweep whose jobs ran elsewhere: `values` [job * figures + f] and which jobs
/// finished (`job_done[j]`), in the jobs' order; as run_sweep would have returned them.
SweepRuns gather_sweep_runs(const SweepPlan& plan, std::vector<double> values,
                            const std::vector<bool>& job_done);

} // namespace tpssim

#pragma once
/// Runs a sweep's (point, replication) jobs on threads. Replication k of every point uses the
/// same seed (common random numbers), so differences between points are paired; each job
/// writes only its own slot, so the figures never depend on the number of threads.

#include "apps/tpssim/sweep_design.hpp"
#include "models/params.hpp"
#include "models/run_result.hpp"
#include "scenarios/sweep_reader.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace tpssim {

/// The figures of one run, in the order of `figures`. Throws std::invalid_argument when a
/// figure names a service the run does not have.
std::vector<double> sweep_figures(const models::RunResult& run,
                                  const std::vector<scenarios::SweepFigure>& figures);

/// Checks that every figure names a service (not a queue) of `model`; the message names the
/// figure and lists the services. Empty when all is well.
std::string check_sweep_figures(const models::ModelParams& model,
                                const std::vector<scenarios::SweepFigure>& figures);

/// Every point's model: the base scenario with the point's values applied as `--set` would,
/// `until` applied; `seed` receives the base scenario's seed. A problem with a combination of
/// values (each fine alone) throws scenarios::ScenarioError naming the sweep file and point.
std::vector<models::ModelParams> load_sweep_models(const scenarios::SweepSpec& spec,
                                                   const std::vector<SweepPoint>& points,
                                                   std::uint64_t& seed);

struct SweepRunOptions {
    std::uint64_t seed = 1; ///< replication k of every point: models::replication_seed(seed, k)
    std::uint32_t replications = 2;
    std::uint32_t threads = 0; ///< 0: every hardware thread
    /// Called (serialised) after each job with (jobs finished, jobs in all).
    std::function<void(std::size_t, std::size_t)> progress;
    /// Polled by every running job (thread-safe); false stops the sweep: jobs not started are
    /// skipped, running ones stop within a chunk of events and are dropped.
    std::function<bool()> keep_going;
};

/// Every job's figures, and which points finished all their replications.
struct SweepRuns {
    std::size_t points = 0;
    std::uint32_t replications = 0;
    std::size_t figures = 0;
    std::vector<double> values;       ///< [(point * replications + k) * figures + f]
    std::vector<std::uint64_t> seeds; ///< seed of replication k
    std::vector<bool> point_complete;
    std::uint64_t events = 0;
    bool interrupted = false;

    double at(std::size_t point, std::uint32_t k, std::size_t f) const {
        return values[(point * replications + k) * figures + f];
    }
    std::size_t complete_points() const;
};

/// Runs model `models[p]` (point p) `options.replications` times each. Jobs are taken point
/// by point, so an interrupted sweep has finished a prefix of points (and some beyond).
SweepRuns run_sweep(const std::vector<models::ModelParams>& models,
                    const std::vector<scenarios::SweepFigure>& figures,
                    const SweepRunOptions& options);

} // namespace tpssim

#pragma once
/// Everything a sweep needs before its first run, shared by `tpssim sweep` and the Python
/// `tpssim.sweep`: the points of the design and every point's model (the base scenario with
/// the point's values applied as `--set` would), checked as a whole before anything runs.

#include "apps/tpssim/sweep_design.hpp"
#include "models/params.hpp"
#include "scenarios/sweep_reader.hpp"

#include <cstdint>
#include <vector>

namespace tpssim {

struct SweepPlan {
    scenarios::SweepSpec spec;
    std::vector<SweepPoint> points;          ///< the baseline first
    std::vector<models::ModelParams> models; ///< models[p] for points[p]
    std::uint64_t seed = 1;                  ///< the base scenario's: replication k's seed
    double simulated_seconds() const { return models.front().duration.seconds(); }
};

/// The design's points and their models; every figure must name a service of the base.
/// Throws scenarios::ScenarioError naming the sweep file (and the key: `vary`, `figures`, or
/// the point) otherwise.
SweepPlan plan_sweep(scenarios::SweepSpec spec);

} // namespace tpssim

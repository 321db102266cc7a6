#pragma once
/// A sweep's statistics: every figure of every finished point with its 95% confidence interval
/// over the replications, its change against the baseline (point 0) with a paired 95% interval
/// (Student's t on the per-replication differences: replication k of both used the same seed),
/// the constraints, and the best point that meets them.

#include "apps/tpssim/sweep_runner.hpp"
#include "scenarios/sweep_reader.hpp"
#include "sim/confidence_interval.hpp"

#include <optional>
#include <vector>

namespace tpssim {

struct SweepFigureStats {
    sim::ConfidenceInterval value;  ///< mean and 95% half-width over the replications
    sim::ConfidenceInterval change; ///< mean paired difference against the baseline
    double change_percent = 0.0;    ///< change / the baseline's mean x 100 (NaN when it is 0)
    /// The paired interval excludes 0.
    bool significant() const { return change.half_width > 0.0 ? !change.contains(0.0) : false; }
};

struct SweepPointStats {
    std::size_t point = 0;
    std::vector<SweepFigureStats> figures; ///< in scenarios::SweepSpec::figures order
    bool meets_constraints = true;
};

struct SweepAnalysis {
    /// The finished points, in point order (the baseline first when it finished).
    std::vector<SweepPointStats> points;
    bool has_baseline = false;
    /// Index into `points` of the best point by the objective that meets the constraints
    /// (the baseline included: it may be best).
    std::optional<std::size_t> best;
    /// The best point improves the objective on the baseline, and the paired interval of its
    /// change excludes 0.
    bool best_is_significant_gain = false;
    /// Indices into `points`, best objective first (ties by point number).
    std::vector<std::size_t> ranking;
};

SweepAnalysis analyse_sweep(const scenarios::SweepSpec& spec, const SweepRuns& runs);

} // namespace tpssim

#pragma once
/// A sweep's outputs: the terminal report (at most 100 columns: the top points by objective,
/// the baseline, the best point that meets the constraints and whether its gain is
/// significant) and the CSV files (one row per point and replication; one row per point).

#include "apps/tpssim/sweep_analysis.hpp"
#include "apps/tpssim/sweep_design.hpp"

#include <string>
#include <vector>

namespace tpssim {

struct SweepReportInput {
    const scenarios::SweepSpec& spec;
    const std::vector<SweepPoint>& points;
    const SweepRuns& runs;
    const SweepAnalysis& analysis;
    double simulated_seconds = 0.0; ///< each run's horizon
    double wall_seconds = 0.0;
    std::size_t top = 10; ///< rows of the table
};

/// The terminal report.
std::string format_sweep_report(const SweepReportInput& in);

/// One row per finished point and replication: point, replication, seed, each varied key's
/// value, each figure.
std::string sweep_runs_csv(const scenarios::SweepSpec& spec, const std::vector<SweepPoint>& points,
                           const SweepRuns& runs);

/// One row per finished point: its values, then per figure the mean, the 95% half-width, the
/// paired change against the baseline, its half-width and the change in %; then whether the
/// point meets the constraints.
std::string sweep_points_csv(const scenarios::SweepSpec& spec,
                             const std::vector<SweepPoint>& points, const SweepAnalysis& analysis);

/// A figure's value for people: seconds in ms, ratios in %, others plain.
std::string format_sweep_value(const scenarios::SweepFigure& f, double v);

} // namespace tpssim

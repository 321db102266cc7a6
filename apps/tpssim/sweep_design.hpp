#pragma once
/// The points of a sweep: point 0 is the baseline (the base scenario unchanged), then the
/// design's points, each a value (as `--set` text) for every varied key path. A grid runs every
/// combination; random and Latin hypercube draw `points` points from a seeded generator of
/// their own (the same points for the same seed on every machine).

#include "scenarios/sweep_reader.hpp"

#include <string>
#include <vector>

namespace tpssim {

/// A point: `values[i]` for `spec.vary[i]`; empty for the baseline.
struct SweepPoint {
    std::vector<std::string> values;
    bool is_baseline() const { return values.empty(); }
};

/// The baseline, then the design's points in a fixed order (a grid: the last key varies
/// fastest). Throws std::invalid_argument when a grid has more than `max_points` points.
std::vector<SweepPoint> design_points(const scenarios::SweepSpec& spec,
                                      std::size_t max_points = 100000);

} // namespace tpssim

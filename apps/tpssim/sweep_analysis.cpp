#include "apps/tpssim/sweep_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tpssim {

SweepAnalysis analyse_sweep(const scenarios::SweepSpec& spec, const SweepRuns& runs) {
    SweepAnalysis a;
    a.has_baseline = !runs.point_complete.empty() && runs.point_complete[0];
    const std::uint32_t reps = runs.replications;
    std::vector<double> xs(reps), ds(reps);
    for (std::size_t p = 0; p < runs.points; ++p) {
        if (!runs.point_complete[p]) continue;
        SweepPointStats ps;
        ps.point = p;
        for (std::size_t f = 0; f < runs.figures; ++f) {
            SweepFigureStats fs;
            for (std::uint32_t k = 0; k < reps; ++k)
                xs[k] = runs.at(p, k, f);
            fs.value = sim::mean_confidence_interval(xs);
            if (a.has_baseline) {
                double base = 0.0;
                for (std::uint32_t k = 0; k < reps; ++k) {
                    ds[k] = xs[k] - runs.at(0, k, f);
                    base += runs.at(0, k, f);
                }
                base /= reps;
                fs.change = sim::mean_confidence_interval(ds);
                fs.change_percent = base != 0.0 ? 100.0 * fs.change.mean / base : std::nan("");
            } else {
                fs.change = {std::nan(""), 0.0};
                fs.change_percent = std::nan("");
            }
            ps.figures.push_back(fs);
        }
        for (const auto& c : spec.constraints) {
            const double v = ps.figures[c.figure].value.mean;
            if (std::isnan(v) || !c.holds(v)) ps.meets_constraints = false;
        }
        a.points.push_back(std::move(ps));
    }
    const std::size_t obj = spec.objective.figure;
    const double sign = spec.objective.minimise ? 1.0 : -1.0;
    auto score = [&](std::size_t i) {
        const double v = a.points[i].figures[obj].value.mean;
        return std::isnan(v) ? INFINITY : sign * v;
    };
    a.ranking.resize(a.points.size());
    std::iota(a.ranking.begin(), a.ranking.end(), std::size_t{0});
    std::stable_sort(a.ranking.begin(), a.ranking.end(),
                     [&](std::size_t x, std::size_t y) { return score(x) < score(y); });
    for (std::size_t i : a.ranking) {
        if (!a.points[i].meets_constraints) continue;
        a.best = i;
        break;
    }
    if (a.best && a.has_baseline && a.points[*a.best].point != 0) {
        const auto& fs = a.points[*a.best].figures[obj];
        a.best_is_significant_gain = fs.significant() && sign * fs.change.mean < 0.0;
    }
    return a;
}

} // namespace tpssim

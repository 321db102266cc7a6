#include "apps/tpssim/sweep_design.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <numeric>
#include <stdexcept>

namespace tpssim {

namespace {

// splitmix64: a small generator whose output is the same on every platform (the standard
// library's distributions are not), so a design seed names the same points everywhere.
class DesignRandom {
public:
    explicit DesignRandom(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform in [0, n).
    std::size_t below(std::size_t n) {
        return std::min(n - 1, static_cast<std::size_t>(uniform() * static_cast<double>(n)));
    }

private:
    std::uint64_t state_;
};

// The values of a variable on a grid.
std::vector<std::string> grid_values(const scenarios::SweepVariable& v) {
    if (!v.range) return v.values;
    std::vector<std::string> out;
    for (std::uint32_t i = 0; i < v.range->steps; ++i)
        out.push_back(v.range->at(static_cast<double>(i) / (v.range->steps - 1)));
    return out;
}

// The value at `u` (0..1) of a variable: along its range, or the list item of that stratum.
std::string value_at(const scenarios::SweepVariable& v, double u) {
    if (v.range) return v.range->at(u);
    const auto n = v.values.size();
    return v.values[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
}

} // namespace

std::vector<SweepPoint> design_points(const scenarios::SweepSpec& spec, std::size_t max_points) {
    std::vector<SweepPoint> points(1); // the baseline
    const std::size_t k = spec.vary.size();
    switch (spec.design) {
    case scenarios::SweepDesign::grid: {
        std::vector<std::vector<std::string>> axes;
        std::size_t total = 1;
        for (const auto& v : spec.vary) {
            axes.push_back(grid_values(v));
            total *= axes.back().size();
            if (total > max_points)
                throw std::invalid_argument(fmt::format(
                    "the grid has more than {} points; vary fewer values or use random or "
                    "latin_hypercube",
                    max_points));
        }
        std::vector<std::size_t> index(k, 0);
        for (std::size_t p = 0; p < total; ++p) {
            SweepPoint pt;
            for (std::size_t i = 0; i < k; ++i)
                pt.values.push_back(axes[i][index[i]]);
            points.push_back(std::move(pt));
            for (std::size_t i = k; i-- > 0;) {
                if (++index[i] < axes[i].size()) break;
                index[i] = 0;
            }
        }
        break;
    }
    case scenarios::SweepDesign::random: {
        DesignRandom rng(spec.design_seed);
        for (std::uint32_t p = 0; p < spec.points; ++p) {
            SweepPoint pt;
            for (const auto& v : spec.vary)
                pt.values.push_back(value_at(v, rng.uniform()));
            points.push_back(std::move(pt));
        }
        break;
    }
    case scenarios::SweepDesign::latin_hypercube: {
        // Each key's range cut into `points` strata; each stratum used once per key, in an
        // order shuffled per key, at a uniform position within it.
        DesignRandom rng(spec.design_seed);
        const std::size_t n = spec.points;
        std::vector<std::vector<std::size_t>> strata(k);
        for (auto& s : strata) {
            s.resize(n);
            std::iota(s.begin(), s.end(), std::size_t{0});
            for (std::size_t i = n; i > 1; --i)
                std::swap(s[i - 1], s[rng.below(i)]);
        }
        for (std::size_t p = 0; p < n; ++p) {
            SweepPoint pt;
            for (std::size_t i = 0; i < k; ++i) {
                const double u =
                    (static_cast<double>(strata[i][p]) + rng.uniform()) / static_cast<double>(n);
                pt.values.push_back(value_at(spec.vary[i], u));
            }
            points.push_back(std::move(pt));
        }
        break;
    }
    }
    return points;
}

} // namespace tpssim

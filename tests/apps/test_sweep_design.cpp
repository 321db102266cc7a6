// The points of a sweep (apps/tpssim/sweep_design.*): the baseline first, a grid's every
// combination, random and Latin hypercube draws fixed by their seed.

#include "apps/tpssim/sweep_design.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>
#include <stdexcept>
#include <string>

using namespace tpssim;

namespace {

scenarios::SweepVariable list(std::string key, std::vector<std::string> values) {
    scenarios::SweepVariable v;
    v.key_path = std::move(key);
    v.values = std::move(values);
    return v;
}

scenarios::SweepVariable range(std::string key, double from, double to, std::uint32_t steps,
                               std::string unit, bool integer) {
    scenarios::SweepVariable v;
    v.key_path = std::move(key);
    v.range = scenarios::SweepRange{from, to, steps, std::move(unit), integer};
    return v;
}

} // namespace

TEST_CASE("sweep design: a grid is the baseline then every combination, last key fastest") {
    scenarios::SweepSpec spec;
    spec.vary = {list("a", {"1", "2"}), range("b", 10, 30, 3, "ms", true)};
    const auto points = design_points(spec);
    REQUIRE(points.size() == 7);
    CHECK(points[0].is_baseline());
    CHECK(points[1].values == std::vector<std::string>{"1", "10ms"});
    CHECK(points[2].values == std::vector<std::string>{"1", "20ms"});
    CHECK(points[4].values == std::vector<std::string>{"2", "10ms"});
    CHECK(points[6].values == std::vector<std::string>{"2", "30ms"});
    CHECK_THROWS_AS(design_points(spec, 5), std::invalid_argument);
}

TEST_CASE("sweep design: a Latin hypercube uses every stratum of every key once") {
    scenarios::SweepSpec spec;
    spec.design = scenarios::SweepDesign::latin_hypercube;
    spec.points = 10;
    spec.design_seed = 42;
    spec.vary = {range("a", 0, 10, 0, "", false), range("b", 100, 200, 0, "", true)};
    const auto points = design_points(spec);
    REQUIRE(points.size() == 11);
    for (std::size_t key = 0; key < 2; ++key) {
        std::set<int> strata;
        for (std::size_t p = 1; p < points.size(); ++p) {
            const double v = std::stod(points[p].values[key]);
            const double u = key == 0 ? v / 10.0 : (v - 100.0) / 100.0;
            strata.insert(std::min(9, static_cast<int>(u * 10.0)));
        }
        // Rounding the integer key may move a value across a stratum edge, not more.
        CHECK(strata.size() >= (key == 0 ? 10u : 8u));
    }
    // Integer ranges give whole numbers; the same seed gives the same points, another not.
    CHECK(points[1].values[1].find('.') == std::string::npos);
    CHECK(design_points(spec)[5].values == points[5].values);
    spec.design_seed = 43;
    CHECK(design_points(spec)[5].values != points[5].values);
}

TEST_CASE("sweep design: random points stay in their ranges and lists") {
    scenarios::SweepSpec spec;
    spec.design = scenarios::SweepDesign::random;
    spec.points = 50;
    spec.vary = {range("a", 2, 4, 0, "%", false), list("b", {"x", "y"})};
    const auto points = design_points(spec);
    REQUIRE(points.size() == 51);
    std::set<std::string> bs;
    for (std::size_t p = 1; p < points.size(); ++p) {
        const std::string& a = points[p].values[0];
        CHECK(a.back() == '%');
        const double v = std::stod(a);
        CHECK(v >= 2.0);
        CHECK(v <= 4.0);
        bs.insert(points[p].values[1]);
    }
    CHECK(bs == std::set<std::string>{"x", "y"});
}

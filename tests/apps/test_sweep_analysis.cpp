// A sweep's statistics (apps/tpssim/sweep_analysis.*): means with 95% intervals, paired changes
// against the baseline, constraints and the best point, on figures made up for the purpose.

#include "apps/tpssim/sweep_analysis.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

namespace {

// Three points x 4 replications of one figure (a latency in seconds) and one ratio.
SweepRuns made_up_runs() {
    SweepRuns r;
    r.points = 3;
    r.replications = 4;
    r.figures = 2;
    r.point_complete = {true, true, true};
    r.seeds = {1, 2, 3, 4};
    // Replication noise shared by every point (common random numbers): +0, +10, -5, +3.
    const double noise[] = {0.0, 10.0, -5.0, 3.0};
    const double level[] = {100.0, 85.0, 70.0};     // point 1: -15%, point 2: -30%
    const double errors[] = {0.0005, 0.0005, 0.02}; // point 2 breaks the constraint
    for (std::size_t p = 0; p < 3; ++p)
        for (std::size_t k = 0; k < 4; ++k) {
            r.values.push_back(level[p] + noise[k] + (p == 1 ? 0.5 * static_cast<double>(k) : 0));
            r.values.push_back(errors[p]);
        }
    return r;
}

scenarios::SweepSpec made_up_spec() {
    scenarios::SweepSpec s;
    s.figures = {{scenarios::SweepFigure::Kind::p99, "api", "p99(api)"},
                 {scenarios::SweepFigure::Kind::error_rate, "api", "error_rate(api)"}};
    s.objective = {0, true};
    s.constraints = {
        {1, scenarios::SweepConstraint::Op::less, 0.001, 0.0, "error_rate(api) < 0.1%"}};
    s.replications = 4;
    return s;
}

} // namespace

TEST_CASE("sweep analysis: paired changes remove the shared noise; the best meets constraints") {
    const auto a = analyse_sweep(made_up_spec(), made_up_runs());
    REQUIRE(a.points.size() == 3);
    CHECK(a.has_baseline);
    // The noise (spread 15) makes each point's own interval wide ...
    CHECK(a.points[1].figures[0].value.half_width > 5.0);
    // ... but the paired change is -15 +/- a little (the differences are -15, -14.5, -14, -13.5).
    const auto& change = a.points[1].figures[0].change;
    CHECK(change.mean == doctest::Approx(-14.25));
    CHECK(change.half_width < 2.0);
    CHECK(a.points[1].figures[0].change_percent == doctest::Approx(-14.25 / 102.0 * 100.0));
    CHECK(a.points[1].figures[0].significant());
    // Point 2 is faster but fails the error-rate constraint, so point 1 is best.
    CHECK_FALSE(a.points[2].meets_constraints);
    REQUIRE(a.best);
    CHECK(a.points[*a.best].point == 1);
    CHECK(a.best_is_significant_gain);
    CHECK(a.ranking.front() == 2);
}

TEST_CASE("sweep analysis: without a finished baseline there is no change to report") {
    auto runs = made_up_runs();
    runs.point_complete[0] = false;
    const auto a = analyse_sweep(made_up_spec(), runs);
    REQUIRE(a.points.size() == 2);
    CHECK_FALSE(a.has_baseline);
    CHECK_FALSE(a.best_is_significant_gain);
    CHECK_FALSE(a.points[0].figures[0].significant());
}

TEST_CASE("sweep analysis: maximising picks the largest mean") {
    auto spec = made_up_spec();
    spec.objective.minimise = false;
    spec.constraints.clear();
    const auto a = analyse_sweep(spec, made_up_runs());
    REQUIRE(a.best);
    CHECK(a.points[*a.best].point == 0);
    CHECK_FALSE(a.best_is_significant_gain);
}

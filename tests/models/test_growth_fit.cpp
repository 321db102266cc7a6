// models/analytic/growth_fit: least squares against closed forms (an exact line, exact
// compound growth), the slope's interval and the prediction interval's coverage over many
// seeded synthetic series, and the rule that picks the model.

#include "models/analytic/growth_fit.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

using namespace tpssim::models::analytic;

TEST_CASE("an exact line: R^2 = 1, its slope and intercept, a zero-width band") {
    std::vector<double> t, r;
    for (int i = 0; i < 10; ++i) {
        t.push_back(0.5 * i);
        r.push_back(30.0 + 12.0 * 0.5 * i);
    }
    const auto f = fit_growth(t, r, GrowthModel::linear);
    CHECK(f.r_squared == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(f.slope == doctest::Approx(12.0).epsilon(1e-12));
    CHECK(f.intercept == doctest::Approx(30.0).epsilon(1e-12));
    CHECK(f.monthly_growth() == doctest::Approx(12.0));
    CHECK(f.rate_at(10.0) == doctest::Approx(150.0));
    const auto pi = f.prediction_interval(10.0);
    CHECK(pi.high - pi.low == doctest::Approx(0.0).epsilon(1e-6).scale(1.0));
    // Compound fits it worse on the rate scale, so the line is chosen.
    const auto c = fit_growth(t, r, GrowthModel::compound);
    CHECK(better_growth_model(f, c).model == GrowthModel::linear);
}

TEST_CASE("exact compound growth: the monthly rate is recovered, and compound is chosen") {
    std::vector<double> t, r;
    for (int i = 0; i < 12; ++i) {
        t.push_back(i);
        r.push_back(50.0 * std::pow(1.2, i));
    }
    const auto c = fit_growth(t, r, GrowthModel::compound);
    CHECK(c.monthly_growth() == doctest::Approx(0.2).epsilon(1e-12));
    CHECK(c.rate_at(12.0) == doctest::Approx(50.0 * std::pow(1.2, 12)).epsilon(1e-10));
    CHECK(c.r_squared == doctest::Approx(1.0));
    const auto l = fit_growth(t, r, GrowthModel::linear);
    CHECK(l.r_squared < 1.0);
    CHECK(better_growth_model(l, c).model == GrowthModel::compound);
}

TEST_CASE("noisy compound growth: the true monthly rate is inside the slope's 95% interval") {
    // 40 seeds; the interval is a 95% one, so allow the binomial tail: at most 6 misses
    // (P(X >= 7) < 1% for X ~ Binomial(40, 0.05)).
    int misses = 0;
    for (std::uint32_t seed = 1; seed <= 40; ++seed) {
        std::mt19937_64 rng(seed);
        std::normal_distribution<double> noise(0.0, 0.05);
        std::vector<double> t, r;
        for (int day = 0; day < 120; ++day) {
            const double m = day / (365.25 / 12.0);
            t.push_back(m);
            r.push_back(40.0 * std::pow(1.2, m) * std::exp(noise(rng)));
        }
        const auto c = fit_growth(t, r, GrowthModel::compound);
        if (!(c.monthly_growth_low() <= 0.2 && 0.2 <= c.monthly_growth_high())) ++misses;
    }
    CHECK(misses <= 6);
}

TEST_CASE("the 95% prediction interval covers a new observation 95% of the time") {
    // 2,000 seeded series (linear, normal errors: the interval's own assumptions), one new
    // point each, 3 months past the end. Coverage within 95% +- 1.5% (over 3 binomial standard
    // deviations, sqrt(0.95 * 0.05 / 2000) = 0.49%).
    int covered = 0;
    const int series = 2000;
    for (int s = 0; s < series; ++s) {
        std::mt19937_64 rng(1000 + s);
        std::normal_distribution<double> noise(0.0, 4.0);
        std::vector<double> t, r;
        for (int i = 0; i < 20; ++i) {
            t.push_back(0.25 * i);
            r.push_back(80.0 + 10.0 * t.back() + noise(rng));
        }
        const auto f = fit_growth(t, r, GrowthModel::linear);
        const double at = 0.25 * 19 + 3.0;
        const double observed = 80.0 + 10.0 * at + noise(rng);
        const auto pi = f.prediction_interval(at);
        if (observed >= pi.low && observed <= pi.high) ++covered;
    }
    const double coverage = static_cast<double>(covered) / series;
    CHECK(coverage > 0.935);
    CHECK(coverage < 0.965);
}

TEST_CASE("the band widens with the distance from the data's centre") {
    std::vector<double> t = {0, 1, 2, 3, 4, 5}, r = {10, 12, 13, 17, 18, 21};
    const auto f = fit_growth(t, r, GrowthModel::linear);
    const auto near = f.prediction_interval(2.5), far = f.prediction_interval(12.0);
    CHECK(far.high - far.low > near.high - near.low);
    CHECK(near.low < f.rate_at(2.5));
    CHECK(near.high > f.rate_at(2.5));
}

TEST_CASE("fits refuse what they cannot fit") {
    const std::vector<double> two_t = {0, 1}, two_r = {1, 2};
    CHECK_THROWS_AS(fit_growth(two_t, two_r, GrowthModel::linear), std::invalid_argument);
    const std::vector<double> t = {0, 1, 2}, zero = {1, 0, 2}, same_t = {1, 1, 1};
    CHECK_THROWS_AS(fit_growth(t, zero, GrowthModel::compound), std::invalid_argument);
    CHECK_THROWS_AS(fit_growth(same_t, t, GrowthModel::linear), std::invalid_argument);
}

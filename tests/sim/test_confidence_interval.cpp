#include "sim/confidence_interval.hpp"
#include "sim/distribution.hpp"
#include "sim/random_stream.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <vector>

using namespace tpssim;

TEST_CASE("t-interval of a known sample") {
    const std::vector<double> xs{1, 2, 3, 4, 5};
    const auto ci = sim::mean_confidence_interval(xs, 0.95);
    CHECK(ci.mean == doctest::Approx(3.0));
    // s = sqrt(2.5), t(0.975, 4) = 2.776445
    CHECK(ci.half_width ==
          doctest::Approx(2.776445 * std::sqrt(2.5) / std::sqrt(5.0)).epsilon(1e-5));
    CHECK(ci.contains(3.0));
    CHECK_FALSE(ci.contains(6.0));
}

TEST_CASE("one observation gives a zero-width interval") {
    const std::vector<double> xs{4.2};
    const auto ci = sim::mean_confidence_interval(xs);
    CHECK(ci.mean == 4.2);
    CHECK(ci.half_width == 0.0);
}

TEST_CASE("95% intervals cover the true mean about 95% of the time") {
    sim::RandomStream rng(21, "ci", "coverage");
    int covered = 0;
    const int trials = 2000;
    for (int t = 0; t < trials; ++t) {
        std::vector<double> xs;
        for (int i = 0; i < 10; ++i)
            xs.push_back(1.0 + sim::standard_normal(rng));
        covered += sim::mean_confidence_interval(xs, 0.95).contains(1.0);
    }
    // Normal data: exact 95% coverage; the count is Binomial(2000, 0.95), sd 9.7: 4 sd.
    CHECK(covered > 1900 - 40);
    CHECK(covered < 1900 + 40);
}

TEST_CASE("batch means splits a series into equal batches") {
    std::vector<double> xs;
    for (int i = 0; i < 100; ++i)
        xs.push_back(i < 50 ? 1.0 : 3.0);
    const auto ci = sim::batch_means_interval(xs, 2);
    CHECK(ci.mean == doctest::Approx(2.0));
    CHECK_THROWS(sim::batch_means_interval(xs, 1));
}

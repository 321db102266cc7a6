#include "sim/tally.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

TEST_CASE("Tally: count, mean, sample variance, min, max") {
    sim::Tally t;
    CHECK(t.mean() == 0.0);
    CHECK(t.min() == 0.0);
    for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0})
        t.add(x);
    CHECK(t.count() == 8);
    CHECK(t.mean() == doctest::Approx(5.0));
    CHECK(t.variance() == doctest::Approx(32.0 / 7.0));
    CHECK(t.min() == 2.0);
    CHECK(t.max() == 9.0);
    t.reset();
    CHECK(t.count() == 0);
}

TEST_CASE("Tally stays accurate with a large offset (Welford, not sum of squares)") {
    sim::Tally t;
    for (int i = 0; i < 1000; ++i)
        t.add(1e9 + (i % 2));
    CHECK(t.variance() == doctest::Approx(0.25 * 1000 / 999).epsilon(1e-6));
}

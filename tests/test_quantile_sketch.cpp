#include "sim/quantile_sketch.hpp"
#include "sim/random_stream.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <vector>

using sim::QuantileSketch;
using sim::SimTime;

TEST_CASE("an empty sketch reports 0") {
    QuantileSketch q;
    CHECK(q.count() == 0);
    CHECK(q.quantile_seconds(0.99) == 0.0);
}

TEST_CASE("small values are exact, including zero") {
    QuantileSketch q;
    for (int i = 0; i < 100; ++i)
        q.add(SimTime::from_ns(i));
    CHECK(q.quantile_seconds(0.0) == 0.0);
    CHECK(q.quantile_seconds(0.5) * 1e9 == doctest::Approx(49));
    CHECK(q.quantile_seconds(1.0) * 1e9 == doctest::Approx(99));
}

TEST_CASE("every quantile within the relative-error bound of the exact nearest-rank value") {
    sim::RandomStream rng(1, "sketch", "test");
    std::vector<std::int64_t> xs;
    QuantileSketch q;
    for (int i = 0; i < 200000; ++i) {
        // Log-uniform over 1 ns .. 100 s: every octave exercised.
        const auto v = static_cast<std::int64_t>(std::exp(rng.next_open01() * std::log(1e11)));
        xs.push_back(v);
        q.add(SimTime::from_ns(v));
    }
    std::sort(xs.begin(), xs.end());
    for (double p : {0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
        auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(xs.size())));
        rank = std::max<std::size_t>(rank, 1);
        const double exact = static_cast<double>(xs[rank - 1]);
        const double got = q.quantile_seconds(p) * 1e9;
        INFO("p = " << p);
        CHECK(std::fabs(got - exact) <= QuantileSketch::kRelativeError * exact + 0.5);
    }
    CHECK(QuantileSketch::kRelativeError <= 0.01);
}

TEST_CASE("index and value round-trip at bucket edges") {
    for (std::uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 129ULL, 255ULL, 256ULL, 1000000ULL,
                            (1ULL << 62) + 12345ULL}) {
        const auto i = QuantileSketch::index_of(v);
        REQUIRE(i < QuantileSketch::kBuckets);
        const double rep = QuantileSketch::value_of(i);
        CHECK(std::fabs(rep - static_cast<double>(v)) <=
              QuantileSketch::kRelativeError * static_cast<double>(v) + 0.5);
    }
    CHECK(QuantileSketch::index_of((1ULL << 63) - 1) == QuantileSketch::kBuckets - 1);
}

TEST_CASE("merging equals adding everything to one sketch") {
    QuantileSketch a, b, all;
    for (int i = 1; i <= 1000; ++i) {
        (i % 2 ? a : b).add(SimTime::from_us(i));
        all.add(SimTime::from_us(i));
    }
    a.merge(b);
    CHECK(a.count() == all.count());
    for (double p : {0.1, 0.5, 0.99})
        CHECK(a.quantile_seconds(p) == all.quantile_seconds(p));
}

TEST_CASE("the exact mean and maximum ride along with the sketch") {
    QuantileSketch q;
    CHECK(q.mean_seconds() == 0.0);
    CHECK(q.max_seconds() == 0.0);
    for (int ms : {10, 20, 30, 1000})
        q.add(SimTime::from_ms(ms));
    CHECK(q.mean_seconds() == doctest::Approx(0.265));
    CHECK(q.max_seconds() == 1.0);
    QuantileSketch other;
    other.add(SimTime::from_s(3));
    q.merge(other);
    CHECK(q.max_seconds() == 3.0);
    CHECK(q.mean_seconds() == doctest::Approx(4.06 / 5));
    q.reset();
    CHECK(q.count() == 0);
    CHECK(q.max_seconds() == 0.0);
}

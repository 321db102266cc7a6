#include "sim/random_stream.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <set>
#include <vector>

using namespace tpssim;

using sim::RandomStream;

TEST_CASE("a stream is a pure function of (seed, component, purpose)") {
    RandomStream a(42, "api", "service_time");
    RandomStream b(42, "api", "service_time");
    for (int i = 0; i < 100; ++i)
        CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("other seeds, components or purposes give other streams") {
    const std::uint64_t first = RandomStream(42, "api", "service_time").next_u64();
    CHECK(RandomStream(43, "api", "service_time").next_u64() != first);
    CHECK(RandomStream(42, "db", "service_time").next_u64() != first);
    CHECK(RandomStream(42, "api", "arrivals").next_u64() != first);
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    CHECK(RandomStream(1, "ab", "c").next_u64() != RandomStream(1, "a", "bc").next_u64());
}

TEST_CASE("known values pin the derivation, so a change of numbers is never silent") {
    // If this fails, every scenario's numbers changed: update the golden summaries knowingly.
    RandomStream s(1, "users", "arrivals");
    CHECK(s.next_u64() == 2880200299819081696ULL);
    CHECK(s.next_u64() == 6889422438483754840ULL);
}

TEST_CASE("next_open01 stays strictly inside (0, 1) and has mean 1/2, variance 1/12") {
    RandomStream s(3, "u", "test");
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
        const double u = s.next_open01();
        REQUIRE(u > 0.0);
        REQUIRE(u < 1.0);
        sum += u;
        sum2 += u * u;
    }
    const double mean = sum / n;
    const double var = sum2 / n - mean * mean;
    // 5 standard errors: sd of the mean is sqrt(1/12/n); of the variance about sqrt(1/180/n).
    CHECK(std::fabs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::fabs(var - 1.0 / 12) < 5 * std::sqrt(1.0 / 180 / n));
}

TEST_CASE("next_below is in range and uniform (chi-square over 10 cells)") {
    RandomStream s(5, "below", "test");
    std::vector<int> cells(10, 0);
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const auto k = s.next_below(10);
        REQUIRE(k < 10);
        ++cells[k];
    }
    double chi2 = 0;
    for (int c : cells)
        chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
    // 9 degrees of freedom: P(chi2 > 27.88) = 0.001.
    CHECK(chi2 < 27.88);
    CHECK(s.next_below(1) == 0);
}

#include "sim/distribution.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tpssim;

using sim::Distribution;
using sim::RandomStream;
using sim::SimTime;

namespace {

struct Moments {
    double mean = 0, var = 0, min = 1e300, max = -1e300;
};

Moments sample_moments(const Distribution& d, int n, std::uint64_t seed = 11) {
    RandomStream rng(seed, "dist-test", d.describe());
    double sum = 0, sum2 = 0;
    Moments m;
    for (int i = 0; i < n; ++i) {
        const double x = d.sample(rng).seconds();
        sum += x;
        sum2 += x * x;
        m.min = std::min(m.min, x);
        m.max = std::max(m.max, x);
    }
    m.mean = sum / n;
    m.var = sum2 / n - m.mean * m.mean;
    return m;
}

// Checks sample mean and variance against the exact ones within z standard errors. The
// variance's standard error uses the distribution's kurtosis: Var(s^2) ~ sigma^4 (kurt - 1) / n.
void check_moments(const Distribution& d, double mean, double var, double kurtosis, int n) {
    const Moments m = sample_moments(d, n);
    const double z = 5.0;
    INFO(d.describe());
    CHECK(std::fabs(m.mean - mean) <= z * std::sqrt(var / n) + 1e-9);
    CHECK(std::fabs(m.var - var) <= z * var * std::sqrt((kurtosis - 1.0) / n) + 1e-12);
    CHECK(m.min >= 0.0);
    CHECK(d.mean_seconds() == doctest::Approx(mean).epsilon(1e-12));
}

} // namespace

TEST_CASE("exponential: mean m, variance m^2") {
    const double m = 0.1;
    check_moments(Distribution::exponential(SimTime::from_ms(100)), m, m * m, 9.0, 400000);
}

TEST_CASE("constant: always the value") {
    const auto d = Distribution::constant(SimTime::from_ms(250));
    RandomStream rng(1, "c", "c");
    for (int i = 0; i < 10; ++i)
        CHECK(d.sample(rng) == SimTime::from_ms(250));
    CHECK(d.cv() == 0.0);
}

TEST_CASE("uniform: mean (a+b)/2, variance (b-a)^2/12, within [a, b]") {
    const auto d = Distribution::uniform(SimTime::from_ms(10), SimTime::from_ms(30));
    check_moments(d, 0.02, 0.02 * 0.02 / 12, 1.8, 200000);
    const Moments m = sample_moments(d, 10000);
    CHECK(m.min >= 0.010);
    CHECK(m.max <= 0.030);
}

TEST_CASE("lognormal by mean and cv") {
    for (double cv : {0.5, 1.0}) {
        const double mean = 0.05;
        const double s2 = std::log1p(cv * cv);
        const double kurt = std::exp(4 * s2) + 2 * std::exp(3 * s2) + 3 * std::exp(2 * s2) - 3;
        check_moments(Distribution::lognormal(SimTime::from_ms(50), cv), mean,
                      (cv * mean) * (cv * mean), kurt, 1000000);
    }
}

TEST_CASE("gamma by mean and cv, including shape < 1 and Erlang shapes") {
    for (double cv : {0.5, 0.8, 1.0, 2.0}) {
        const double mean = 0.01;
        const double shape = 1 / (cv * cv);
        check_moments(Distribution::gamma(SimTime::from_ms(10), cv), mean,
                      (cv * mean) * (cv * mean), 3.0 + 6.0 / shape, 1000000);
    }
}

TEST_CASE("empirical resamples the given values, each equally often") {
    const auto d = Distribution::empirical({0.001, 0.002, 0.004});
    CHECK(d.mean_seconds() == doctest::Approx(0.007 / 3));
    RandomStream rng(2, "emp", "emp");
    int counts[3] = {0, 0, 0};
    const int n = 30000;
    for (int i = 0; i < n; ++i) {
        const auto t = d.sample(rng);
        if (t == SimTime::from_ms(1))
            ++counts[0];
        else if (t == SimTime::from_ms(2))
            ++counts[1];
        else if (t == SimTime::from_ms(4))
            ++counts[2];
        else
            FAIL("a value that is not among the samples");
    }
    // Each cell ~ Binomial(n, 1/3): 5 standard deviations.
    for (int c : counts)
        CHECK(std::fabs(c - n / 3.0) < 5 * std::sqrt(n * (1 / 3.0) * (2 / 3.0)));
    CHECK_THROWS(Distribution::empirical({}));
    CHECK_THROWS(Distribution::empirical({-1.0}));
}

TEST_CASE("standard normal has mean 0 and variance 1") {
    RandomStream rng(9, "normal", "test");
    const int n = 400000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
        const double x = sim::standard_normal(rng);
        s += x;
        s2 += x * x;
    }
    CHECK(std::fabs(s / n) < 5 / std::sqrt(n));
    CHECK(std::fabs(s2 / n - 1.0) < 5 * std::sqrt(2.0 / n));
}

TEST_CASE("a known draw pins the exponential's algorithm (a change of numbers is never silent)") {
    RandomStream rng(1, "api", "service_time");
    CHECK(Distribution::exponential(SimTime::from_ms(100)).sample(rng).ns() == 1997626);
}

TEST_CASE("describe() names the distribution and its parameters") {
    CHECK(Distribution::exponential(SimTime::from_ms(100)).describe() == "exponential(mean=0.1s)");
    CHECK(Distribution::lognormal(SimTime::from_ms(2), 0.5).describe() ==
          "lognormal(mean=0.002s, cv=0.5)");
}

// Exact MVA (models/analytic/mva.hpp) against results computed another way: the birth-death
// solution of the finite-source queue (the machine-repairman model, M/M/c//N) and a brute-force
// sum over every state of a product-form network. Neither uses the MVA recursion.

#include "models/analytic/mva.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

using namespace tpssim;

namespace qt = models::analytic;

namespace {

bool close(double x, double ref, double rel = 1e-10) {
    return std::abs(x - ref) <= rel * std::abs(ref);
}

// M/M/c//N: N users thinking for Z (exponential) in front of c exponential servers of mean S.
// Birth rate in state n is (N - n) / Z, death rate min(n, c) / S.
struct FiniteSource {
    double throughput = 0.0;
    double in_station = 0.0;
};

FiniteSource finite_source(std::uint32_t n_users, double z, double s, std::uint32_t c) {
    // As logarithms, rescaled by the largest before exponentiating: no overflow at N = 400.
    std::vector<double> p(n_users + 1);
    p[0] = 0.0;
    for (std::uint32_t n = 1; n <= n_users; ++n)
        p[n] = p[n - 1] + std::log(static_cast<double>(n_users - n + 1) * s /
                                   (z * static_cast<double>(std::min(n, c))));
    const double top = *std::max_element(p.begin(), p.end());
    double sum = 0.0;
    for (double& v : p) {
        v = std::exp(v - top);
        sum += v;
    }
    FiniteSource f;
    for (std::uint32_t n = 0; n <= n_users; ++n) {
        const double pn = p[n] / sum;
        f.throughput += static_cast<double>(std::min(n, c)) / s * pn;
        f.in_station += static_cast<double>(n) * pn;
    }
    return f;
}

} // namespace

TEST_CASE("MVA with one user: no queueing, R is the total demand") {
    const std::vector<qt::ClosedStation> st{{0.2, 1}, {0.05, 3}};
    const auto m = qt::mva(1, 1.0, st);
    CHECK(close(m.response_time, 0.25));
    CHECK(close(m.throughput, 1.0 / 1.25));
    CHECK(close(m.residence[1], 0.05));
}

TEST_CASE("MVA matches the finite-source queue M/M/1//N and M/M/c//N") {
    struct Case {
        std::uint32_t users;
        double z, s;
        std::uint32_t c;
    };
    for (const Case& k : {Case{10, 5.0, 1.0, 1}, Case{50, 1.0, 0.015, 1}, Case{50, 1.0, 0.08, 4},
                          Case{30, 2.0, 0.3, 3}, Case{200, 1.0, 0.01, 2},
                          Case{400, 0.01, 0.95, 100}, Case{120, 3.0, 0.5, 20}}) {
        CAPTURE(k.users);
        CAPTURE(k.c);
        const std::vector<qt::ClosedStation> st{{k.s, k.c}};
        const auto m = qt::mva(k.users, k.z, st);
        const auto f = finite_source(k.users, k.z, k.s, k.c);
        CHECK(close(m.throughput, f.throughput, 1e-9));
        CHECK(close(m.in_station[0], f.in_station, 1e-9));
        // The interactive response-time law, and Little's law at the station.
        CHECK(close(m.response_time, k.users / m.throughput - k.z, 1e-9));
        CHECK(close(m.in_station[0], m.throughput * m.residence[0], 1e-12));
        CHECK(close(m.utilization[0], m.throughput * k.s / k.c, 1e-12));
    }
}

TEST_CASE("MVA matches a brute-force product form over every state of a two-station network") {
    // Users think (Z), then visit a single server (D1) and a 3-server station (D2). The
    // stationary probability of (n1, n2, nz) is proportional to
    //   D1^n1 x D2^n2 / prod_{i<=n2} min(i, 3) x Z^nz / nz!.
    const std::uint32_t n_users = 12;
    const double z = 0.5, d1 = 0.04, d2 = 0.09;
    double sum = 0.0, thinking = 0.0, at1 = 0.0, at2 = 0.0;
    for (std::uint32_t n1 = 0; n1 <= n_users; ++n1) {
        for (std::uint32_t n2 = 0; n1 + n2 <= n_users; ++n2) {
            const std::uint32_t nz = n_users - n1 - n2;
            double w = std::pow(d1, n1) * std::pow(z, nz) / std::tgamma(nz + 1.0);
            for (std::uint32_t i = 1; i <= n2; ++i)
                w *= d2 / std::min(i, 3u);
            sum += w;
            thinking += nz * w;
            at1 += n1 * w;
            at2 += n2 * w;
        }
    }
    const double x = thinking / sum / z; // throughput of the think stage
    const std::vector<qt::ClosedStation> st{{d1, 1}, {d2, 3}};
    const auto m = qt::mva(n_users, z, st);
    CHECK(close(m.throughput, x, 1e-9));
    CHECK(close(m.in_station[0], at1 / sum, 1e-9));
    CHECK(close(m.in_station[1], at2 / sum, 1e-9));
    CHECK(close(m.response_time, (at1 + at2) / sum / x, 1e-9));
}

TEST_CASE("MVA without think time: fewer users than servers never wait") {
    const std::vector<qt::ClosedStation> st{{0.1, 8}};
    const auto m = qt::mva(5, 0.0, st);
    CHECK(close(m.throughput, 50.0));
    CHECK(close(m.response_time, 0.1));
    const auto full = qt::mva(20, 0.0, st); // 8 busy for ever: X = 80/s, R = N / X
    CHECK(close(full.throughput, 80.0));
    CHECK(close(full.response_time, 0.25));
}

TEST_CASE("MVA near saturation: bounded by the bottleneck, stable with many users") {
    // 5000 users against a bottleneck of 10 ms: X -> 100/s, R -> N D - Z.
    const std::vector<qt::ClosedStation> st{{0.01, 1}, {0.004, 2}};
    const auto m = qt::mva(5000, 1.0, st);
    CHECK(m.throughput <= 100.0);
    CHECK(m.throughput == doctest::Approx(100.0).epsilon(1e-9));
    CHECK(m.response_time == doctest::Approx(5000 / 100.0 - 1.0).epsilon(1e-6));
    CHECK(m.utilization[1] == doctest::Approx(0.2).epsilon(1e-9));
    // A many-server station beside a single server, far past saturation: nothing cancels.
    const std::vector<qt::ClosedStation> wide{{0.95, 100}, {0.001, 1}};
    const auto w = qt::mva(3000, 0.01, wide);
    CHECK(w.throughput <= 100.0 / 0.95);
    CHECK(w.throughput == doctest::Approx(100.0 / 0.95).epsilon(1e-9));
    CHECK(w.utilization[0] == doctest::Approx(1.0).epsilon(1e-9));
}

TEST_CASE("MVA rejects parameters out of range") {
    const std::vector<qt::ClosedStation> ok{{0.1, 1}};
    CHECK_THROWS_AS(qt::mva(0, 1.0, ok), std::invalid_argument);
    CHECK_THROWS_AS(qt::mva(1, -1.0, ok), std::invalid_argument);
    CHECK_THROWS_AS(qt::mva(1, 1.0, {}), std::invalid_argument);
    const std::vector<qt::ClosedStation> zero{{0.0, 1}};
    CHECK_THROWS_AS(qt::mva(1, 1.0, zero), std::invalid_argument);
    const std::vector<qt::ClosedStation> none{{0.1, 0}};
    CHECK_THROWS_AS(qt::mva(1, 1.0, none), std::invalid_argument);
}

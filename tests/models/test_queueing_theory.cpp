// Closed forms of models/analytic/queueing_theory.hpp against textbook values.
//
// Reference values marked "exact" were computed with exact rational arithmetic (Python's
// fractions.Fraction over the defining sums a^n/n!, no recurrence), so they are independent of
// the stable recurrences under test; the others are the classic printed table values.

#include "models/analytic/queueing_theory.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>

using namespace tpssim;

namespace qt = models::analytic;

namespace {
// Relative closeness for values computed by different but exact-in-theory routes.
bool close(double x, double ref, double rel = 1e-12) {
    return std::abs(x - ref) <= rel * std::abs(ref);
}
} // namespace

TEST_CASE("Erlang B matches the printed tables and exact sums") {
    CHECK(close(qt::erlang_b(2, 1.0), 0.2));
    CHECK(qt::erlang_b(10, 5.0) == doctest::Approx(0.0184).epsilon(0.005)); // table: 0.0184
    CHECK(close(qt::erlang_b(10, 5.0), 0.018384570336648132));              // exact
    CHECK(close(qt::erlang_b(5, 2.0), 0.03669724770642202));                // exact; table 0.0367
    CHECK(close(qt::erlang_b(20, 15.0), 0.045593215589811838));             // exact
    CHECK(qt::erlang_b(3, 0.0) == 0.0);
}

TEST_CASE("Erlang C: textbook pairs, exact sums, and c = 1000 without overflow") {
    CHECK(close(qt::erlang_c(2, 1.0), 1.0 / 3.0));              // M/M/2, a = 1: P(wait) = 1/3
    CHECK(close(qt::erlang_c(3, 2.0), 4.0 / 9.0));              // M/M/3, a = 2: P(wait) = 4/9
    CHECK(close(qt::erlang_c(10, 9.0), 0.66873152410769698));   // exact
    CHECK(close(qt::erlang_c(20, 15.0), 0.16042938741692361));  // exact
    CHECK(close(qt::erlang_c(100, 90.0), 0.21694048090636639)); // exact
    // 950^1000 / 1000! overflows a double by hundreds of orders of magnitude: the recurrence
    // must still agree with the exact rational value.
    CHECK(close(qt::erlang_c(1000, 950.0), 0.068253415377141427, 1e-11));  // exact
    CHECK(close(qt::erlang_b(1000, 950.0), 0.0036492936889424097, 1e-11)); // exact
    // A million servers still terminates with a probability.
    const double big = qt::erlang_c(1'000'000, 999'000.0);
    CHECK(big > 0.0);
    CHECK(big < 1.0);
}

TEST_CASE("M/M/c with c = 1 is M/M/1") {
    const double lambda = 8.0;
    const double mean = 0.1;
    const double rho = 0.8;
    const auto m = qt::mmc(lambda, mean, 1);
    CHECK(close(m.p_wait, rho));
    CHECK(close(m.wq, rho * mean / (1 - rho))); // Wq = rho / (mu - lambda)
    CHECK(close(m.w, mean / (1 - rho)));        // W = 1 / (mu - lambda)
    CHECK(close(m.l, rho / (1 - rho)));         // L = rho / (1 - rho)
    CHECK(close(m.lq, rho * rho / (1 - rho)));  // Lq = rho^2 / (1 - rho)
}

TEST_CASE("M/M/c: the validation case c = 10, 90/s, 100 ms") {
    const auto m = qt::mmc(90.0, 0.1, 10);
    CHECK(close(m.rho, 0.9));
    CHECK(close(m.p_wait, 0.66873152410769698));
    CHECK(close(m.wq, 0.66873152410769698 * 0.1 / (10 - 9))); // C / (c mu - lambda)
    CHECK(close(m.lq, 90.0 * m.wq));                          // Little on the queue
    CHECK(close(m.l, m.lq + 9.0));                            // plus a busy servers
    CHECK(close(m.w, m.wq + 0.1));
    CHECK(close(qt::littles_law_l(m.lambda_eff, m.w), m.l));
}

TEST_CASE("M/M/c rejects unstable or meaningless parameters") {
    CHECK_THROWS_AS(qt::mmc(100.0, 0.1, 10), std::invalid_argument); // rho = 1
    CHECK_THROWS_AS(qt::mmc(0.0, 0.1, 10), std::invalid_argument);
    CHECK_THROWS_AS(qt::mmc(1.0, 0.1, 0), std::invalid_argument);
    CHECK_THROWS_AS(qt::erlang_c(3, 3.5), std::invalid_argument);
    CHECK_THROWS_AS(qt::mmck(1.0, 0.1, 3, 2), std::invalid_argument); // K < c
    CHECK_THROWS_AS(qt::mg1(1.0, 1.0, 1.0), std::invalid_argument);   // rho = 1
}

TEST_CASE("M/M/1/K: the textbook closed forms") {
    // p_n = (1 - rho) rho^n / (1 - rho^(K+1)); L = rho/(1-rho) - (K+1) rho^(K+1)/(1-rho^(K+1)).
    for (const double rho : {0.5, 0.9, 1.5}) {
        CAPTURE(rho);
        const std::uint64_t k = 5;
        const double mean = 0.5;
        const double lambda = rho / mean;
        const auto p = qt::mmck_state_probabilities(lambda, mean, 1, k);
        REQUIRE(p.size() == k + 1);
        const double norm = (1 - rho) / (1 - std::pow(rho, static_cast<double>(k + 1)));
        for (std::size_t n = 0; n <= k; ++n)
            CHECK(close(p[n], norm * std::pow(rho, static_cast<double>(n))));
        const auto m = qt::mmck(lambda, mean, 1, k);
        const double l = rho / (1 - rho) - static_cast<double>(k + 1) *
                                               std::pow(rho, static_cast<double>(k + 1)) /
                                               (1 - std::pow(rho, static_cast<double>(k + 1)));
        CHECK(close(m.l, l, 1e-11));
        CHECK(close(m.p_block, p[k]));
        CHECK(close(m.lambda_eff, lambda * (1 - p[k])));
        CHECK(close(m.lq, m.l - (1 - p[0]), 1e-11)); // one server busy unless empty
        CHECK(close(m.w, m.wq + mean, 1e-11));       // sojourn = wait + service, admitted
    }
    // rho = 0.5, K = 5: P(K) = 1/63 (exact).
    CHECK(close(qt::mmck(1.0, 0.5, 1, 5).p_block, 1.0 / 63.0));
    // rho = 1 exactly: uniform over 0..K, L = K / 2.
    const auto flat = qt::mmck(2.0, 0.5, 1, 4);
    CHECK(close(flat.p_block, 0.2));
    CHECK(close(flat.l, 2.0));
}

TEST_CASE("M/M/c/K against exact sums") {
    // The validation case: c = 10, 90/s, 100 ms, 5 waiting places (K = 15).
    const auto m = qt::mmck(90.0, 0.1, 10, 15);
    CHECK(close(m.p_block, 0.06125876182566402));
    CHECK(close(m.l, 9.515540892084418));
    CHECK(close(m.lq, 1.0668697485153937));
    CHECK(close(m.wq, 0.012627663337653708));
    CHECK(close(m.w, 0.11262766333765371));
    // M/M/3/7 with a = 0.75.
    const auto small = qt::mmck(3.0, 0.25, 3, 7);
    CHECK(close(small.p_block, 0.00012925648795760389));
    CHECK(close(small.l, 0.7643797842852834));
    CHECK(close(small.wq, 0.0048261993679977015));
    // 1000 servers, 100 waiting places: a^n/n! alone would overflow.
    const auto wide = qt::mmck(900.0, 1.0, 1000, 1100);
    CHECK(close(wide.p_block, 1.574214360871344e-09, 1e-9));
    CHECK(close(wide.l, 900.0053310545078));
    CHECK(close(wide.wq, 5.924968121287085e-06, 1e-9));
    // Probabilities sum to one.
    const auto p = qt::mmck_state_probabilities(900.0, 1.0, 1000, 1100);
    CHECK(close(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12));
}

TEST_CASE("M/M/c/K with a large K approaches M/M/c") {
    for (const std::uint32_t c : {1u, 10u, 100u}) {
        CAPTURE(c);
        const double mean = 0.1;
        const double lambda = 0.9 * c / mean;
        const auto inf = qt::mmc(lambda, mean, c);
        const auto fin = qt::mmck(lambda, mean, c, std::uint64_t{c} + 2000); // rho^2000 ~ 1e-92
        CHECK(fin.p_block < 1e-80);
        CHECK(close(fin.l, inf.l, 1e-10));
        CHECK(close(fin.lq, inf.lq, 1e-10));
        CHECK(close(fin.wq, inf.wq, 1e-10));
        CHECK(close(fin.p_wait, inf.p_wait, 1e-10));
    }
    // ...and its blocking falls as K grows.
    double prev = 1.0;
    for (std::uint64_t k = 10; k <= 40; k += 5) {
        const double b = qt::mmck(90.0, 0.1, 10, k).p_block;
        CHECK(b < prev);
        prev = b;
    }
    // K = c is the Erlang loss system: blocking is Erlang B.
    CHECK(close(qt::mmck(9.0, 1.0, 10, 10).p_block, qt::erlang_b(10, 9.0)));
}

TEST_CASE("M/G/1 Pollaczek-Khinchine: M/M/1, M/D/1 and lognormal service") {
    const double lambda = 8.0;
    const double mean = 0.1;
    const double rho = 0.8;
    // cv = 1 is M/M/1.
    CHECK(close(qt::mg1(lambda, mean, 1.0).wq, qt::mmc(lambda, mean, 1).wq));
    // cv = 0 is M/D/1: Wq = rho S / (2 (1 - rho)), half the M/M/1 wait.
    const auto md1 = qt::mg1(lambda, mean, 0.0);
    CHECK(close(md1.wq, rho * mean / (2 * (1 - rho))));
    CHECK(close(md1.wq, 0.2));
    // M/D/1 Lq = rho^2 / (2 (1 - rho)).
    CHECK(close(md1.lq, rho * rho / (2 * (1 - rho))));
    // Lognormal with cv = 2: E[S^2] = mean^2 (1 + 4), five times the M/D/1 wait.
    const auto mg = qt::mg1(7.0, mean, 2.0);
    CHECK(close(mg.wq, 7.0 * 0.05 / (2 * 0.3)));
    CHECK(close(mg.wq, qt::pollaczek_khinchine_wq(7.0, mean, 5 * mean * mean)));
    CHECK(close(mg.l, mg.lq + 0.7));
    CHECK(close(qt::littles_law_w(mg.l, 7.0), mg.w));
}

// models/analytic/capacity_sizing and purchase_mix: the M/M/c sojourn tail against M/M/1's
// closed form and a Monte Carlo of M/M/c's structure, the Erlang C sizing (monotone in load,
// each constraint binding where it should), queue places for a blocking target, and the
// purchasing mixes' arithmetic.

#include "models/analytic/capacity_sizing.hpp"
#include "models/analytic/purchase_mix.hpp"
#include "models/analytic/queueing_theory.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

using namespace tpssim::models::analytic;

TEST_CASE("M/M/1's sojourn is exponential with rate mu - lambda") {
    const double lambda = 6.0, s = 0.1; // mu = 10
    for (double t : {0.01, 0.1, 0.5, 1.0})
        CHECK(mmc_sojourn_tail(lambda, s, 1, t) == doctest::Approx(std::exp(-4.0 * t)));
    CHECK(mmc_sojourn_quantile(lambda, s, 1, 0.99) == doctest::Approx(std::log(100.0) / 4.0));
}

TEST_CASE("M/M/c's sojourn tail: 1 at 0, falling, its mean matches W") {
    const double lambda = 80.0, s = 0.1; // a = 8
    const std::uint32_t c = 10;
    CHECK(mmc_sojourn_tail(lambda, s, c, 0.0) == doctest::Approx(1.0));
    // The mean is the integral of the tail: trapezoids to 60 s.
    double mean = 0.0, prev = 1.0;
    bool falling = true;
    const double dt = 1e-4;
    for (double t = dt; t < 20.0; t += dt) {
        const double cur = mmc_sojourn_tail(lambda, s, c, t);
        falling = falling && cur <= prev;
        mean += 0.5 * (prev + cur) * dt;
        prev = cur;
    }
    CHECK(falling);
    CHECK(mean == doctest::Approx(mmc(lambda, s, c).w).epsilon(1e-4));
}

TEST_CASE("Erlang C sizing: utilisation binds at high load, the SLO at low load") {
    // 40 ms requests, p99 <= 250 ms, utilisation <= 80%.
    const auto small = erlang_c_workers(20.0, 0.04, 0.8, 0.99, 0.25);
    CHECK(small.for_latency >= small.for_utilisation); // 1 worker would be 80% busy: too slow
    CHECK(small.latency_quantile <= 0.25);
    const auto big = erlang_c_workers(2000.0, 0.04, 0.8, 0.99, 0.25);
    CHECK(big.workers == 100); // 80 Erlangs at 80%
    CHECK(big.for_utilisation == 100);
    CHECK(big.utilisation == doctest::Approx(0.8));
    // The fewest: one less misses one of the two.
    const auto g = erlang_c_workers(300.0, 0.04, 0.8, 0.99, 0.25);
    const bool util_ok = 300.0 * 0.04 / (g.workers - 1) <= 0.8;
    const bool latency_ok = 300.0 * 0.04 < g.workers - 1 &&
                            mmc_sojourn_quantile(300.0, 0.04, g.workers - 1, 0.99) <= 0.25;
    CHECK_FALSE((util_ok && latency_ok));
}

TEST_CASE("Erlang C sizing is monotone in load") {
    std::uint32_t previous = 0;
    for (double lambda = 5.0; lambda <= 3000.0; lambda *= 1.3) {
        const auto g = erlang_c_workers(lambda, 0.04, 0.8, 0.99, 0.25);
        CHECK(g.workers >= previous);
        previous = g.workers;
    }
}

TEST_CASE("Erlang C sizing refuses an SLO shorter than the service itself") {
    CHECK_THROWS_AS(erlang_c_workers(10.0, 0.1, 0.8, 0.99, 0.2, 1000), std::invalid_argument);
}

TEST_CASE("queue places: the fewest that keep blocking within the target") {
    const double lambda = 90.0, s = 0.1;
    const std::uint32_t c = 10;
    const auto k = queue_places_for_blocking(lambda, s, c, 0.001);
    CHECK(mmck(lambda, s, c, c + k).p_block <= 0.001);
    CHECK(mmck(lambda, s, c, c + k - 1).p_block > 0.001);
    // More load needs more places.
    CHECK(queue_places_for_blocking(95.0, s, c, 0.001) > k);
}

TEST_CASE("purchasing mixes: on demand, reserved base with on-demand or spot peaks") {
    ReplicaPrices p;
    p.on_demand = 70.0;
    p.reserved = 44.0;
    p.spot = 21.0;
    p.spot_interruption = 0.1;
    p.peak_share = 0.5;
    const auto mixes = purchase_mixes(30, 12, p);
    REQUIRE(mixes.size() == 3);
    CHECK(mixes[0].on_demand == 30);
    CHECK(mixes[0].cost_per_month == doctest::Approx(2100.0));
    CHECK(mixes[1].reserved == 12);
    CHECK(mixes[1].on_demand == 18);
    CHECK(mixes[1].cost_per_month == doctest::Approx(12 * 44.0 + 18 * 70.0 * 0.5));
    CHECK(mixes[2].spot == 20); // 18 / 0.9
    CHECK(mixes[2].cost_per_month == doctest::Approx(12 * 44.0 + 20 * 21.0 * 0.5));
    // A base above the peak is clamped.
    CHECK(purchase_mixes(5, 9, p)[1].reserved == 5);
}

#include "models/retry_policy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <doctest/doctest.h>
#include <limits>
#include <optional>
#include <stdexcept>

using namespace tpssim;

using models::RetryBudget;
using models::RetryBudgetParams;
using models::RetryJitter;
using models::RetryPolicy;
using models::RetryPolicyParams;
using sim::RandomStream;
using sim::SimTime;

namespace {

RetryPolicy policy(RetryJitter jitter, SimTime base = SimTime::from_ms(25),
                   std::optional<SimTime> cap = std::nullopt) {
    RetryPolicyParams p;
    p.max_attempts = 100;
    p.backoff = base;
    p.max_backoff = cap;
    p.jitter = jitter;
    return RetryPolicy(p);
}

} // namespace

TEST_CASE("defaults are Envoy's: one retry, 25 ms base, cap 10x base, full jitter, no budget") {
    const RetryPolicy p{RetryPolicyParams{}};
    CHECK(p.params().max_attempts == 2);
    CHECK(p.max_retries() == 1);
    CHECK(p.params().backoff == SimTime::from_ms(25));
    CHECK(p.params().effective_max_backoff() == SimTime::from_ms(250));
    CHECK(p.params().jitter == RetryJitter::Full);
    CHECK_FALSE(p.params().budget.has_value());
    const RetryBudgetParams b;
    CHECK(b.budget_fraction == 0.2);
    CHECK(b.min_retry_concurrency == 3);
}

TEST_CASE("retry parameters out of range are rejected") {
    auto rejects = [](auto change) {
        RetryPolicyParams p;
        change(p);
        CHECK_THROWS_AS(RetryPolicy{p}, std::invalid_argument);
    };
    rejects([](RetryPolicyParams& p) { p.max_attempts = 0; });
    rejects([](RetryPolicyParams& p) { p.backoff = SimTime::zero(); });
    rejects([](RetryPolicyParams& p) { p.max_backoff = SimTime::from_ms(24); });
    rejects([](RetryPolicyParams& p) { p.backoff = SimTime::max(); });
    rejects([](RetryPolicyParams& p) { p.budget = RetryBudgetParams{1.5, 3}; });
    CHECK_THROWS_AS(RetryBudget(RetryBudgetParams{-0.1, 3}), std::invalid_argument);
}

TEST_CASE("max_attempts counts the first try: attempts left after each") {
    RetryPolicyParams p;
    p.max_attempts = 3; // Envoy num_retries: 2
    const RetryPolicy r(p);
    CHECK(r.max_retries() == 2);
    CHECK(r.has_attempts_left(1));
    CHECK(r.has_attempts_left(2));
    CHECK_FALSE(r.has_attempts_left(3));
}

TEST_CASE("without jitter the back-off is exactly (2^N - 1) x base for retry N, capped") {
    const RetryPolicy r = policy(RetryJitter::None);
    RandomStream rng(1, "retry-test", "none");
    // Envoy's documented examples: the 1st retry within 0-24 ms, the 2nd 0-74, the 3rd 0-174.
    CHECK(r.backoff_before_attempt(1, rng) == SimTime::zero()); // the first try waits for nothing
    CHECK(r.backoff_before_attempt(2, rng) == SimTime::from_ms(25));
    CHECK(r.backoff_before_attempt(3, rng) == SimTime::from_ms(75));
    CHECK(r.backoff_before_attempt(4, rng) == SimTime::from_ms(175));
    CHECK(r.backoff_before_attempt(5, rng) == SimTime::from_ms(250)); // 375 ms, capped
    CHECK(r.backoff_before_attempt(64, rng) == SimTime::from_ms(250));
    CHECK(r.backoff_before_attempt(std::numeric_limits<std::uint32_t>::max(), rng) ==
          SimTime::from_ms(250));

    const RetryPolicy custom = policy(RetryJitter::None, SimTime::from_ms(10), SimTime::from_s(1));
    CHECK(custom.backoff_before_attempt(7, rng) == SimTime::from_ms(630)); // (2^6 - 1) x 10
    CHECK(custom.backoff_before_attempt(8, rng) == SimTime::from_s(1));    // 1270 ms, capped
}

TEST_CASE("the interval saturates instead of overflowing, for any attempt number") {
    // A cap of "never" leaves only the int64 range to stop the doubling.
    const RetryPolicy one_ns = policy(RetryJitter::None, SimTime::from_ns(1), SimTime::max());
    CHECK(one_ns.backoff_interval(63) == SimTime::from_ns((std::int64_t{1} << 62) - 1));
    CHECK(one_ns.backoff_interval(64) == SimTime::max()); // 2^63 - 1 ns exactly
    CHECK(one_ns.backoff_interval(65) == SimTime::max());
    const RetryPolicy three_ns = policy(RetryJitter::None, SimTime::from_ns(3), SimTime::max());
    CHECK(three_ns.backoff_interval(63) == SimTime::max()); // (2^62 - 1) x 3 > 2^63 - 1
    for (const RetryPolicy* r : {&one_ns, &three_ns}) {
        SimTime previous = SimTime::zero();
        for (std::uint32_t attempt = 1; attempt <= 300; ++attempt) {
            const SimTime i = r->backoff_interval(attempt);
            REQUIRE(i >= previous);
            previous = i;
        }
    }
}

TEST_CASE("full-jitter back-off never exceeds the cap, for every attempt up to 64") {
    const RetryPolicy r = policy(RetryJitter::Full);
    RandomStream rng(7, "retry-test", "cap");
    for (std::uint32_t attempt = 2; attempt <= 64; ++attempt) {
        const SimTime interval = r.backoff_interval(attempt);
        REQUIRE(interval <= SimTime::from_ms(250));
        for (int i = 0; i < 2000; ++i) {
            const SimTime b = r.backoff_before_attempt(attempt, rng);
            REQUIRE(b >= SimTime::zero());
            REQUIRE(b < interval); // Envoy's range is half-open: [0, (2^N - 1) B)
        }
    }
}

TEST_CASE("full-jitter draws are uniform on [0, interval): mean half the capped interval") {
    const RetryPolicy r = policy(RetryJitter::Full);
    RandomStream rng(11, "retry-test", "mean");
    const int n = 200'000;
    for (std::uint32_t attempt = 2; attempt <= 6; ++attempt) {
        const double width = static_cast<double>(r.backoff_interval(attempt).ns());
        double sum = 0.0;
        double largest = 0.0;
        for (int i = 0; i < n; ++i) {
            const auto b = static_cast<double>(r.backoff_before_attempt(attempt, rng).ns());
            sum += b;
            largest = std::max(largest, b);
        }
        // Uniform on the integers 0 .. w-1: mean (w-1)/2, standard deviation ~ w/sqrt(12); the
        // sample mean of n draws is within 5 standard errors except with probability 6e-7.
        const double standard_error = width / std::sqrt(12.0 * n);
        INFO("attempt " << attempt);
        CHECK(std::fabs(sum / n - (width - 1.0) / 2.0) <= 5.0 * standard_error);
        CHECK(largest > 0.999 * width); // the whole interval is reached
    }
}

TEST_CASE("the retry budget allows its share of active requests, and at least the minimum") {
    RetryBudget budget(RetryBudgetParams{}); // 20%, at least 3
    SUBCASE("no traffic: min_retry_concurrency retries") {
        CHECK(budget.max_active_retries() == 3);
        for (int i = 0; i < 3; ++i)
            CHECK(budget.try_start_retry());
        CHECK_FALSE(budget.may_retry());
        CHECK_FALSE(budget.try_start_retry());
        CHECK(budget.overflows() == 1);
        budget.on_retry_finished();
        CHECK(budget.try_start_retry());
        CHECK(budget.retries_started() == 4);
    }
    SUBCASE("100 active requests: 20 retries, the 21st refused") {
        for (int i = 0; i < 100; ++i)
            budget.on_request_started();
        CHECK(budget.max_active_retries() == 20);
        for (int i = 0; i < 20; ++i)
            REQUIRE(budget.try_start_retry());
        CHECK_FALSE(budget.try_start_retry());
        CHECK(budget.active_retries() == 20);
        budget.on_retry_finished();
        CHECK(budget.may_retry());
        // Fewer active requests shrink the budget: 50 active allow 10.
        for (int i = 0; i < 50; ++i)
            budget.on_request_finished();
        CHECK(budget.max_active_retries() == 10);
        CHECK_FALSE(budget.may_retry());
        budget.restart_statistics();
        CHECK(budget.overflows() == 0);
        CHECK(budget.active_retries() == 19); // what is active stays active
    }
    SUBCASE("the share truncates as Envoy's does") {
        for (int i = 0; i < 14; ++i)
            budget.on_request_started();
        CHECK(budget.max_active_retries() == 3); // 2.8 -> 2, then the minimum 3
        for (int i = 0; i < 6; ++i)
            budget.on_request_started();
        CHECK(budget.max_active_retries() == 4); // 20 x 20%
        budget.on_request_started();
        CHECK(budget.max_active_retries() == 4); // 4.2 -> 4
    }
}

TEST_CASE("a zero budget with a zero minimum never retries") {
    RetryBudget budget(RetryBudgetParams{0.0, 0});
    for (int i = 0; i < 1000; ++i)
        budget.on_request_started();
    CHECK_FALSE(budget.may_retry());
    CHECK_FALSE(budget.try_start_retry());
}

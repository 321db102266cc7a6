#include "models/rate_limiter.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::RateLimiter;
using sim::SimTime;

// Envoy's token bucket {max_tokens: 5, tokens_per_fill: 2, fill_interval: 500ms}: 4 tokens a
// second, refilled continuously (Envoy's AtomicTokenBucket). Every figure below is exact in
// binary floating point, so the checks are equalities.
TEST_CASE("rate limiter: a full bucket's burst, then tokens as time passes") {
    RateLimiter bucket(2.0 / 0.5, 5.0, SimTime::zero());
    CHECK(bucket.max_tokens() == 5.0);
    CHECK(bucket.rate_per_second() == 4.0);
    // Five at once pass (the bucket starts full); the sixth finds none.
    for (int i = 0; i < 5; ++i)
        CHECK(bucket.admit(SimTime::zero()));
    CHECK(bucket.tokens() == 0.0);
    CHECK_FALSE(bucket.admit(SimTime::zero()));
    // 125 ms: half a token, still none to take; 250 ms: one.
    CHECK_FALSE(bucket.admit(SimTime::from_ms(125)));
    CHECK(bucket.tokens() == 0.5);
    CHECK(bucket.admit(SimTime::from_ms(250)));
    CHECK(bucket.tokens() == 0.0);
    CHECK_FALSE(bucket.admit(SimTime::from_ms(250)));
    // An idle second refills four: four pass, the fifth does not.
    for (int i = 0; i < 4; ++i)
        CHECK(bucket.admit(SimTime::from_ms(1250)));
    CHECK_FALSE(bucket.admit(SimTime::from_ms(1250)));
    // A long idle time fills it to max_tokens, no more.
    CHECK(bucket.admit(SimTime::from_s(60)));
    CHECK(bucket.tokens() == 4.0);
}

TEST_CASE("rate limiter: no bursts at fill-interval edges, a steady rate between them") {
    // Envoy before 1.31 added tokens_per_fill at each 500 ms tick: an empty bucket would take
    // nothing until the tick, then 2 at once. The continuous bucket takes one every 250 ms.
    RateLimiter bucket(4.0, 5.0, SimTime::zero());
    for (int i = 0; i < 5; ++i)
        bucket.admit(SimTime::zero());
    int passed = 0;
    // Every 62.5 ms (a quarter token, exact in binary) for a second.
    for (std::int64_t k = 1; k <= 16; ++k) {
        const bool ok = bucket.admit(SimTime::from_ns(k * 62'500'000));
        CHECK(ok == (k % 4 == 0));
        passed += ok ? 1 : 0;
    }
    CHECK(passed == 4);
}

TEST_CASE("rate limiter: the short form holds one second's tokens, at least one") {
    CHECK(RateLimiter(40.0, SimTime::zero()).max_tokens() == 40.0);
    CHECK(RateLimiter(0.5, SimTime::zero()).max_tokens() == 1.0);
    // 0.5/s: one token at the start, the next two seconds later.
    RateLimiter slow(0.5, SimTime::zero());
    CHECK(slow.admit(SimTime::zero()));
    CHECK_FALSE(slow.admit(SimTime::from_ms(1500)));
    CHECK(slow.admit(SimTime::from_s(2)));
}

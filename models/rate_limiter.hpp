#pragma once
/// Envoy's local rate limit (envoy.filters.http.local_ratelimit): a token bucket in front of a
/// service, `token_bucket: {max_tokens, tokens_per_fill, fill_interval}`. It starts full with
/// `max_tokens`, never holds more, and gains tokens_per_fill / fill_interval tokens a second;
/// each request takes one, and a request finding less than one is turned away at once (Envoy
/// answers HTTP 429).
///
/// The refill is continuous, as Envoy's since 1.31 (its AtomicTokenBucket, the only one since
/// 1.35: tokens are refilled from the time elapsed when the bucket is used, fractions
/// included). Envoy before 1.31 added tokens_per_fill at each fill_interval tick of a timer,
/// a burst at each tick; tpssim does not model that older form. Refilled lazily from the time
/// elapsed, the limiter costs nothing between requests.

#include "sim/sim_time.hpp"

#include <algorithm>

namespace tpssim::models {

class RateLimiter {
public:
    RateLimiter() = default;
    /// A full bucket of `max_tokens` (> 0) filling at `rate_per_second` (> 0) from `now`.
    RateLimiter(double rate_per_second, double max_tokens, sim::SimTime now)
        : rate_(rate_per_second), max_tokens_(max_tokens), tokens_(max_tokens), last_(now) {}
    /// The short form, `rate_limit: R`: a full bucket of one second's tokens (at least one).
    RateLimiter(double rate_per_second, sim::SimTime now)
        : RateLimiter(rate_per_second, one_second_of(rate_per_second), now) {}

    /// The bucket of the short form at `rate_per_second`: Envoy's {max_tokens: R,
    /// tokens_per_fill: R, fill_interval: 1s}, at least one token.
    static double one_second_of(double rate_per_second) { return std::max(1.0, rate_per_second); }

    /// Whether a request arriving at `now` (not before the last) may pass (it takes a token),
    /// or is limited.
    bool admit(sim::SimTime now) {
        tokens_ = std::min(max_tokens_, tokens_ + rate_ * (now - last_).seconds());
        last_ = now;
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }
    double rate_per_second() const { return rate_; }
    double max_tokens() const { return max_tokens_; }
    /// The tokens held after the last `admit` (before any refill since).
    double tokens() const { return tokens_; }

private:
    double rate_ = 0.0;
    double max_tokens_ = 1.0;
    double tokens_ = 1.0;
    sim::SimTime last_ = sim::SimTime::zero();
};

} // namespace tpssim::models

#pragma once
/// Envoy's local rate limit (envoy.filters.http.local_ratelimit): a token bucket in front of a
/// service. It holds at most `max_tokens` and gains `rate` tokens a second; each request takes
/// one, and a request finding none is turned away at once (Envoy answers HTTP 429). Tokens are
/// refilled lazily from the time elapsed, so the limiter costs nothing between requests.

#include "sim/sim_time.hpp"

#include <algorithm>

namespace tpssim::models {

class RateLimiter {
public:
    RateLimiter() = default;
    /// A full bucket of one second's tokens (at least one) filling at `rate_per_second` (> 0).
    RateLimiter(double rate_per_second, sim::SimTime now)
        : rate_(rate_per_second), max_tokens_(std::max(1.0, rate_per_second)), tokens_(max_tokens_),
          last_(now) {}

    /// Whether a request arriving at `now` may pass (it takes a token), or is limited.
    bool admit(sim::SimTime now) {
        tokens_ = std::min(max_tokens_, tokens_ + rate_ * (now - last_).seconds());
        last_ = now;
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }
    double rate_per_second() const { return rate_; }
    double max_tokens() const { return max_tokens_; }

private:
    double rate_ = 0.0;
    double max_tokens_ = 1.0;
    double tokens_ = 1.0;
    sim::SimTime last_ = sim::SimTime::zero();
};

} // namespace tpssim::models

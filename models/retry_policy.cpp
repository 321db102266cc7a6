#include "models/retry_policy.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <stdexcept>
#include <string>

namespace tpssim::models {

namespace {

void require(bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("retry: ") + what);
}

template <class P>
const P& validated(const P& p) {
    p.validate();
    return p;
}

} // namespace

void RetryBudgetParams::validate() const {
    require(budget_fraction >= 0.0 && budget_fraction <= 1.0, "budget_fraction must be in [0, 1]");
}

SimTime RetryPolicyParams::effective_max_backoff() const {
    return max_backoff ? *max_backoff : backoff * 10;
}

void RetryPolicyParams::validate() const {
    require(max_attempts >= 1, "max_attempts must be >= 1");
    require(backoff > SimTime::zero(), "backoff must be > 0");
    require(backoff.ns() <= std::numeric_limits<SimTime::Rep>::max() / 10, "backoff is too large");
    require(!max_backoff || *max_backoff >= backoff, "max_backoff must be >= backoff");
    if (budget) budget->validate();
}

RetryPolicy::RetryPolicy(const RetryPolicyParams& params)
    : params_(validated(params)), max_backoff_(params.effective_max_backoff()) {}

SimTime RetryPolicy::backoff_interval(std::uint32_t attempt) const {
    if (attempt <= 1) return SimTime::zero(); // nothing to wait for before the first try
    const std::uint32_t retry = attempt - 1;  // Envoy's N
    const auto base = static_cast<std::uint64_t>(params_.backoff.ns());
    const auto cap = static_cast<std::uint64_t>(max_backoff_.ns());
    // (2^N - 1) B, saturating at the cap: from N = 64 on 2^N itself no longer fits, and below
    // that the product may not, so compare against cap / B before multiplying.
    if (retry >= 64) return max_backoff_;
    const std::uint64_t multiplier = (std::uint64_t{1} << retry) - 1;
    if (multiplier > cap / base) return max_backoff_;
    return SimTime::from_ns(static_cast<SimTime::Rep>(std::min(multiplier * base, cap)));
}

SimTime RetryPolicy::backoff_before_attempt(std::uint32_t attempt, sim::RandomStream& rng) const {
    const SimTime interval = backoff_interval(attempt);
    if (interval == SimTime::zero() || params_.jitter == RetryJitter::None) return interval;
    // Uniform over the whole nanoseconds of [0, interval): unbiased (Lemire), as Envoy's
    // random() % interval is over whole milliseconds.
    return SimTime::from_ns(
        static_cast<SimTime::Rep>(rng.next_below(static_cast<std::uint64_t>(interval.ns()))));
}

RetryBudget::RetryBudget(const RetryBudgetParams& params) : params_(validated(params)) {}

void RetryBudget::on_request_finished() {
    assert(active_requests_ > 0);
    --active_requests_;
}

bool RetryBudget::try_start_retry() {
    if (!may_retry()) {
        ++overflows_;
        return false;
    }
    ++active_retries_;
    ++retries_started_;
    return true;
}

void RetryBudget::on_retry_finished() {
    assert(active_retries_ > 0);
    --active_retries_;
}

std::uint64_t RetryBudget::max_active_retries() const {
    // Envoy: std::max<uint64_t>(budget_percent / 100.0 * current_active, min_retry_concurrency);
    // the double truncates toward zero on conversion.
    const auto share =
        static_cast<std::uint64_t>(params_.budget_fraction * static_cast<double>(active_requests_));
    return std::max<std::uint64_t>(share, params_.min_retry_concurrency);
}

} // namespace tpssim::models
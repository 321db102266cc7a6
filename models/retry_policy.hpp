#pragma once
/// Retries with Envoy's semantics: a bounded number of attempts, jittered exponential back-off
/// between them, and an optional retry budget that caps concurrent retries.
///
/// Back-off (Envoy router docs, `x-envoy-max-retries`): "Given a base interval B and retry
/// number N, the back-off for the retry is in the range [0, (2^N-1)B) ... The interval is
/// capped at a maximum interval, which defaults to 10 times the base interval". The default B
/// is 25 ms. tpssim follows that documented formula: retry N (attempt N+1) waits a uniform
/// draw in [0, min((2^N - 1) B, max)), in whole nanoseconds where Envoy draws whole
/// milliseconds. (Envoy's code has drifted from its docs over the years: older releases clamp a
/// draw from the uncapped range, piling mass at the cap; newer ones double the interval, B 2^(N-1).
/// The docs are the contract users read, so they win here.)
///
/// Retry budget (Envoy cluster circuit breakers, `retry_budget`): at most
/// max(budget_percent x active requests, min_retry_concurrency) retries may be active at once,
/// with Envoy's truncation of the product to an integer; defaults 20% and 3.

#include "models/enum_names.hpp"
#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>

namespace tpssim::models {

using sim::SimTime;

/// How a back-off is drawn from its interval.
enum class RetryJitter : std::uint8_t {
    Full, ///< uniform in [0, interval): Envoy's "fully jittered" back-off
    None, ///< exactly the interval: deterministic, for tests and what-if runs
};

/// The names of RetryJitter in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<RetryJitter>, 2> kRetryJitterNames{{
    {RetryJitter::Full, "full"},
    {RetryJitter::None, "none"},
}};
static_assert(is_dense_table(kRetryJitterNames));
constexpr std::span<const EnumName<RetryJitter>> enum_names(RetryJitter) {
    return kRetryJitterNames;
}

/// Envoy's retry budget: concurrent retries as a share of the active requests.
struct RetryBudgetParams {
    /// Envoy's `budget_percent` as a fraction in [0, 1]: retries may be this share of the
    /// active requests (first tries and retries in flight to the upstream).
    double budget_fraction = 0.2;
    /// Envoy's `min_retry_concurrency`: retries always allowed, whatever the share says.
    std::uint32_t min_retry_concurrency = 3;

    /// Throws std::invalid_argument naming the first field out of range.
    void validate() const;
};

/// What a retry policy does with an attempt its circuit breaker refuses (the breaker is open,
/// or half-open with no trial call left). The two systems tpssim follows disagree.
enum class RefusedAttempt : std::uint8_t {
    /// Envoy: a call the circuit breaker refuses (an overflow) is not retried: the call fails
    /// at once, never occupying the callee.
    Fail,
    /// resilience4j: Retry around a CircuitBreaker retries CallNotPermittedException by
    /// default (retryExceptions is empty, so every exception is retried); the refused attempt
    /// counts as one of max_attempts, and the next waits its back-off.
    Retry,
};

/// The names of RefusedAttempt in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<RefusedAttempt>, 2> kRefusedAttemptNames{{
    {RefusedAttempt::Fail, "fail"},
    {RefusedAttempt::Retry, "retry"},
}};
static_assert(is_dense_table(kRefusedAttemptNames));
constexpr std::span<const EnumName<RefusedAttempt>> enum_names(RefusedAttempt) {
    return kRefusedAttemptNames;
}

/// A call's retry policy, in the scenario's words (`retry: {max_attempts, backoff, ...}`).
struct RetryPolicyParams {
    /// Total attempts including the first, >= 1. Envoy counts retries instead:
    /// num_retries = max_attempts - 1, so the default 2 is Envoy's default of one retry.
    std::uint32_t max_attempts = 2;
    /// Envoy's base interval B (`base_interval`, default 25 ms); > 0.
    SimTime backoff = SimTime::from_ms(25);
    /// Envoy's `max_interval`; empty means 10 x `backoff` (Envoy's default); >= `backoff`.
    std::optional<SimTime> max_backoff;
    /// Full (Envoy) or none.
    RetryJitter jitter = RetryJitter::Full;
    /// Envoy's retry budget; empty means no budget (every retry the attempts allow is made).
    std::optional<RetryBudgetParams> budget;
    /// An attempt the breaker refuses: fail the call (Envoy, the default) or retry it
    /// (resilience4j).
    RefusedAttempt on_refused = RefusedAttempt::Fail;

    /// The cap in force: `max_backoff`, or 10 x `backoff` when it is empty.
    SimTime effective_max_backoff() const;
    /// Throws std::invalid_argument naming the first field out of range.
    void validate() const;
};

/// The per-call rules of retrying: how many attempts, how long to back off before each. It
/// holds no per-request state (the attempt number travels with the request), so one policy
/// serves every request of a call site.
class RetryPolicy {
public:
    /// Validates `params` (std::invalid_argument).
    explicit RetryPolicy(const RetryPolicyParams& params);

    /// Whether another attempt may follow `attempts_made` attempts (the budget aside).
    bool has_attempts_left(std::uint32_t attempts_made) const {
        return attempts_made < params_.max_attempts;
    }
    /// Envoy's num_retries: max_attempts - 1.
    std::uint32_t max_retries() const { return params_.max_attempts - 1; }

    /// The interval bounding the back-off before `attempt` (2 = the first retry):
    /// min((2^(attempt-1) - 1) x backoff, cap); zero for attempt <= 1. Saturates, never
    /// overflows, for any attempt number.
    SimTime backoff_interval(std::uint32_t attempt) const;
    /// The back-off to wait before `attempt` (2 = the first retry): a uniform draw in
    /// [0, backoff_interval(attempt)) with full jitter, exactly the interval with none. Only
    /// full jitter draws from `rng`.
    SimTime backoff_before_attempt(std::uint32_t attempt, sim::RandomStream& rng) const;

    /// The validated parameters.
    const RetryPolicyParams& params() const { return params_; }

private:
    RetryPolicyParams params_;
    SimTime max_backoff_;
};

/// Envoy's retry budget for one upstream: counts active requests and active retries and says
/// whether one more retry fits. A retry is active from the decision to retry (its back-off
/// included) until its attempt's outcome is known, as in Envoy's RetryStateImpl.
class RetryBudget {
public:
    /// Validates `params` (std::invalid_argument).
    explicit RetryBudget(const RetryBudgetParams& params);

    /// An attempt (first try or retry) is now in flight to the upstream, waiting or served.
    void on_request_started() { ++active_requests_; }
    /// That attempt has left the upstream (completed, failed or timed out).
    void on_request_finished();
    /// Whether one more retry fits: active retries < max_active_retries().
    bool may_retry() const { return active_retries_ < max_active_retries(); }
    /// Starts a retry if it fits (counted as active); else counts an overflow (Envoy's
    /// upstream_rq_retry_overflow) and returns false.
    bool try_start_retry();
    /// A retry started by try_start_retry has its outcome: it is no longer active.
    void on_retry_finished();

    /// max(floor(budget_fraction x active requests), min_retry_concurrency), as Envoy computes it.
    std::uint64_t max_active_retries() const;
    /// Attempts in flight.
    std::uint64_t active_requests() const { return active_requests_; }
    /// Retries active.
    std::uint64_t active_retries() const { return active_retries_; }
    /// Retries refused for lack of budget since construction or the last restart.
    std::uint64_t overflows() const { return overflows_; }
    /// Retries started since construction or the last restart.
    std::uint64_t retries_started() const { return retries_started_; }
    /// End of warm-up: forget the counters, keep what is active.
    void restart_statistics() { overflows_ = retries_started_ = 0; }

private:
    RetryBudgetParams params_;
    std::uint64_t active_requests_ = 0;
    std::uint64_t active_retries_ = 0;
    std::uint64_t overflows_ = 0;
    std::uint64_t retries_started_ = 0;
};

} // namespace tpssim::models
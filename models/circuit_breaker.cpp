#include "models/circuit_breaker.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace tpssim::models {

namespace {

constexpr std::uint8_t kFailureBit = 1;
constexpr std::uint8_t kSlowBit = 2;

void require(bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("circuit_breaker: ") + what);
}

const CircuitBreakerParams& validated(const CircuitBreakerParams& p) {
    p.validate();
    return p;
}

// Floor division: the epoch second containing `t` (exact for negative times too).
std::int64_t epoch_second(SimTime t) {
    const std::int64_t ns = t.ns();
    const std::int64_t s = ns / SimTime::ticks_per_second;
    return (ns % SimTime::ticks_per_second < 0) ? s - 1 : s;
}

// resilience4j computes rates as float percentages (`failed * 100.0f / total`) and compares
// them with float thresholds. Doing the same makes every open/close decision bit-identical to
// resilience4j's, including exactly at the threshold, and a threshold parsed as
// 0.30000000000000004 still rounds to 30.0f.
float percent(std::uint32_t part, std::uint32_t total) {
    return static_cast<float>(part) * 100.0f / static_cast<float>(total);
}

} // namespace

void CircuitBreakerParams::validate() const {
    require(sliding_window_size >= 1, "sliding_window_size must be >= 1");
    require(minimum_number_of_calls >= 1, "minimum_number_of_calls must be >= 1");
    require(failure_rate_threshold > 0.0 && failure_rate_threshold <= 1.0,
            "failure_rate_threshold must be in (0, 1]");
    require(slow_call_rate_threshold > 0.0 && slow_call_rate_threshold <= 1.0,
            "slow_call_rate_threshold must be in (0, 1]");
    require(slow_call_duration_threshold >= SimTime::from_ns(1),
            "slow_call_duration_threshold must be >= 1ns");
    require(wait_duration_in_open_state >= SimTime::from_ms(1),
            "wait_duration_in_open_state must be >= 1ms");
    require(permitted_number_of_calls_in_half_open_state >= 1,
            "permitted_number_of_calls_in_half_open_state must be >= 1");
    require(max_wait_duration_in_half_open_state == SimTime::zero() ||
                max_wait_duration_in_half_open_state >= SimTime::from_ms(1),
            "max_wait_duration_in_half_open_state must be 0 (wait indefinitely) or >= 1ms");
}

double CircuitBreaker::WindowSnapshot::failure_rate() const {
    return calls ? static_cast<double>(failures) / static_cast<double>(calls) : 0.0;
}

double CircuitBreaker::WindowSnapshot::slow_call_rate() const {
    return calls ? static_cast<double>(slow_calls) / static_cast<double>(calls) : 0.0;
}

// ---- OutcomeWindow ----------------------------------------------------------------------

CircuitBreaker::OutcomeWindow::OutcomeWindow(SlidingWindowType type, std::uint32_t size,
                                             SimTime now)
    : type_(type), size_(size) {
    if (type_ == SlidingWindowType::CountBased)
        outcomes_.assign(size_, 0);
    else
        seconds_.assign(size_, SecondBucket{0, {}});
    reset(now);
}

void CircuitBreaker::OutcomeWindow::reset(SimTime now) {
    totals_ = {};
    next_slot_ = 0;
    // A count window needs no clearing: slots are only read once overwritten. A time window's
    // buckets are all cleared (O(size), on transitions only) so that none can pass for a
    // second inside the new window.
    for (auto& b : seconds_)
        b = SecondBucket{std::numeric_limits<std::int64_t>::min(), {}};
    head_second_ = epoch_second(now);
}

void CircuitBreaker::OutcomeWindow::move_to_second(std::int64_t second) {
    // Simulated time never goes back; an earlier second is treated as the head's.
    if (second <= head_second_) return;
    // Evict the seconds that fall out: at most the whole ring, however long the gap.
    const std::int64_t first =
        std::max(head_second_ + 1, second - static_cast<std::int64_t>(size_) + 1);
    const auto n = static_cast<std::int64_t>(size_);
    for (std::int64_t s = first; s <= second; ++s) {
        SecondBucket& b = seconds_[static_cast<std::size_t>(((s % n) + n) % n)];
        totals_.calls -= b.totals.calls;
        totals_.failures -= b.totals.failures;
        totals_.slow_calls -= b.totals.slow_calls;
        b = SecondBucket{s, {}};
    }
    head_second_ = second;
}

const CircuitBreaker::WindowSnapshot&
CircuitBreaker::OutcomeWindow::record(SimTime now, bool failure, bool slow) {
    const std::uint32_t f = failure ? 1u : 0u;
    const std::uint32_t sl = slow ? 1u : 0u;
    if (type_ == SlidingWindowType::CountBased) {
        if (totals_.calls == size_) { // full: the oldest outcome, in the next slot, leaves
            const std::uint8_t old = outcomes_[next_slot_];
            totals_.failures -= (old & kFailureBit) ? 1u : 0u;
            totals_.slow_calls -= (old & kSlowBit) ? 1u : 0u;
        } else {
            ++totals_.calls;
        }
        outcomes_[next_slot_] =
            static_cast<std::uint8_t>((failure ? kFailureBit : 0) | (slow ? kSlowBit : 0));
        next_slot_ = (next_slot_ + 1 == size_) ? 0 : next_slot_ + 1;
    } else {
        const std::int64_t s = std::max(epoch_second(now), head_second_);
        move_to_second(s);
        const auto n = static_cast<std::int64_t>(size_);
        SecondBucket& b = seconds_[static_cast<std::size_t>(((s % n) + n) % n)];
        b.epoch_second = s; // a bucket cleared by reset() belongs to no second yet
        ++b.totals.calls;
        b.totals.failures += f;
        b.totals.slow_calls += sl;
        ++totals_.calls;
    }
    totals_.failures += f;
    totals_.slow_calls += sl;
    return totals_;
}

CircuitBreaker::WindowSnapshot CircuitBreaker::OutcomeWindow::at(SimTime now) const {
    if (type_ == SlidingWindowType::CountBased) return totals_;
    // Without moving the ring: sum the buckets still inside the window ending at `now`.
    const std::int64_t newest = std::max(epoch_second(now), head_second_);
    const std::int64_t oldest = newest - static_cast<std::int64_t>(size_) + 1;
    WindowSnapshot w;
    for (const auto& b : seconds_) {
        if (b.epoch_second < oldest || b.epoch_second > newest) continue;
        w.calls += b.totals.calls;
        w.failures += b.totals.failures;
        w.slow_calls += b.totals.slow_calls;
    }
    return w;
}

// ---- CircuitBreaker ---------------------------------------------------------------------

CircuitBreaker::CircuitBreaker(const CircuitBreakerParams& params, SimTime now)
    : params_(validated(params)),
      // resilience4j: a count window can never hold more than its size, so the minimum is
      // capped by it; a time window can, so its minimum stands. The HALF_OPEN window is a
      // count window of the permitted trials.
      closed_minimum_calls_(
          params.sliding_window_type == SlidingWindowType::CountBased
              ? std::min(params.minimum_number_of_calls, params.sliding_window_size)
              : params.minimum_number_of_calls),
      half_open_minimum_calls_(std::min(params.minimum_number_of_calls,
                                        params.permitted_number_of_calls_in_half_open_state)),
      failure_threshold_percent_(static_cast<float>(params.failure_rate_threshold * 100.0)),
      slow_call_threshold_percent_(static_cast<float>(params.slow_call_rate_threshold * 100.0)),
      closed_(params.sliding_window_type, params.sliding_window_size, now),
      half_open_(SlidingWindowType::CountBased, params.permitted_number_of_calls_in_half_open_state,
                 now) {}

bool CircuitBreaker::try_acquire_permission(SimTime now) {
    advance(now);
    switch (state_) {
    case State::Closed:
        return true;
    case State::Open:
        if (now > open_until_) {
            transition_to(State::HalfOpen, Cause::WaitDurationElapsed, now);
            break; // the attempt becomes the first trial below
        }
        ++counters_.not_permitted;
        return false;
    case State::HalfOpen:
        break;
    }
    if (trial_permits_left_ > 0) {
        --trial_permits_left_;
        return true;
    }
    ++counters_.not_permitted;
    return false;
}

void CircuitBreaker::advance(SimTime now) {
    // A loop: with both timed transitions enabled and no traffic, several may be due.
    for (;;) {
        if (state_ == State::Open && params_.automatic_transition_from_open_to_half_open_enabled &&
            now >= open_until_) {
            transition_to(State::HalfOpen, Cause::WaitDurationElapsed, open_until_);
        } else if (state_ == State::HalfOpen && now >= half_open_until_) {
            transition_to(State::Open, Cause::MaxWaitInHalfOpenElapsed, half_open_until_);
        } else {
            return;
        }
    }
}

SimTime CircuitBreaker::next_timed_transition() const {
    if (state_ == State::Open && params_.automatic_transition_from_open_to_half_open_enabled)
        return open_until_;
    if (state_ == State::HalfOpen) return half_open_until_;
    return SimTime::max();
}

CircuitBreaker::WindowSnapshot CircuitBreaker::window(SimTime now) const {
    return window_in_use().at(now);
}

void CircuitBreaker::record_outcome(SimTime now, SimTime duration, bool failure) {
    advance(now);
    const bool slow = duration > params_.slow_call_duration_threshold;
    ++counters_.calls;
    ++(failure ? counters_.failures : counters_.successes);
    if (slow) ++counters_.slow_calls;

    switch (state_) {
    case State::Closed: {
        const Verdict v = evaluate(closed_.record(now, failure, slow), closed_minimum_calls_);
        if (v == Verdict::FailureRateExceeded)
            transition_to(State::Open, Cause::FailureRateExceeded, now);
        else if (v == Verdict::SlowCallRateExceeded)
            transition_to(State::Open, Cause::SlowCallRateExceeded, now);
        break;
    }
    case State::Open:
        // A call permitted before the breaker opened: recorded, decides nothing (resilience4j's
        // OpenState records it in the metrics it kept).
        window_in_use().record(now, failure, slow);
        break;
    case State::HalfOpen: {
        const Verdict v = evaluate(half_open_.record(now, failure, slow), half_open_minimum_calls_);
        if (v == Verdict::FailureRateExceeded || v == Verdict::SlowCallRateExceeded)
            transition_to(State::Open, Cause::HalfOpenTrialsFailed, now);
        else if (v == Verdict::BelowThresholds)
            transition_to(State::Closed, Cause::HalfOpenTrialsPassed, now);
        break;
    }
    }
}

CircuitBreaker::Verdict CircuitBreaker::evaluate(const WindowSnapshot& w,
                                                 std::uint32_t minimum_calls) const {
    if (w.calls == 0 || w.calls < minimum_calls) return Verdict::BelowMinimumCalls;
    if (percent(w.failures, w.calls) >= failure_threshold_percent_)
        return Verdict::FailureRateExceeded;
    if (percent(w.slow_calls, w.calls) >= slow_call_threshold_percent_)
        return Verdict::SlowCallRateExceeded;
    return Verdict::BelowThresholds;
}

void CircuitBreaker::transition_to(State to, Cause cause, SimTime at) {
    ++counters_.transitions;
    if (to == State::Open) ++counters_.opened;
    if (transitions_.size() < kMaxRecordedTransitions) {
        const WindowSnapshot w = window_in_use().at(at);
        transitions_.push_back(
            Transition{at, state_, to, cause, w.failure_rate(), w.slow_call_rate()});
    }
    state_ = to;
    open_until_ = SimTime::max();
    half_open_until_ = SimTime::max();
    trial_permits_left_ = 0;
    switch (to) {
    case State::Closed:
        closed_.reset(at);
        in_half_open_window_ = false;
        break;
    case State::Open:
        open_until_ = at + params_.wait_duration_in_open_state;
        break;
    case State::HalfOpen:
        half_open_.reset(at);
        in_half_open_window_ = true;
        trial_permits_left_ = params_.permitted_number_of_calls_in_half_open_state;
        if (params_.max_wait_duration_in_half_open_state > SimTime::zero())
            half_open_until_ = at + params_.max_wait_duration_in_half_open_state;
        break;
    }
}

void CircuitBreaker::restart_statistics() {
    counters_ = {};
    transitions_.clear();
}

std::string_view to_string(CircuitBreaker::State state) {
    return name_of(state);
}

std::string_view to_string(CircuitBreaker::Cause cause) {
    return name_of(cause);
}

void CircuitBreaker::set_failure_rate_threshold(double threshold) {
    CircuitBreakerParams changed = params_;
    changed.failure_rate_threshold = threshold;
    changed.validate();
    params_ = changed;
    failure_threshold_percent_ = static_cast<float>(threshold * 100.0);
}

} // namespace tpssim::models
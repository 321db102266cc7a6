#include "models/circuit_breaker.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <stdexcept>

using namespace tpssim;

using models::CircuitBreaker;
using models::CircuitBreakerParams;
using models::SlidingWindowType;
using sim::SimTime;
using State = CircuitBreaker::State;
using Cause = CircuitBreaker::Cause;

namespace {

const SimTime kFast = SimTime::from_ms(10);
const SimTime kSlow = SimTime::from_s(2);

// A count window of 10 calls, all of them needed before rates count, opening at 50% failures
// or 100% slow calls (> 1 s), waiting 60 s open, then 3 trial calls.
CircuitBreakerParams small_params() {
    CircuitBreakerParams p;
    p.sliding_window_size = 10;
    p.minimum_number_of_calls = 10;
    p.slow_call_duration_threshold = SimTime::from_s(1);
    p.permitted_number_of_calls_in_half_open_state = 3;
    return p;
}

// One call at `now` that succeeds or fails after `duration`; false if it was not permitted.
bool call(CircuitBreaker& cb, SimTime now, bool fails, SimTime duration = kFast) {
    if (!cb.try_acquire_permission(now)) return false;
    if (fails)
        cb.on_error(now, duration);
    else
        cb.on_success(now, duration);
    return true;
}

void calls(CircuitBreaker& cb, SimTime now, int n, bool fails, SimTime duration = kFast) {
    for (int i = 0; i < n; ++i)
        REQUIRE(call(cb, now, fails, duration));
}

// Opens a small_params() breaker at `t` with ten failures.
CircuitBreaker opened_at(SimTime t, CircuitBreakerParams p = small_params()) {
    CircuitBreaker cb(p);
    calls(cb, t, 10, true);
    REQUIRE(cb.state() == State::Open);
    return cb;
}

} // namespace

TEST_CASE("defaults are resilience4j's") {
    const CircuitBreakerParams p;
    CHECK(p.sliding_window_type == SlidingWindowType::CountBased);
    CHECK(p.sliding_window_size == 100);
    CHECK(p.minimum_number_of_calls == 100);
    CHECK(p.failure_rate_threshold == 0.5);
    CHECK(p.slow_call_rate_threshold == 1.0);
    CHECK(p.slow_call_duration_threshold == SimTime::from_s(60));
    CHECK(p.wait_duration_in_open_state == SimTime::from_s(60));
    CHECK(p.permitted_number_of_calls_in_half_open_state == 10);
    CHECK_FALSE(p.automatic_transition_from_open_to_half_open_enabled);
    CHECK(p.max_wait_duration_in_half_open_state == SimTime::zero());
    CircuitBreaker cb(p);
    CHECK(cb.state() == State::Closed);
    CHECK(cb.next_timed_transition() == SimTime::max());
}

TEST_CASE("parameters out of resilience4j's ranges are rejected") {
    auto rejects = [](auto change) {
        CircuitBreakerParams p;
        change(p);
        CHECK_THROWS_AS(CircuitBreaker{p}, std::invalid_argument);
    };
    rejects([](CircuitBreakerParams& p) { p.sliding_window_size = 0; });
    rejects([](CircuitBreakerParams& p) { p.minimum_number_of_calls = 0; });
    rejects([](CircuitBreakerParams& p) { p.failure_rate_threshold = 0.0; });
    rejects([](CircuitBreakerParams& p) { p.failure_rate_threshold = 1.01; });
    rejects([](CircuitBreakerParams& p) { p.slow_call_rate_threshold = 0.0; });
    rejects([](CircuitBreakerParams& p) { p.slow_call_duration_threshold = SimTime::zero(); });
    rejects([](CircuitBreakerParams& p) { p.wait_duration_in_open_state = SimTime::from_us(999); });
    rejects([](CircuitBreakerParams& p) { p.permitted_number_of_calls_in_half_open_state = 0; });
    rejects([](CircuitBreakerParams& p) {
        p.max_wait_duration_in_half_open_state = SimTime::from_us(500);
    });
}

TEST_CASE("CLOSED -> OPEN when the failure rate reaches the threshold, not before") {
    CircuitBreaker cb(small_params());
    const SimTime t = SimTime::from_s(5);
    calls(cb, t, 6, false);
    calls(cb, t, 4, true); // 4/10 = 40% < 50%
    CHECK(cb.state() == State::Closed);
    CHECK(cb.window(t).calls == 10);
    CHECK(cb.window(t).failures == 4);
    CHECK(call(cb, t, true)); // the oldest success leaves: 5/10 = 50% >= 50%
    CHECK(cb.state() == State::Open);
    REQUIRE(cb.transitions().size() == 1);
    const auto& tr = cb.transitions()[0];
    CHECK(tr.at == t);
    CHECK(tr.from == State::Closed);
    CHECK(tr.to == State::Open);
    CHECK(tr.cause == Cause::FailureRateExceeded);
    CHECK(tr.failure_rate == 0.5);
    CHECK(tr.slow_call_rate == 0.0);
    CHECK(cb.open_until() == t + SimTime::from_s(60));
    CHECK(cb.counters().opened == 1);
}

TEST_CASE("a threshold written as a percentage opens exactly at it, as resilience4j's floats do") {
    // 0.1 * 3 is 0.30000000000000004, a hair above 3/10 in double; resilience4j compares float
    // percentages, where both are 30.0f.
    for (const double threshold : {0.3, 0.1 * 3}) {
        auto p = small_params();
        p.failure_rate_threshold = threshold;
        CircuitBreaker cb(p);
        calls(cb, SimTime::zero(), 7, false);
        calls(cb, SimTime::zero(), 2, true);
        CHECK(cb.state() == State::Closed);
        CHECK(call(cb, SimTime::zero(), true)); // 3/10
        CHECK(cb.state() == State::Open);
    }
}

TEST_CASE("CLOSED -> OPEN when the slow-call rate reaches the threshold") {
    SUBCASE("default 100%: every call in the window slow, successes included") {
        CircuitBreaker cb(small_params());
        calls(cb, SimTime::zero(), 9, false, kSlow);
        CHECK(cb.state() == State::Closed);
        CHECK(call(cb, SimTime::zero(), false, kSlow));
        CHECK(cb.state() == State::Open);
        CHECK(cb.transitions()[0].cause == Cause::SlowCallRateExceeded);
        CHECK(cb.transitions()[0].slow_call_rate == 1.0);
        CHECK(cb.transitions()[0].failure_rate == 0.0);
        CHECK(cb.counters().slow_calls == 10);
    }
    SUBCASE("a call of exactly the slow-call duration is not slow") {
        CircuitBreaker cb(small_params());
        calls(cb, SimTime::zero(), 9, false, kSlow);
        CHECK(call(cb, SimTime::zero(), false, SimTime::from_s(1)));
        CHECK(cb.state() == State::Closed);
        CHECK(cb.counters().slow_calls == 9);
    }
    SUBCASE("a lower threshold, and failure rate takes precedence as the cause") {
        auto p = small_params();
        p.slow_call_rate_threshold = 0.5;
        CircuitBreaker cb(p);
        calls(cb, SimTime::zero(), 5, false);
        calls(cb, SimTime::zero(), 5, true, kSlow); // 50% failed and 50% slow
        CHECK(cb.state() == State::Open);
        CHECK(cb.transitions()[0].cause == Cause::FailureRateExceeded);
        CHECK(cb.transitions()[0].slow_call_rate == 0.5);
    }
}

TEST_CASE("no rate is evaluated before the minimum number of calls, even at 100% failures") {
    SUBCASE("count window larger than the minimum") {
        auto p = small_params();
        p.sliding_window_size = 100;
        p.minimum_number_of_calls = 20;
        CircuitBreaker cb(p);
        calls(cb, SimTime::zero(), 19, true);
        CHECK(cb.state() == State::Closed);
        CHECK(call(cb, SimTime::zero(), true));
        CHECK(cb.state() == State::Open);
    }
    SUBCASE("a count window caps the minimum at its size") {
        auto p = small_params();
        p.minimum_number_of_calls = 100; // resilience4j uses min(100, 10)
        CircuitBreaker cb(p);
        calls(cb, SimTime::zero(), 9, true);
        CHECK(cb.state() == State::Closed);
        CHECK(call(cb, SimTime::zero(), true));
        CHECK(cb.state() == State::Open);
    }
    SUBCASE("a time window does not cap it") {
        auto p = small_params();
        p.sliding_window_type = SlidingWindowType::TimeBased;
        p.sliding_window_size = 10; // seconds
        p.minimum_number_of_calls = 20;
        CircuitBreaker cb(p);
        calls(cb, SimTime::zero(), 19, true);
        CHECK(cb.state() == State::Closed);
        CHECK(call(cb, SimTime::zero(), true));
        CHECK(cb.state() == State::Open);
    }
}

TEST_CASE("OPEN rejects until the wait has elapsed, then the next attempt is a HALF_OPEN trial") {
    const SimTime t0 = SimTime::from_s(100);
    CircuitBreaker cb = opened_at(t0);
    const SimTime until = t0 + SimTime::from_s(60);
    CHECK(cb.open_until() == until);
    CHECK(cb.next_timed_transition() == SimTime::max()); // lazy: nothing for a timer to do

    CHECK_FALSE(cb.try_acquire_permission(t0 + SimTime::from_ms(1)));
    CHECK_FALSE(cb.try_acquire_permission(until - SimTime::from_ns(1)));
    CHECK_FALSE(cb.try_acquire_permission(until)); // resilience4j: Instant.isAfter, strictly
    CHECK(cb.counters().not_permitted == 3);
    cb.advance(until + SimTime::from_s(30)); // without the automatic transition: no change
    CHECK(cb.state() == State::Open);

    const SimTime t1 = until + SimTime::from_s(30);
    CHECK(cb.try_acquire_permission(t1));
    CHECK(cb.state() == State::HalfOpen);
    CHECK(cb.trial_permits_left() == 2);
    REQUIRE(cb.transitions().size() == 2);
    CHECK(cb.transitions()[1].at == t1); // when the attempt came, not when the wait ended
    CHECK(cb.transitions()[1].from == State::Open);
    CHECK(cb.transitions()[1].to == State::HalfOpen);
    CHECK(cb.transitions()[1].cause == Cause::WaitDurationElapsed);
    CHECK(cb.transitions()[1].failure_rate == 1.0); // the kept window that opened it
}

TEST_CASE("with the automatic transition, OPEN -> HALF_OPEN at exactly the end of the wait") {
    auto p = small_params();
    p.automatic_transition_from_open_to_half_open_enabled = true;
    const SimTime t0 = SimTime::from_s(1);
    const SimTime until = t0 + SimTime::from_s(60);

    SUBCASE("driven by the model's timer") {
        CircuitBreaker cb = opened_at(t0, p);
        CHECK(cb.next_timed_transition() == until);
        cb.advance(until - SimTime::from_ns(1));
        CHECK(cb.state() == State::Open);
        cb.advance(until);
        CHECK(cb.state() == State::HalfOpen);
        CHECK(cb.transitions().back().at == until);
        CHECK(cb.try_acquire_permission(until));
    }
    SUBCASE("applied lazily, at its due time, by a later call") {
        CircuitBreaker cb = opened_at(t0, p);
        CHECK(cb.try_acquire_permission(until + SimTime::from_s(5)));
        CHECK(cb.state() == State::HalfOpen);
        CHECK(cb.transitions().back().at == until);
    }
}

TEST_CASE("HALF_OPEN -> CLOSED when the trials pass, with a fresh window") {
    const SimTime t = SimTime::from_s(200);
    CircuitBreaker cb = opened_at(SimTime::zero());
    CHECK(call(cb, t, false));
    CHECK(call(cb, t, true));
    CHECK(cb.state() == State::HalfOpen); // 2 of 3 trials: no verdict yet
    CHECK(call(cb, t, false));            // 1/3 = 33% < 50%
    CHECK(cb.state() == State::Closed);
    CHECK(cb.transitions().back().cause == Cause::HalfOpenTrialsPassed);
    CHECK(cb.transitions().back().failure_rate == doctest::Approx(1.0 / 3.0));
    CHECK(cb.window(t).calls == 0);
    calls(cb, t, 9, true); // a fresh window: 9 calls are below the minimum again
    CHECK(cb.state() == State::Closed);
}

TEST_CASE("HALF_OPEN -> OPEN when the trials fail, with a new wait") {
    const SimTime t = SimTime::from_s(200);
    CircuitBreaker cb = opened_at(SimTime::zero());
    CHECK(call(cb, t, true));
    CHECK(call(cb, t, false));
    CHECK(call(cb, t, true)); // 2/3 = 67% >= 50%
    CHECK(cb.state() == State::Open);
    CHECK(cb.transitions().back().cause == Cause::HalfOpenTrialsFailed);
    CHECK(cb.open_until() == t + SimTime::from_s(60));
    CHECK(cb.counters().opened == 2);

    // Slow trials fail them too.
    CircuitBreaker slow = opened_at(SimTime::zero());
    calls(slow, t, 3, false, kSlow);
    CHECK(slow.state() == State::Open);
    CHECK(slow.transitions().back().cause == Cause::HalfOpenTrialsFailed);
}

TEST_CASE("HALF_OPEN rejects calls beyond the permitted trials until a verdict") {
    const SimTime t = SimTime::from_s(200);
    CircuitBreaker cb = opened_at(SimTime::zero());
    for (int i = 0; i < 3; ++i)
        CHECK(cb.try_acquire_permission(t)); // the first attempt also moves it to HALF_OPEN
    CHECK(cb.trial_permits_left() == 0);
    const auto refused_before = cb.counters().not_permitted;
    CHECK_FALSE(cb.try_acquire_permission(t));
    CHECK_FALSE(cb.try_acquire_permission(t + SimTime::from_s(3600)));
    CHECK(cb.counters().not_permitted == refused_before + 2);
    // A completed trial does not give its permit back (resilience4j releases permits only
    // for ignored exceptions).
    cb.on_success(t, kFast);
    CHECK_FALSE(cb.try_acquire_permission(t));
    cb.on_success(t, kFast);
    cb.on_success(t, kFast);
    CHECK(cb.state() == State::Closed);
    CHECK(cb.try_acquire_permission(t));
}

TEST_CASE("HALF_OPEN decides after min(minimum_number_of_calls, permitted trials) outcomes") {
    auto p = small_params();
    p.minimum_number_of_calls = 2;
    p.sliding_window_size = 2;
    p.permitted_number_of_calls_in_half_open_state = 5;
    CircuitBreaker cb(p);
    calls(cb, SimTime::zero(), 2, true);
    REQUIRE(cb.state() == State::Open);
    const SimTime t = SimTime::from_s(61);
    CHECK(call(cb, t, false));
    CHECK(cb.state() == State::HalfOpen);
    CHECK(call(cb, t, false));
    CHECK(cb.state() == State::Closed);
}

TEST_CASE("HALF_OPEN -> OPEN after max_wait_duration_in_half_open_state without a verdict") {
    auto p = small_params();
    p.max_wait_duration_in_half_open_state = SimTime::from_s(10);
    CircuitBreaker cb = opened_at(SimTime::zero(), p);
    const SimTime t = SimTime::from_s(70);
    CHECK(cb.try_acquire_permission(t));
    REQUIRE(cb.state() == State::HalfOpen);
    CHECK(cb.half_open_until() == t + SimTime::from_s(10));
    CHECK(cb.next_timed_transition() == t + SimTime::from_s(10));

    SUBCASE("by the model's timer") {
        cb.advance(t + SimTime::from_s(10));
        CHECK(cb.state() == State::Open);
    }
    SUBCASE("lazily, at its due time, by the trial's late outcome") {
        cb.on_success(t + SimTime::from_s(15), kFast); // recorded, decides nothing while OPEN
        CHECK(cb.state() == State::Open);
    }
    CHECK(cb.transitions().back().at == t + SimTime::from_s(10));
    CHECK(cb.transitions().back().cause == Cause::MaxWaitInHalfOpenElapsed);
    CHECK(cb.open_until() == t + SimTime::from_s(70));
}

TEST_CASE("outcomes count in the state they arrive in, as in resilience4j") {
    CircuitBreaker cb(small_params());
    // Three calls permitted while CLOSED are still running when the breaker opens.
    for (int i = 0; i < 3; ++i)
        REQUIRE(cb.try_acquire_permission(SimTime::zero()));
    calls(cb, SimTime::zero(), 10, true);
    REQUIRE(cb.state() == State::Open);
    cb.on_success(SimTime::from_s(1), kFast); // while OPEN: recorded, decides nothing
    CHECK(cb.state() == State::Open);
    const SimTime t = SimTime::from_s(61);
    CHECK(cb.try_acquire_permission(t)); // one trial permitted...
    cb.on_success(t, kFast);             // ...but the two late CLOSED calls complete first
    cb.on_success(t, kFast);
    CHECK(cb.state() == State::HalfOpen);
    cb.on_error(t, kFast); // 3 outcomes: 1/3 < 50%
    CHECK(cb.state() == State::Closed);
    CHECK(cb.counters().calls == 14);
    CHECK(cb.counters().successes == 3);
    CHECK(cb.counters().failures == 11);
}

TEST_CASE("a time window forgets the seconds that fall out of it") {
    auto p = small_params();
    p.sliding_window_type = SlidingWindowType::TimeBased;
    p.sliding_window_size = 10; // seconds: at time t it holds epoch seconds floor(t)-9 .. floor(t)
    CircuitBreaker cb(p);
    calls(cb, SimTime::from_ms(500), 5, true); // second 0: 5 calls < minimum 10

    SUBCASE("still inside: second 9 sees second 0") {
        const SimTime t = SimTime::from_s(10) - SimTime::from_ns(1);
        CHECK(cb.window(t).calls == 5);
        calls(cb, t, 5, false); // 5/10 = 50%
        CHECK(cb.state() == State::Open);
    }
    SUBCASE("second 10 no longer does") {
        const SimTime t = SimTime::from_s(10);
        CHECK(cb.window(t).calls == 0);
        calls(cb, t, 5, false);
        CHECK(cb.window(t).calls == 5);
        CHECK(cb.window(t).failures == 0);
        calls(cb, t, 5, true); // only these count: 5/10
        CHECK(cb.state() == State::Open);
        CHECK(cb.transitions()[0].failure_rate == 0.5);
    }
    SUBCASE("a long silence empties it") {
        calls(cb, SimTime::from_s(1000), 9, true);
        CHECK(cb.window(SimTime::from_s(1000)).calls == 9);
        CHECK(cb.state() == State::Closed);
    }
}

TEST_CASE("a time window slides second by second") {
    auto p = small_params();
    p.sliding_window_type = SlidingWindowType::TimeBased;
    p.sliding_window_size = 3;
    p.minimum_number_of_calls = 1;
    p.failure_rate_threshold = 1.0; // stays closed unless every call in the window failed
    CircuitBreaker cb(p);
    for (int s = 0; s < 6; ++s) {
        calls(cb, SimTime::from_s(s), 2, false);
        const auto w = cb.window(SimTime::from_s(s));
        CHECK(w.calls == static_cast<std::uint32_t>(2 * std::min(s + 1, 3)));
    }
    // Seconds 6 and 7 had no calls: at 8 the window holds seconds 6-8, only 8 with a call.
    calls(cb, SimTime::from_s(8), 1, true);
    CHECK(cb.window(SimTime::from_s(8)).calls == 1);
    CHECK(cb.state() == State::Open);
}

TEST_CASE("a count window slides: the oldest outcome leaves as a new one enters") {
    CircuitBreaker cb(small_params());
    calls(cb, SimTime::zero(), 10, false);
    calls(cb, SimTime::zero(), 4, true); // 6 successes + 4 failures in the window
    CHECK(cb.window(SimTime::zero()).calls == 10);
    CHECK(cb.window(SimTime::zero()).failures == 4);
    CHECK(cb.state() == State::Closed);
    // Cumulatively this would be 5/15 = 33%; in the window of the last 10 it is 50%.
    CHECK(call(cb, SimTime::zero(), true));
    CHECK(cb.state() == State::Open);

    // Failures leave too: a window that slid past them no longer counts them.
    CircuitBreaker other(small_params());
    calls(other, SimTime::zero(), 4, true);
    calls(other, SimTime::zero(), 6, false);
    calls(other, SimTime::zero(), 4, false);
    CHECK(other.window(SimTime::zero()).failures == 0);
    calls(other, SimTime::zero(), 4, true);
    CHECK(other.state() == State::Closed); // 4/10
}

TEST_CASE("the transition log records every transition, bounded for flapping runs") {
    auto p = small_params();
    p.sliding_window_size = 1;
    p.minimum_number_of_calls = 1;
    p.permitted_number_of_calls_in_half_open_state = 1;
    p.wait_duration_in_open_state = SimTime::from_ms(1);
    CircuitBreaker cb(p);

    // Each cycle: the wait elapses, the one trial fails, the breaker reopens.
    SimTime t = SimTime::zero();
    REQUIRE(call(cb, t, true)); // CLOSED -> OPEN
    const int cycles = 6000;
    for (int i = 0; i < cycles; ++i) {
        t = cb.open_until() + SimTime::from_ns(1);
        REQUIRE(call(cb, t, true)); // OPEN -> HALF_OPEN -> OPEN
    }
    const std::uint64_t total = 1 + 2 * cycles;
    CHECK(cb.counters().transitions == total);
    CHECK(cb.counters().opened == 1 + cycles);
    CHECK(cb.transitions().size() == CircuitBreaker::kMaxRecordedTransitions);
    CHECK(cb.transitions_dropped() == total - CircuitBreaker::kMaxRecordedTransitions);

    const auto log = cb.transitions();
    CHECK(log[0].at == SimTime::zero());
    CHECK(log[0].from == State::Closed);
    CHECK(log[0].to == State::Open);
    CHECK(log[0].cause == Cause::FailureRateExceeded);
    const SimTime first_trial = SimTime::from_ms(1) + SimTime::from_ns(1);
    CHECK(log[1].at == first_trial);
    CHECK(log[1].from == State::Open);
    CHECK(log[1].to == State::HalfOpen);
    CHECK(log[1].cause == Cause::WaitDurationElapsed);
    CHECK(log[2].at == first_trial);
    CHECK(log[2].from == State::HalfOpen);
    CHECK(log[2].to == State::Open);
    CHECK(log[2].cause == Cause::HalfOpenTrialsFailed);
    CHECK(log[2].failure_rate == 1.0);
    for (std::size_t i = 1; i < log.size(); ++i) {
        REQUIRE(log[i].from == log[i - 1].to);
        REQUIRE(log[i].at >= log[i - 1].at);
    }

    cb.restart_statistics();
    CHECK(cb.transitions().empty());
    CHECK(cb.transitions_dropped() == 0);
    CHECK(cb.counters().calls == 0);
    CHECK(cb.state() == State::Open); // the state survives a statistics restart
}

TEST_CASE("states and causes have stable names") {
    CHECK(models::to_string(State::Closed) == "closed");
    CHECK(models::to_string(State::Open) == "open");
    CHECK(models::to_string(State::HalfOpen) == "half_open");
    CHECK(models::to_string(Cause::FailureRateExceeded) == "failure_rate_exceeded");
    CHECK(models::to_string(Cause::SlowCallRateExceeded) == "slow_call_rate_exceeded");
    CHECK(models::to_string(Cause::WaitDurationElapsed) == "wait_duration_elapsed");
    CHECK(models::to_string(Cause::HalfOpenTrialsPassed) == "half_open_trials_passed");
    CHECK(models::to_string(Cause::HalfOpenTrialsFailed) == "half_open_trials_failed");
    CHECK(models::to_string(Cause::MaxWaitInHalfOpenElapsed) == "max_wait_in_half_open_elapsed");
}

#pragma once
/// A circuit breaker with resilience4j's CircuitBreaker semantics, in simulated time.
///
/// It follows resilience4j 2.x (`CircuitBreakerStateMachine`, `CircuitBreakerMetrics`,
/// `FixedSizeSlidingWindowMetrics`, `SlidingTimeWindowMetrics`) rule for rule, so that a lab
/// tuned against tpssim behaves the same against a real resilience4j service:
/// - CLOSED permits every call and records each outcome in a sliding window; once the window
///   holds at least `minimum_number_of_calls` outcomes (for a count window
///   min(minimum_number_of_calls, window size)), a failure rate or slow-call rate >= its
///   threshold opens the breaker.
/// - OPEN rejects calls until `wait_duration_in_open_state` has passed; the first call attempt
///   strictly after that (resilience4j's `Instant.isAfter`) moves it to HALF_OPEN and is
///   permitted as a trial. With `automatic_transition_from_open_to_half_open_enabled`, the
///   move happens at exactly the end of the wait instead.
/// - HALF_OPEN permits `permitted_number_of_calls_in_half_open_state` trial calls and rejects
///   the rest; once min(minimum_number_of_calls, permitted trials) outcomes are recorded, a rate
///   >= its threshold reopens the breaker, otherwise it closes. With a non-zero
///   `max_wait_duration_in_half_open_state` it reopens when that time passes first.
/// - Every transition starts a fresh window (resilience4j builds new metrics for CLOSED and
///   HALF_OPEN; OPEN keeps the window it came from, which no longer decides anything).
/// - Outcomes are recorded in whatever state the breaker is in when they arrive, as in
///   resilience4j: a call permitted while CLOSED that completes while HALF_OPEN counts as a
///   trial outcome.
///
/// Time-driven transitions (the automatic OPEN -> HALF_OPEN and the HALF_OPEN time-out) are
/// applied lazily by every call at their exact due times, so a model does not need a timer for
/// correctness; it schedules one at `next_timed_transition()` and calls `advance` only when it
/// wants the state change to be observable at that instant (gauges, transition times).

#include "models/enum_names.hpp"
#include "sim/sim_time.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tpssim::models {

using sim::SimTime;

/// How the CLOSED state's window aggregates outcomes (resilience4j `slidingWindowType`).
enum class SlidingWindowType : std::uint8_t {
    CountBased, ///< the last N recorded calls
    TimeBased,  ///< the calls recorded in the last N epoch seconds of simulated time
};

/// The names of SlidingWindowType in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<SlidingWindowType>, 2> kSlidingWindowTypeNames{{
    {SlidingWindowType::CountBased, "count"},
    {SlidingWindowType::TimeBased, "time"},
}};
static_assert(is_dense_table(kSlidingWindowTypeNames));
constexpr std::span<const EnumName<SlidingWindowType>> enum_names(SlidingWindowType) {
    return kSlidingWindowTypeNames;
}

/// A circuit breaker's configuration, with resilience4j's names and defaults. Ratios are
/// fractions in (0, 1] (the scenario's `50%` arrives as 0.5).
struct CircuitBreakerParams {
    /// COUNT_BASED or TIME_BASED.
    SlidingWindowType sliding_window_type = SlidingWindowType::CountBased;
    /// Calls (CountBased) or seconds (TimeBased); >= 1.
    std::uint32_t sliding_window_size = 100;
    /// Outcomes the window must hold before rates are evaluated; >= 1.
    std::uint32_t minimum_number_of_calls = 100;
    /// Opens when the failure rate is >= this; in (0, 1].
    double failure_rate_threshold = 0.5;
    /// Opens when the slow-call rate is >= this; in (0, 1].
    double slow_call_rate_threshold = 1.0;
    /// A call is slow when it takes strictly longer than this; >= 1 ns.
    SimTime slow_call_duration_threshold = SimTime::from_s(60);
    /// How long OPEN rejects calls; >= 1 ms.
    SimTime wait_duration_in_open_state = SimTime::from_s(60);
    /// Trial calls HALF_OPEN lets through; >= 1.
    std::uint32_t permitted_number_of_calls_in_half_open_state = 10;
    /// OPEN -> HALF_OPEN at the end of the wait rather than on the next call attempt.
    bool automatic_transition_from_open_to_half_open_enabled = false;
    /// HALF_OPEN reopens after this long without a verdict; zero waits indefinitely, otherwise
    /// >= 1 ms (resilience4j ignores values below one millisecond; here they are an error).
    SimTime max_wait_duration_in_half_open_state = SimTime::zero();

    /// Throws std::invalid_argument naming the first field out of range.
    void validate() const;
};

/// One circuit breaker: its validated parameters, its state machine, its windows, its counters.
class CircuitBreaker {
public:
    /// The breaker's states (resilience4j's FORCED_OPEN, DISABLED and METRICS_ONLY are not
    /// modelled: nothing in a scenario forces them).
    enum class State : std::uint8_t { Closed, Open, HalfOpen };

    /// Why a transition happened.
    enum class Cause : std::uint8_t {
        FailureRateExceeded,      ///< CLOSED -> OPEN (also when both rates are exceeded)
        SlowCallRateExceeded,     ///< CLOSED -> OPEN, failure rate below its threshold
        WaitDurationElapsed,      ///< OPEN -> HALF_OPEN
        HalfOpenTrialsPassed,     ///< HALF_OPEN -> CLOSED
        HalfOpenTrialsFailed,     ///< HALF_OPEN -> OPEN
        MaxWaitInHalfOpenElapsed, ///< HALF_OPEN -> OPEN, no verdict in time
    };

    /// A recorded transition. The rates are those of the window in use just before it (the one
    /// that was evaluated, or the kept one for time-driven transitions), as fractions of the
    /// outcomes it holds; 0 when it holds none.
    struct Transition {
        SimTime at;            ///< when it happened (a timed one: its due time)
        State from;            ///< the state left
        State to;              ///< the state entered
        Cause cause;           ///< why
        double failure_rate;   ///< of the window in use before it, in [0, 1]
        double slow_call_rate; ///< of the window in use before it, in [0, 1]
    };

    /// Totals since construction or the last `restart_statistics`.
    struct Counters {
        std::uint64_t calls = 0;         ///< outcomes recorded (successes + failures)
        std::uint64_t successes = 0;     ///< on_success calls
        std::uint64_t failures = 0;      ///< on_error calls
        std::uint64_t slow_calls = 0;    ///< outcomes slower than the slow-call threshold
        std::uint64_t not_permitted = 0; ///< attempts refused: fail fast
        std::uint64_t opened = 0;        ///< transitions into OPEN, including unrecorded ones
        std::uint64_t transitions = 0;   ///< all transitions, including unrecorded ones
    };

    /// What one window holds at some instant.
    struct WindowSnapshot {
        std::uint32_t calls = 0;      ///< outcomes in the window
        std::uint32_t failures = 0;   ///< of which failures
        std::uint32_t slow_calls = 0; ///< of which slow (failed or not)
        /// failures / calls, 0 when empty.
        double failure_rate() const;
        /// slow_calls / calls, 0 when empty.
        double slow_call_rate() const;
    };

    /// The transition log keeps this many entries, then only counts: a breaker that flaps for
    /// a simulated year must not grow memory without bound.
    static constexpr std::size_t kMaxRecordedTransitions = 10'000;

    /// A CLOSED breaker at time `now`; validates `params` (std::invalid_argument). Allocates
    /// its windows here, once: no call allocates afterwards (except the transition log).
    explicit CircuitBreaker(const CircuitBreakerParams& params, SimTime now = SimTime::zero());

    /// Asks to make a call at `now`. false: not permitted, fail fast (counted as not_permitted).
    bool try_acquire_permission(SimTime now);
    /// A permitted call completed successfully at `now` after `duration`.
    void on_success(SimTime now, SimTime duration) { record_outcome(now, duration, false); }
    /// A permitted call failed at `now` after `duration`.
    void on_error(SimTime now, SimTime duration) { record_outcome(now, duration, true); }
    /// Applies the time-driven transitions due at or before `now`, each at its due time.
    void advance(SimTime now);

    /// The current state (as of the last call; see `advance`).
    State state() const { return state_; }
    /// While OPEN: the end of the wait. A call attempt strictly after it is a trial; with the
    /// automatic transition, the breaker becomes HALF_OPEN at exactly this time.
    SimTime open_until() const { return open_until_; }
    /// While HALF_OPEN with a max wait: when it reopens without a verdict; else SimTime::max().
    SimTime half_open_until() const { return half_open_until_; }
    /// When `advance` next has something to do, or SimTime::max(): schedule a timer there.
    SimTime next_timed_transition() const;
    /// Trial permits left while HALF_OPEN.
    std::uint32_t trial_permits_left() const { return trial_permits_left_; }
    /// The window in use as it stands at `now` (a time window forgets old seconds).
    WindowSnapshot window(SimTime now) const;

    /// Counters since construction or the last restart.
    const Counters& counters() const { return counters_; }
    /// The first kMaxRecordedTransitions transitions since construction or the last restart.
    std::span<const Transition> transitions() const { return transitions_; }
    /// Transitions counted but not recorded because the log was full.
    std::uint64_t transitions_dropped() const {
        return counters_.transitions - transitions_.size();
    }
    /// End of warm-up: forget counters and the log, keep the state and the windows.
    void restart_statistics();

    /// The validated parameters.
    const CircuitBreakerParams& params() const { return params_; }
    /// An operator's change of the failure-rate threshold, in (0, 1]: it applies from the next
    /// recorded call on (std::invalid_argument when out of range).
    void set_failure_rate_threshold(double threshold);

private:
    // A fixed-capacity outcome window: count-based (a ring of one outcome per call) or
    // time-based (a ring of one partial aggregation per epoch second, evicted as whole
    // seconds fall out, as resilience4j's SlidingTimeWindowMetrics does). Totals are kept
    // incrementally (subtract on evict), so recording is O(1) and the storage is allocated
    // once.
    class OutcomeWindow {
    public:
        OutcomeWindow(SlidingWindowType type, std::uint32_t size, SimTime now);
        void reset(SimTime now);
        const WindowSnapshot& record(SimTime now, bool failure, bool slow);
        WindowSnapshot at(SimTime now) const;

    private:
        struct SecondBucket {
            std::int64_t epoch_second;
            WindowSnapshot totals;
        };
        void move_to_second(std::int64_t second);

        SlidingWindowType type_;
        std::uint32_t size_;
        WindowSnapshot totals_;
        std::vector<std::uint8_t> outcomes_; // CountBased: bit 0 failure, bit 1 slow
        std::uint32_t next_slot_ = 0;        // CountBased: where the next outcome goes
        std::vector<SecondBucket> seconds_;  // TimeBased: bucket of second s at s mod size
        std::int64_t head_second_ = 0;       // TimeBased: the newest second covered
    };

    enum class Verdict : std::uint8_t {
        BelowMinimumCalls,
        BelowThresholds,
        FailureRateExceeded,
        SlowCallRateExceeded,
    };

    void record_outcome(SimTime now, SimTime duration, bool failure);
    Verdict evaluate(const WindowSnapshot& w, std::uint32_t minimum_calls) const;
    void transition_to(State to, Cause cause, SimTime at);
    OutcomeWindow& window_in_use() { return in_half_open_window_ ? half_open_ : closed_; }
    const OutcomeWindow& window_in_use() const {
        return in_half_open_window_ ? half_open_ : closed_;
    }

    CircuitBreakerParams params_;
    std::uint32_t closed_minimum_calls_;
    std::uint32_t half_open_minimum_calls_;
    float failure_threshold_percent_;
    float slow_call_threshold_percent_;

    State state_ = State::Closed;
    OutcomeWindow closed_;
    OutcomeWindow half_open_;
    bool in_half_open_window_ = false; // OPEN keeps recording into the window it came from
    std::uint32_t trial_permits_left_ = 0;
    SimTime open_until_ = SimTime::max();
    SimTime half_open_until_ = SimTime::max();

    Counters counters_;
    std::vector<Transition> transitions_;
};

/// The names of CircuitBreaker::State in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<CircuitBreaker::State>, 3> kBreakerStateNames{{
    {CircuitBreaker::State::Closed, "closed"},
    {CircuitBreaker::State::Open, "open"},
    {CircuitBreaker::State::HalfOpen, "half_open"},
}};
static_assert(is_dense_table(kBreakerStateNames));
constexpr std::span<const EnumName<CircuitBreaker::State>> enum_names(CircuitBreaker::State) {
    return kBreakerStateNames;
}

/// The names of CircuitBreaker::Cause in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<CircuitBreaker::Cause>, 6> kBreakerCauseNames{{
    {CircuitBreaker::Cause::FailureRateExceeded, "failure_rate_exceeded"},
    {CircuitBreaker::Cause::SlowCallRateExceeded, "slow_call_rate_exceeded"},
    {CircuitBreaker::Cause::WaitDurationElapsed, "wait_duration_elapsed"},
    {CircuitBreaker::Cause::HalfOpenTrialsPassed, "half_open_trials_passed"},
    {CircuitBreaker::Cause::HalfOpenTrialsFailed, "half_open_trials_failed"},
    {CircuitBreaker::Cause::MaxWaitInHalfOpenElapsed, "max_wait_in_half_open_elapsed"},
}};
static_assert(is_dense_table(kBreakerCauseNames));
constexpr std::span<const EnumName<CircuitBreaker::Cause>> enum_names(CircuitBreaker::Cause) {
    return kBreakerCauseNames;
}

/// "closed", "open", "half_open" (the summary JSON's words).
std::string_view to_string(CircuitBreaker::State state);
/// "failure_rate_exceeded", "slow_call_rate_exceeded", "wait_duration_elapsed", ...
std::string_view to_string(CircuitBreaker::Cause cause);

} // namespace tpssim::models
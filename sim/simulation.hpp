#pragma once
/// The engine: a clock, the event calendar and the loop that feeds events to a model.
///
/// The engine knows nothing of the model's types. A model is any object with
/// `void handle(Simulation&, const Event&)`; `run` is a template over it, so dispatch costs
/// one inlined call and a `switch` in the model, with no virtual call and no std::function.

#include "sim/event_calendar.hpp"

#include <cstdint>
#include <limits>

namespace tpssim::sim {

/// Where a `run` must stop.
struct RunLimits {
    /// Process events strictly before this time, then set the clock to it.
    SimTime until = SimTime::max();
    /// Process at most this many events in this call.
    std::uint64_t max_events = std::numeric_limits<std::uint64_t>::max();
};

/// Why a `run` returned.
enum class StopReason {
    ReachedUntil, ///< the next event is at or after `until`; the clock is at `until`
    MaxEvents,    ///< `max_events` were processed in this call
    NoMoreEvents, ///< the calendar is empty; the clock is at `until` if finite
    Stopped,      ///< the model called `stop()`
};

class Simulation {
public:
    /// The current simulated time.
    SimTime now() const { return now_; }
    /// Events processed since construction.
    std::uint64_t events_processed() const { return events_; }
    /// Events still pending.
    std::size_t pending() const { return calendar_.size(); }
    /// The calendar's work beyond one move per push and pop (EventCalendar::extra_moves).
    std::uint64_t calendar_extra_moves() const { return calendar_.extra_moves(); }

    /// Schedules an event at absolute time `at` (>= now).
    void schedule_at(SimTime at, std::uint32_t kind, std::uint32_t target, std::uint64_t arg = 0) {
        calendar_.push(Event{at, kind, target, arg});
    }
    /// Schedules an event `delay` (>= 0) after now.
    void schedule_in(SimTime delay, std::uint32_t kind, std::uint32_t target,
                     std::uint64_t arg = 0) {
        calendar_.push(Event{now_ + delay, kind, target, arg});
    }
    /// Asks the running loop to return after the current event.
    void stop() { stop_requested_ = true; }

    /// Feeds events in time order (FIFO among equal times) to `model.handle(*this, event)`.
    template <class Model>
    StopReason run(Model& model, RunLimits limits = {}) {
        stop_requested_ = false;
        std::uint64_t budget = limits.max_events;
        Event e;
        while (budget != 0) {
            if (!calendar_.pop_before(limits.until, e)) {
                if (calendar_.empty()) break;
                now_ = limits.until;
                return StopReason::ReachedUntil;
            }
            now_ = e.time;
            ++events_;
            --budget;
            model.handle(*this, e);
            if (stop_requested_) return StopReason::Stopped;
        }
        if (budget == 0 && !calendar_.empty()) return StopReason::MaxEvents;
        if (limits.until != SimTime::max()) now_ = limits.until;
        return StopReason::NoMoreEvents;
    }

private:
    EventCalendar calendar_;
    SimTime now_;
    std::uint64_t events_ = 0;
    bool stop_requested_ = false;
};

} // namespace tpssim::sim
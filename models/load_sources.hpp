#pragma once
/// The load: open sources that emit requests at a rate (constant, varying over a profile, or
/// an MMPP), and closed sources whose users think, send one request and wait for its end.

#include "models/events.hpp"
#include "models/load_profile.hpp"
#include "models/params.hpp"
#include "models/ring_buffer.hpp"
#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <cmath>
#include <cstdint>
#include <optional>

namespace tpssim::models {

/// An entry request's client deadline: job `job` (generation `gen`) is given up on at `at`.
struct ClientDeadline {
    SimTime at;
    std::uint32_t job = 0;
    std::uint32_t gen = 0;
};

/// A load source: its random stream, the requests it has emitted and its arrival process.
class LoadSource {
public:
    /// Source `params` of `model`; its random stream derives from `seed` and its name.
    LoadSource(const LoadSourceParams& params, const ModelParams& model, std::uint64_t seed);

    /// An open source's next arrival after emitting one at `now` (the first: before any, at
    /// 0); SimTime::max(): none (its rate stays zero, or an MMPP's next one is past `end`).
    SimTime next_arrival(SimTime now, const LoadSourceParams& params, SimTime end) {
        // A constant Poisson rate is the hot case: inline, the random numbers it has always
        // drawn.
        if (!profile_ && params.arrivals == ArrivalProcess::Poisson)
            return now + SimTime::from_ns_rounded(-period_ns_ * std::log(rng_.next_open01()));
        return next_arrival_otherwise(now, params, end);
    }
    /// A closed source's user's next think time.
    SimTime think_time(const LoadSourceParams& params) { return params.think_time.sample(rng_); }
    /// One request emitted (open: an arrival; closed: a user's request).
    void count_emitted() { ++emitted_; }
    std::uint64_t emitted() const { return emitted_; }

    /// Open sources: their requests' client deadlines, in order (a source's timeout is fixed,
    /// so they arrive sorted). One calendar event waits for the earliest live one instead of
    /// one per request, as a call edge's deadlines do: most requests end long before their
    /// client gives up, and their entries are dropped here without ever entering the calendar.
    RingBuffer<ClientDeadline> client_deadlines;
    SimTime client_timer_at = SimTime::max(); ///< the pending kClientTimeout, if any

private:
    SimTime next_arrival_otherwise(SimTime now, const LoadSourceParams& params, SimTime end);
    SimTime next_mmpp_arrival(SimTime now, const LoadSourceParams& params, SimTime end);

    sim::RandomStream rng_;  ///< open: arrivals; closed: think times
    double period_ns_ = 0.0; ///< mean inter-arrival time (a constant rate)
    std::uint64_t emitted_ = 0;
    /// A rate that varies over time; empty for a constant rate (the fast path above).
    std::optional<LoadProfile> profile_;
    std::uint32_t mmpp_state_ = 0;             ///< Mmpp: the current state
    SimTime mmpp_leaves_at_ = SimTime::zero(); ///< Mmpp: when it leaves that state
};

/// A closed-load user: thinking, or waiting for its request (`job`).
struct User {
    std::uint32_t source = 0;
    std::uint32_t job = kNone; ///< the request it waits for; kNone while thinking
    std::uint32_t job_gen = 0;
    std::uint32_t request = 0; ///< requests sent so far: stale timeouts are recognised
};

} // namespace tpssim::models
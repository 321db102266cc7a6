#pragma once
/// A synchronous call site (an edge from caller to callee) and what lives on it: the calls in
/// flight (slots that outlive their attempts), the attempts' deadlines, the breaker, retries,
/// their budget, the cache and the edge's faults; and the network links that attempts cross.

#include "models/cache.hpp"
#include "models/circuit_breaker.hpp"
#include "models/events.hpp"
#include "models/operations_params.hpp"
#include "models/params.hpp"
#include "models/retry_policy.hpp"
#include "models/ring_buffer.hpp"
#include "models/service_stats.hpp"
#include "models/tracer.hpp"
#include "sim/random_stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tpssim::models {

/// A call in flight, owned by the calling job; it lives across the call's attempts, each a
/// child job at the callee.
struct CallSlot {
    std::uint32_t job = 0;  ///< the calling job
    std::uint32_t edge = 0; ///< its edge
    std::uint32_t gen = 0;  ///< bumped when an attempt ends: stale events are ignored
    std::uint32_t attempts = 0;
    std::uint32_t child = kNone; ///< the current attempt's job at the callee
    std::uint32_t child_gen = 0;
    SimTime call_start;
    SimTime attempt_start;
    bool retry_active = false;            ///< the current attempt is a retry counted by the budget
    bool answered_ok = true;              ///< kCallAnswered: a cache hit or fallback (true)
    std::uint32_t span = 0;               ///< its client span, when the caller is traced
    SpanOutcome answer = SpanOutcome::Ok; ///< how it was answered, for its span
};

/// A pending attempt's deadline.
struct Deadline {
    SimTime at;
    std::uint32_t slot = 0;
    std::uint32_t gen = 0; ///< the slot's generation when the attempt started
};

struct CallEdge {
    CallEdge(const CallParams* p, std::uint32_t from, sim::RandomStream r, std::string name)
        : params(p), caller(from), target(p->target), probability(p->probability), rng(r),
          key(std::move(name)) {}
    // What every call on the edge reads or writes lies in its first lines, the rest after
    // (docs/decisions/0009): a call on an edge not used for a while then misses a few cache
    // lines, not one per member spread over more than a kilobyte. The breaker, retries, budget
    // and cache live behind pointers: a call tests them for null here, in the same lines, and
    // only an edge that has one reads it.
    const CallParams* params = nullptr;
    std::uint32_t caller = 0;
    std::uint32_t target = 0;     ///< params->target, read by every attempt
    double probability = 1.0;     ///< params->probability, read by every call
    SimTime timeout = kNoTimeout; ///< per attempt, now in force (params, or an action)
    SimTime deadline_timer_at = SimTime::max(); ///< the pending kCallTimeout, if any
    bool dynamic = false;       ///< faults on the edge or a link: attempts take the slow path
    std::uint32_t link = kNone; ///< its network link, if any
    /// Pending attempts' deadlines, in order: an edge's timeout is fixed, so deadlines
    /// arrive sorted. One calendar event waits for the earliest live one, instead of one
    /// per attempt: most calls return long before their timeout, and their entries are
    /// skipped here without ever entering the calendar.
    RingBuffer<Deadline> deadlines;
    std::unique_ptr<CircuitBreaker> breaker; ///< none: every attempt is permitted
    std::unique_ptr<RetryPolicy> retry;      ///< none: a failed attempt fails the call
    std::unique_ptr<RetryBudget> budget;     ///< none: retries are not budgeted
    std::unique_ptr<Cache> cache;            ///< none: every call is sent
    sim::RandomStream rng;
    EdgeStats stats;
    // Off the common path.
    EdgeStats before_warmup; ///< counters the warm-up's restart forgot (monitoring reads both)
    std::string key;         ///< edge_names' key: the callee, or "callee#n"
    SimTime breaker_timer_at = SimTime::max(); ///< the pending kBreakerTimer, if any
    std::uint32_t op = 0;                      ///< its spans' operation id (tracing)
    // Operations: faults on the edge (its network link is `link`).
    std::optional<Distribution> fault_latency;
    double fault_errors = 0.0;

    void refresh_dynamic() { dynamic = link != kNone || fault_latency || fault_errors > 0.0; }
    /// Cuts pending deadlines to `now + timeout` and sets the timeout for later attempts (an
    /// operator's change): cut, pending deadlines stay in order before the new ones.
    void set_timeout(SimTime now, SimTime new_timeout);
};

/// A network link between two services: what crosses it each second makes the next
/// transfers slower (an M/M/1-like stretch of the transfer time by 1 / (1 - utilisation)).
class NetworkLink {
public:
    /// The time one payload takes to cross at `now`, counted in the link's traffic.
    SimTime transfer(SimTime now, const LinkParams& p);
    /// The link's utilisation at `now` as monitoring sees it (its own traffic of the last
    /// whole second, plus the background a fault uses), capped at 0.99.
    double utilization(SimTime now, const LinkParams& p) const;
    double bytes_total() const { return bytes_total_; }
    /// A share of the bandwidth used by other traffic (a fault).
    void set_background(double share) { background_ = share; }

private:
    double bytes_total_ = 0.0;
    double bytes_this_second_ = 0.0;
    double bytes_last_second_ = 0.0;
    std::int64_t second_ = 0;
    double background_ = 0.0;
};

} // namespace tpssim::models
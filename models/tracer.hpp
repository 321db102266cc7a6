#pragma once
/// Per-request traces: for a sampled share of requests, every span (a service handling the
/// request, a work step, a call with its retries, a queue item's delivery to its consumer)
/// with its parent, start, duration, outcome and replica, as Jaeger would show it. A trace
/// goes on across a publish: the consumer's span *follows from* the publishing span (Jaeger's
/// and OpenTelemetry's asynchronous hand-off), in the same trace, and the trace ends when its
/// last span does, so its end-to-end duration is the user's whole wait. Kept bounded: the
/// `keep_slowest` slowest traces (by end-to-end duration, or by one service's span) are kept
/// whole; the others are dropped when they end, so memory follows the traced requests in
/// flight.

#include "models/enum_names.hpp"
#include "models/params.hpp"
#include "models/slab.hpp"
#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::models {

/// How a span ended.
enum class SpanOutcome : std::uint8_t {
    Ok,
    Error,        ///< failed (an error, a failed call without fallback)
    TimedOut,     ///< its caller or client gave up on it (the work went on)
    Rejected,     ///< turned away by a full queue
    Fallback,     ///< a call answered by its fallback
    CacheHit,     ///< a call answered by its cache
    NotPermitted, ///< (unused for spans today; attempts refused by a breaker end as Error)
    DeadLettered, ///< a queue item's last delivery failed: the item went to the dead letters
};

/// The names of SpanOutcome in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<SpanOutcome>, 8> kSpanOutcomeNames{{
    {SpanOutcome::Ok, "ok"},
    {SpanOutcome::Error, "error"},
    {SpanOutcome::TimedOut, "timed_out"},
    {SpanOutcome::Rejected, "rejected"},
    {SpanOutcome::Fallback, "fallback"},
    {SpanOutcome::CacheHit, "cache_hit"},
    {SpanOutcome::NotPermitted, "not_permitted"},
    {SpanOutcome::DeadLettered, "dead_lettered"},
}};
static_assert(is_dense_table(kSpanOutcomeNames));
constexpr std::span<const EnumName<SpanOutcome>> enum_names(SpanOutcome) {
    return kSpanOutcomeNames;
}
/// "ok", "error", "timed_out", "rejected", "fallback", "cache_hit", "not_permitted",
/// "dead_lettered".
std::string_view to_string(SpanOutcome outcome);

/// How a span hangs under its parent (OpenTracing's reference types).
enum class SpanRef : std::uint8_t {
    ChildOf,     ///< synchronous: the parent waits for it (a step, a call, a callee's span)
    FollowsFrom, ///< asynchronous: a queue item's delivery, which the publisher does not wait
                 ///< for; it may end after its parent
};
inline constexpr std::array<EnumName<SpanRef>, 2> kSpanRefNames{{
    {SpanRef::ChildOf, "child_of"},
    {SpanRef::FollowsFrom, "follows_from"},
}};
static_assert(is_dense_table(kSpanRefNames));
constexpr std::span<const EnumName<SpanRef>> enum_names(SpanRef) {
    return kSpanRefNames;
}
/// "child_of", "follows_from".
std::string_view to_string(SpanRef ref);

/// The spans of the kept traces, one column per field (ready for tables and files).
struct SpanColumns {
    std::vector<std::uint64_t> trace_id;
    std::vector<std::uint32_t> span_id;   ///< within its trace; the entry span is 0
    std::vector<std::uint32_t> parent_id; ///< within its trace; kNoParent for the entry span
    std::vector<std::uint32_t> service;   ///< index into ModelParams::services
    std::vector<std::uint32_t> operation; ///< index into `operations`
    std::vector<double> start_seconds;    ///< simulated time
    std::vector<double> duration_seconds;
    std::vector<double> wait_seconds; ///< service spans: queueing before a worker took it
    std::vector<SpanOutcome> outcome;
    /// How it hangs under `parent_id`: child_of, or follows_from (a queue item's delivery).
    std::vector<SpanRef> ref;
    /// The replica (worker) it ran on: its index in its service's pool, as the event log's
    /// "replica" field (an index is reused by a later replica once one has left); kNoReplica
    /// when none did (turned away by a full queue).
    std::vector<std::uint32_t> replica;
    /// Queue items: which delivery the span is, in deliveries (1 the first, 2 and more
    /// redeliveries after a failure or a backend outage); 0 for other spans.
    std::vector<std::uint32_t> delivery;
    /// Seconds of simulated time: its share of its trace's end-to-end duration on the
    /// critical path, not spent in its children (a trace's rows add up to its duration).
    std::vector<double> self_seconds;
    std::vector<std::string> operations; ///< operation names
    static constexpr std::uint32_t kNoParent = 0xffffffffu;
    static constexpr std::uint32_t kNoReplica = 0xffffffffu;
    std::size_t size() const { return trace_id.size(); }
};

/// One kept trace: its rows in SpanColumns.
struct TraceSummary {
    std::uint64_t trace_id = 0;
    double start_seconds = 0.0;
    /// End to end: from the request's arrival to the end of its last span (consumers of the
    /// queues it was published to included): the user's whole wait.
    double duration_seconds = 0.0;
    double entry_seconds = 0.0;       ///< the entry span's duration (the first answer)
    double ranked_seconds = 0.0;      ///< what it was ranked by (TracingParams::rank_service)
    std::uint32_t first_row = 0;      ///< its first row in SpanColumns
    std::uint32_t rows = 0;           ///< its spans, entry span first
    std::uint32_t bottleneck_row = 0; ///< the span with the most self time (SpanColumns)
};

/// Where (service, operation) the time of some traces went: its spans' self time, and that
/// as a share of the traces' end-to-end durations added up.
struct BottleneckShare {
    std::uint32_t service = 0;   ///< index into ModelParams::services
    std::uint32_t operation = 0; ///< index into SpanColumns::operations
    double self_seconds = 0.0;
    double share = 0.0; ///< in [0, 1]; the shares of all (service, operation) add up to 1
};

/// The (service, operation) pairs of `traces` (rows of `spans`), the most self time first.
std::vector<BottleneckShare> bottleneck_shares(const SpanColumns& spans,
                                               std::span<const TraceSummary> traces);

/// A span's place and times, for the critical path.
struct SpanInterval {
    std::uint32_t parent; ///< an earlier span's index, or SpanColumns::kNoParent (span 0 only)
    SimTime start;
    SimTime end;
};

/// Each span's self time on the critical path of one trace (span 0 its entry span): the part
/// of the trace's end-to-end time [start of span 0, the last end] that the span accounts for,
/// not spent in a child that ended later on the path (Jaeger's critical path). Follows-from
/// children may outlive their parent; the self times add up to the end-to-end duration.
std::vector<SimTime> critical_path_self_times(std::span<const SpanInterval> spans);

class Tracer {
public:
    static constexpr std::uint32_t kNone = 0xffffffffu;
    /// The operation of a service's own span (a request's visit to it): "handle".
    static constexpr std::uint32_t kHandle = 0;

    Tracer(const TracingParams& params, std::uint64_t seed);

    /// An operation's id (interned name).
    std::uint32_t operation(std::string_view name);
    /// Whether a new entry request is traced: a trace handle, or kNone.
    std::uint32_t maybe_begin(SimTime now);
    /// Opens a span; returns its id within the trace.
    std::uint32_t open_span(std::uint32_t trace, std::uint32_t parent, std::uint32_t service,
                            std::uint32_t operation, SimTime start, SpanRef ref = SpanRef::ChildOf);
    /// Closes a span that ran on `replica` (SpanColumns::kNoReplica: none); `wait`: its
    /// queueing before a worker took it; `delivery`: a queue item's delivery (0: not one).
    void close_span(std::uint32_t trace, std::uint32_t span, SimTime end, SpanOutcome outcome,
                    std::uint32_t replica, SimTime wait = SimTime::zero(),
                    std::uint32_t delivery = 0);
    /// Records the replica an open span runs on (closing it with kNoReplica keeps it: the
    /// replica was killed under it).
    void set_replica(std::uint32_t trace, std::uint32_t span, std::uint32_t replica) {
        active_[trace].spans[span].replica = replica;
    }
    /// A job of the trace starts / ends; the trace ends when its last job does.
    void job_started(std::uint32_t trace) { ++active_[trace].open_jobs; }
    void job_ended(std::uint32_t trace);

    /// Traces begun so far.
    std::uint64_t traced() const { return next_id_; }
    /// The kept traces, slowest first, and their spans.
    void export_kept(SpanColumns& spans, std::vector<TraceSummary>& traces) const;

private:
    struct Span {
        std::uint32_t parent;
        std::uint32_t service;
        std::uint32_t operation;
        std::uint32_t replica;
        std::uint32_t delivery;
        SpanOutcome outcome;
        SpanRef ref;
        SimTime start;
        SimTime end;
        SimTime wait;
    };
    struct Trace {
        std::uint64_t id = 0;
        std::uint32_t open_jobs = 0;
        SimTime rank; ///< what it is ranked by, set when it ends
        std::vector<Span> spans;
    };
    // Ordering of kept traces: slower (by `rank`) first, then the earlier trace.
    static bool slower(const Trace& a, const Trace& b);
    /// What a complete trace is ranked by; negative if it has no span of the service ranked
    /// by (it is then not kept).
    SimTime rank_of(const Trace& t) const;

    TracingParams params_;
    sim::RandomStream rng_;
    std::vector<std::string> operations_;
    Slab<Trace> active_;
    std::vector<Trace> kept_; ///< a min-heap on `slower`: the fastest kept trace on top
    std::uint64_t next_id_ = 0;
};

} // namespace tpssim::models
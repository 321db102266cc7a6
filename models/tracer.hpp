#pragma once
/// Per-request traces: for a sampled share of requests, every span (a service handling the
/// request, a work step, a call with its retries) with its parent, start, duration and
/// outcome, as Jaeger would show it. Kept bounded: the `keep_slowest` slowest traces (by the
/// entry span's duration, the latency the user saw) are kept whole; the others are dropped
/// when they end, so memory follows the traced requests in flight.

#include "models/enum_names.hpp"
#include "models/params.hpp"
#include "models/slab.hpp"
#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
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
};

/// The names of SpanOutcome in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<SpanOutcome>, 7> kSpanOutcomeNames{{
    {SpanOutcome::Ok, "ok"},
    {SpanOutcome::Error, "error"},
    {SpanOutcome::TimedOut, "timed_out"},
    {SpanOutcome::Rejected, "rejected"},
    {SpanOutcome::Fallback, "fallback"},
    {SpanOutcome::CacheHit, "cache_hit"},
    {SpanOutcome::NotPermitted, "not_permitted"},
}};
static_assert(is_dense_table(kSpanOutcomeNames));
constexpr std::span<const EnumName<SpanOutcome>> enum_names(SpanOutcome) {
    return kSpanOutcomeNames;
}
/// "ok", "error", "timed_out", "rejected", "fallback", "cache_hit", "not_permitted".
std::string_view to_string(SpanOutcome outcome);

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
    std::vector<std::string> operations; ///< operation names
    static constexpr std::uint32_t kNoParent = 0xffffffffu;
    std::size_t size() const { return trace_id.size(); }
};

/// One kept trace: its rows in SpanColumns.
struct TraceSummary {
    std::uint64_t trace_id = 0;
    double start_seconds = 0.0;
    double duration_seconds = 0.0;    ///< the entry span's duration
    std::uint32_t first_row = 0;      ///< its first row in SpanColumns
    std::uint32_t rows = 0;           ///< its spans, entry span first
    std::uint32_t bottleneck_row = 0; ///< the span with the most self time (not in children)
};

class Tracer {
public:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    Tracer(const TracingParams& params, std::uint64_t seed);

    /// An operation's id (interned name).
    std::uint32_t operation(std::string_view name);
    /// Whether a new entry request is traced: a trace handle, or kNone.
    std::uint32_t maybe_begin(SimTime now);
    /// Opens a span; returns its id within the trace.
    std::uint32_t open_span(std::uint32_t trace, std::uint32_t parent, std::uint32_t service,
                            std::uint32_t operation, SimTime start);
    /// Closes a span.
    void close_span(std::uint32_t trace, std::uint32_t span, SimTime end, SpanOutcome outcome,
                    SimTime wait = SimTime::zero());
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
        SpanOutcome outcome;
        SimTime start;
        SimTime end;
        SimTime wait;
    };
    struct Trace {
        std::uint64_t id = 0;
        std::uint32_t open_jobs = 0;
        std::vector<Span> spans;
    };
    // Ordering of kept traces: slower first, then the earlier trace.
    static bool slower(const Trace& a, const Trace& b);

    TracingParams params_;
    sim::RandomStream rng_;
    std::vector<std::string> operations_;
    Slab<Trace> active_;
    std::vector<Trace> kept_; ///< a min-heap on `slower`: the fastest kept trace on top
    std::uint64_t next_id_ = 0;
};

} // namespace tpssim::models
#include "models/tracer.hpp"

#include <algorithm>
#include <cassert>

namespace tpssim::models {

std::string_view to_string(SpanOutcome outcome) {
    return name_of(outcome);
}

std::string_view to_string(SpanRef ref) {
    return name_of(ref);
}

Tracer::Tracer(const TracingParams& params, std::uint64_t seed)
    : params_(params), rng_(seed, "tracing", "sample") {
    operations_.emplace_back("handle"); // kHandle
}

std::uint32_t Tracer::operation(std::string_view name) {
    for (std::uint32_t i = 0; i < operations_.size(); ++i)
        if (operations_[i] == name) return i;
    operations_.emplace_back(name);
    return static_cast<std::uint32_t>(operations_.size() - 1);
}

std::uint32_t Tracer::maybe_begin(SimTime) {
    // One draw per entry request whatever the fraction: other streams never depend on it.
    const bool sampled = rng_.next_open01() < params_.sample_fraction;
    if (!sampled) return kNone;
    const std::uint32_t h = active_.acquire();
    Trace& t = active_[h];
    t.id = next_id_++;
    t.open_jobs = 0;
    t.spans.clear();
    return h;
}

std::uint32_t Tracer::open_span(std::uint32_t trace, std::uint32_t parent, std::uint32_t service,
                                std::uint32_t op, SimTime start, SpanRef ref) {
    auto& spans = active_[trace].spans;
    spans.push_back(Span{parent, service, op, SpanColumns::kNoReplica, 0, SpanOutcome::Ok, ref,
                         start, start, SimTime::zero()});
    return static_cast<std::uint32_t>(spans.size() - 1);
}

void Tracer::close_span(std::uint32_t trace, std::uint32_t span, SimTime end, SpanOutcome outcome,
                        std::uint32_t replica, SimTime wait, std::uint32_t delivery) {
    Span& s = active_[trace].spans[span];
    s.end = end;
    s.outcome = outcome;
    if (replica != SpanColumns::kNoReplica) s.replica = replica;
    s.wait = wait;
    s.delivery = delivery;
}

bool Tracer::slower(const Trace& a, const Trace& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    return a.id < b.id;
}

SimTime Tracer::rank_of(const Trace& t) const {
    if (params_.rank_service == TracingParams::kEndToEnd) {
        SimTime last = t.spans[0].end;
        for (const auto& s : t.spans)
            last = std::max(last, s.end);
        return last - t.spans[0].start;
    }
    SimTime longest = SimTime::from_ns(-1);
    for (const auto& s : t.spans)
        if (s.service == params_.rank_service && s.operation == kHandle)
            longest = std::max(longest, s.end - s.start);
    return longest;
}

void Tracer::job_ended(std::uint32_t trace) {
    Trace& t = active_[trace];
    assert(t.open_jobs > 0);
    if (--t.open_jobs > 0) return;
    // The trace is complete. Keep it if it is among the slowest; a min-heap on `slower` keeps
    // the fastest kept trace on top, ready to be replaced.
    if (params_.keep_slowest > 0 && !t.spans.empty()) {
        t.rank = rank_of(t);
        auto cmp = [](const Trace& a, const Trace& b) { return slower(a, b); };
        if (t.rank < SimTime::zero()) {
            // no span of the service ranked by: not a candidate
        } else if (kept_.size() < params_.keep_slowest) {
            kept_.push_back(std::move(t));
            std::push_heap(kept_.begin(), kept_.end(), cmp);
        } else if (slower(t, kept_.front())) {
            std::pop_heap(kept_.begin(), kept_.end(), cmp);
            kept_.back() = std::move(t);
            std::push_heap(kept_.begin(), kept_.end(), cmp);
        }
    }
    active_[trace].spans = {};
    active_.release(trace);
}

std::vector<SimTime> critical_path_self_times(std::span<const SpanInterval> spans) {
    const std::size_t n = spans.size();
    std::vector<SimTime> self(n, SimTime::zero());
    if (n == 0) return self;
    // A span's reach: its end, or a later end of any of its descendants (a follows-from
    // delivery outlives its publisher). A child comes after its parent in the list.
    std::vector<SimTime> reach(n);
    for (std::size_t i = 0; i < n; ++i)
        reach[i] = spans[i].end;
    for (std::size_t i = n; i-- > 1;)
        if (const auto p = spans[i].parent; p != SpanColumns::kNoParent && p < i)
            reach[p] = std::max(reach[p], reach[i]);
    // Children by reach, latest first (equal reaches: the later span first).
    std::vector<std::vector<std::uint32_t>> children(n);
    for (std::uint32_t i = 1; i < n; ++i)
        if (const auto p = spans[i].parent; p != SpanColumns::kNoParent && p < i)
            children[p].push_back(i);
    for (auto& c : children)
        std::stable_sort(c.begin(), c.end(), [&](std::uint32_t a, std::uint32_t b) {
            return reach[a] != reach[b] ? reach[a] > reach[b] : a > b;
        });
    // Jaeger's critical path, walked back from the trace's end: in [start, until] of a span,
    // the child that reaches latest (no later than `until`) is on the path; the span's own
    // time is what no such child covers. An explicit stack, as traces nest deep with retries.
    struct Frame {
        std::uint32_t span;
        SimTime until;    ///< the end of the part still to attribute
        std::size_t next; ///< its next child to look at
    };
    std::vector<Frame> stack{{0, reach[0], 0}};
    while (!stack.empty()) {
        Frame& f = stack.back();
        const auto& kids = children[f.span];
        while (f.next < kids.size() && reach[kids[f.next]] > f.until)
            ++f.next; // overlaps a later part of the path: not on it
        if (f.next < kids.size()) {
            const std::uint32_t c = kids[f.next++];
            self[f.span] += f.until - reach[c];
            f.until = std::max(spans[c].start, spans[f.span].start);
            stack.push_back({c, reach[c], 0});
            continue;
        }
        if (f.until > spans[f.span].start) self[f.span] += f.until - spans[f.span].start;
        stack.pop_back();
    }
    return self;
}

void Tracer::export_kept(SpanColumns& out, std::vector<TraceSummary>& traces) const {
    std::vector<const Trace*> order;
    for (const auto& t : kept_)
        order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const Trace* a, const Trace* b) { return slower(*a, *b); });
    out.operations = operations_;
    std::vector<SpanInterval> intervals;
    for (const Trace* t : order) {
        intervals.clear();
        for (const Span& s : t->spans)
            intervals.push_back({s.parent, s.start, s.end});
        const std::vector<SimTime> self = critical_path_self_times(intervals);
        TraceSummary ts;
        ts.trace_id = t->id;
        ts.start_seconds = t->spans[0].start.seconds();
        SimTime last = t->spans[0].end;
        for (const auto& s : t->spans)
            last = std::max(last, s.end);
        ts.duration_seconds = (last - t->spans[0].start).seconds();
        ts.entry_seconds = (t->spans[0].end - t->spans[0].start).seconds();
        ts.ranked_seconds = t->rank.seconds();
        ts.first_row = static_cast<std::uint32_t>(out.size());
        ts.rows = static_cast<std::uint32_t>(t->spans.size());
        std::size_t best = 0;
        for (std::size_t i = 1; i < self.size(); ++i)
            if (self[i] > self[best]) best = i;
        ts.bottleneck_row = ts.first_row + static_cast<std::uint32_t>(best);
        for (std::uint32_t i = 0; i < t->spans.size(); ++i) {
            const Span& s = t->spans[i];
            out.trace_id.push_back(t->id);
            out.span_id.push_back(i);
            out.parent_id.push_back(s.parent);
            out.service.push_back(s.service);
            out.operation.push_back(s.operation);
            out.start_seconds.push_back(s.start.seconds());
            out.duration_seconds.push_back((s.end - s.start).seconds());
            out.wait_seconds.push_back(s.wait.seconds());
            out.outcome.push_back(s.outcome);
            out.ref.push_back(s.ref);
            out.replica.push_back(s.replica);
            out.delivery.push_back(s.delivery);
            out.self_seconds.push_back(self[i].seconds());
        }
        traces.push_back(ts);
    }
}

std::vector<BottleneckShare> bottleneck_shares(const SpanColumns& spans,
                                               std::span<const TraceSummary> traces) {
    std::vector<BottleneckShare> shares;
    double total = 0.0;
    for (const auto& t : traces) {
        total += t.duration_seconds;
        for (std::uint32_t row = t.first_row; row < t.first_row + t.rows; ++row) {
            auto it = std::find_if(shares.begin(), shares.end(), [&](const BottleneckShare& b) {
                return b.service == spans.service[row] && b.operation == spans.operation[row];
            });
            if (it == shares.end())
                it = shares.insert(shares.end(),
                                   BottleneckShare{spans.service[row], spans.operation[row]});
            it->self_seconds += spans.self_seconds[row];
        }
    }
    for (auto& b : shares)
        b.share = total > 0.0 ? b.self_seconds / total : 0.0;
    // Largest first; equal times in the order first seen (deterministic).
    std::stable_sort(shares.begin(), shares.end(),
                     [](const auto& a, const auto& b) { return a.self_seconds > b.self_seconds; });
    return shares;
}

} // namespace tpssim::models

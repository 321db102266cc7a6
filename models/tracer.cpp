#include "models/tracer.hpp"

#include <algorithm>
#include <cassert>

namespace tpssim::models {

std::string_view to_string(SpanOutcome outcome) {
    return name_of(outcome);
}

Tracer::Tracer(const TracingParams& params, std::uint64_t seed)
    : params_(params), rng_(seed, "tracing", "sample") {}

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
                                std::uint32_t op, SimTime start) {
    auto& spans = active_[trace].spans;
    spans.push_back(Span{parent, service, op, SpanOutcome::Ok, start, start, SimTime::zero()});
    return static_cast<std::uint32_t>(spans.size() - 1);
}

void Tracer::close_span(std::uint32_t trace, std::uint32_t span, SimTime end, SpanOutcome outcome,
                        SimTime wait) {
    Span& s = active_[trace].spans[span];
    s.end = end;
    s.outcome = outcome;
    s.wait = wait;
}

bool Tracer::slower(const Trace& a, const Trace& b) {
    const SimTime da = a.spans[0].end - a.spans[0].start;
    const SimTime db = b.spans[0].end - b.spans[0].start;
    if (da != db) return da > db;
    return a.id < b.id;
}

void Tracer::job_ended(std::uint32_t trace) {
    Trace& t = active_[trace];
    assert(t.open_jobs > 0);
    if (--t.open_jobs > 0) return;
    // The trace is complete. Keep it if it is among the slowest; a min-heap on `slower` keeps
    // the fastest kept trace on top, ready to be replaced.
    if (params_.keep_slowest > 0 && !t.spans.empty()) {
        auto cmp = [](const Trace& a, const Trace& b) { return slower(a, b); };
        if (kept_.size() < params_.keep_slowest) {
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

void Tracer::export_kept(SpanColumns& out, std::vector<TraceSummary>& traces) const {
    std::vector<const Trace*> order;
    for (const auto& t : kept_)
        order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const Trace* a, const Trace* b) { return slower(*a, *b); });
    out.operations = operations_;
    for (const Trace* t : order) {
        TraceSummary ts;
        ts.trace_id = t->id;
        ts.start_seconds = t->spans[0].start.seconds();
        ts.duration_seconds = (t->spans[0].end - t->spans[0].start).seconds();
        ts.first_row = static_cast<std::uint32_t>(out.size());
        ts.rows = static_cast<std::uint32_t>(t->spans.size());
        // Self time: a span's duration less its children's (clipped at zero for overlaps).
        std::vector<double> self(t->spans.size());
        for (std::size_t i = 0; i < t->spans.size(); ++i)
            self[i] = (t->spans[i].end - t->spans[i].start).seconds();
        for (const auto& s : t->spans)
            if (s.parent != SpanColumns::kNoParent) self[s.parent] -= (s.end - s.start).seconds();
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
        }
        traces.push_back(ts);
    }
}

} // namespace tpssim::models
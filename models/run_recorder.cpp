#include "models/run_recorder.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace tpssim::models {

namespace {
double num(std::uint64_t n) {
    return static_cast<double>(n);
}

std::vector<std::string> service_names(const ModelParams& p) {
    std::vector<std::string> out;
    out.reserve(p.services.size());
    for (const auto& s : p.services)
        out.push_back(s.name);
    return out;
}

std::vector<std::string> link_labels(const ModelParams& p) {
    std::vector<std::string> out;
    for (const auto& l : p.operations.links)
        out.push_back(call_label(p.services[l.from].name, p.services[l.to].name));
    return out;
}

// The edges' labels and their places among their callers' calls, in edge_names' numbering
// (the model's).
std::vector<std::string> edge_labels_of(const ModelParams& p) {
    std::vector<std::string> out;
    for (const auto& n : edge_names(p))
        out.push_back(call_label(p.services[n.caller].name, n.key));
    return out;
}
} // namespace

RunRecorder::RunRecorder(const ModelParams& params, std::uint64_t seed, bool keep_event_log)
    : params_(&params), edge_labels_(edge_labels_of(params)), link_labels_(link_labels(params)),
      events_(keep_event_log), metrics_(service_names(params), edge_labels_, link_labels_) {
    std::vector<std::uint32_t> calls_of(params.services.size(), 0);
    for (const auto& n : edge_names(params))
        call_places_.push_back({n.caller, calls_of[n.caller]++});
    breaker_dropped_.assign(edge_labels_.size(), 0);
    firings_.resize(params.operations.alerts.size());
    if (params.tracing.sample_fraction > 0.0) tracer_.emplace(params.tracing, seed);
}

std::string_view RunRecorder::service_name(std::uint32_t s) const {
    return params_->services[s].name;
}

std::string_view RunRecorder::target_name(FaultTarget target) const {
    switch (target.kind) {
    case FaultTarget::Kind::Edge:
        return edge_label(target.index);
    case FaultTarget::Kind::Link:
        return link_labels_[target.index];
    default:
        return service_name(target.index);
    }
}

// ---- events ----

void RunRecorder::scale(SimTime at, std::uint32_t service, std::uint32_t from, std::uint32_t to,
                        ScaleCause by) {
    events_.add(at.seconds(), "scale", service_name(service),
                {{"from", num(from)}, {"to", num(to)}, {"by", name_of(by)}});
}

void RunRecorder::crash(SimTime at, std::uint32_t service, std::uint32_t replica, KillCause cause) {
    events_.add(at.seconds(), "crash", service_name(service),
                {{"replica", num(replica)}, {"cause", name_of(cause)}});
}

void RunRecorder::oom_kill(SimTime at, std::uint32_t service, std::uint32_t replica,
                           double memory_bytes) {
    events_.add(at.seconds(), "oom_kill", service_name(service),
                {{"replica", num(replica)}, {"memory_bytes", memory_bytes}});
}

void RunRecorder::health_check_failed(SimTime at, std::uint32_t service, std::uint32_t replica,
                                      std::uint32_t failed_probes) {
    events_.add(at.seconds(), "health_check_failed", service_name(service),
                {{"replica", num(replica)}, {"failed_probes", num(failed_probes)}});
}

void RunRecorder::unhealthy(SimTime at, std::uint32_t service, std::uint32_t replica) {
    events_.add(at.seconds(), "unhealthy", service_name(service), {{"replica", num(replica)}});
}

void RunRecorder::fault_start(SimTime at, std::uint32_t fault) {
    const auto& f = params_->operations.faults[fault];
    events_.add(at.seconds(), "fault_start", f.name, {{"kind", name_of(f.kind)}});
}

void RunRecorder::fault_ramp(SimTime at, std::uint32_t fault, double level) {
    events_.add(at.seconds(), "fault_ramp", params_->operations.faults[fault].name,
                {{"level", level}});
}

void RunRecorder::fault_end(SimTime at, std::uint32_t fault) {
    events_.add(at.seconds(), "fault_end", params_->operations.faults[fault].name);
}

void RunRecorder::unschedulable(SimTime at, std::uint32_t service, std::uint32_t asked_for,
                                std::uint32_t capacity, std::uint32_t nodes_down) {
    events_.add(at.seconds(), "unschedulable", service_name(service),
                {{"asked_for", num(asked_for)},
                 {"capacity", num(capacity)},
                 {"nodes_down", num(nodes_down)}});
}

void RunRecorder::scheduled(SimTime at, std::uint32_t service, std::uint32_t replicas,
                            std::size_t still_pending) {
    events_.add(at.seconds(), "scheduled", service_name(service),
                {{"replicas", num(replicas)}, {"still_pending", num(still_pending)}});
}

void RunRecorder::node_crash(SimTime at, std::uint32_t service, std::uint32_t nodes,
                             std::uint32_t replicas, std::uint32_t capacity) {
    events_.add(at.seconds(), "node_crash", service_name(service),
                {{"nodes", num(nodes)}, {"replicas", num(replicas)}, {"capacity", num(capacity)}});
}

void RunRecorder::node_up(SimTime at, std::uint32_t service, std::uint32_t nodes,
                          std::uint32_t capacity) {
    events_.add(at.seconds(), "node_up", service_name(service),
                {{"nodes", num(nodes)}, {"capacity", num(capacity)}});
}

void RunRecorder::backend_up(SimTime at, std::uint32_t queue, std::uint64_t replayed) {
    events_.add(at.seconds(), "backend_up", service_name(queue), {{"replayed", num(replayed)}});
}

void RunRecorder::action(SimTime at, std::uint32_t action) {
    const auto& a = params_->operations.actions[action];
    const std::string_view subject =
        a.kind == ActionParams::Kind::StopFault
            ? std::string_view(params_->operations.faults[a.fault].name)
            : target_name(a.target);
    events_.add(at.seconds(), "action", subject, {{"action", a.text}});
}

void RunRecorder::canary_step(SimTime at, std::uint32_t service, const CanaryAnalysis::Step& step) {
    events_.add(at.seconds(), "canary", service_name(service),
                {{"phase", to_string(step.phase)},
                 {"weight", step.weight},
                 {"requests", num(step.requests)},
                 {"success_rate", step.success_rate},
                 {"p99", step.p99_seconds},
                 {"failed_checks", num(step.failed_checks)},
                 {"reason", step.reason}});
}

void RunRecorder::canary_aborted(SimTime at, FaultTarget target, const CanaryAnalysis::Step& step) {
    events_.add(
        at.seconds(), "canary", target_name(target),
        {{"phase", to_string(step.phase)}, {"weight", step.weight}, {"reason", step.reason}});
}

// ---- the other kinds ----

void RunRecorder::breaker_transitions(std::uint32_t edge,
                                      std::span<const CircuitBreaker::Transition> log,
                                      std::uint64_t dropped) {
    for (const auto& t : log)
        breaker_rows_.push_back({edge, t});
    breaker_dropped_[edge] += dropped;
}

void RunRecorder::alert_change(SimTime at, const AlertChange& change) {
    const auto& rule = params_->operations.alerts[change.rule];
    auto& firings = firings_[change.rule];
    if (change.fired)
        firings.push_back({at.seconds(), std::numeric_limits<double>::quiet_NaN(), change.value});
    else if (!firings.empty())
        firings.back().resolved_seconds = at.seconds();
    events_.add(
        at.seconds(), change.fired ? "alert_firing" : "alert_resolved", rule.name,
        {{"value", change.value}, {"severity", rule.severity}, {"condition", rule.condition.text}});
}

void RunRecorder::autoscaler_decision(SimTime at, std::uint32_t service,
                                      const Autoscaler::Decision& d) {
    events_.add(at.seconds(), "autoscaler", service_name(service),
                {{"current", num(d.current_replicas)},
                 {"metric", d.metric_value},
                 {"recommendation", num(d.recommendation)},
                 {"desired", num(d.desired_replicas)},
                 {"reason", to_string(d.reason)},
                 {"limit", to_string(d.limit)}});
}

void RunRecorder::expectation(std::uint32_t check, bool passed,
                              ExpectationObservation observation) {
    expectations_.push_back({check, passed, std::move(observation)});
}

// ---- the result ----

void RunRecorder::move_into(RunResult& out) {
    out.metric_times_seconds = metrics_.times_seconds();
    out.metric_scrapes = metrics_.scrapes();
    out.metric_stride = metrics_.stride();
    out.metric_totals = metrics_.totals();
    // Moved, not copied: the record's columns would otherwise be held twice at the peak.
    out.metrics = metrics_.take_columns();
    if (tracer_) {
        out.traced = tracer_->traced();
        tracer_->export_kept(out.spans, out.slowest_traces);
    }

    // Breaker transitions: into their calls, and into the event log in time order (after the
    // model's events at equal times; equal times among breakers in edge order).
    const bool keep_rows = events_.keeps_rows();
    EventLog breakers(keep_rows);
    std::vector<const BreakerRow*> by_time;
    by_time.reserve(breaker_rows_.size());
    for (const auto& row : breaker_rows_) {
        const auto place = call_places_[row.edge];
        const auto& t = row.transition;
        out.services[place.service].calls[place.call].breaker_transitions.push_back(
            {t.at.seconds(), std::string(to_string(t.from)), std::string(to_string(t.to)),
             std::string(to_string(t.cause))});
        by_time.push_back(&row);
    }
    for (std::uint32_t e = 0; e < breaker_dropped_.size(); ++e)
        if (breaker_dropped_[e] > 0) {
            const auto place = call_places_[e];
            out.services[place.service].calls[place.call].breaker_transitions_dropped +=
                breaker_dropped_[e];
        }
    std::stable_sort(by_time.begin(), by_time.end(), [](const BreakerRow* a, const BreakerRow* b) {
        return a->transition.at.seconds() < b->transition.at.seconds();
    });
    for (const BreakerRow* row : by_time) {
        const auto& t = row->transition;
        breakers.add(
            t.at.seconds(), "breaker", edge_label(row->edge),
            {{"from", to_string(t.from)}, {"to", to_string(t.to)}, {"cause", to_string(t.cause)}});
    }
    out.event_log = EventLog::merge_by_time(std::move(events_), breakers);

    const auto& ops = params_->operations;
    out.alerts.clear();
    for (std::uint32_t a = 0; a < ops.alerts.size(); ++a) {
        const auto& rule = ops.alerts[a];
        out.alerts.push_back(
            {rule.name, rule.severity, rule.condition.text, rule.for_duration.seconds(),
             std::move(firings_[a]), rule.condition.metric.name, rule.condition.metric.subject,
             rule.condition.op, rule.condition.threshold, rule.condition.range.seconds()});
    }
    out.expectations = take_expectations();

    events_ = EventLog(keep_rows);
    breaker_rows_.clear();
    breaker_dropped_.assign(breaker_dropped_.size(), 0);
    firings_.assign(firings_.size(), {});
}

std::vector<ExpectationResult> RunRecorder::take_expectations() {
    std::vector<ExpectationResult> out;
    out.reserve(expectations_.size());
    for (auto& row : expectations_)
        out.push_back({params_->operations.expectations[row.check].text, row.passed,
                       std::move(row.observation)});
    expectations_.clear();
    return out;
}

} // namespace tpssim::models

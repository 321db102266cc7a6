#include "scenarios/parsed_scenario.hpp"

#include "models/call_graph.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace tpssim::scenarios::detail {

namespace {

// --- build: resolve names and check what spans several keys -------------------------------

/// "unknown service "x"; did you mean "y"?" (or the list of names when none is close).
std::string unknown_name(std::string_view what, const std::string& name,
                         const std::vector<std::string>& names) {
    std::string message = fmt::format("unknown {} {}", what, text::quote(name));
    const std::string suggestion = text::closest(name, names);
    if (!suggestion.empty())
        message += fmt::format("; did you mean {}?", text::quote(suggestion));
    else
        message += fmt::format(" (services: {})", text::join(names));
    return message;
}

/// Resolves names into indices and checks the call graph they make.
class Resolver {
public:
    Resolver(DiagnosticSink& sink, const ParsedScenario& p) : sink_(sink), p_(p) {}

    /// The index of `target`, or nothing (reported). `needs_service`: a queue is an error,
    /// explained by `queue_hint`.
    std::optional<std::uint32_t> resolve(const TargetName& target, std::string_view what,
                                         bool needs_service, std::string_view queue_hint) {
        const auto& names = p_.service_names;
        const auto it = std::find(names.begin(), names.end(), target.name);
        if (it == names.end()) {
            sink_.error(target.value.mark, target.value.path,
                        unknown_name(what, target.name, names));
            return std::nullopt;
        }
        const auto index = static_cast<std::uint32_t>(it - names.begin());
        const auto& node = p_.services[index];
        if (needs_service && node.kind_known && node.params.kind == models::ServiceKind::Queue) {
            sink_.error(target.value.mark, target.value.path,
                        fmt::format("{} is a queue (kind: queue); {}", text::quote(target.name),
                                    queue_hint));
            return std::nullopt;
        }
        return index;
    }

    /// An edge for the call graph, with the value to point at when it closes a cycle.
    void add_edge(models::CallGraphEdge edge, const Value& at) {
        edges_.push_back(std::move(edge));
        edge_values_.push_back(at);
    }

    /// Reports every cycle (at the edge that closes it) and, when `check_reach`, every node no
    /// load source reaches.
    void check_graph(const std::vector<models::CallGraphEntry>& entries, bool check_reach) {
        std::vector<models::CallGraphNode> nodes;
        for (std::size_t i = 0; i < p_.services.size(); ++i)
            nodes.push_back(
                models::CallGraphNode{p_.service_names[i], p_.services[i].params.kind, ""});
        const models::CallGraph graph(std::move(nodes), edges_, entries);
        for (const auto& cycle : graph.find_cycles()) {
            const std::size_t closing = cycle.edges.back();
            const Value& at = edge_values_[closing];
            const auto kind = edges_[closing].kind;
            sink_.error(at.mark, at.path,
                        fmt::format("this {} closes a cycle: {}; a request would go round it "
                                    "forever (calls, publishes and consumers must not loop)",
                                    kind == models::CallEdgeKind::Consume
                                        ? std::string_view("consumer")
                                        : models::to_string(kind),
                                    graph.format_cycle(cycle)));
        }
        if (!check_reach) return;
        const auto lost = graph.unreachable();
        for (const std::uint32_t v : lost) {
            const auto& s = p_.services[v];
            const bool queue = s.params.kind == models::ServiceKind::Queue;
            const std::string_view gets = queue ? "receives no load and nothing is published to it"
                                                : "receives no load and no calls";
            std::vector<std::string> from;
            bool from_itself = false;
            for (const std::size_t e : graph.in_edges(v)) {
                if (edges_[e].from == v) {
                    from_itself = true;
                    continue;
                }
                const std::string& name = p_.service_names[edges_[e].from];
                if (std::find(from.begin(), from.end(), name) == from.end()) from.push_back(name);
            }
            std::string message;
            if (from.empty() && from_itself)
                message =
                    fmt::format("{}: no load source targets it and only it calls itself", gets);
            else if (from.empty())
                message = fmt::format("{}: no load source targets it and no step {} it", gets,
                                      queue ? "publishes to" : "calls or publishes to");
            else
                message = fmt::format("{}: it is reached only from {}, which {} none {}", gets,
                                      text::join(from), from.size() == 1 ? "gets" : "get",
                                      from.size() == 1 ? "itself" : "themselves");
            sink_.error(s.key_mark, s.path, message);
        }
    }

private:
    DiagnosticSink& sink_;
    const ParsedScenario& p_;
    std::vector<models::CallGraphEdge> edges_;
    std::vector<Value> edge_values_;
};

/// The models' own checks, as a last line of defence behind the loader's: a failure here is a
/// loader bug, reported rather than thrown.
template <class Params>
void safety_check(DiagnosticSink& sink, const Params& params, const Value& at) {
    try {
        params.validate();
    } catch (const std::invalid_argument& e) {
        sink.error(at.mark, at.path, fmt::format("invalid settings: {}", e.what()));
    }
}

} // namespace

models::ModelParams build_model(DiagnosticSink& sink, ParsedScenario& p) {
    models::ModelParams m;
    if (p.duration && p.warmup && p.warmup_value && *p.warmup >= *p.duration) {
        sink.error(p.warmup_value->mark, p.warmup_value->path,
                   fmt::format("expected a warm-up shorter than duration ({}), got {}",
                               format_duration(*p.duration),
                               detail::describe(p.warmup_value->node)));
    }
    Resolver resolver(sink, p);
    std::vector<models::CallGraphEntry> entries;
    for (std::size_t i = 0; i < p.load.size(); ++i) {
        ParsedLoad& load = p.load[i];
        // A repeated name would make two sources share one random stream and one report row.
        if (load.name) {
            for (std::size_t j = 0; j < i; ++j) {
                if (p.load[j].name != load.name) continue;
                const YAML::Mark first = p.load[j].name_value->mark;
                sink.error(load.name_value->mark, load.name_value->path,
                           fmt::format("duplicate load source name {}; {}", text::quote(*load.name),
                                       first.is_null() ? std::string("the first was set by --set")
                                                       : fmt::format("the first is at line {}",
                                                                     first.line + 1)));
                break;
            }
        }
        // Without a readable `services` map every target would look unknown: say nothing.
        if (load.target && p.services_ok) {
            if (const auto t = resolver.resolve(TargetName{*load.target, *load.target_value},
                                                "service", false, "")) {
                load.params.target = *t;
                entries.push_back(models::CallGraphEntry{load.params.name, *t});
            }
        }
        m.load.push_back(load.params);
    }
    if (p.duration) m.duration = *p.duration;
    if (p.warmup) m.warmup = *p.warmup;
    m.start = p.start.start;
    m.tracing = p.tracing;

    bool graph_complete = p.services_ok;
    bool calls_resolved = p.services_ok;
    for (std::uint32_t i = 0; i < p.services.size(); ++i) {
        ParsedService& s = p.services[i];
        if (!s.ok) graph_complete = false;
        for (std::uint32_t k = 0; k < s.steps.size(); ++k) {
            ParsedStep& step = s.steps[k];
            for (std::uint32_t c = 0; c < step.calls.size(); ++c) {
                auto& call = step.calls[c];
                if (!call.target) {
                    calls_resolved = false;
                    continue;
                }
                const auto t =
                    resolver.resolve(*call.target, "service", true,
                                     fmt::format("a call needs a service (to hand work to a "
                                                 "queue, publish: {})",
                                                 call.target->name));
                if (!t) {
                    calls_resolved = false;
                    continue;
                }
                call.params.target = *t;
                models::CallGraphEdge edge;
                edge.from = i;
                edge.to = *t;
                edge.kind = models::CallEdgeKind::Call;
                edge.step = k;
                edge.call = c;
                edge.parallel = step.params.kind == models::StepParams::Kind::Parallel;
                resolver.add_edge(std::move(edge), call.target->value);
                if (call.params.retry) safety_check(sink, *call.params.retry, call.value);
                if (call.params.circuit_breaker)
                    safety_check(sink, *call.params.circuit_breaker, call.value);
                if (call.params.cache) safety_check(sink, *call.params.cache, call.value);
            }
            if (step.publish_target) {
                if (const auto t =
                        resolver.resolve(*step.publish_target, "queue or service", false, "")) {
                    step.params.publish.target = *t;
                    models::CallGraphEdge edge;
                    edge.from = i;
                    edge.to = *t;
                    edge.kind = models::CallEdgeKind::Publish;
                    edge.step = k;
                    resolver.add_edge(std::move(edge), step.publish_target->value);
                }
            }
            for (auto& call : step.calls)
                step.params.calls.push_back(call.params);
            s.params.steps.push_back(step.params);
        }
        if (s.consumer && s.params.kind == models::ServiceKind::Queue) {
            if (const auto t = resolver.resolve(*s.consumer, "service", true,
                                                "a queue's consumer must be a service, whose "
                                                "workers pull from the queue")) {
                s.params.consumer = *t;
                models::CallGraphEdge edge;
                edge.from = i;
                edge.to = *t;
                edge.kind = models::CallEdgeKind::Consume;
                resolver.add_edge(std::move(edge), s.consumer->value);
            }
        }
        if (!s.ok) calls_resolved = false;
        m.services.push_back(s.params);
    }
    p.calls_resolved = calls_resolved;
    // Reachability needs every edge: with a problem anywhere, a service could look unreached
    // only because a misspelt call to it was dropped. Cycles found among the edges that did
    // resolve are real whatever else is wrong.
    resolver.check_graph(entries, graph_complete && sink.empty());
    return m;
}

} // namespace tpssim::scenarios::detail
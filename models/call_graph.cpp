#include "models/call_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace tpssim::models {

namespace {

// Out-edges in a vector keep insertion order, so every search is deterministic. The edge
// property is the edge's index into CallGraph::edges().
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                    std::size_t>;
using Vertex = Graph::vertex_descriptor;
using EdgeDescriptor = Graph::edge_descriptor;
using ColorMap =
    boost::iterator_property_map<std::vector<boost::default_color_type>::iterator,
                                 boost::property_map<Graph, boost::vertex_index_t>::type>;

/// "800ms", "1.5s", "60s", "2m": exact when a unit divides the duration, else a short decimal.
std::string brief_duration(SimTime t) {
    const std::int64_t ns = t.ns();
    struct Unit {
        std::int64_t ns;
        const char* name;
    };
    static constexpr Unit kUnits[] = {{86'400'000'000'000, "d"}, {3'600'000'000'000, "h"},
                                      {60'000'000'000, "m"},     {1'000'000'000, "s"},
                                      {1'000'000, "ms"},         {1'000, "us"}};
    if (ns == 0) return "0s";
    // The largest unit the duration reaches in which it has at most three decimals.
    for (const auto& u : kUnits) {
        if (ns < u.ns) continue;
        if (ns % u.ns == 0) return fmt::format("{}{}", ns / u.ns, u.name);
        if (ns % (u.ns / 1000) == 0)
            return fmt::format("{}{}", static_cast<double>(ns) / static_cast<double>(u.ns), u.name);
    }
    return fmt::format("{}ns", ns);
}

std::string percent(double fraction) {
    return fmt::format("{:g}%", fraction * 100.0);
}

std::string node_label(const ServiceParams& s) {
    if (s.kind != ServiceKind::Queue) return {};
    std::vector<std::string> parts;
    if (s.queue_capacity != kUnbounded)
        parts.push_back(fmt::format("capacity {}", s.queue_capacity));
    if (s.max_deliver != 0) parts.push_back(fmt::format("max_deliver {}", s.max_deliver));
    return fmt::format("{}", fmt::join(parts, ", "));
}

/// DOT ID: always quoted, with `"` and `\` escaped.
std::string dot_id(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

/// A DOT label whose parts go on separate lines.
std::string dot_label(std::string_view name, std::string_view detail) {
    std::string text(name);
    std::string_view rest = detail;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(", ");
        if (!text.empty()) text += '\n';
        text += rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    }
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    out += '"';
    return out;
}

} // namespace

std::string_view to_string(CallEdgeKind kind) {
    return name_of(kind);
}

std::string describe_call(const CallParams& call) {
    std::vector<std::string> parts;
    if (call.probability < 1.0) parts.push_back(percent(call.probability));
    if (call.timeout != kNoTimeout) parts.push_back("timeout " + brief_duration(call.timeout));
    if (call.retry) parts.push_back(fmt::format("{} attempts", call.retry->max_attempts));
    if (call.circuit_breaker)
        parts.push_back("breaker " + percent(call.circuit_breaker->failure_rate_threshold));
    if (call.cache) {
        if (const auto* f = std::get_if<FixedHitRatio>(&call.cache->hits))
            parts.push_back("cache " + percent(f->hit_ratio));
        else {
            const auto& z = std::get<ZipfKeys>(call.cache->hits);
            parts.push_back(fmt::format("cache {} {} of {} keys", name_of(z.replacement),
                                        z.capacity_keys, z.key_count));
        }
    }
    if (call.fallback) parts.push_back("fallback");
    return fmt::format("{}", fmt::join(parts, ", "));
}

struct CallGraph::Impl {
    explicit Impl(std::size_t vertices) : graph(vertices) {}
    Graph graph;
};

CallGraph::CallGraph(const ModelParams& params) {
    nodes_.reserve(params.services.size());
    for (const auto& s : params.services)
        nodes_.push_back(CallGraphNode{s.name, s.kind, node_label(s)});
    for (std::uint32_t i = 0; i < params.services.size(); ++i) {
        const auto& s = params.services[i];
        for (std::uint32_t k = 0; k < s.steps.size(); ++k) {
            const auto& step = s.steps[k];
            switch (step.kind) {
            case StepParams::Kind::Work:
                break;
            case StepParams::Kind::Call:
            case StepParams::Kind::Parallel:
                for (std::uint32_t c = 0; c < step.calls.size(); ++c) {
                    const bool parallel = step.kind == StepParams::Kind::Parallel;
                    std::string label = describe_call(step.calls[c]);
                    if (parallel) label = label.empty() ? "parallel" : "parallel, " + label;
                    edges_.push_back(CallGraphEdge{i, step.calls[c].target, CallEdgeKind::Call, k,
                                                   c, parallel, std::move(label)});
                }
                break;
            case StepParams::Kind::Publish:
                edges_.push_back(CallGraphEdge{
                    i, step.publish.target, CallEdgeKind::Publish, k, 0, false,
                    step.publish.probability < 1.0 ? percent(step.publish.probability) : ""});
                break;
            }
        }
        if (s.kind == ServiceKind::Queue && s.consumer != ServiceParams::kNoConsumer)
            edges_.push_back(CallGraphEdge{i, s.consumer, CallEdgeKind::Consume,
                                           CallGraphEdge::kNoStep, 0, false, ""});
    }
    for (const auto& l : params.load)
        entries_.push_back(CallGraphEntry{l.name, l.target});
    build();
}

CallGraph::CallGraph(std::vector<CallGraphNode> nodes, std::vector<CallGraphEdge> edges,
                     std::vector<CallGraphEntry> entries)
    : nodes_(std::move(nodes)), edges_(std::move(edges)), entries_(std::move(entries)) {
    build();
}

CallGraph::~CallGraph() = default;
CallGraph::CallGraph(CallGraph&&) noexcept = default;
CallGraph& CallGraph::operator=(CallGraph&&) noexcept = default;

void CallGraph::build() {
    const std::size_t n = nodes_.size();
    for (const auto& e : edges_)
        if (e.from >= n || e.to >= n)
            throw std::invalid_argument(fmt::format(
                "call graph: edge {} -> {} names a node out of range ({} nodes)", e.from, e.to, n));
    for (const auto& e : entries_)
        if (e.node >= n)
            throw std::invalid_argument(
                fmt::format("call graph: entry {} names node {}, out of range ({} nodes)", e.source,
                            e.node, n));
    impl_ = std::make_unique<Impl>(n);
    for (std::size_t i = 0; i < edges_.size(); ++i)
        boost::add_edge(edges_[i].from, edges_[i].to, i, impl_->graph);
}

std::vector<std::size_t> CallGraph::out_edges(std::uint32_t node) const {
    std::vector<std::size_t> out;
    for (const auto e : boost::make_iterator_range(boost::out_edges(node, impl_->graph)))
        out.push_back(impl_->graph[e]);
    return out;
}

std::vector<std::size_t> CallGraph::in_edges(std::uint32_t node) const {
    std::vector<std::size_t> in;
    for (std::size_t i = 0; i < edges_.size(); ++i)
        if (edges_[i].to == node) in.push_back(i);
    return in;
}

namespace {

/// Records the tree edge into each vertex, and at each back edge the cycle it closes.
class CycleRecorder : public boost::default_dfs_visitor {
public:
    CycleRecorder(std::vector<std::size_t>& tree_edge_into, std::vector<CallGraphCycle>& cycles,
                  const std::vector<CallGraphEdge>& edges, bool first_only)
        : tree_edge_into_(&tree_edge_into), cycles_(&cycles), edges_(&edges),
          first_only_(first_only) {}

    void tree_edge(EdgeDescriptor e, const Graph& g) const {
        (*tree_edge_into_)[boost::target(e, g)] = g[e];
    }
    void back_edge(EdgeDescriptor e, const Graph& g) const {
        if (first_only_ && !cycles_->empty()) return;
        // The target is gray: an ancestor of the source on the search path. Walk the tree
        // edges back from the source to it.
        const auto top = static_cast<std::uint32_t>(boost::target(e, g));
        std::vector<std::size_t> path{g[e]};
        for (auto v = static_cast<std::uint32_t>(boost::source(e, g)); v != top;) {
            const std::size_t into = (*tree_edge_into_)[v];
            path.push_back(into);
            v = (*edges_)[into].from;
        }
        std::reverse(path.begin(), path.end());
        CallGraphCycle cycle;
        cycle.nodes.push_back(top);
        for (const std::size_t i : path)
            cycle.nodes.push_back((*edges_)[i].to);
        cycle.edges = std::move(path);
        cycles_->push_back(std::move(cycle));
    }

private:
    std::vector<std::size_t>* tree_edge_into_;
    std::vector<CallGraphCycle>* cycles_;
    const std::vector<CallGraphEdge>* edges_;
    bool first_only_;
};

/// The roots of every search: the entries' targets in load order, then all nodes in order.
std::vector<std::uint32_t> search_roots(std::span<const CallGraphEntry> entries, std::size_t n) {
    std::vector<std::uint32_t> roots;
    roots.reserve(entries.size() + n);
    for (const auto& e : entries)
        roots.push_back(e.node);
    for (std::uint32_t v = 0; v < n; ++v)
        roots.push_back(v);
    return roots;
}

std::vector<CallGraphCycle> cycles_of(const Graph& g, std::span<const CallGraphEntry> entries,
                                      const std::vector<CallGraphEdge>& edges, bool first_only) {
    const std::size_t n = boost::num_vertices(g);
    std::vector<boost::default_color_type> colors(n, boost::white_color);
    ColorMap color(colors.begin(), boost::get(boost::vertex_index, g));
    std::vector<std::size_t> tree_edge_into(n, 0);
    std::vector<CallGraphCycle> cycles;
    const CycleRecorder visitor(tree_edge_into, cycles, edges, first_only);
    for (const std::uint32_t root : search_roots(entries, n)) {
        if (colors[root] != boost::white_color) continue;
        boost::depth_first_visit(g, root, visitor, color);
        if (first_only && !cycles.empty()) break;
    }
    return cycles;
}

} // namespace

std::optional<CallGraphCycle> CallGraph::find_cycle() const {
    auto cycles = cycles_of(impl_->graph, entries_, edges_, true);
    if (cycles.empty()) return std::nullopt;
    return std::move(cycles.front());
}

std::vector<CallGraphCycle> CallGraph::find_cycles() const {
    return cycles_of(impl_->graph, entries_, edges_, false);
}

std::string CallGraph::format_cycle(const CallGraphCycle& cycle) const {
    std::string out;
    for (const std::uint32_t v : cycle.nodes) {
        if (!out.empty()) out += " -> ";
        out += nodes_[v].name;
    }
    return out;
}

std::vector<std::uint32_t> CallGraph::unreachable() const {
    const Graph& g = impl_->graph;
    std::vector<boost::default_color_type> colors(boost::num_vertices(g), boost::white_color);
    ColorMap color(colors.begin(), boost::get(boost::vertex_index, g));
    for (const auto& e : entries_)
        if (colors[e.node] == boost::white_color)
            boost::depth_first_visit(g, e.node, boost::default_dfs_visitor(), color);
    std::vector<std::uint32_t> out;
    for (std::uint32_t v = 0; v < colors.size(); ++v)
        if (colors[v] == boost::white_color) out.push_back(v);
    return out;
}

std::optional<std::vector<std::uint32_t>> CallGraph::topological_order() const {
    std::vector<Vertex> reversed;
    try {
        boost::topological_sort(impl_->graph, std::back_inserter(reversed));
    } catch (const boost::not_a_dag&) {
        return std::nullopt;
    }
    std::vector<std::uint32_t> order;
    order.reserve(reversed.size());
    for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
        order.push_back(static_cast<std::uint32_t>(*it));
    return order;
}

std::string CallGraph::to_text() const {
    std::string out;
    std::vector<bool> expanded(nodes_.size(), false);
    std::vector<bool> on_path(nodes_.size(), false);
    const auto node_suffix = [&](std::uint32_t v) {
        const auto& node = nodes_[v];
        if (node.kind != ServiceKind::Queue) return std::string();
        return node.label.empty() ? std::string(" (queue)") : " (queue, " + node.label + ")";
    };
    // Recursion depth is bounded by the longest simple path: the number of nodes.
    const auto expand = [&](const auto& self, std::uint32_t v, int depth) -> void {
        expanded[v] = true;
        on_path[v] = true;
        for (const std::size_t i : out_edges(v)) {
            const auto& e = edges_[i];
            out += std::string(static_cast<std::size_t>(depth) * 2, ' ');
            out +=
                fmt::format("{} -> {}{}", to_string(e.kind), nodes_[e.to].name, node_suffix(e.to));
            if (!e.label.empty()) out += "  [" + e.label + "]";
            if (on_path[e.to])
                out += "  (cycle)\n";
            else if (expanded[e.to] && !out_edges(e.to).empty())
                out += "  (see above)\n";
            else {
                out += '\n';
                if (!expanded[e.to]) self(self, e.to, depth + 1);
            }
        }
        on_path[v] = false;
    };
    for (const auto& entry : entries_) {
        out += fmt::format("{} -> {}{}", entry.source, nodes_[entry.node].name,
                           node_suffix(entry.node));
        if (expanded[entry.node] && !out_edges(entry.node).empty()) {
            out += "  (see above)\n";
            continue;
        }
        out += '\n';
        if (!expanded[entry.node]) expand(expand, entry.node, 1);
    }
    const auto lost = unreachable();
    if (!lost.empty()) {
        std::vector<std::string> names;
        for (const auto v : lost)
            names.push_back(nodes_[v].name);
        out += fmt::format("not reached from any load source: {}\n", fmt::join(names, ", "));
    }
    return out;
}

std::string CallGraph::edge_list() const {
    std::string out;
    for (const auto& e : edges_) {
        out +=
            fmt::format("{} -> {}  {}", nodes_[e.from].name, nodes_[e.to].name, to_string(e.kind));
        if (!e.label.empty()) out += "  [" + e.label + "]";
        out += '\n';
    }
    return out;
}

std::string CallGraph::to_dot(std::string_view graph_name) const {
    std::string out = fmt::format("digraph {} {{\n", dot_id(graph_name));
    out += "  rankdir=LR;\n";
    out += "  node [shape=box, style=rounded];\n";
    for (const auto& entry : entries_)
        out += fmt::format("  {} [label={}, shape=plaintext];\n", dot_id("load:" + entry.source),
                           dot_label(entry.source, ""));
    for (const auto& node : nodes_) {
        if (node.kind == ServiceKind::Queue)
            out += fmt::format("  {} [label={}, shape=cylinder, style=solid];\n", dot_id(node.name),
                               dot_label(node.name, node.label));
        else
            out += fmt::format("  {};\n", dot_id(node.name));
    }
    for (const auto& entry : entries_)
        out += fmt::format("  {} -> {};\n", dot_id("load:" + entry.source),
                           dot_id(nodes_[entry.node].name));
    for (const auto& e : edges_) {
        std::vector<std::string> attributes;
        if (e.kind == CallEdgeKind::Publish) attributes.emplace_back("style=dashed");
        if (e.kind == CallEdgeKind::Consume) attributes.emplace_back("style=dotted");
        const std::string label = e.kind == CallEdgeKind::Call ? e.label
                                  : e.label.empty()
                                      ? std::string(to_string(e.kind))
                                      : fmt::format("{}, {}", to_string(e.kind), e.label);
        if (!label.empty()) attributes.push_back("label=" + dot_label("", label));
        out += fmt::format("  {} -> {}", dot_id(nodes_[e.from].name), dot_id(nodes_[e.to].name));
        if (!attributes.empty()) out += fmt::format(" [{}]", fmt::join(attributes, ", "));
        out += ";\n";
    }
    out += "}\n";
    return out;
}

} // namespace tpssim::models
#pragma once
/// The call graph of a model: who calls, publishes to and consumes from whom. Vertices are the
/// services and queues of ModelParams (same indices); edges are synchronous calls, asynchronous
/// publishes and consumes (a queue -> the service whose workers pull from it). The graph is a
/// Boost.Graph adjacency_list; this header keeps Boost out of its users.
///
/// It answers what validation and analysis ask: a cycle (with the edge that closes it), the
/// nodes no load source reaches, a topological order (callers before callees), and renders the
/// graph as text or Graphviz DOT. Everything is deterministic: edges keep the order of the
/// services, their steps and their calls; searches start from the load sources' targets in
/// load order, then from the remaining nodes in index order.

#include "models/enum_names.hpp"
#include "models/params.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::models {

/// What an edge of the call graph stands for.
enum class CallEdgeKind : std::uint8_t {
    Call,    ///< a synchronous call from a step (`call:` or an item of `parallel:`)
    Publish, ///< an asynchronous hand-off from a step (`publish:`)
    Consume, ///< a queue's items pulled by its consumer's workers (queue -> consumer)
};

/// The names of CallEdgeKind in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<CallEdgeKind>, 3> kCallEdgeKindNames{{
    {CallEdgeKind::Call, "call"},
    {CallEdgeKind::Publish, "publish"},
    {CallEdgeKind::Consume, "consume"},
}};
static_assert(is_dense_table(kCallEdgeKindNames));
constexpr std::span<const EnumName<CallEdgeKind>> enum_names(CallEdgeKind) {
    return kCallEdgeKindNames;
}

/// "call", "publish", "consume".
std::string_view to_string(CallEdgeKind kind);

/// One edge, with where it comes from so that a caller can point at the step.
struct CallGraphEdge {
    static constexpr std::uint32_t kNoStep = std::numeric_limits<std::uint32_t>::max();

    std::uint32_t from = 0; ///< index into the nodes (ModelParams::services)
    std::uint32_t to = 0;   ///< index into the nodes
    CallEdgeKind kind = CallEdgeKind::Call;
    std::uint32_t step = kNoStep; ///< Call, Publish: index into services[from].steps
    std::uint32_t call = 0;       ///< Call: index into that step's calls
    bool parallel = false;        ///< Call: made from a `parallel` step
    /// A brief description for renderings ("timeout 800ms, retry 3x, breaker 50%"); empty
    /// when there is nothing to say.
    std::string label;
};

/// One node: a service or a queue.
struct CallGraphNode {
    std::string name;
    ServiceKind kind = ServiceKind::Service;
    /// A brief description for renderings ("capacity 5000, max_deliver 5"); may be empty.
    std::string label;
};

/// A load source's entry into the graph.
struct CallGraphEntry {
    std::string source;     ///< the load source's name
    std::uint32_t node = 0; ///< its target
};

/// A cycle: `nodes` in order, the first repeated at the end (`api -> worker -> api` is
/// {api, worker, api}); `edges` are the indices of the edges between them, in the same order,
/// so `edges.back()` is the edge that closes the cycle.
struct CallGraphCycle {
    std::vector<std::uint32_t> nodes;
    std::vector<std::size_t> edges;
};

class CallGraph {
public:
    /// The graph of validated params: every index in range.
    explicit CallGraph(const ModelParams& params);
    /// A graph from its parts (for a caller that builds one before every reference is
    /// resolved, such as the scenario loader). Edges and entries must name existing nodes
    /// (std::invalid_argument otherwise).
    CallGraph(std::vector<CallGraphNode> nodes, std::vector<CallGraphEdge> edges,
              std::vector<CallGraphEntry> entries);
    ~CallGraph();
    CallGraph(CallGraph&&) noexcept;
    CallGraph& operator=(CallGraph&&) noexcept;
    CallGraph(const CallGraph&) = delete;
    CallGraph& operator=(const CallGraph&) = delete;

    std::span<const CallGraphNode> nodes() const { return nodes_; }
    std::span<const CallGraphEdge> edges() const { return edges_; }
    std::span<const CallGraphEntry> entries() const { return entries_; }

    /// The indices of the edges leaving `node`, in order.
    std::vector<std::size_t> out_edges(std::uint32_t node) const;
    /// The indices of the edges arriving at `node`, in order.
    std::vector<std::size_t> in_edges(std::uint32_t node) const;

    /// The first cycle a depth-first search meets, if any.
    std::optional<CallGraphCycle> find_cycle() const;
    /// One cycle per back edge of the depth-first search, in the order it meets them: every
    /// cyclic part of the graph shows up at least once; empty when the graph is acyclic.
    std::vector<CallGraphCycle> find_cycles() const;
    /// "api -> worker -> api".
    std::string format_cycle(const CallGraphCycle& cycle) const;

    /// The nodes no load source reaches through any edge, in index order.
    std::vector<std::uint32_t> unreachable() const;
    /// Every node once, each before the nodes it calls, publishes to or is consumed by;
    /// empty when the graph has a cycle.
    std::optional<std::vector<std::uint32_t>> topological_order() const;

    /// One line per edge, as an indented tree from each entry:
    ///
    ///     users -> api
    ///       publish -> jobs (queue)
    ///         consume -> worker
    ///           call -> service-b  [timeout 800ms, retry 3x]
    ///
    /// A node met again is not expanded again ("(see above)"); nodes no entry reaches are
    /// listed at the end.
    std::string to_text() const;
    /// One line per edge, in edge order: "worker -> service-b  call  [timeout 800ms]".
    std::string edge_list() const;
    /// Graphviz DOT: calls solid, publishes dashed, consumes dotted; queues as cylinders,
    /// load sources as plain text; edges labelled with their brief description.
    std::string to_dot(std::string_view graph_name = "tpssim") const;

private:
    struct Impl;
    void build();

    std::vector<CallGraphNode> nodes_;
    std::vector<CallGraphEdge> edges_;
    std::vector<CallGraphEntry> entries_;
    std::unique_ptr<Impl> impl_;
};

/// A brief description of a call for renderings: "30%, timeout 800ms, retry 3x, breaker 50%,
/// cache 80%, fallback" (only the parts that are set).
std::string describe_call(const CallParams& call);

} // namespace tpssim::models
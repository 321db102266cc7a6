// The call graph (models/call_graph.hpp): edges from steps and queues, cycles with the edge
// that closes them, unreachable nodes, topological order, and the text and DOT renderings.
#include "models/call_graph.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

using namespace tpssim;

using models::CallEdgeKind;
using models::CallGraph;
using models::CallGraphEdge;
using models::CallGraphEntry;
using models::CallGraphNode;
using models::CallParams;
using models::ModelParams;
using models::ServiceKind;
using models::ServiceParams;
using models::StepParams;
using sim::SimTime;

namespace {

ServiceParams service(const std::string& name) {
    ServiceParams s;
    s.name = name;
    return s;
}

ServiceParams queue(const std::string& name, std::uint32_t consumer) {
    ServiceParams s;
    s.name = name;
    s.kind = ServiceKind::Queue;
    s.consumer = consumer;
    return s;
}

StepParams work() {
    StepParams s;
    s.kind = StepParams::Kind::Work;
    return s;
}

StepParams call(std::uint32_t target) {
    StepParams s;
    s.kind = StepParams::Kind::Call;
    CallParams c;
    c.target = target;
    s.calls.push_back(c);
    return s;
}

StepParams parallel(std::vector<std::uint32_t> targets) {
    StepParams s;
    s.kind = StepParams::Kind::Parallel;
    for (const auto t : targets) {
        CallParams c;
        c.target = t;
        s.calls.push_back(c);
    }
    return s;
}

StepParams publish(std::uint32_t target) {
    StepParams s;
    s.kind = StepParams::Kind::Publish;
    s.publish.target = target;
    return s;
}

void add_load(ModelParams& m, const std::string& name, std::uint32_t target) {
    models::LoadSourceParams l;
    l.name = name;
    l.target = target;
    l.rate_per_second = 1.0;
    m.load.push_back(l);
}

// The reference topology: api -publish-> jobs -consume-> worker -call-> service-b
// -call-> service-c; worker -parallel-> {db, service-c}.
enum : std::uint32_t { kApi, kJobs, kWorker, kB, kC, kDb };

ModelParams three_tier() {
    ModelParams m;
    m.services = {service("api"),       queue("jobs", kWorker), service("worker"),
                  service("service-b"), service("service-c"),   service("db")};
    m.services[kApi].steps = {work(), publish(kJobs)};
    m.services[kJobs].queue_capacity = 5000;
    m.services[kJobs].max_deliver = 5;
    auto to_b = call(kB);
    to_b.calls[0].timeout = SimTime::from_ms(800);
    to_b.calls[0].retry = models::RetryPolicyParams{};
    to_b.calls[0].retry->max_attempts = 3;
    to_b.calls[0].circuit_breaker = models::CircuitBreakerParams{};
    to_b.calls[0].fallback = models::FallbackParams{};
    auto fan_out = parallel({kDb, kC});
    fan_out.calls[0].cache = models::CacheParams{};
    fan_out.calls[0].cache->hits = models::FixedHitRatio{0.8};
    fan_out.calls[1].probability = 0.3;
    m.services[kWorker].steps = {work(), to_b, fan_out};
    auto to_c = call(kC);
    to_c.calls[0].timeout = SimTime::from_ms(1500);
    m.services[kB].steps = {work(), to_c};
    add_load(m, "users", kApi);
    return m;
}

std::vector<std::string> names(const CallGraph& g, const std::vector<std::uint32_t>& nodes) {
    std::vector<std::string> out;
    for (const auto v : nodes)
        out.push_back(g.nodes()[v].name);
    return out;
}

std::size_t position(const std::vector<std::uint32_t>& order, std::uint32_t v) {
    return static_cast<std::size_t>(std::find(order.begin(), order.end(), v) - order.begin());
}

} // namespace

TEST_CASE("edges come from calls, parallel calls, publishes and consumers, in order") {
    const CallGraph g(three_tier());
    REQUIRE(g.nodes().size() == 6);
    CHECK(g.nodes()[kJobs].kind == ServiceKind::Queue);
    CHECK(g.nodes()[kJobs].label == "capacity 5000, max_deliver 5");
    const auto edges = g.edges();
    REQUIRE(edges.size() == 6);
    // api's publish (step 1), jobs' consumer, worker's call (step 1) and parallel (step 2),
    // service-b's call (step 1): services in order, steps in order, consume after steps.
    CHECK(edges[0].from == kApi);
    CHECK(edges[0].to == kJobs);
    CHECK(edges[0].kind == CallEdgeKind::Publish);
    CHECK(edges[0].step == 1);
    CHECK(edges[1].from == kJobs);
    CHECK(edges[1].to == kWorker);
    CHECK(edges[1].kind == CallEdgeKind::Consume);
    CHECK(edges[1].step == CallGraphEdge::kNoStep);
    CHECK(edges[2].kind == CallEdgeKind::Call);
    CHECK(edges[2].to == kB);
    CHECK(edges[2].step == 1);
    CHECK_FALSE(edges[2].parallel);
    CHECK(edges[2].label == "timeout 800ms, 3 attempts, breaker 50%, fallback");
    CHECK(edges[3].to == kDb);
    CHECK(edges[3].step == 2);
    CHECK(edges[3].call == 0);
    CHECK(edges[3].parallel);
    CHECK(edges[3].label == "parallel, cache 80%");
    CHECK(edges[4].to == kC);
    CHECK(edges[4].call == 1);
    CHECK(edges[4].label == "parallel, 30%");
    CHECK(edges[5].from == kB);
    CHECK(edges[5].label == "timeout 1.5s");
    CHECK(g.out_edges(kWorker) == std::vector<std::size_t>{2, 3, 4});
    CHECK(g.in_edges(kC) == std::vector<std::size_t>{4, 5});
    CHECK(g.out_edges(kDb).empty());
    // A queue without a consumer (not yet resolved) has no consume edge.
    ModelParams m = three_tier();
    m.services[kJobs].consumer = ServiceParams::kNoConsumer;
    CHECK(CallGraph(m).edges().size() == 5);
}

TEST_CASE("an acyclic graph has no cycle and a topological order, callers first") {
    const CallGraph g(three_tier());
    CHECK_FALSE(g.find_cycle());
    CHECK(g.find_cycles().empty());
    const auto order = g.topological_order();
    REQUIRE(order);
    REQUIRE(order->size() == 6);
    for (const auto& e : g.edges()) {
        CAPTURE(g.nodes()[e.from].name);
        CAPTURE(g.nodes()[e.to].name);
        CHECK(position(*order, e.from) < position(*order, e.to));
    }
    CHECK(g.unreachable().empty());
}

TEST_CASE("a cycle is found in order, with the edge that closes it") {
    ModelParams m = three_tier();
    // worker calls api back: api -> jobs -> worker -> api.
    m.services[kWorker].steps.push_back(call(kApi));
    const CallGraph g(m);
    const auto cycle = g.find_cycle();
    REQUIRE(cycle);
    CHECK(g.format_cycle(*cycle) == "api -> jobs -> worker -> api");
    CHECK(cycle->nodes == std::vector<std::uint32_t>{kApi, kJobs, kWorker, kApi});
    REQUIRE(cycle->edges.size() == 3);
    const auto& closing = g.edges()[cycle->edges.back()];
    CHECK(closing.from == kWorker);
    CHECK(closing.to == kApi);
    CHECK(closing.step == 3);
    CHECK(g.edges()[cycle->edges[0]].kind == CallEdgeKind::Publish);
    CHECK(g.edges()[cycle->edges[1]].kind == CallEdgeKind::Consume);
    CHECK_FALSE(g.topological_order());
}

TEST_CASE("a call to itself is a cycle of one edge") {
    ModelParams m;
    m.services = {service("api")};
    m.services[0].steps = {work(), call(0)};
    add_load(m, "users", 0);
    const CallGraph g(m);
    const auto cycle = g.find_cycle();
    REQUIRE(cycle);
    CHECK(g.format_cycle(*cycle) == "api -> api");
    CHECK(cycle->edges.size() == 1);
    CHECK_FALSE(g.topological_order());
}

TEST_CASE("find_cycles reports one cycle per back edge, searching from the entries first") {
    ModelParams m;
    m.services = {service("a"), service("b"), service("c"), service("d"), service("e")};
    m.services[0].steps = {call(1)};
    m.services[1].steps = {call(0)}; // a <-> b
    m.services[2].steps = {call(3)}; // c -> d -> e -> c, not reached from the load
    m.services[3].steps = {call(4)};
    m.services[4].steps = {parallel({2, 2})}; // two calls close the same loop
    add_load(m, "users", 1);                  // the search starts at b
    const CallGraph g(m);
    const auto cycles = g.find_cycles();
    REQUIRE(cycles.size() == 3);
    CHECK(g.format_cycle(cycles[0]) == "b -> a -> b");
    CHECK(g.format_cycle(cycles[1]) == "c -> d -> e -> c");
    CHECK(g.format_cycle(cycles[2]) == "c -> d -> e -> c");
    CHECK(g.edges()[cycles[1].edges.back()].call == 0);
    CHECK(g.edges()[cycles[2].edges.back()].call == 1);
    CHECK(g.format_cycle(*g.find_cycle()) == "b -> a -> b");
    CHECK(names(g, g.unreachable()) == std::vector<std::string>{"c", "d", "e"});
}

TEST_CASE("unreachable: nodes no load source reaches through any edge") {
    ModelParams m = three_tier();
    m.services.push_back(service("orphan"));     // 6: nothing reaches it
    m.services.push_back(service("orphan-dep")); // 7: only the orphan calls it
    m.services.push_back(queue("lost-jobs", 8)); // 8: a queue consuming itself is fine here
    m.services[6].steps = {call(7)};
    const CallGraph g(m);
    CHECK(names(g, g.unreachable()) ==
          std::vector<std::string>{"orphan", "orphan-dep", "lost-jobs"});
    // A second load source makes them reachable.
    add_load(m, "batch", 6);
    CHECK(names(CallGraph(m), CallGraph(m).unreachable()) == std::vector<std::string>{"lost-jobs"});
    // Without any load source, nothing is reached.
    ModelParams none = three_tier();
    none.load.clear();
    CHECK(CallGraph(none).unreachable().size() == 6);
}

TEST_CASE("the text rendering is a tree from each entry, one line per edge") {
    ModelParams m = three_tier();
    add_load(m, "admin", kB); // service-b again: not expanded twice
    m.services.push_back(service("orphan"));
    const CallGraph g(m);
    CHECK(g.to_text() == R"(users -> api
  publish -> jobs (queue, capacity 5000, max_deliver 5)
    consume -> worker
      call -> service-b  [timeout 800ms, 3 attempts, breaker 50%, fallback]
        call -> service-c  [timeout 1.5s]
      call -> db  [parallel, cache 80%]
      call -> service-c  [parallel, 30%]
admin -> service-b  (see above)
not reached from any load source: orphan
)");
    CHECK(g.edge_list() == R"(api -> jobs  publish
jobs -> worker  consume
worker -> service-b  call  [timeout 800ms, 3 attempts, breaker 50%, fallback]
worker -> db  call  [parallel, cache 80%]
worker -> service-c  call  [parallel, 30%]
service-b -> service-c  call  [timeout 1.5s]
)");
    // A cycle is marked, not followed.
    ModelParams loop;
    loop.services = {service("a"), service("b")};
    loop.services[0].steps = {call(1)};
    loop.services[1].steps = {call(0)};
    add_load(loop, "u", 0);
    CHECK(CallGraph(loop).to_text() == "u -> a\n  call -> b\n    call -> a  (cycle)\n");
}

TEST_CASE("the DOT rendering: calls solid, publishes dashed, queues as cylinders") {
    ModelParams m = three_tier();
    m.services[kApi].steps[1].publish.probability = 0.25;
    const CallGraph g(m);
    CHECK(g.to_dot("three-tier") == R"(digraph "three-tier" {
  rankdir=LR;
  node [shape=box, style=rounded];
  "load:users" [label="users", shape=plaintext];
  "api";
  "jobs" [label="jobs\ncapacity 5000\nmax_deliver 5", shape=cylinder, style=solid];
  "worker";
  "service-b";
  "service-c";
  "db";
  "load:users" -> "api";
  "api" -> "jobs" [style=dashed, label="publish\n25%"];
  "jobs" -> "worker" [style=dotted, label="consume"];
  "worker" -> "service-b" [label="timeout 800ms\n3 attempts\nbreaker 50%\nfallback"];
  "worker" -> "db" [label="parallel\ncache 80%"];
  "worker" -> "service-c" [label="parallel\n30%"];
  "service-b" -> "service-c" [label="timeout 1.5s"];
}
)");
    // Names are quoted and escaped whatever they hold.
    const CallGraph odd({CallGraphNode{"a\"b", ServiceKind::Service, ""}}, {}, {});
    CHECK(odd.to_dot("x\\y").find("digraph \"x\\\\y\" {\n") == 0);
    CHECK(odd.to_dot().find("  \"a\\\"b\";\n") != std::string::npos);
}

TEST_CASE("describe_call says only what is set") {
    CallParams c;
    CHECK(models::describe_call(c).empty());
    c.probability = 0.125;
    c.timeout = SimTime::from_s(90);
    c.cache = models::CacheParams{};
    c.cache->hits = models::ZipfKeys{100000, 0.8, 10000, models::CacheReplacement::Lru};
    CHECK(models::describe_call(c) == "12.5%, timeout 1.5m, cache lru 10000 of 100000 keys");
    c.timeout = SimTime::from_ns(1'234'567);
    CHECK(models::describe_call(c).find("timeout 1234.567us") != std::string::npos);
}

TEST_CASE("a graph from parts checks its indices") {
    std::vector<CallGraphNode> nodes{{"a", ServiceKind::Service, ""},
                                     {"b", ServiceKind::Service, ""}};
    const auto edge = [](std::uint32_t from, std::uint32_t to) {
        CallGraphEdge e;
        e.from = from;
        e.to = to;
        return e;
    };
    CHECK_THROWS_AS(CallGraph(nodes, {edge(0, 2)}, {}), std::invalid_argument);
    CHECK_THROWS_AS(CallGraph(nodes, {}, {CallGraphEntry{"u", 5}}), std::invalid_argument);
    CallGraph g(nodes, {edge(0, 1)}, {CallGraphEntry{"u", 0}});
    CHECK(g.unreachable().empty());
    CHECK(*g.topological_order() == std::vector<std::uint32_t>{0, 1});
    // Moves keep the graph usable.
    CallGraph moved = std::move(g);
    CHECK(moved.out_edges(0) == std::vector<std::size_t>{0});
}

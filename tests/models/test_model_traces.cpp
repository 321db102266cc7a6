// Traces through the model: a request's trace goes on across a publish into the queue's
// consumer (a follows-from span), so its end-to-end duration is the user's whole wait;
// redeliveries, dead letters and a backend outage's replay show in it; spans carry their
// replica. Deterministic cases (constant times and arrivals) worked out by hand.
#include "models/model.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::ArrivalProcess;
using models::ModelParams;
using models::ServiceParams;
using models::SpanColumns;
using models::SpanOutcome;
using models::SpanRef;
using models::StepParams;
using sim::Distribution;
using sim::SimTime;

namespace {

SimTime ms(std::int64_t v) {
    return SimTime::from_ms(v);
}

ServiceParams service(const std::string& name, std::uint32_t workers, SimTime work,
                      double error_probability = 0.0) {
    ServiceParams s;
    s.name = name;
    s.workers = workers;
    s.service_time = Distribution::constant(work);
    s.error_probability = error_probability;
    return s;
}

// api (0): 5 ms of work, then publishes to `jobs` (1), consumed by `worker` (2), whose
// request takes `consume`. One request a second, every one traced.
ModelParams slow_consumer(SimTime consume, double worker_error = 0.0,
                          std::uint32_t max_deliver = 0) {
    ModelParams p;
    p.duration = SimTime::from_s(20);
    ServiceParams api = service("api", 2, ms(0));
    StepParams work;
    work.kind = StepParams::Kind::Work;
    work.work = Distribution::constant(ms(5));
    StepParams pub;
    pub.kind = StepParams::Kind::Publish;
    pub.publish.target = 1;
    api.steps = {work, pub};
    ServiceParams jobs;
    jobs.name = "jobs";
    jobs.kind = models::ServiceKind::Queue;
    jobs.consumer = 2;
    jobs.max_deliver = max_deliver;
    jobs.queue_capacity = models::kUnbounded;
    p.services = {api, jobs, service("worker", 1, consume, worker_error)};
    p.load.push_back({"users", 0, ArrivalProcess::Constant, 1.0});
    p.tracing.sample_fraction = 1.0;
    p.tracing.keep_slowest = 3;
    return p;
}

models::RunResult run(const ModelParams& p, std::uint64_t seed = 1) {
    models::RunOptions o;
    o.seed = seed;
    return models::run_model(p, o);
}

std::string op(const models::RunResult& r, std::uint32_t row) {
    return r.spans.operations[r.spans.operation[row]];
}

} // namespace

TEST_CASE("a trace goes on across a publish: end to end includes the slow consumer") {
    const auto r = run(slow_consumer(ms(200)));
    REQUIRE(r.slowest_traces.size() == 3);
    const auto& t = r.slowest_traces[0];
    const auto& s = r.spans;
    CHECK(t.entry_seconds == doctest::Approx(0.005));    // api answers after its 5 ms
    CHECK(t.duration_seconds == doctest::Approx(0.205)); // the user's whole wait
    REQUIRE(t.rows == 4);
    const auto f = t.first_row;
    CHECK(op(r, f) == "handle"); // api, the entry span
    CHECK(op(r, f + 1) == "work");
    // The worker's span follows from api's: same trace, hung under api's span.
    CHECK(op(r, f + 2) == "handle");
    CHECK(s.service[f + 2] == 2);
    CHECK(s.parent_id[f + 2] == 0);
    CHECK(s.ref[f + 2] == SpanRef::FollowsFrom);
    CHECK(s.delivery[f + 2] == 1);
    CHECK(s.start_seconds[f + 2] + s.duration_seconds[f + 2] ==
          doctest::Approx(t.start_seconds + t.duration_seconds));
    CHECK(op(r, f + 3) == "work");
    CHECK(s.parent_id[f + 3] == 2);
    CHECK(s.ref[f + 3] == SpanRef::ChildOf);
    // The worker's work is the bottleneck: 200 of the 205 ms.
    CHECK(t.bottleneck_row == f + 3);
    CHECK(s.self_seconds[f + 3] == doctest::Approx(0.200));
    // Every span ran on a replica (the pools' only or first one here).
    for (std::uint32_t i = 0; i < t.rows; ++i) {
        CHECK(s.replica[f + i] != SpanColumns::kNoReplica);
        CHECK(s.replica[f + i] < 2);
        CHECK(s.outcome[f + i] == SpanOutcome::Ok);
    }
}

TEST_CASE("redeliveries and the dead letter show in the trace") {
    // Every delivery fails; the second is the last (max_deliver 2): dead-lettered.
    const auto r = run(slow_consumer(ms(100), 1.0, 2));
    REQUIRE(!r.slowest_traces.empty());
    const auto& t = r.slowest_traces[0];
    const auto& s = r.spans;
    CHECK(t.duration_seconds == doctest::Approx(0.205)); // 5 + 100 + 100 ms
    std::vector<std::uint32_t> deliveries;
    for (std::uint32_t row = t.first_row; row < t.first_row + t.rows; ++row)
        if (s.service[row] == 2 && s.operation[row] == models::Tracer::kHandle) {
            deliveries.push_back(row);
            CHECK(s.ref[row] == SpanRef::FollowsFrom);
            CHECK(s.parent_id[row] == 0); // both follow from the publishing span
        }
    REQUIRE(deliveries.size() == 2);
    CHECK(s.delivery[deliveries[0]] == 1);
    CHECK(s.outcome[deliveries[0]] == SpanOutcome::Error); // failed, delivered again
    CHECK(s.delivery[deliveries[1]] == 2);
    CHECK(s.outcome[deliveries[1]] == SpanOutcome::DeadLettered);
    CHECK(r.services[1].dead_lettered > 0);
}

TEST_CASE("a full queue's rejection is a span without a replica") {
    auto p = slow_consumer(ms(2500));
    p.services[1].queue_capacity = 1;
    p.tracing.keep_slowest = 20;
    const auto r = run(p);
    REQUIRE(r.services[1].rejected > 0);
    std::size_t rejected = 0;
    for (std::size_t row = 0; row < r.spans.size(); ++row)
        if (r.spans.outcome[row] == SpanOutcome::Rejected) {
            ++rejected;
            CHECK(r.spans.replica[row] == SpanColumns::kNoReplica);
            CHECK(r.spans.ref[row] == SpanRef::FollowsFrom);
        }
    CHECK(rejected > 0);
}

TEST_CASE("a backend outage's replay stays in its trace") {
    // The worker takes 3 s; the backend is down from 1.5 s to 10 s: the first item's
    // acknowledgement is lost, it is delivered again when the backend returns.
    auto p = slow_consumer(SimTime::from_s(3));
    p.operations.services.resize(3);
    models::FaultParams f;
    f.name = "outage";
    f.kind = models::FaultKind::BackendDown;
    f.target = {models::FaultTarget::Kind::Service, 1};
    f.start = ms(1500);
    f.end = SimTime::from_s(10);
    p.operations.faults = {f};
    p.tracing.keep_slowest = 100;
    const auto r = run(p);
    REQUIRE(r.services[1].duplicates >= 1);
    // The first request (arrived at 1 s): delivered at 1.005 s, done at 4.005 s (backend down:
    // no ack), delivered again at 10 s, done at 13 s: its trace lasts 12 s and holds both.
    bool found = false;
    for (const auto& t : r.slowest_traces) {
        if (t.start_seconds != doctest::Approx(1.0)) continue;
        found = true;
        CHECK(t.duration_seconds == doctest::Approx(12.0));
        std::uint32_t deliveries = 0, held = 0;
        for (std::uint32_t row = t.first_row; row < t.first_row + t.rows; ++row) {
            if (r.spans.service[row] == 2 && r.spans.operation[row] == models::Tracer::kHandle)
                deliveries = std::max(deliveries, r.spans.delivery[row]);
            // The wait for the backend is a span of the queue, from the lost acknowledgement
            // to the replay: on the critical path, not api's self time.
            if (op(r, row) == "unacked (backend down)") {
                ++held;
                CHECK(r.spans.service[row] == 1);
                CHECK(r.spans.ref[row] == SpanRef::FollowsFrom);
                CHECK(r.spans.start_seconds[row] == doctest::Approx(4.005));
                CHECK(r.spans.duration_seconds[row] == doctest::Approx(5.995));
                CHECK(r.spans.self_seconds[row] == doctest::Approx(5.995));
                CHECK(r.spans.delivery[row] == 1);
            }
        }
        CHECK(deliveries == 2);
        CHECK(held == 1);
        CHECK(r.spans.self_seconds[t.first_row] == doctest::Approx(0.0)); // api: all in accept
    }
    CHECK(found);
}

TEST_CASE("tracing still changes no other figure with queues in the path") {
    auto p = slow_consumer(ms(200), 0.3, 3);
    p.load[0].arrivals = ArrivalProcess::Poisson;
    p.load[0].rate_per_second = 4.0;
    p.duration = SimTime::from_s(300);
    const auto traced = run(p, 5);
    p.tracing.sample_fraction = 0.0;
    const auto plain = run(p, 5);
    CHECK(plain.events == traced.events);
    CHECK(plain.services[1].dead_lettered == traced.services[1].dead_lettered);
    CHECK(plain.services[2].latency_seconds.mean == traced.services[2].latency_seconds.mean);
}

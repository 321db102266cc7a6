// The tracer on hand-built traces: follows-from spans and the end-to-end duration, replicas,
// deliveries, which traces are kept and in what order (end to end or by one service), the
// critical path's self times and the bottleneck shares over several traces.
#include "models/tracer.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::SpanColumns;
using models::SpanOutcome;
using models::SpanRef;
using models::Tracer;
using models::TraceSummary;
using models::TracingParams;
using sim::SimTime;

namespace {

SimTime ms(std::int64_t v) {
    return SimTime::from_ms(v);
}

constexpr std::uint32_t kApi = 0, kWorker = 1, kDb = 2;

TracingParams every_request(std::uint32_t keep) {
    TracingParams p;
    p.sample_fraction = 1.0;
    p.keep_slowest = keep;
    return p;
}

// A request that api accepts in `accept` and publishes at its end; the worker's delivery
// follows from api's span and takes `consume`. Returns nothing: the trace ends in the tracer.
void accept_then_consume(Tracer& tr, SimTime at, SimTime accept, SimTime consume,
                         std::uint32_t worker_replica = 0) {
    const std::uint32_t t = tr.maybe_begin(at);
    REQUIRE(t != Tracer::kNone);
    tr.job_started(t);
    const auto api = tr.open_span(t, SpanColumns::kNoParent, kApi, Tracer::kHandle, at);
    tr.job_started(t); // the queue item
    const auto item =
        tr.open_span(t, api, kWorker, Tracer::kHandle, at + accept, SpanRef::FollowsFrom);
    tr.close_span(t, api, at + accept, SpanOutcome::Ok, 2);
    tr.job_ended(t); // api's job: the trace goes on with the item
    tr.close_span(t, item, at + accept + consume, SpanOutcome::Ok, worker_replica, SimTime::zero(),
                  1);
    tr.job_ended(t);
}

// A request whose api span (100 ms) calls db: the call [10, 90] ms, db's span [10, 90] ms, its
// query [15, 15 + query] ms.
void api_calls_db(Tracer& tr, SimTime at, std::uint32_t query_op, std::uint32_t call_op,
                  SimTime query) {
    const std::uint32_t t = tr.maybe_begin(at);
    tr.job_started(t);
    const auto api = tr.open_span(t, SpanColumns::kNoParent, kApi, Tracer::kHandle, at);
    const auto call = tr.open_span(t, api, kApi, call_op, at + ms(10));
    tr.job_started(t);
    const auto db = tr.open_span(t, call, kDb, Tracer::kHandle, at + ms(10));
    const auto q = tr.open_span(t, db, kDb, query_op, at + ms(15));
    tr.close_span(t, q, at + ms(15) + query, SpanOutcome::Ok, 4);
    tr.close_span(t, db, at + ms(90), SpanOutcome::Ok, 4);
    tr.job_ended(t);
    tr.close_span(t, call, at + ms(90), SpanOutcome::Ok, 1);
    tr.close_span(t, api, at + ms(100), SpanOutcome::Ok, 1);
    tr.job_ended(t);
}

std::vector<SimTime> self_times(std::initializer_list<models::SpanInterval> spans) {
    return models::critical_path_self_times(std::vector<models::SpanInterval>(spans));
}

} // namespace

TEST_CASE("a delivery follows from its publisher and the trace ends with it") {
    Tracer tr(every_request(5), 1);
    accept_then_consume(tr, SimTime::from_s(1), ms(7), ms(300), 3);
    SpanColumns s;
    std::vector<TraceSummary> traces;
    tr.export_kept(s, traces);
    REQUIRE(traces.size() == 1);
    const auto& t = traces[0];
    CHECK(t.rows == 2);
    CHECK(t.start_seconds == doctest::Approx(1.0));
    CHECK(t.entry_seconds == doctest::Approx(0.007));
    CHECK(t.duration_seconds == doctest::Approx(0.307)); // the user's whole wait
    CHECK(t.ranked_seconds == doctest::Approx(0.307));
    CHECK(s.ref[0] == SpanRef::ChildOf);
    CHECK(s.ref[1] == SpanRef::FollowsFrom);
    CHECK(s.parent_id[1] == 0);
    CHECK(s.operations[s.operation[1]] == "handle");
    // The replica each ran on, and the delivery (only a queue item has one).
    CHECK(s.replica[0] == 2);
    CHECK(s.replica[1] == 3);
    CHECK(s.delivery[0] == 0);
    CHECK(s.delivery[1] == 1);
    // Self times on the critical path: api until the publish, then the worker.
    CHECK(s.self_seconds[0] == doctest::Approx(0.007));
    CHECK(s.self_seconds[1] == doctest::Approx(0.300));
    CHECK(t.bottleneck_row == 1);
    CHECK(models::to_string(SpanRef::FollowsFrom) == "follows_from");
}

TEST_CASE("a span closed without a replica keeps the one recorded while it ran") {
    Tracer tr(every_request(1), 1);
    const std::uint32_t t = tr.maybe_begin(SimTime::zero());
    tr.job_started(t);
    const auto api = tr.open_span(t, SpanColumns::kNoParent, kApi, Tracer::kHandle, ms(0));
    const auto rejected = tr.open_span(t, api, kWorker, Tracer::kHandle, ms(1));
    tr.close_span(t, rejected, ms(1), SpanOutcome::Rejected, SpanColumns::kNoReplica);
    tr.set_replica(t, api, 5); // its replica is killed under it
    tr.close_span(t, api, ms(2), SpanOutcome::Error, SpanColumns::kNoReplica);
    tr.job_ended(t);
    SpanColumns s;
    std::vector<TraceSummary> traces;
    tr.export_kept(s, traces);
    REQUIRE(s.size() == 2);
    CHECK(s.replica[0] == 5);
    CHECK(s.replica[1] == SpanColumns::kNoReplica);
}

TEST_CASE("the slowest traces are kept by end-to-end duration, not by their entry span") {
    Tracer tr(every_request(2), 1);
    accept_then_consume(tr, SimTime::from_s(1), ms(50), ms(10)); // 60 ms, entry 50 ms
    accept_then_consume(tr, SimTime::from_s(2), ms(5), ms(300)); // 305 ms, entry 5 ms
    accept_then_consume(tr, SimTime::from_s(3), ms(40), ms(40)); // 80 ms, entry 40 ms
    accept_then_consume(tr, SimTime::from_s(4), ms(30), ms(30)); // 60 ms: ties with 1, later
    CHECK(tr.traced() == 4);
    SpanColumns s;
    std::vector<TraceSummary> traces;
    tr.export_kept(s, traces);
    REQUIRE(traces.size() == 2);
    CHECK(traces[0].trace_id == 1);
    CHECK(traces[0].duration_seconds == doctest::Approx(0.305));
    CHECK(traces[1].trace_id == 2);
    CHECK(traces[1].duration_seconds == doctest::Approx(0.080));
    // Rows are grouped by trace, slowest first.
    CHECK(traces[0].first_row == 0);
    CHECK(traces[1].first_row == 2);
    CHECK(s.trace_id[2] == 2);
}

TEST_CASE("--by a service: the traces with that service's longest span are kept") {
    auto params = every_request(2);
    params.rank_service = kApi;
    Tracer tr(params, 1);
    accept_then_consume(tr, SimTime::from_s(1), ms(50), ms(10)); // api 50 ms
    accept_then_consume(tr, SimTime::from_s(2), ms(5), ms(300)); // api 5 ms
    accept_then_consume(tr, SimTime::from_s(3), ms(40), ms(40)); // api 40 ms
    SpanColumns s;
    std::vector<TraceSummary> traces;
    tr.export_kept(s, traces);
    REQUIRE(traces.size() == 2);
    CHECK(traces[0].trace_id == 0);
    CHECK(traces[0].ranked_seconds == doctest::Approx(0.050));
    CHECK(traces[0].duration_seconds == doctest::Approx(0.060));
    CHECK(traces[1].trace_id == 2);

    // Traces without a span of the service are not candidates at all.
    params.rank_service = kDb;
    Tracer by_db(params, 1);
    accept_then_consume(by_db, SimTime::from_s(1), ms(50), ms(10));
    const auto query = by_db.operation("query");
    const auto call = by_db.operation("call db");
    api_calls_db(by_db, SimTime::from_s(2), query, call, ms(20));
    SpanColumns s2;
    std::vector<TraceSummary> t2;
    by_db.export_kept(s2, t2);
    REQUIRE(t2.size() == 1);
    CHECK(t2[0].trace_id == 1);
    CHECK(t2[0].ranked_seconds == doctest::Approx(0.080)); // db's span, [10, 90] ms
}

TEST_CASE("critical path: self time not in children, parallel children, late deliveries") {
    // In sequence: api [0, 100] -> call [10, 90] -> db [10, 90] -> query [15, 85].
    auto self = self_times({{SpanColumns::kNoParent, ms(0), ms(100)},
                            {0, ms(10), ms(90)},
                            {1, ms(10), ms(90)},
                            {2, ms(15), ms(85)}});
    CHECK(self[0] == ms(20));
    CHECK(self[1] == ms(0));
    CHECK(self[2] == ms(10));
    CHECK(self[3] == ms(70));

    // Parallel children [10, 50] and [20, 90]: the later one is on the path; the earlier one
    // overlaps it and is not; the parent owns [0, 20] and [90, 100].
    self = self_times(
        {{SpanColumns::kNoParent, ms(0), ms(100)}, {0, ms(10), ms(50)}, {0, ms(20), ms(90)}});
    CHECK(self[0] == ms(30));
    CHECK(self[1] == ms(0));
    CHECK(self[2] == ms(70));

    // A delivery that outlives its publisher, published from a child: api [0, 10] with a step
    // [0, 8] that publishes at 5; the delivery [5, 300] follows from the step.
    self = self_times(
        {{SpanColumns::kNoParent, ms(0), ms(10)}, {0, ms(0), ms(8)}, {1, ms(5), ms(300)}});
    CHECK(self[0] == ms(0));
    CHECK(self[1] == ms(5));
    CHECK(self[2] == ms(295));
    CHECK(self[0] + self[1] + self[2] == ms(300)); // the end-to-end duration

    // A failed delivery [5, 20] and its redelivery [20, 60], both following from api [0, 10].
    self = self_times(
        {{SpanColumns::kNoParent, ms(0), ms(10)}, {0, ms(5), ms(20)}, {0, ms(20), ms(60)}});
    CHECK(self[0] == ms(5));
    CHECK(self[1] == ms(15));
    CHECK(self[2] == ms(40));
}

TEST_CASE("bottleneck: the span with most self time and its share of the traces' time") {
    Tracer tr(every_request(10), 1);
    const auto query = tr.operation("query");
    const auto call = tr.operation("call db");
    api_calls_db(tr, SimTime::from_s(1), query, call, ms(70)); // query 70 of 100 ms
    api_calls_db(tr, SimTime::from_s(2), query, call, ms(75)); // query 75 of 100 ms
    SpanColumns s;
    std::vector<TraceSummary> traces;
    tr.export_kept(s, traces);
    REQUIRE(traces.size() == 2);
    for (const auto& t : traces) {
        CHECK(s.operation[t.bottleneck_row] == query);
        double sum = 0.0;
        for (std::uint32_t r = t.first_row; r < t.first_row + t.rows; ++r)
            sum += s.self_seconds[r];
        CHECK(sum == doctest::Approx(t.duration_seconds));
    }
    const auto shares = models::bottleneck_shares(s, traces);
    REQUIRE(shares.size() == 4); // api handle, api call db, db handle, db query
    CHECK(shares[0].service == kDb);
    CHECK(shares[0].operation == query);
    CHECK(shares[0].self_seconds == doctest::Approx(0.145));
    CHECK(shares[0].share == doctest::Approx(0.725)); // (70 + 75) / (100 + 100)
    CHECK(shares[1].service == kApi);                 // api's own 20 + 20 ms
    CHECK(shares[1].operation == Tracer::kHandle);
    CHECK(shares[1].share == doctest::Approx(0.2));
    double total = 0.0;
    for (const auto& b : shares)
        total += b.share;
    CHECK(total == doctest::Approx(1.0));
    // Over the slowest trace only (the first by end to end; ties go to the earlier trace).
    const auto first = models::bottleneck_shares(s, std::span(traces).first(1));
    CHECK(first[0].share == doctest::Approx(0.70));
}

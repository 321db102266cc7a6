// Lab 2.6, read traces to find the bottleneck: scenarios/labs/2.6-traces.yaml. The reference
// system at 50 requests/s with a slow database query (~120 ms) behind an 80% cache. What the
// lab expects (the certification program's Lab 2.6): the slow traces show one span taking
// most of the time, "the database query takes 80% of the time".
//
// The traces are end to end (api's publish, the jobs stream, the worker, service-b, db), so
// the kept ones are the requests whose users waited longest; the test asserts that their
// bottleneck summary names db's query and its share, that each of them marks it, and that
// with the fix (a 3 ms query) the bottleneck is no longer the database. The run is
// deterministic (the file's seed).

#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "run_inspection.hpp"

using namespace tpssim;

namespace {

using namespace run_inspection;

const std::string kFile = TPSSIM_SOURCE_DIR "/scenarios/labs/2.6-traces.yaml";

std::uint32_t index_of(const models::RunResult& r, const std::string& name) {
    for (std::uint32_t i = 0; i < r.services.size(); ++i)
        if (r.services[i].name == name) return i;
    FAIL("no service " << name);
    return 0;
}

std::string label(const models::RunResult& r, const models::BottleneckShare& b) {
    return r.services[b.service].name + " " + r.spans.operations[b.operation];
}

} // namespace

TEST_CASE("lab 2.6 traces: the database query dominates the slowest requests") {
    const auto sc = scenarios::load_scenario_file(kFile);
    const auto r = run(sc);
    check_all_passed(sc, r);
    REQUIRE(r.slowest_traces.size() == 10);
    const auto db = index_of(r, "db");
    const auto worker = index_of(r, "worker");

    const auto shares = models::bottleneck_shares(r.spans, r.slowest_traces);
    REQUIRE(!shares.empty());
    MESSAGE("bottleneck of the 10 slowest: " << label(r, shares[0]) << " " << shares[0].share);
    CHECK(label(r, shares[0]) == "db query");
    CHECK(shares[0].share > 0.6);
    CHECK(shares[0].share < 0.95);
    // The next one is far behind.
    REQUIRE(shares.size() > 1);
    CHECK(shares[1].share < shares[0].share / 3);

    for (const auto& t : r.slowest_traces) {
        CAPTURE(t.trace_id);
        // Each slow trace marks the query, and runs end to end through the queue.
        CHECK(r.spans.service[t.bottleneck_row] == db);
        CHECK(r.spans.operations[r.spans.operation[t.bottleneck_row]] == "query");
        CHECK(t.duration_seconds > 5 * t.entry_seconds);
        bool worker_follows = false;
        for (std::uint32_t row = t.first_row; row < t.first_row + t.rows; ++row)
            worker_follows |=
                r.spans.service[row] == worker && r.spans.ref[row] == models::SpanRef::FollowsFrom;
        CHECK(worker_follows);
    }
}

TEST_CASE("lab 2.6 with a fast query: the database no longer dominates") {
    const std::vector<scenarios::Override> fix{{"services.db.steps.0.work.mean", "3ms"}};
    const auto sc = scenarios::load_scenario_file(kFile, fix);
    const auto r = run(sc);
    const auto shares = models::bottleneck_shares(r.spans, r.slowest_traces);
    REQUIRE(!shares.empty());
    MESSAGE("bottleneck with the fix: " << label(r, shares[0]) << " " << shares[0].share);
    CHECK(r.services[shares[0].service].name != "db");
    double db_share = 0.0;
    for (const auto& b : shares)
        if (r.services[b.service].name == "db") db_share += b.share;
    CHECK(db_share < 0.2);
}

// The slowest requests in the report (--slowest N, --by) and the traces section of the summary
// JSON, on traces built by hand through the tracer: a queue item delivered twice and
// dead-lettered, the bottleneck summary and its share, the follows-from mark.
#include "apps/tpssim/report.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace tpssim;

using models::SpanColumns;
using models::SpanOutcome;
using models::SpanRef;
using models::Tracer;
using sim::SimTime;

namespace {

SimTime ms(std::int64_t v) {
    return SimTime::from_ms(v);
}

constexpr std::uint32_t kApi = 0, kWorker = 2, kDb = 3;

// api publishes at `at` + 5 ms; each delivery to the worker takes `delivery` and spends all
// but 20 ms of it in db's query; every delivery but the last fails, and the last one is
// dead-lettered when `dead` (else it succeeds).
void request(Tracer& tr, std::uint32_t query, SimTime at, SimTime delivery, int deliveries,
             bool dead) {
    const auto t = tr.maybe_begin(at);
    tr.job_started(t);
    const auto api = tr.open_span(t, SpanColumns::kNoParent, kApi, Tracer::kHandle, at);
    tr.close_span(t, api, at + ms(5), SpanOutcome::Ok, 0);
    SimTime start = at + ms(5);
    for (int d = 1; d <= deliveries; ++d) {
        const auto w = tr.open_span(t, api, kWorker, Tracer::kHandle, start, SpanRef::FollowsFrom);
        const auto db = tr.open_span(t, w, kDb, Tracer::kHandle, start + ms(5));
        const auto q = tr.open_span(t, db, kDb, query, start + ms(5));
        tr.close_span(t, q, start + delivery - ms(15), SpanOutcome::Ok, 4);
        tr.close_span(t, db, start + delivery - ms(15), SpanOutcome::Ok, 4);
        const bool last = d == deliveries;
        tr.close_span(
            t, w, start + delivery,
            !last ? SpanOutcome::Error : (dead ? SpanOutcome::DeadLettered : SpanOutcome::Ok),
            static_cast<std::uint32_t>(d), SimTime::zero(), static_cast<std::uint32_t>(d));
        start += delivery;
    }
    tr.job_ended(t);
}

RunSummary traced_summary(std::optional<std::chrono::local_seconds> start = std::nullopt) {
    models::TracingParams params;
    params.sample_fraction = 1.0;
    params.keep_slowest = 2;
    Tracer tr(params, 1);
    const auto query = tr.operation("query");
    request(tr, query, SimTime::from_s(1), ms(100), 2, true); // 205 ms, query 2 x 80 ms
    request(tr, query, SimTime::from_s(2), ms(50), 1, false); // 55 ms, query 30 ms
    request(tr, query, SimTime::from_s(3), ms(25), 1, false); // 30 ms: not kept
    models::RunResult r;
    r.simulated_seconds = 10;
    r.start = start;
    for (const char* name : {"api", "jobs", "worker", "db"}) {
        models::ServiceResult s;
        s.name = name;
        r.services.push_back(s);
    }
    r.traced = tr.traced();
    tr.export_kept(r.spans, r.slowest_traces);
    return summarise(std::vector<models::RunResult>{r}, "x", "x.yaml", 1, 0.0);
}

} // namespace

TEST_CASE("--slowest: the bottleneck summary, the trees, deliveries and dead letters") {
    const auto s = traced_summary();
    const std::string text = format_slowest(s, 2);
    INFO(text);
    CHECK(text.find("slowest requests end to end (2 shown of 3 traced)") != std::string::npos);
    // db's query: (80 + 80 + 30) of (205 + 55) ms.
    CHECK(text.find("  bottleneck: db query: 73% of the slowest 2 traces' time (190ms of "
                    "260ms)\n") != std::string::npos);
    CHECK(text.find("  then: worker handle 23%, api handle 4%\n") != std::string::npos);
    CHECK(text.find("#1 trace 0 at 1s: 205ms end to end, entry span 5ms") != std::string::npos);
    CHECK(text.find("#2 trace 1 at 2s: 55ms end to end") != std::string::npos);
    CHECK(text.find("~worker handle (delivery 2)") != std::string::npos);
    CHECK(text.find("dead_lettered") != std::string::npos);
    CHECK(text.find("~ follows from its parent") != std::string::npos);
    std::istringstream in(text);
    std::string line;
    std::size_t marked = 0;
    while (std::getline(in, line)) {
        CHECK_MESSAGE(line.size() <= 100, line);
        if (line.find("<- bottleneck") != std::string::npos) {
            ++marked;
            CHECK(line.find("db query") != std::string::npos);
        }
    }
    CHECK(marked == 2); // one a trace

    // Over the slowest one only.
    CHECK(format_slowest(s, 1).find("db query: 78% of the slowest trace's time (160ms of 205ms") !=
          std::string::npos);
}

TEST_CASE("--by: the report says what the traces were ranked by") {
    auto s = traced_summary();
    s.traces_ranked_by = "worker";
    const std::string text = format_slowest(s, 2);
    CHECK(text.find("slowest requests by worker's longest span (2 shown of 3 traced)") !=
          std::string::npos);
    CHECK(text.find("#1 trace 0 at 1s: worker 205ms, 205ms end to end, entry span 5ms") !=
          std::string::npos);
    const auto j = nlohmann::json::parse(summary_json(s, {true}));
    CHECK(j["traces"]["ranked_by"] == "worker");

    // No kept trace reached the service: said so, not an empty section.
    s.slowest_traces.clear();
    s.spans = {};
    const std::string none = format_slowest(s, 2);
    CHECK(none.find("(0 shown of 3 traced)\n  no traced request reached worker\n") !=
          std::string::npos);
    const auto j2 = nlohmann::json::parse(summary_json(s, {true}));
    CHECK(!j2["traces"].contains("bottleneck"));
    CHECK(j2["traces"]["slowest"].empty());
}

TEST_CASE("summary JSON: the traces section, its bottleneck and time by span") {
    const auto j = nlohmann::json::parse(summary_json(traced_summary(), {true}));
    REQUIRE(j.contains("traces"));
    const auto& t = j["traces"];
    CHECK(t["traced"] == 3);
    CHECK(t["ranked_by"] == "end_to_end");
    CHECK(t["bottleneck"]["service"] == "db");
    CHECK(t["bottleneck"]["operation"] == "query");
    CHECK(t["bottleneck"]["self_seconds"].get<double>() == doctest::Approx(0.190));
    CHECK(t["bottleneck"]["share"].get<double>() == doctest::Approx(0.190 / 0.260));
    // Only spans with self time; db's own span has none (its query fills it).
    double total = 0.0;
    for (const auto& b : t["time_by_span"]) {
        CHECK(b["self_seconds"].get<double>() > 0.0);
        CHECK(!(b["service"] == "db" && b["operation"] == "handle"));
        total += b["share"].get<double>();
    }
    CHECK(total == doctest::Approx(1.0));
    REQUIRE(t["slowest"].size() == 2);
    const auto& first = t["slowest"][0];
    CHECK(first["duration_seconds"].get<double>() == doctest::Approx(0.205));
    CHECK(first["entry_seconds"].get<double>() == doctest::Approx(0.005));
    CHECK(first["spans"] == 7);
    CHECK(first["bottleneck"]["service"] == "db");
    CHECK(first["bottleneck"]["self_seconds"].get<double>() == doctest::Approx(0.080));
}

TEST_CASE("--slowest on a calendar: traces start at clock times, in the report and the JSON") {
    using namespace std::chrono;
    const auto s = traced_summary(local_days{year{2026} / December / 25} + hours{14});
    const std::string text = format_slowest(s, 2);
    INFO(text);
    CHECK(text.find("#1 trace 0 at 14:00:01: 205ms end to end") != std::string::npos);
    CHECK(text.find("#2 trace 1 at 14:00:02: 55ms end to end") != std::string::npos);
    const auto j = nlohmann::json::parse(summary_json(s, {true}));
    const auto& first = j["traces"]["slowest"][0];
    CHECK(first["start_seconds"].get<double>() == doctest::Approx(1.0));
    CHECK(first["start_time"] == "2026-12-25T14:00:01.000");
    // Without a calendar: elapsed times, and no clock-time key.
    const auto plain = nlohmann::json::parse(summary_json(traced_summary(), {true}));
    CHECK(!plain["traces"]["slowest"][0].contains("start_time"));
}

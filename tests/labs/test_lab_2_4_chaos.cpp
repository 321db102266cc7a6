// Lab 2.4, generate failure and recover: scenarios/labs/2.4-chaos.yaml. The reference system
// at 100 requests/s; from 3m to 6m service-b hangs (+5 s per request, past the worker's 1 s
// timeout). What the lab expects (the certification program's Lab 2.4): the breaker opens,
// errors spike, the queue grows only slightly, latency stays reasonable because the breaker
// rejects rather than queues, and after the chaos stops the breaker closes in about 60 s.
//
// The test asserts every check of the file passed, reads the breaker's transitions from the
// event log (first opening, last closing), and runs the same chaos with a breaker that never
// opens (a window of a million calls): its checks on the breaker and on latency must fail.

#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "run_inspection.hpp"

using namespace tpssim;

namespace {

using namespace run_inspection;

const std::string kFile = TPSSIM_SOURCE_DIR "/scenarios/labs/2.4-chaos.yaml";
constexpr double kChaosStart = 180.0;
constexpr double kChaosStop = 360.0;

} // namespace

TEST_CASE("lab 2.4 chaos: the breaker opens, rejects rather than queues, and closes after") {
    const auto sc = scenarios::load_scenario_file(kFile);
    const auto r = run(sc);
    check_all_passed(sc, r);

    double first_open = -1.0;
    double last_close = -1.0;
    for (const auto e : r.event_log) {
        if (e.type != "breaker" || e.subject != "worker->service-b") continue;
        const double t = e.at_seconds;
        if (text(e, "to") == "open" && first_open < 0) first_open = t;
        if (text(e, "to") == "closed") last_close = t;
    }
    MESSAGE("breaker first opened at " << first_open << " s, last closed at " << last_close
                                       << " s");
    // Opens within seconds of the chaos (10 timed-out calls of 1 s each, in parallel).
    CHECK(first_open > kChaosStart);
    CHECK(first_open < kChaosStart + 5);
    // Closes after the chaos stops, within its 30 s open wait and one trial: about 60 s at most.
    CHECK(last_close > kChaosStop);
    CHECK(last_close < kChaosStop + 60);

    const auto& worker = service(r, "worker");
    const auto& jobs = service(r, "jobs");
    // Errors: the failed items went back to the stream and, after 3 deliveries, to the
    // dead-letter queue; nothing was rejected at the entry.
    CHECK(worker.failed > 10'000);
    CHECK(jobs.dead_lettered > 5'000);
    CHECK(jobs.rejected == 0);
    // Rejecting, not queueing: the stream never held more than a few dozen items.
    CHECK(jobs.max_queue_length < 200);
    const auto& p99 = column(r, "tps_latency_p99_seconds", "worker");
    CHECK(max_in(r, p99, kChaosStart, kChaosStop) < 3.0);
}

TEST_CASE("lab 2.4 with a breaker that never opens: calls wait out the timeout") {
    const std::vector<scenarios::Override> never{
        {"services.worker.steps.1.circuit_breaker.sliding_window.size", "1000000"},
        {"services.worker.steps.1.circuit_breaker.minimum_number_of_calls", "1000000"}};
    const auto sc = scenarios::load_scenario_file(kFile, never);
    const auto r = run(sc);
    CHECK(check_failed(r, "breaker(worker->service-b) opens during [3m, 3m30s]"));
    CHECK(
        check_failed(r, "breaker_state(worker->service-b) == open at some point during [3m, 6m]"));
    // Every call now waits for its timeout or a full service-b: seconds of latency.
    CHECK(check_failed(r, "p99(worker) < 3s during [0s, 10m]"));
    const auto& worker = service(r, "worker");
    CHECK(worker.latency_seconds.p99 > 1.0);
    // Before the chaos, nothing differs.
    CHECK_FALSE(check_failed(r, "error_rate(worker) == 0 during [0s, 3m]"));
}

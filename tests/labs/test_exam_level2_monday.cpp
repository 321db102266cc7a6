// The Level 2 practical exam, Monday morning: scenarios/exams/level2-monday.yaml. A weekend of
// high load (Saturday 12:00 to Monday 09:00) leaves two abnormal things behind: a dead-letter
// queue that grew during a 20-minute service-c outage on Saturday evening, and a worker replica
// that turned sick (8x slower, failing 20% of its items) on Sunday at 03:00 and, with no health
// check, is still there on Monday. The checks are what the exam asks of the operator: the
// metrics show what is abnormal and since when, the event log names the cause (the faults'
// fault_start events), the traces point at the sick worker, and the file's own `expect:` holds.
// One run of the whole file (45 simulated hours, about 10 million events), checked all over
// (its time: bench/README.md, History).

#include "apps/tpssim/observation_text.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>
#include <optional>

#include <cmath>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

using namespace tpssim;

namespace {

const std::string kFile = TPSSIM_SOURCE_DIR "/scenarios/exams/level2-monday.yaml";

// Times after the start (Saturday 2027-01-02 12:00).
constexpr double kOutage = 8 * 3600.0;   // Saturday 20:00, for 20 minutes
constexpr double kSick = 15 * 3600.0;    // Sunday 03:00
constexpr double kMonday7 = 43 * 3600.0; // Monday 07:00
constexpr double kEnd = 45 * 3600.0;     // Monday 09:00

const std::vector<double>& column(const models::RunResult& r, const std::string& name,
                                  const std::string& subject) {
    for (const auto& c : r.metrics)
        if (c.name == name && c.subject == subject) return c.values;
    FAIL("no metric " << name << " about " << subject);
    return r.metrics.front().values;
}

// The first scrape at which `pred` holds (-1: none).
template <class Pred>
double first_scrape(const models::RunResult& r, const std::vector<double>& values, Pred pred) {
    for (std::size_t k = 0; k < values.size(); ++k)
        if (pred(values[k])) return r.metric_times_seconds[k];
    return -1.0;
}

// The mean of a column's finite values over scrapes in [from, to).
double mean_over(const models::RunResult& r, const std::vector<double>& values, double from,
                 double to) {
    double sum = 0.0;
    std::size_t n = 0;
    for (std::size_t k = 0; k < values.size(); ++k) {
        const double t = r.metric_times_seconds[k];
        if (t >= from && t < to && std::isfinite(values[k])) {
            sum += values[k];
            ++n;
        }
    }
    return n == 0 ? std::nan("") : sum / static_cast<double>(n);
}

std::optional<models::EventLog::Event>
find_event(const models::RunResult& r, const std::string& type, const std::string& subject) {
    for (const auto e : r.event_log)
        if (e.type == type && e.subject == subject) return e;
    return std::nullopt;
}

} // namespace

TEST_CASE("exam level 2: Monday's abnormal metrics, and the cause in the logs and traces") {
    const auto sc = scenarios::load_scenario_file(kFile);
    models::RunOptions o;
    o.seed = sc.seed;
    const auto r = models::run_model(sc.model, o);
    REQUIRE(r.simulated_seconds == doctest::Approx(kEnd));

    // The file's own checks (the Monday state) pass.
    for (const auto& e : r.expectations) {
        INFO(e.text << ": " << observation_text(e, r));
        CHECK(e.passed);
    }

    // The event log names both causes, at their times.
    const auto outage = find_event(r, "fault_start", "service-c outage");
    REQUIRE(outage);
    CHECK(outage->at_seconds == doctest::Approx(kOutage));
    const auto outage_end = find_event(r, "fault_end", "service-c outage");
    REQUIRE(outage_end);
    CHECK(outage_end->at_seconds == doctest::Approx(kOutage + 20 * 60));
    const auto sick = find_event(r, "fault_start", "worker replica sick");
    REQUIRE(sick);
    CHECK(sick->at_seconds == doctest::Approx(kSick));
    const auto unhealthy = find_event(r, "unhealthy", "worker");
    REQUIRE(unhealthy);
    CHECK(unhealthy->at_seconds == doctest::Approx(kSick));
    // Nothing replaced it: there is no health check and no action.
    CHECK(!find_event(r, "health_check_failed", "worker"));
    CHECK(!find_event(r, "crash", "worker"));

    // The metrics show when each started. The dead-letter count (cumulative) is 0 until the
    // outage and jumps within its first minute (an item fails 3 deliveries in well under a
    // second), then stays at its level through Monday: nothing drains a dead-letter queue.
    const auto& dead = column(r, "tps_dead_lettered_total", "jobs");
    const double first_dead = first_scrape(r, dead, [](double v) { return v > 0.0; });
    MESSAGE("first dead letter seen at scrape t=" << first_dead << " s; dead-lettered "
                                                  << dead.back() << " by Monday 09:00");
    CHECK(first_dead > kOutage);
    CHECK(first_dead <= kOutage + 60.0);
    CHECK(dead.back() > 1000.0);
    // After the outage it hardly grows: only an item failed on all 3 deliveries by the sick
    // replica (20% each) joins it.
    const double after_outage = mean_over(r, dead, kOutage + 25 * 60, kOutage + 26 * 60);
    MESSAGE(after_outage << " dead-lettered by 20:26 on Saturday");
    CHECK(dead.back() - after_outage < 0.01 * dead.back());

    // The worker's error rate is 0 until the outage, high during it, 0 again until Sunday
    // 03:00, and from then on the sick replica's failures keep it above 0 (an item it fails
    // is redelivered and, almost always, then done by a healthy replica).
    const auto& errors = column(r, "tps_error_ratio", "worker");
    CHECK(mean_over(r, errors, 600.0, kOutage) == 0.0);
    CHECK(mean_over(r, errors, kOutage, kOutage + 20 * 60) > 0.3);
    CHECK(mean_over(r, errors, kOutage + 25 * 60, kSick) == 0.0);
    const double monday_errors = mean_over(r, errors, kMonday7, kEnd);
    const double first_error =
        first_scrape(r, errors, [](double v) { return v > 0.0; }); // the outage
    CHECK(first_error <= kOutage + 60.0);
    double first_sick_error = -1.0;
    for (std::size_t k = 0; k < errors.size(); ++k)
        if (r.metric_times_seconds[k] > kSick && errors[k] > 0.0) {
            first_sick_error = r.metric_times_seconds[k];
            break;
        }
    MESSAGE("worker error rate first above 0 after Sunday 03:00 at t="
            << first_sick_error << " s; mean on Monday 07:00-09:00 " << monday_errors);
    CHECK(first_sick_error > kSick);
    CHECK(first_sick_error < kSick + 15 * 60);
    CHECK(monday_errors > 0.002);

    // Latency: the worker's p99 on Monday morning is above Saturday afternoon's.
    const auto& p99 = column(r, "tps_latency_p99_seconds", "worker");
    const double saturday = mean_over(r, p99, 600.0, kOutage);
    const double monday = mean_over(r, p99, kMonday7, kEnd);
    MESSAGE("worker p99, mean of the scrapes: Saturday 12:10-20:00 "
            << saturday << " s, Monday 07:00-09:00 " << monday << " s");
    CHECK(monday > 1.2 * saturday);

    // The traces. A trace runs end to end, through the jobs stream into the worker (its span
    // follows from api's publish), so the slowest kept traces are the users' longest waits,
    // and they show the sick worker: every worker "prepare" step over 50 ms in them (normally
    // 10 ms, cv 0.8) ran after Sunday 03:00, on the sick replica.
    // Their spans name the replica: the one the `unhealthy` event names.
    REQUIRE(!r.slowest_traces.empty());
    const auto replica_field = unhealthy->find("replica");
    REQUIRE(replica_field);
    const auto sick_replica = static_cast<std::uint32_t>(std::get<double>(*replica_field));
    std::size_t slow_prepare = 0, slow_prepare_after = 0, slow_prepare_on_sick = 0;
    for (std::size_t row = 0; row < r.spans.size(); ++row)
        if (r.spans.operations[r.spans.operation[row]] == "prepare" &&
            r.spans.duration_seconds[row] > 0.050) {
            ++slow_prepare;
            if (r.spans.start_seconds[row] >= kSick) ++slow_prepare_after;
            if (r.spans.replica[row] == sick_replica) ++slow_prepare_on_sick;
        }
    MESSAGE(slow_prepare << " worker 'prepare' spans over 50 ms in the kept traces, "
                         << slow_prepare_after << " of them after Sunday 03:00, "
                         << slow_prepare_on_sick << " on replica " << sick_replica);
    CHECK(slow_prepare > 0);
    CHECK(slow_prepare_after == slow_prepare);
    CHECK(slow_prepare_on_sick == slow_prepare);
}

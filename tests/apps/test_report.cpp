#include "apps/tpssim/report.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <chrono>
#include <cmath>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace tpssim;

using tpssim::human_seconds;
using tpssim::thousands;

TEST_CASE("human_seconds picks the unit that suits, three significant digits") {
    CHECK(human_seconds(0.0) == "0");
    CHECK(human_seconds(0.0813) == "81.3ms");
    CHECK(human_seconds(0.00034) == "340us");
    CHECK(human_seconds(2.1) == "2.1s");
    CHECK(human_seconds(600) == "10m");
    CHECK(human_seconds(7200) == "2h");
    CHECK(human_seconds(3 * 86400.0) == "3d");
}

TEST_CASE("thousands groups digits") {
    CHECK(thousands(0) == "0");
    CHECK(thousands(999) == "999");
    CHECK(thousands(3912345) == "3,912,345");
    CHECK(thousands(-1234) == "-1,234");
}

namespace {
models::RunResult fake_run(double latency, std::uint64_t completed) {
    models::RunResult r;
    r.simulated_seconds = 100;
    r.events = 10;
    models::ServiceResult s;
    s.name = "api";
    s.completed = completed;
    s.latency_seconds.mean = latency;
    r.services.push_back(s);
    return r;
}
} // namespace

TEST_CASE("replications: mean and 95% half-width of each figure") {
    const std::vector<models::RunResult> runs{fake_run(1.0, 10), fake_run(3.0, 20)};
    const auto s = tpssim::summarise(runs, "x", "x.yaml", 1, 0.5);
    CHECK(s.replications == 2);
    CHECK(s.events == 20);
    CHECK(s.services[0].latency_seconds.mean.value == doctest::Approx(2.0));
    // t(0.975, 1) = 12.7062; s = sqrt(2); half-width = 12.7062 * sqrt(2) / sqrt(2)
    CHECK(s.services[0].latency_seconds.mean.half_width == doctest::Approx(12.7062).epsilon(1e-4));
    const auto j = nlohmann::json::parse(tpssim::summary_json(s));
    CHECK(j["services"]["api"]["completed"] == 15.0);
    CHECK(j["services"]["api"]["ci95_half_width"]["latency_seconds"]["mean"].get<double>() ==
          doctest::Approx(12.7062).epsilon(1e-4));
}

namespace {
// Columns on a terminal: one per UTF-8 code point.
std::size_t columns(const std::string& line) {
    std::size_t n = 0;
    for (const char c : line)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

void check_fits_100_columns(const std::string& report) {
    std::istringstream in(report);
    std::string line;
    while (std::getline(in, line))
        CHECK_MESSAGE(columns(line) <= 100, line);
}

// What a series check observed: its maximum `value` at `at_seconds`.
models::ExpectationObservation max_at(double value, double at_seconds) {
    models::ExpectationObservation o;
    o.kind = models::ObservationKind::Max;
    o.value = value;
    o.at_seconds = at_seconds;
    return o;
}

// A run with operations: a worker that scaled and lost replicas, a canary, two alert rules
// (one fired twice, the second firing still on at the end), two expectations (one failed),
// and a monitoring record of three scrapes.
models::RunResult ops_run(bool expectation_passes, double fired_at = 902.5) {
    models::RunResult r = fake_run(1.0, 10);
    auto& api = r.services[0];
    api.replicas_min = api.replicas_max = api.replicas_time_mean = 2;
    models::ServiceResult w;
    w.name = "worker";
    w.replicas_min = 2;
    w.replicas_max = 6;
    w.replicas_time_mean = 3.4;
    w.scale_ups = 3;
    w.scale_downs = 1;
    w.crashes = 2;
    w.oom_kills = 1;
    w.replaced = 1;
    w.canary_phase = "rolled_back";
    w.canary_weight = 0.0;
    r.services.push_back(w);
    const double nan = std::nan("");
    r.alerts.push_back({"WorkerErrors",
                        "critical",
                        "error_rate(worker) > 5%",
                        60.0,
                        {{fired_at, 1200.0, 0.08}, {3700.0, nan, 0.11}}});
    r.alerts.push_back({"QueueDeep", "warning", "queue_depth(jobs) > 100", 0.0, {}});
    r.expectations.push_back({"p99(api) < 500ms", true, max_at(0.31, 900)});
    r.expectations.push_back({"error_rate(worker) < 1%", expectation_passes,
                              expectation_passes ? max_at(0.004, 1800) : max_at(0.11, 3700)});
    r.metric_times_seconds = {15, 30, 45};
    r.metrics.push_back({"tps_utilization", "api", "ratio", {0.5, 0.7, 0.6}});
    r.metrics.push_back({"tps_latency_p99_seconds", "api", "seconds", {nan, 0.2, nan}});
    r.metrics.push_back({"tps_utilization", "worker", "ratio", {0.9, 0.8, 1.0}});
    r.metrics.push_back({"tps_call_rate", "api->worker", "1/s", {nan, nan, nan}});
    r.metric_scrapes = 3;
    for (const auto& c : r.metrics) {
        auto& totals = r.metric_totals.emplace_back();
        for (const double v : c.values)
            totals.add(v);
    }
    r.event_log.add(30.0, "scale", "worker");
    return r;
}
} // namespace

TEST_CASE("every report line fits 100 columns") {
    const std::vector<models::RunResult> runs{fake_run(1.0, 10), fake_run(3.0, 20)};
    const auto s = tpssim::summarise(runs, "a-scenario", "x.yaml", 1, 0.5);
    check_fits_100_columns(tpssim::format_report(s));
    const std::vector<models::RunResult> ops{ops_run(false), ops_run(true)};
    check_fits_100_columns(tpssim::format_report(tpssim::summarise(ops, "a", "x.yaml", 1, 0.5)));
    check_fits_100_columns(
        tpssim::format_report(tpssim::summarise({ops_run(false)}, "a", "x.yaml", 1, 0.5)));
}

TEST_CASE("clock_seconds: seconds under a minute, else h:mm:ss") {
    using tpssim::clock_seconds;
    CHECK(clock_seconds(0.0) == "0s");
    CHECK(clock_seconds(42.5) == "42.5s");
    CHECK(clock_seconds(60.0) == "0:01:00");
    CHECK(clock_seconds(902.5) == "0:15:02");
    CHECK(clock_seconds(3723.0) == "1:02:03");
    CHECK(clock_seconds(30 * 3600.0 + 5) == "30:00:05");
}

TEST_CASE("summarise: operations, alerts, expectations and monitoring") {
    const std::vector<models::RunResult> runs{ops_run(true), ops_run(false, 100.0),
                                              ops_run(false, 200.0)};
    const auto s = tpssim::summarise(runs, "x", "x.yaml", 1, 0.5);
    const auto& w = s.services[1];
    CHECK(w.scale_ups.value == 3.0);
    CHECK(w.crashes.value == 2.0);
    CHECK(w.crashes.half_width == 0.0);
    CHECK(w.canary_phase == "rolled_back");
    CHECK(w.has_operations());
    CHECK_FALSE(s.services[0].has_operations());
    REQUIRE(s.alerts.size() == 2);
    CHECK(s.alerts[0].firings.value == 2.0);
    REQUIRE(s.alerts[0].first_run_firings.size() == 2);
    CHECK(s.alerts[0].first_run_firings[0].fired_seconds == 902.5); // the first run's
    CHECK(s.alerts[1].firings.value == 0.0);
    REQUIRE(s.expectations.size() == 2);
    CHECK(s.expectations[0].passed);
    CHECK(s.expectations[0].passed_replications == 3);
    CHECK(s.expectations[0].observed == "max 0.31 at t=900s");
    CHECK_FALSE(s.expectations[1].passed);
    CHECK(s.expectations[1].passed_replications == 1);
    CHECK(s.expectations[1].observed == "max 0.11 at t=3700s"); // the first failing run's
    CHECK(s.expectations[1].observation.kind == models::ObservationKind::Max);
    CHECK(s.expectations[1].observation.value == 0.11);
    CHECK(s.expectations[1].observation.at_seconds == 3700);
    CHECK_FALSE(s.expectations_passed());
    CHECK(s.scrapes == 3);
    REQUIRE(s.series.size() == 4);
    CHECK(s.series[0].min == 0.5);
    CHECK(s.series[0].max == 0.7);
    CHECK(s.series[0].mean == doctest::Approx(0.6));
    CHECK(s.series[0].last == 0.6);
    CHECK(s.series[1].samples == 1);
    CHECK(s.series[1].last == 0.2);
    CHECK(s.series[3].samples == 0);
    CHECK(std::isnan(s.series[3].mean));
    CHECK(s.event_log_events == 1);
}

TEST_CASE("summary JSON: operations, canary, alerts, expectations, monitoring, event log") {
    const auto s = tpssim::summarise({ops_run(false)}, "x", "x.yaml", 1, 0.5);
    const auto text = tpssim::summary_json(s, {true});
    const auto j = nlohmann::ordered_json::parse(text);
    const auto& w = j["services"]["worker"];
    for (const char* k :
         {"scale_ups", "scale_downs", "crashes", "oom_kills", "replaced", "duplicates"}) {
        REQUIRE_MESSAGE(w.contains(k), k);
        CHECK(w[k].is_number_integer());
    }
    CHECK(w["scale_ups"] == 3);
    CHECK(w["oom_kills"] == 1);
    CHECK(w["canary"]["phase"] == "rolled_back");
    CHECK(w["canary"]["weight"] == 0.0);
    CHECK(j["services"]["api"]["crashes"] == 0);
    CHECK_FALSE(j["services"]["api"].contains("canary"));
    // The new top-level keys come after every existing one.
    std::vector<std::string> top;
    for (const auto& [k, v] : j.items())
        top.push_back(k);
    CHECK(top == std::vector<std::string>{"scenario", "seed", "simulated_seconds", "warmup_seconds",
                                          "events", "replications", "services", "alerts",
                                          "expectations", "monitoring", "event_log", "abnormal"});
    REQUIRE(j["alerts"].size() == 2);
    const auto& a = j["alerts"][0];
    CHECK(a["name"] == "WorkerErrors");
    CHECK(a["severity"] == "critical");
    CHECK(a["condition"] == "error_rate(worker) > 5%");
    CHECK(a["for_seconds"] == 60.0);
    CHECK(a["firings"] == 2);
    REQUIRE(a["first_run"].size() == 2);
    CHECK(a["first_run"][0]["fired_seconds"] == 902.5);
    CHECK(a["first_run"][0]["resolved_seconds"] == 1200.0);
    CHECK(a["first_run"][1]["resolved_seconds"].is_null()); // still firing at the end
    CHECK(j["alerts"][1]["first_run"].empty());
    CHECK(j["expectations"]["passed"] == false);
    REQUIRE(j["expectations"]["checks"].size() == 2);
    CHECK(j["expectations"]["checks"][0]["text"] == "p99(api) < 500ms");
    CHECK(j["expectations"]["checks"][0]["passed_replications"] == 1);
    CHECK(j["expectations"]["checks"][1]["passed_replications"] == 0);
    CHECK(j["expectations"]["checks"][1]["observed"] == "max 0.11 at t=3700s");
    const auto& observation = j["expectations"]["checks"][1]["observation"];
    CHECK(observation["kind"] == "max");
    CHECK(observation["value"] == 0.11);
    CHECK(observation["at_seconds"] == 3700.0);
    CHECK(observation["to_seconds"].is_null());
    CHECK(j["monitoring"]["scrapes"] == 3);
    const auto& series = j["monitoring"]["series"];
    std::vector<std::string> subjects;
    for (const auto& [k, v] : series.items())
        subjects.push_back(k);
    CHECK(subjects == std::vector<std::string>{"api", "worker", "api->worker"});
    CHECK(series["api"]["tps_utilization"]["max"] == 0.7);
    CHECK(series["api"]["tps_latency_p99_seconds"]["min"] == 0.2);
    CHECK(series["api->worker"]["tps_call_rate"]["mean"].is_null());
    CHECK(series["api->worker"]["tps_call_rate"]["last"].is_null());
    CHECK(j["event_log"]["events"] == 1);
    CHECK(j["event_log"]["dropped"] == 0);
    CHECK(text.find("NaN") == std::string::npos);
}

TEST_CASE("summary JSON with replications: operation counts are means with half-widths") {
    auto a = ops_run(true);
    auto b = ops_run(true);
    b.services[1].crashes = 4;
    const auto s = tpssim::summarise({a, b}, "x", "x.yaml", 1, 0.5);
    const auto j = nlohmann::json::parse(tpssim::summary_json(s));
    CHECK(j["services"]["worker"]["crashes"] == 3.0);
    CHECK(j["services"]["worker"]["ci95_half_width"]["crashes"].get<double>() > 0.0);
    CHECK_FALSE(j["services"]["worker"]["ci95_half_width"].contains("canary"));
    CHECK(j["expectations"]["passed"] == true);
    CHECK(j["expectations"]["checks"][1]["passed_replications"] == 2);
}

TEST_CASE("without operations the summary JSON says so plainly") {
    const auto s = tpssim::summarise({fake_run(1.0, 10)}, "x", "x.yaml", 1, 0.5);
    const auto j = nlohmann::json::parse(tpssim::summary_json(s));
    CHECK(j["alerts"].empty());
    CHECK(j["expectations"]["passed"] == true);
    CHECK(j["expectations"]["checks"].empty());
    CHECK(j["monitoring"]["scrapes"] == 0);
    CHECK(j["event_log"]["events"] == 0);
    const auto report = tpssim::format_report(s);
    CHECK(report.find("operations") == std::string::npos);
    CHECK(report.find("alert") == std::string::npos);
    CHECK(report.find("expectations") == std::string::npos);
}

TEST_CASE("report: operations, alerts and expectations sections") {
    const auto s = tpssim::summarise({ops_run(false)}, "x", "x.yaml", 1, 0.5);
    const auto report = tpssim::format_report(s);
    INFO(report);
    // Operations: only the worker (api neither scaled nor lost a replica).
    const auto ops = report.find("\noperations");
    REQUIRE(ops != std::string::npos);
    const auto worker = report.find("\nworker ", ops);
    REQUIRE(worker != std::string::npos);
    const std::string worker_line =
        report.substr(worker + 1, report.find('\n', worker + 1) - worker - 1);
    CHECK(worker_line.find("2/3.4/6") != std::string::npos);
    CHECK(worker_line.find("rolled_back 0.0%") != std::string::npos);
    CHECK(report.find("\napi ", ops) == std::string::npos);
    // Alerts: firings and the first firing as h:mm:ss; '-' for a rule that never fired.
    CHECK(report.find("\nalert ") != std::string::npos);
    const auto we = report.find("\nWorkerErrors");
    REQUIRE(we != std::string::npos);
    const std::string we_line = report.substr(we + 1, report.find('\n', we + 1) - we - 1);
    CHECK(we_line.find("critical") != std::string::npos);
    CHECK(we_line.find("0:15:02") != std::string::npos);
    const auto qd = report.find("\nQueueDeep");
    REQUIRE(qd != std::string::npos);
    CHECK(report.substr(qd, report.find('\n', qd + 1) - qd).find(" - ") != std::string::npos);
    // Expectations: a tick, a cross with what was observed, and the tally.
    CHECK(report.find("\u2713 p99(api) < 500ms\n") != std::string::npos);
    CHECK(report.find("\u2717 error_rate(worker) < 1%; observed: max 0.11 at t=3700s\n") !=
          std::string::npos);
    CHECK(report.find("expectations: 1 passed, 1 failed\n") != std::string::npos);
}

TEST_CASE("report: a long expectation puts what was observed on its own line") {
    auto r = ops_run(false);
    r.expectations[1].text = std::string(80, 'x');
    r.expectations[1].observation.kind = models::ObservationKind::NoMetric;
    r.expectations[1].observation.name = std::string(200, 'y');
    const auto report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    check_fits_100_columns(report);
    CHECK(report.find("\n      observed: no metric yyy") != std::string::npos);
}

TEST_CASE("latencies without data are null in the JSON and 'no data' in the report, not 0") {
    models::RunResult r = fake_run(0.0, 0);
    r.services[0].latency_seconds = {}; // nothing ended
    r.services[0].wait_seconds = {};
    const auto s = tpssim::summarise({r}, "x", "x.yaml", 1, 0.5);
    const auto j = nlohmann::json::parse(tpssim::summary_json(s));
    for (const char* k : {"mean", "p50", "p90", "p99", "max"}) {
        CHECK(j["services"]["api"]["latency_seconds"][k].is_null());
        CHECK(j["services"]["api"]["wait_seconds"][k].is_null());
    }
    CHECK(tpssim::format_report(s).find("no data") != std::string::npos);
    CHECK(tpssim::human_seconds(std::nan("")) == "no data");
}

TEST_CASE("report: the monitoring line says scrapes made, rows kept and the stride") {
    tpssim::RunSummary s;
    s.scenario = "x";
    s.simulated_seconds = 3600.0;
    CHECK(tpssim::format_report(s).find("monitoring:") == std::string::npos); // no scrape
    s.scrapes = 240;
    s.rows_kept = 240;
    CHECK(tpssim::format_report(s).find("\n  monitoring: 240 scrapes, 240 rows kept (every "
                                        "scrape)\n") != std::string::npos);
    s.scrapes = 131'072;
    s.rows_kept = 32'768;
    s.stride = 4;
    CHECK(tpssim::format_report(s).find("\n  monitoring: 131,072 scrapes, 32,768 rows kept (a "
                                        "row every 4 scrapes)\n") != std::string::npos);
}

namespace {
// The report's line that starts with `start` (after a newline), without its newline.
std::string line_of(const std::string& report, const std::string& start) {
    const auto at = report.find("\n" + start);
    if (at == std::string::npos) return {};
    return report.substr(at + 1, report.find('\n', at + 1) - at - 1);
}

// ops_run on a calendar: t = 0 is Friday 2026-12-25 14:00, the run lasts `hours`.
models::RunResult calendar_run(double hours) {
    using namespace std::chrono;
    auto r = ops_run(false);
    r.start = local_days{year{2026} / December / 25} + std::chrono::hours{14};
    r.simulated_seconds = hours * 3600.0;
    return r;
}
} // namespace

TEST_CASE("report: the service table has failed and dead-lettered columns") {
    auto r = fake_run(1.0, 10);
    r.services[0].arrivals = 13000;
    r.services[0].failed = 12198;
    models::ServiceResult q;
    q.name = "orders";
    q.kind = "queue";
    q.arrivals = 500;
    q.dead_lettered = 37;
    r.services.push_back(q);
    const auto report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    INFO(report);
    check_fits_100_columns(report);
    const auto header = line_of(report, "service ");
    REQUIRE(header.find("arrivals") != std::string::npos);
    const auto failed_end = header.find(" failed") + 7;
    const auto dead_end = header.find(" dead-lettered") + 14;
    REQUIRE(failed_end > 7);
    REQUIRE(dead_end > 14);
    // Right-aligned under their headers.
    const auto api = line_of(report, "api ");
    CHECK(api.substr(0, failed_end).ends_with(" 12,198"));
    CHECK(api.substr(0, dead_end).ends_with(" 0"));
    const auto orders = line_of(report, "orders ");
    CHECK(orders.substr(0, failed_end).ends_with(" 0"));
    CHECK(orders.substr(0, dead_end).ends_with(" 37"));
}

TEST_CASE("report: the service table stays within 100 columns, whatever the names and counts") {
    auto r = fake_run(1.0, 10);
    r.services[0].name = std::string(40, 'n');
    for (auto* x : {&r.services[0].arrivals, &r.services[0].completed, &r.services[0].rejected,
                    &r.services[0].failed, &r.services[0].dead_lettered})
        *x = 987'654'321ULL;
    auto b = r;
    b.services[0].arrivals -= 1000;
    const auto one = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    INFO(one);
    check_fits_100_columns(one);
    CHECK(one.find(" 987,654,321 987,654,321 ") != std::string::npos); // never cut
    CHECK(one.find("\nnnn") != std::string::npos);                     // the name gives way
    CHECK(one.find("n... ") != std::string::npos);
    check_fits_100_columns(tpssim::format_report(tpssim::summarise({r, b}, "x", "x.yaml", 1, 0.5)));
}

TEST_CASE("report: clock times with a calendar start") {
    const auto report =
        tpssim::format_report(tpssim::summarise({calendar_run(2)}, "x", "x.yaml", 1, 0.5));
    INFO(report);
    check_fits_100_columns(report);
    CHECK(report.find("\n  from Fri 2026-12-25 14:00:00 to Fri 2026-12-25 16:00:00\n") !=
          std::string::npos);
    // WorkerErrors first fired at t = 902.5 s: 14:15:02.
    CHECK(line_of(report, "WorkerErrors").find(" 14:15:02  ") != std::string::npos);
    CHECK(line_of(report, "WorkerErrors").find("0:15:02") == std::string::npos);

    // Across midnight (66 hours): the weekday too, the column wide enough for it.
    const auto weekend =
        tpssim::format_report(tpssim::summarise({calendar_run(66)}, "x", "x.yaml", 1, 0.5));
    check_fits_100_columns(weekend);
    const auto header = line_of(weekend, "alert ");
    const auto line = line_of(weekend, "WorkerErrors");
    const auto at = line.find("Fri 14:15:02");
    REQUIRE(at != std::string::npos);
    CHECK(at + 12 == header.find("first fired") + 11); // right-aligned under its header
    CHECK(weekend.find("to Mon 2026-12-28 08:00:00") != std::string::npos);
}

TEST_CASE("report: breaker transitions at clock times with a calendar, elapsed without") {
    auto r = calendar_run(2);
    models::CallResult c;
    c.target = c.key = "worker";
    c.has_circuit_breaker = true;
    c.breaker_state = "closed";
    c.breaker_opened = 1;
    c.breaker_transitions = {{3738.0, "closed", "open", "failure_rate"},
                             {3798.0, "open", "half_open", "wait_elapsed"}};
    r.services[0].calls.push_back(c);
    auto report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    CHECK(report.find("breaker api -> worker: closed at the end; open at 15:02:18, half_open at "
                      "15:03:18\n") != std::string::npos);
    r.start.reset();
    report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    CHECK(report.find("; open at 62.3m, half_open at 63.3m\n") != std::string::npos);
}

TEST_CASE("report: what was abnormal, only when something was") {
    auto r = ops_run(false);
    r.simulated_seconds = 60;
    // api's utilization (0.5, 0.7, 0.6 at 15, 30, 45 s) crossed 65% at 30 s, for one scrape.
    r.alerts[1].metric = "tps_utilization";
    r.alerts[1].subject = "api";
    r.alerts[1].op = models::Comparison::Greater;
    r.alerts[1].threshold = 0.65;
    r.alerts[1].condition = "utilization(api) > 65%";
    auto report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    INFO(report);
    check_fits_100_columns(report);
    const auto header = line_of(report, "what was abnormal");
    REQUIRE_FALSE(header.empty());
    // One row: the condition, first crossed at 30 s, once, 15 s in all, peak 70% = 1.08 times
    // the threshold, at 30 s; each figure right-aligned under its header.
    const auto row = line_of(report, "utilization(api) > 65%");
    REQUIRE_FALSE(row.empty());
    const auto under = [&](const char* head, const char* value) {
        const auto end = header.find(head) + std::string_view(head).size();
        CHECK_MESSAGE(row.substr(0, end).ends_with(std::string(" ") + value), head);
    };
    under("from", "30s");
    under("times", "1");
    under("for", "15s");
    under("peak", "70.0%");
    under("x thr", "1.08x");
    under("peak at", "30s");
    CHECK(report.find("\n  from: first crossed; for: time past the threshold in all\n") !=
          std::string::npos);
    // The abnormal section comes before the expectations.
    CHECK(report.find("what was abnormal") < report.find("\nexpectations"));

    // On a calendar, in clock times; still past the threshold at the end: marked.
    r.start = std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14};
    r.alerts[1].threshold = 0.55;
    r.alerts[1].condition = "utilization(api) > 55%";
    report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    auto line = line_of(report, "utilization(api) > 55%");
    CHECK(line.find(" 14:00:30      1     30s*      70.0%   1.27x  14:00:30") != std::string::npos);
    CHECK(report.find("(*: still past it at the end)\n") != std::string::npos);
    // Twice, the peak in the first crossing.
    r.metrics[0].values = {0.9, 0.5, 0.8};
    report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    line = line_of(report, "utilization(api) > 55%");
    CHECK(line.find(" 14:00:15      2     30s*      90.0%   1.64x  14:00:15") != std::string::npos);
    // A lower bound: its lowest value; a long condition gives way, never a figure.
    r.alerts[1].op = models::Comparison::Less;
    r.alerts[1].condition = "utilization(api) < 55%" + std::string(100, '!');
    report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    check_fits_100_columns(report);
    line = line_of(report, "utilization(api) < 55%");
    CHECK(line.find("!!!... ") != std::string::npos);
    CHECK(line.find(" 14:00:30      1      15s      50.0%  0.909x  14:00:30") != std::string::npos);

    // Nothing crossed: no section.
    r.alerts[1].op = models::Comparison::Greater;
    r.alerts[1].threshold = 0.95;
    report = tpssim::format_report(tpssim::summarise({r}, "x", "x.yaml", 1, 0.5));
    CHECK(report.find("abnormal") == std::string::npos);
}

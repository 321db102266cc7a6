#include "models/threshold_crossings.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>

using namespace tpssim;
using models::Comparison;
using models::RunResult;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

models::AlertResult rule(const char* name, const char* metric, Comparison op, double threshold,
                         const char* condition) {
    models::AlertResult a;
    a.name = name;
    a.condition = condition;
    a.metric = metric;
    a.subject = "api";
    a.op = op;
    a.threshold = threshold;
    return a;
}

// Scrapes every 15 s from t = 15 s to 150 s; the run ends at 160 s.
RunResult run_with(std::vector<double> error_ratio, std::vector<double> throughput = {}) {
    RunResult run;
    run.simulated_seconds = 160;
    for (int i = 1; i <= 10; ++i)
        run.metric_times_seconds.push_back(15.0 * i);
    run.metrics.push_back({"tps_error_ratio", "api", "ratio", std::move(error_ratio)});
    if (throughput.empty()) throughput.assign(10, 100.0);
    run.metrics.push_back({"tps_throughput", "api", "1/s", std::move(throughput)});
    return run;
}

} // namespace

TEST_CASE("threshold crossings: when, for how long and how far, one crossing") {
    auto run = run_with({0.0, 0.01, 0.08, 0.12, 0.09, 0.02, 0.0, 0.0, 0.0, 0.0});
    run.alerts.push_back(
        rule("Errors", "tps_error_ratio", Comparison::Greater, 0.05, "error_rate(api) > 5%"));
    const auto found = models::find_threshold_crossings(run);
    REQUIRE(found.size() == 1);
    const auto& a = found[0];
    CHECK(a.metric == "tps_error_ratio");
    CHECK(a.subject == "api");
    CHECK(a.unit == "ratio");
    CHECK(a.condition == "error_rate(api) > 5%");
    CHECK(a.rules == std::vector<std::string>{"Errors"});
    CHECK(a.threshold == 0.05);
    CHECK(a.count == 1);
    REQUIRE(a.crossings.size() == 1);
    // Held at 45, 60 and 75 s; no longer at 90 s.
    CHECK(a.crossings[0].from_seconds == 45.0);
    CHECK(a.crossings[0].to_seconds == 90.0);
    CHECK(a.crossings[0].duration_seconds() == 45.0);
    CHECK_FALSE(a.crossings[0].ongoing);
    CHECK(a.crossings[0].peak == 0.12);
    CHECK(a.crossings[0].peak_seconds == 60.0);
    CHECK(a.total_seconds == 45.0);
    CHECK(a.peak == 0.12);
    CHECK(a.peak_seconds == 60.0);
}

TEST_CASE("threshold crossings: several, one still on at the end, the overall peak") {
    // Crosses at 15 s (one scrape), at 60-75 s, and from 135 s to the end (160 s). NaN (no
    // data) ends a crossing, as it resolves an alert.
    auto run = run_with({0.2, 0.0, 0.0, 0.3, 0.6, kNaN, 0.5, 0.0, 0.1, 0.4});
    run.alerts.push_back(
        rule("Errors", "tps_error_ratio", Comparison::GreaterEqual, 0.1, "error_rate(api) >= 10%"));
    const auto found = models::find_threshold_crossings(run);
    REQUIRE(found.size() == 1);
    const auto& a = found[0];
    CHECK(a.count == 4);
    REQUIRE(a.crossings.size() == 4);
    CHECK(a.crossings[0].from_seconds == 15.0);
    CHECK(a.crossings[0].to_seconds == 30.0);
    CHECK(a.crossings[1].from_seconds == 60.0);
    CHECK(a.crossings[1].to_seconds == 90.0); // the NaN at 90 s
    CHECK(a.crossings[1].peak == 0.6);
    CHECK(a.crossings[2].from_seconds == 105.0);
    CHECK(a.crossings[2].to_seconds == 120.0);
    CHECK(a.crossings[3].from_seconds == 135.0);
    CHECK(a.crossings[3].to_seconds == 160.0); // the end of the run
    CHECK(a.crossings[3].ongoing);
    CHECK(a.crossings[3].peak == 0.4);
    CHECK(a.crossings[3].peak_seconds == 150.0);
    CHECK(a.total_seconds == 15.0 + 30.0 + 15.0 + 25.0);
    CHECK(a.peak == 0.6);
    CHECK(a.peak_seconds == 75.0);
}

TEST_CASE("threshold crossings: a lower bound's peak is its lowest value") {
    auto run =
        run_with(std::vector<double>(10, 0.0), {100, 100, 40, 20, 30, 100, 100, 100, 100, 100});
    run.alerts.push_back(
        rule("LowThroughput", "tps_throughput", Comparison::Less, 50, "throughput(api) < 50/s"));
    const auto found = models::find_threshold_crossings(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0].peak == 20.0);
    CHECK(found[0].peak_seconds == 60.0);
    CHECK(found[0].total_seconds == 45.0);
}

TEST_CASE("threshold crossings: nothing to say, and rules that share a condition") {
    auto run = run_with(std::vector<double>(10, 0.01));
    run.alerts.push_back(rule("Errors", "tps_error_ratio", Comparison::Greater, 0.05, "e > 5%"));
    run.alerts.push_back(rule("Missing", "tps_no_such_metric", Comparison::Greater, 0.0, "x > 0"));
    CHECK(models::find_threshold_crossings(run).empty());
    const RunResult empty;
    CHECK(models::find_threshold_crossings(empty).empty());

    // Two rules on the same threshold (a warning, and a page after `for: 5m`): one entry.
    run.metrics[0].values[4] = 0.2;
    run.alerts.push_back(rule("ErrorsPage", "tps_error_ratio", Comparison::Greater, 0.05, "e2"));
    run.alerts.push_back(rule("ErrorsHigh", "tps_error_ratio", Comparison::Greater, 0.1, "e3"));
    const auto found = models::find_threshold_crossings(run);
    REQUIRE(found.size() == 2);
    CHECK(found[0].rules == std::vector<std::string>{"Errors", "ErrorsPage"});
    CHECK(found[0].condition == "e > 5%");
    CHECK(found[1].rules == std::vector<std::string>{"ErrorsHigh"});
    CHECK(found[1].threshold == 0.1);
}

TEST_CASE("threshold crossings: the first ones are kept, every one is counted") {
    std::vector<double> flapping;
    RunResult run;
    for (int i = 0; i < 1000; ++i) {
        run.metric_times_seconds.push_back(15.0 * i);
        flapping.push_back(i % 2 == 0 ? 1.0 : 0.0);
    }
    run.simulated_seconds = 15.0 * 1000;
    run.metrics.push_back({"tps_error_ratio", "api", "ratio", flapping});
    run.alerts.push_back(rule("Flap", "tps_error_ratio", Comparison::Greater, 0.5, "flap"));
    const auto found = models::find_threshold_crossings(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0].count == 500);
    CHECK(found[0].crossings.size() == models::ThresholdCrossings::kMaxKept);
    CHECK(found[0].total_seconds == 500 * 15.0);
    CHECK(found[0].crossings.back().from_seconds == 15.0 * 2 * 99);
}

TEST_CASE("threshold crossings: a rule on a counter's increase() is not read off the counter") {
    // The counter column holds running totals: 3 is over the threshold 0 forever after, which
    // is not what `increase(dead_lettered(api)[5m]) > 0` says.
    auto run = run_with({0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0});
    run.metrics.push_back({"tps_dead_lettered_total",
                           "api",
                           "count",
                           {0.0, 0.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0}});
    auto increase = rule("DeadLetters", "tps_dead_lettered_total", Comparison::Greater, 0.0,
                         "increase(dead_lettered(api)[5m]) > 0");
    increase.range_seconds = 300.0;
    run.alerts.push_back(increase);
    CHECK(models::find_threshold_crossings(run).empty());
    // The same column under a plain condition is read.
    run.alerts.push_back(rule("DeadLettersEver", "tps_dead_lettered_total", Comparison::Greater,
                              0.0, "dead_lettered(api) > 0"));
    const auto found = models::find_threshold_crossings(run);
    REQUIRE(found.size() == 1);
    CHECK(found[0].rules == std::vector<std::string>{"DeadLettersEver"});
    CHECK(found[0].crossings[0].from_seconds == 45.0);
}

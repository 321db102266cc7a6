#include "models/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <stdexcept>
#include <vector>

using namespace tpssim;

using models::EdgeReading;
using models::LinkReading;
using models::MetricsRecorder;
using models::MetricSubject;
using models::ServiceReading;
using sim::SimTime;

namespace {

std::size_t count_of(MetricSubject subject) {
    std::size_t n = 0;
    for (const auto& m : models::metric_catalogue())
        n += m.subject == subject ? 1 : 0;
    return n;
}

// The value of `metric` about `subject` in the latest row.
double latest(const MetricsRecorder& rec, std::string_view metric, std::string_view subject) {
    const std::size_t c = rec.find(metric, subject);
    REQUIRE(c != MetricsRecorder::npos);
    return rec.latest(c);
}

} // namespace

TEST_CASE("metrics: one column per catalogue entry and subject, services then edges then links") {
    const MetricsRecorder rec({"api", "db"}, {"api->db"}, {"api->db"});
    const std::size_t per_service = count_of(MetricSubject::Service);
    const std::size_t per_edge = count_of(MetricSubject::Edge);
    const std::size_t per_link = count_of(MetricSubject::Link);
    REQUIRE(rec.columns().size() == 2 * per_service + per_edge + per_link);
    CHECK(rec.columns()[0].name == "tps_request_rate");
    CHECK(rec.columns()[0].subject == "api");
    CHECK(rec.columns()[0].unit == "1/s");
    CHECK(rec.columns()[per_service].name == "tps_request_rate");
    CHECK(rec.columns()[per_service].subject == "db");
    CHECK(rec.columns()[2 * per_service].name == "tps_call_rate");
    CHECK(rec.columns()[2 * per_service].subject == "api->db");
    CHECK(rec.columns()[2 * per_service + per_edge].name == "tps_link_utilization");
    CHECK(rec.columns().back().name == "tps_link_bytes_rate");
    CHECK(rec.rows() == 0);
}

TEST_CASE("metrics: find accepts the Prometheus name or the alias; latest is NaN before a row") {
    const MetricsRecorder rec({"api", "db"}, {"api->db"}, {});
    const std::size_t c = rec.find("tps_error_ratio", "db");
    REQUIRE(c != MetricsRecorder::npos);
    CHECK(rec.columns()[c].name == "tps_error_ratio");
    CHECK(rec.columns()[c].subject == "db");
    CHECK(rec.find("error_rate", "db") == c);
    CHECK(rec.find("call_rate", "api->db") != MetricsRecorder::npos);
    CHECK(rec.find("tps_error_ratio", "nowhere") == MetricsRecorder::npos);
    CHECK(rec.find("tps_no_such_metric", "db") == MetricsRecorder::npos);
    CHECK(rec.find("call_rate", "api") == MetricsRecorder::npos); // a service has no call rate
    CHECK(std::isnan(rec.latest(c)));
    CHECK(std::isnan(rec.latest(MetricsRecorder::npos)));
}

TEST_CASE("metrics: service rates and ratios are over the last interval, totals cumulative") {
    MetricsRecorder rec({"api"}, {}, {});
    ServiceReading r;
    r.arrivals = 100;
    r.completed = 80;
    r.failed = 5;
    r.rejected = 10;
    r.timed_out = 5;
    r.dead_lettered = 2;
    r.redelivered = 7;
    r.duplicates = 1;
    r.busy_worker_seconds = 30.0;
    r.ready_worker_seconds = 40.0;
    r.cpu_seconds = 5.0;
    r.queue_depth = 5.0;
    r.queue_capacity = 20.0;
    r.replicas_ready = 4.0;
    r.replicas_desired = 6.0;
    r.memory_bytes = 2.5e8;
    rec.record(SimTime::from_s(10), {r}, {}, {});

    // First row: since t = 0.
    CHECK(rec.times_seconds() == std::vector<double>{10.0});
    CHECK(latest(rec, "request_rate", "api") == 10.0);
    CHECK(latest(rec, "throughput", "api") == 8.0);
    CHECK(latest(rec, "tps_error_ratio", "api") == 0.2); // (5 + 10 + 5) / (80 + 5 + 10 + 5)
    CHECK(latest(rec, "rejected_rate", "api") == 1.0);
    CHECK(latest(rec, "queue_depth", "api") == 5.0);
    CHECK(latest(rec, "queue_fill", "api") == 0.25);
    CHECK(latest(rec, "utilization", "api") == 0.75);
    CHECK(latest(rec, "replicas", "api") == 4.0);
    CHECK(latest(rec, "desired_replicas", "api") == 6.0);
    CHECK(latest(rec, "cpu", "api") == 0.5);
    CHECK(latest(rec, "memory", "api") == 2.5e8);
    CHECK(latest(rec, "dead_lettered", "api") == 2.0);
    CHECK(latest(rec, "redelivered", "api") == 7.0);
    CHECK(latest(rec, "duplicates", "api") == 1.0);

    // Second row, 20 s later: 200 more arrivals, 60 more completions and nothing else ended;
    // busy 12 of 16 more ready worker-seconds; the queue became unbounded.
    r.arrivals = 300;
    r.completed = 140;
    r.busy_worker_seconds = 42.0;
    r.ready_worker_seconds = 56.0;
    r.cpu_seconds = 15.0;
    r.queue_capacity = std::numeric_limits<double>::infinity();
    r.dead_lettered = 3;
    rec.record(SimTime::from_s(30), {r}, {}, {});
    CHECK(rec.rows() == 2);
    CHECK(latest(rec, "request_rate", "api") == 10.0);
    CHECK(latest(rec, "throughput", "api") == 3.0);
    CHECK(latest(rec, "error_rate", "api") == 0.0);
    CHECK(latest(rec, "rejected_rate", "api") == 0.0);
    CHECK(latest(rec, "utilization", "api") == 0.75);
    CHECK(latest(rec, "cpu", "api") == 0.5);
    CHECK(latest(rec, "queue_fill", "api") == 0.0);
    CHECK(latest(rec, "dead_lettered", "api") == 3.0);
    // The first row's values stay.
    const auto& throughput = rec.columns()[rec.find("throughput", "api")].values;
    CHECK(throughput == std::vector<double>{8.0, 3.0});

    // Nothing ended and no worker was ready in the third interval: ratios are 0, not NaN.
    rec.record(SimTime::from_s(45), {r}, {}, {});
    CHECK(latest(rec, "error_rate", "api") == 0.0);
    CHECK(latest(rec, "utilization", "api") == 0.0);
    CHECK(latest(rec, "throughput", "api") == 0.0);

    // A second row at the same time (delta t = 0): rates are 0.
    r.arrivals = 400;
    rec.record(SimTime::from_s(45), {r}, {}, {});
    CHECK(latest(rec, "request_rate", "api") == 0.0);
}

TEST_CASE("metrics: latency quantiles come from the interval's sketch, NaN without requests") {
    MetricsRecorder rec({"api"}, {}, {});
    ServiceReading r;
    rec.record(SimTime::from_s(15), {r}, {}, {});
    CHECK(std::isnan(latest(rec, "p50", "api")));
    CHECK(std::isnan(latest(rec, "p99", "api")));

    sim::QuantileSketch empty;
    r.interval_latency_p50_p90_p99 = models::interval_latency_quantiles(empty);
    rec.record(SimTime::from_s(30), {r}, {}, {});
    CHECK(std::isnan(latest(rec, "tps_latency_p90_seconds", "api")));

    sim::QuantileSketch sketch;
    for (int ms = 1; ms <= 100; ++ms)
        sketch.add(SimTime::from_ms(ms));
    r.interval_latency_p50_p90_p99 = models::interval_latency_quantiles(sketch);
    rec.record(SimTime::from_s(45), {r}, {}, {});
    CHECK(latest(rec, "p50", "api") == sketch.quantile_seconds(0.50));
    CHECK(latest(rec, "p90", "api") == sketch.quantile_seconds(0.90));
    CHECK(latest(rec, "p99", "api") == sketch.quantile_seconds(0.99));
    CHECK(latest(rec, "p50", "api") == doctest::Approx(0.050).epsilon(0.01));
    CHECK(latest(rec, "p99", "api") == doctest::Approx(0.099).epsilon(0.01));
}

TEST_CASE("metrics: edge and link series") {
    MetricsRecorder rec({"api"}, {"api->db"}, {"api->db"});
    EdgeReading e;
    e.calls = 50;
    e.attempts = 12;
    e.errors = 3;
    e.timeouts = 2;
    e.retries = 4;
    e.not_permitted = 10;
    e.fallbacks = 6;
    e.cache_hits = 3;
    e.cache_misses = 1;
    e.breaker_state = 2.0;
    LinkReading l;
    l.bytes = 1000.0;
    l.utilization = 0.3;
    rec.record(SimTime::from_s(10), {ServiceReading{}}, {e}, {l});
    CHECK(latest(rec, "call_rate", "api->db") == 5.0);
    CHECK(latest(rec, "tps_call_error_ratio", "api->db") == 0.25);
    CHECK(latest(rec, "timeouts", "api->db") == 0.2);
    CHECK(latest(rec, "retries", "api->db") == 0.4);
    CHECK(latest(rec, "not_permitted", "api->db") == 1.0);
    CHECK(latest(rec, "fallbacks", "api->db") == 0.6);
    CHECK(latest(rec, "cache_hit_ratio", "api->db") == 0.75);
    CHECK(latest(rec, "breaker_state", "api->db") == 2.0);
    CHECK(latest(rec, "link_utilization", "api->db") == 0.3);
    CHECK(latest(rec, "link_bytes_rate", "api->db") == 100.0);

    // An interval without attempts or lookups: ratios 0; the breaker state as read.
    e.calls = 60;
    e.breaker_state = 1.0;
    l.bytes = 1500.0;
    rec.record(SimTime::from_s(20), {ServiceReading{}}, {e}, {l});
    CHECK(latest(rec, "call_rate", "api->db") == 1.0);
    CHECK(latest(rec, "call_error_rate", "api->db") == 0.0);
    CHECK(latest(rec, "cache_hit_ratio", "api->db") == 0.0);
    CHECK(latest(rec, "breaker_state", "api->db") == 1.0);
    CHECK(latest(rec, "link_bytes_rate", "api->db") == 50.0);
}

TEST_CASE("metrics: readings must match the recorder's subjects") {
    MetricsRecorder rec({"api", "db"}, {}, {});
    CHECK_THROWS_AS(rec.record(SimTime::from_s(15), {ServiceReading{}}, {}, {}),
                    std::invalid_argument);
    CHECK(rec.rows() == 0);
}

TEST_CASE("metrics: a full record keeps every other row and doubles its stride; latest is exact") {
    MetricsRecorder rec({"api"}, {}, {});
    rec.set_max_rows(4);
    const std::size_t total = rec.find("tps_dead_lettered_total", "api");
    std::vector<models::ServiceReading> s(1);
    for (int k = 1; k <= 9; ++k) {
        s[0].dead_lettered = static_cast<std::uint64_t>(k);
        rec.record(SimTime::from_s(k), s, {}, {});
        CHECK(rec.latest(total) == k); // every scrape, kept or not
    }
    // Kept: 1..4, halved to 1, 3 (stride 2); then 5 and 7, halved to 1, 5 (stride 4); then 9.
    CHECK(rec.times_seconds() == std::vector<double>{1, 5, 9});
    CHECK(rec.columns()[total].values == std::vector<double>{1, 5, 9});
    CHECK(rec.stride() == 4);
    CHECK(rec.scrapes() == 9);
}

TEST_CASE("metrics: staged scrapes reach the columns and totals as recorded, across flushes") {
    // Scrapes are staged a block at a time before they reach the columns; whatever the points at
    // which they are moved (a full stage, a full record halving, a read of the columns midway),
    // every column must hold the kept scrapes' values and its totals every scrape's, in order.
    MetricsRecorder rec({"api", "db"}, {"api->db"}, {});
    rec.set_max_rows(6);
    const std::size_t depth = rec.find("tps_queue_depth", "db");
    const std::size_t state = rec.find("tps_breaker_state", "api->db");
    std::vector<ServiceReading> s(2);
    std::vector<EdgeReading> e(1);
    std::vector<double> kept_depths, kept_times, all_depths;
    std::uint64_t stride = 1;
    for (int k = 0; k < 100; ++k) {
        s[1].queue_depth = std::fmod(k * 7.25, 13.0);
        e[0].breaker_state = k % 3;
        rec.record(SimTime::from_s(k + 1), s, e, {});
        CHECK(rec.latest(depth) == s[1].queue_depth);
        CHECK(rec.latest(state) == e[0].breaker_state);
        all_depths.push_back(s[1].queue_depth);
        // The stride rule, as documented: keep every stride-th scrape; a full record keeps
        // every other row and doubles the stride.
        if (k % stride == 0) {
            kept_depths.push_back(s[1].queue_depth);
            kept_times.push_back(k + 1);
            if (kept_times.size() >= 6) {
                for (auto* v : {&kept_depths, &kept_times}) {
                    std::vector<double> halved;
                    for (std::size_t i = 0; i < v->size(); i += 2)
                        halved.push_back((*v)[i]);
                    *v = halved;
                }
                stride *= 2;
            }
        }
        if (k == 40 || k == 41) {
            // A read midway moves what is staged; recording goes on after it.
            CHECK(rec.columns()[depth].values == kept_depths);
            CHECK(rec.latest(depth) == s[1].queue_depth);
        }
    }
    CHECK(rec.times_seconds() == kept_times);
    CHECK(rec.columns()[depth].values == kept_depths);
    CHECK(rec.stride() == stride);
    const auto& totals = rec.totals()[depth];
    double sum = 0.0;
    for (double v : all_depths)
        sum += v;
    CHECK(totals.samples == 100);
    CHECK(totals.sum == sum); // the same additions in the same order: equal, not approximately
    CHECK(totals.last == all_depths.back());
    CHECK(totals.min == *std::min_element(all_depths.begin(), all_depths.end()));
    CHECK(totals.max == *std::max_element(all_depths.begin(), all_depths.end()));
    // Every column has a row per kept scrape, and a total over every scrape.
    for (std::size_t c = 0; c < rec.columns().size(); ++c) {
        CHECK(rec.columns()[c].values.size() == kept_times.size());
        const auto samples = rec.totals()[c].samples;
        CHECK((samples == 100 || (samples == 0 && std::isnan(rec.latest(c)))));
    }
}

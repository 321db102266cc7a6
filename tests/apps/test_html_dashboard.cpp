// The dashboard page (`tpssim run --html FILE`): the min-max buckets its series are cut into,
// and the page itself on a real run (Lab 2.6): self-contained, its data whole and consistent
// with the run. tests/apps/check_html_dashboard.py opens a page in headless Chromium.
#include "apps/tpssim/html_dashboard.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include "run_inspection.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace tpssim;
using Json = nlohmann::json;

TEST_CASE("bucket_ends: at most the bound, every row in one bucket, as even as rows allow") {
    CHECK(bucket_ends(10, 3) == std::vector<std::size_t>{2, 5, 9});
    CHECK(bucket_ends(4, 2000) == std::vector<std::size_t>{0, 1, 2, 3});
    CHECK(bucket_ends(0, 2000).empty());
    for (const std::size_t rows : {1UL, 1999UL, 2000UL, 2001UL, 15'840UL, 65'536UL}) {
        CAPTURE(rows);
        const auto ends = bucket_ends(rows);
        CHECK(ends.size() == std::min<std::size_t>(rows, kMaxBuckets));
        CHECK(ends.back() == rows - 1);
        std::size_t smallest = rows, largest = 0, previous_end = 0;
        for (std::size_t b = 0; b < ends.size(); ++b) {
            const std::size_t size = b == 0 ? ends[0] + 1 : ends[b] - previous_end;
            smallest = std::min(smallest, size);
            largest = std::max(largest, size);
            previous_end = ends[b];
        }
        CHECK(smallest >= 1);
        CHECK(largest - smallest <= 1);
    }
}

TEST_CASE("bucket_series: min, mean and max of each bucket's numbers; NaN is no data") {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> values{1, 5, 3, kNaN, kNaN, 2, -4, kNaN, 10};
    const std::vector<std::size_t> ends{2, 4, 7, 8};
    const auto b = bucket_series(values, ends);
    REQUIRE(b.min.size() == 4);
    CHECK(b.min[0] == 1);
    CHECK(b.mean[0] == 3);
    CHECK(b.max[0] == 5);
    CHECK(std::isnan(b.min[1])); // only NaN
    CHECK(std::isnan(b.mean[1]));
    CHECK(std::isnan(b.max[1]));
    CHECK(b.min[2] == -4);
    CHECK(b.mean[2] == -1);
    CHECK(b.max[2] == 2);
    CHECK(b.min[3] == 10);
    CHECK(b.max[3] == 10);
}

namespace {

// The JSON the page carries, between its script element's tags.
Json page_data(const std::string& page) {
    const std::string open = "<script type=\"application/json\" id=\"tpssim-data\">";
    const auto from = page.find(open);
    REQUIRE(from != std::string::npos);
    const auto to = page.find("</script>", from);
    REQUIRE(to != std::string::npos);
    return Json::parse(page.substr(from + open.size(), to - from - open.size()));
}

} // namespace

TEST_CASE("the page: self-contained, seven panels over the run, bands, events and traces") {
    // Lab 2.6 for 4 minutes, with a calendar, resources, a breaker on the worker's call to
    // service-b, and errors at service-b from 1m to 2m that open it.
    const std::vector<scenarios::Override> overrides{
        {"duration", "4m"},
        {"start", "2026-12-25T14:00"},
        {"services.worker.resources.cpu_per_request", "4ms"},
        {"services.worker.resources.memory", "512MiB"},
        {"services.worker.steps.1.circuit_breaker.failure_rate_threshold", "50%"}};
    const std::vector<std::string> chaos{"target=service-b,errors={probability: 60%},at=1m,for=1m"};
    const auto sc = scenarios::load_scenario_file(
        TPSSIM_SOURCE_DIR "/scenarios/labs/2.6-traces.yaml", overrides, chaos);
    models::RunOptions options;
    options.seed = sc.seed;
    options.keep_event_log = true;
    const auto run = models::run_model(sc.model, options);
    const RunSummary summary = summarise({run}, sc.name, "lab.yaml", sc.seed, 0.0);
    const std::string page = html_dashboard(run, summary);

    // Nothing to fetch: no external address in an attribute, and a policy that forbids it.
    for (const char* fetch : {"src=\"http", "href=\"http", "src='http", "href='http", "url(http"})
        CHECK(page.find(fetch) == std::string::npos);
    CHECK(page.find("default-src 'none'") != std::string::npos);
    CHECK(page.find("sourceMappingURL") == std::string::npos);
    CHECK(page.find("Dygraph") != std::string::npos); // the library is in it
    CHECK(page == html_dashboard(run, summary));      // same run, same bytes

    const Json data = page_data(page);
    CHECK(data["calendar"] == true);
    CHECK(data["epoch_ms"] == 1'798'207'200'000LL); // 2026-12-25T14:00 read as UTC
    const auto& times = data["times"];
    REQUIRE(times.size() == run.metric_times_seconds.size()); // 16 scrapes: one bucket each
    CHECK(times.back() == run.metric_times_seconds.back());

    std::vector<std::string> ids;
    for (const auto& p : data["panels"]) {
        ids.push_back(p["id"]);
        CAPTURE(p["id"]);
        CHECK(!p["series"].empty());
        for (const auto& s : p["series"]) {
            CHECK(s["min"].size() == times.size());
            CHECK(s["mean"].size() == times.size());
            for (std::size_t i = 0; i < times.size(); ++i) {
                if (s["mean"][i].is_null()) continue;
                CHECK(s["min"][i].get<double>() <= s["mean"][i].get<double>());
                CHECK(s["mean"][i].get<double>() <= s["max"][i].get<double>());
            }
        }
    }
    CHECK(ids == std::vector<std::string>{"breakers", "queue_depth", "utilization", "error_rate",
                                          "latency", "throughput", "resources"});
    // The fault is a band from 1m to 2m; the breaker that opened under it, another.
    bool fault = false, breaker = false;
    for (const auto& b : data["bands"]) {
        if (b["kind"] == "fault") {
            fault = true;
            CHECK(b["from"] == 60.0);
            CHECK(b["to"] == 120.0);
        }
        breaker |= b["kind"] == "breaker";
    }
    CHECK(fault);
    CHECK(breaker);
    CHECK(data["events"].size() == run.event_log.size());
    CHECK(data["events_total"] == run.event_log.events());
    REQUIRE(data["traces"].size() == std::min<std::size_t>(10, run.slowest_traces.size()));
    const auto& first = data["traces"][0];
    CHECK(first["id"] == run.slowest_traces[0].trace_id);
    CHECK(first["spans"].size() == run.slowest_traces[0].rows);
    CHECK(first["spans"][0]["depth"] == 0);
    CHECK(first["spans"][0]["start"] == 0.0);
}

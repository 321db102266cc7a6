// scenarios/forecast_reader and rate_history: a forecast file and its history CSV read with the
// scenario layer's diagnostics; every bad input named by file, line, column and key.

#include "scenarios/diagnostic.hpp"
#include "scenarios/forecast_reader.hpp"

#include "files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

using namespace tpssim;
namespace fs = std::filesystem;

namespace {

const char* kScenario = R"(name: forecast-reader
seed: 3
duration: 1m
load:
  - {name: users, target: api, rate: 10/s}
services:
  api:
    workers: 4
    service_time: {dist: exponential, mean: 20ms}
)";

std::string forecast_with(const std::string& source) {
    return source + R"(
peak_factor: 2x
slo: {p99: 200ms}
scenario: {file: base.yaml, service: api}
replica: {cpu: 0.5, memory: 256MiB}
prices: {on_demand: 70, reserved: 44, spot: 21, spot_interruption: 5%}
horizons: [3, 6, 12]
)";
}

struct Dir : test_support::ScratchDir {
    explicit Dir(const std::string& tag) : ScratchDir("forecast-reader-" + tag) {
        write("base.yaml", kScenario);
    }
};

// Daily rows from 2026-01-01, `days` of them, skipping `skip` (-1: none).
std::string daily_csv(int days, int skip = -1) {
    std::string s = "time,rate_per_second\n";
    for (int d = 0; d < days; ++d) {
        if (d == skip) continue;
        s += "2026-01-" + std::string(d + 1 < 10 ? "0" : "") + std::to_string(d + 1) + "," +
             std::to_string(20 + d) + "\n";
    }
    return s;
}

std::vector<scenarios::Diagnostic> problems_of(const Dir& d) {
    try {
        (void)scenarios::read_forecast_file(d.path("f.yaml"));
    } catch (const scenarios::ScenarioError& e) {
        return e.diagnostics();
    }
    return {};
}

} // namespace

TEST_CASE("a forecast file with a history: rows, months, prices and the scenario's workers") {
    Dir d("good");
    d.write("h.csv", "time,rate_per_second,cpu_cores,queue_depth\n2026-01-01,20,1.0,3\n"
                     "2026-01-02T00:00,21,1.1,2\n2026-01-03T00:00:00Z,23,1.2,4\n");
    d.write("f.yaml", forecast_with("history: h.csv"));
    const auto spec = scenarios::read_forecast_file(d.path("f.yaml"));
    REQUIRE(spec.history);
    CHECK(spec.history->rate_per_second == std::vector<double>{20, 21, 23});
    CHECK(spec.history->t_months[2] == doctest::Approx(2.0 / (365.25 / 12.0)));
    CHECK(spec.history->cpu_cores.size() == 3);
    CHECK(spec.history->memory_gib.empty());
    CHECK(spec.history->queue_depth[2] == 4);
    CHECK(spec.peak_factor == 2.0);
    CHECK(spec.slo_seconds == doctest::Approx(0.2));
    CHECK(spec.workers_key == "services.api.workers");
    CHECK(spec.current_workers == 4);
    CHECK(spec.replica_memory_bytes == 256ULL << 20);
    CHECK(spec.prices.spot_interruption == doctest::Approx(0.05));
    CHECK(spec.horizons_months == std::vector<std::uint32_t>{3, 6, 12});
}

TEST_CASE("a stated growth: a percentage is compound, a rate a month is linear") {
    Dir d("growth");
    d.write("f.yaml", forecast_with("growth: {rate: 100/s, monthly: 20%}"));
    auto spec = scenarios::read_forecast_file(d.path("f.yaml"));
    REQUIRE(spec.growth);
    CHECK(spec.growth->model == models::analytic::GrowthModel::compound);
    CHECK(spec.growth->monthly == doctest::Approx(0.2));
    d.write("f.yaml", forecast_with("growth: {rate: 100/s, monthly: 15/s}"));
    spec = scenarios::read_forecast_file(d.path("f.yaml"));
    CHECK(spec.growth->model == models::analytic::GrowthModel::linear);
    CHECK(spec.growth->monthly == doctest::Approx(15.0));
}

TEST_CASE("a history with a gap: the row after it, by file, line and key") {
    Dir d("gap");
    d.write("h.csv", daily_csv(8, 4)); // 2026-01-05 missing
    d.write("f.yaml", forecast_with("history: h.csv"));
    const auto p = problems_of(d);
    REQUIRE(p.size() == 1);
    CHECK(p[0].file == d.path("h.csv"));
    CHECK(p[0].line == 6); // the header, 4 rows, then 2026-01-06
    CHECK(p[0].key_path == "history");
    CHECK(p[0].message.find("a gap: 2 days since the previous row (line 5)") != std::string::npos);
}

TEST_CASE("a history whose timestamps go back: the line and column of the time") {
    Dir d("order");
    d.write("h.csv", "time_days,rate_per_second\n0,10\n1,11\n 1,12\n3,13\n");
    d.write("f.yaml", forecast_with("history: h.csv"));
    const auto p = problems_of(d);
    REQUIRE(p.size() == 1);
    CHECK(p[0].line == 4);
    CHECK(p[0].column == 2);
    CHECK(p[0].message.find("timestamps must increase") != std::string::npos);
}

TEST_CASE("a history of two rows is too short to fit") {
    Dir d("short");
    d.write("h.csv", daily_csv(2));
    d.write("f.yaml", forecast_with("history: h.csv"));
    const auto p = problems_of(d);
    REQUIRE(p.size() == 1);
    CHECK(p[0].message.find("expected 3 rows at least") != std::string::npos);
    CHECK(p[0].message.find("got 2") != std::string::npos);
}

TEST_CASE("bad units: a unit in a number column, a time that is no date, a header without one") {
    Dir d("units");
    d.write("h.csv", "time,rate_per_second\n2026-01-01,20\n2026-01-02,21/s\n2026-13-03,22\n");
    d.write("f.yaml", forecast_with("history: h.csv"));
    auto p = problems_of(d);
    REQUIRE(p.size() == 2);
    CHECK(p[0].line == 3);
    CHECK(p[0].column == 12);
    CHECK(p[0].message ==
          "rate_per_second: expected a plain number >= 0 (the unit is in the column's name), "
          "got \"21/s\"");
    CHECK(p[1].line == 4);
    CHECK(p[1].message.find("expected an ISO 8601 date") != std::string::npos);
    d.write("h.csv", "time,rate\n2026-01-01,20\n");
    p = problems_of(d);
    REQUIRE(p.size() == 1);
    CHECK(p[0].line == 1);
    CHECK(p[0].message.find("got the column \"rate\"") != std::string::npos);
}

TEST_CASE("bad units in the forecast file: reported at their line and key") {
    Dir d("yaml-units");
    d.write("f.yaml", "growth: {rate: 100, monthly: 20}\n"
                      "slo: {p99: fast}\n"
                      "scenario: {file: base.yaml, service: api}\n"
                      "prices: {on_demand: 70, reserved: 44, spot: cheap}\n"
                      "horizons: [6, 3]\n");
    const auto p = problems_of(d);
    REQUIRE(p.size() == 5);
    CHECK(p[0].line == 1);
    CHECK(p[0].key_path == "growth.rate");
    CHECK(p[1].key_path == "growth.monthly");
    CHECK(p[1].message.find("a percentage (20%, compound)") != std::string::npos);
    CHECK(p[2].line == 2);
    CHECK(p[2].key_path == "slo.p99");
    CHECK(p[3].key_path == "prices.spot");
    CHECK(p[4].line == 5);
    CHECK(p[4].message == "expected months in increasing order, got 3 after 6");
}

TEST_CASE("a key path the scenario does not have: at its line in the forecast file") {
    Dir d("keys");
    d.write("f.yaml", forecast_with("growth: {rate: 100/s, monthly: 20%}") +
                          "# the rate key names a load that does not exist\n");
    std::string text = forecast_with("growth: {rate: 100/s, monthly: 20%}");
    const std::string from = "scenario: {file: base.yaml, service: api}";
    text.replace(text.find(from), from.size(),
                 "scenario:\n  file: base.yaml\n  service: api\n  rate_key: load.visitors.rate");
    d.write("f.yaml", text);
    const auto p = problems_of(d);
    REQUIRE(!p.empty());
    CHECK(p[0].file == d.path("f.yaml"));
    CHECK(p[0].line == 7);
    CHECK(p[0].message.find("load.visitors.rate") != std::string::npos);
}

TEST_CASE("a misspelt key gets a did-you-mean; history and growth together are refused") {
    Dir d("spelling");
    d.write("h.csv", daily_csv(5));
    d.write("f.yaml", forecast_with("history: h.csv\ngrowth: {rate: 100/s, monthly: 20%}") +
                          "horizon: [3]\n");
    const auto p = problems_of(d);
    REQUIRE(p.size() == 2);
    CHECK(p[0].message.find("not both") != std::string::npos);
    CHECK(p[1].message.find("did you mean \"horizons\"") != std::string::npos);
}

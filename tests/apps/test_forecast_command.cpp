// `tpssim forecast` as a user runs it (apps/tpssim/forecast_*): the plan's sizing (monotone in
// load, confirmed by simulation, never below the utilisation floor, the count below missing),
// the same CSV and HDF5 bytes with 1 and 2 threads, the report within 100 columns, and bad
// input: exit 2 with a one-line error naming file, line and key.

#include "apps/tpssim/forecast_plan.hpp"
#include "command.hpp"
#include "files.hpp"
#include "scenarios/forecast_reader.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

using namespace tpssim;
namespace fs = std::filesystem;

namespace {

// One service of ~20 ms exponential requests: cheap to simulate at a few hundred requests/s.
const char* kScenario = R"(name: forecast-command
seed: 11
duration: 1m
warmup: 10s
load:
  - {name: users, target: api, rate: 20/s}
services:
  api:
    workers: 3
    service_time: {dist: exponential, mean: 20ms}
)";

const char* kForecast = R"(growth: {rate: 20/s, monthly: 25%}
peak_factor: 2x
slo: {p99: 120ms, utilization: 80%}
scenario: {file: base.yaml, service: api, replications: 2}
replica: {cpu: 0.5, memory: 1GiB}
prices: {currency: EUR, on_demand: 70, reserved: 44, spot: 21, spot_interruption: 10%}
horizons: [3, 6, 12]
)";

struct Dir : test_support::ScratchDir {
    explicit Dir(const std::string& tag) : ScratchDir("forecast-cmd-" + tag) {
        write("base.yaml", kScenario);
        write("f.yaml", kForecast);
    }
};

using test_support::tpssim_command;

} // namespace

TEST_CASE("forecast sizing: monotone in load, confirmed by simulation, as few as meet the SLO") {
    Dir d("plan");
    const auto spec = scenarios::read_forecast_file(d.path("f.yaml"));
    ForecastOptions options;
    options.threads = 2;
    const ForecastPlan plan = plan_forecast(spec, options);
    REQUIRE(plan.horizons.size() == 3);
    // 20 ms a request, measured by a run of the scenario as written.
    CHECK(plan.service_demand_seconds == doctest::Approx(0.020).epsilon(0.1));
    std::uint32_t previous = 0;
    for (const auto& h : plan.horizons) {
        CAPTURE(h.month);
        CHECK(h.planned_peak == doctest::Approx(2.0 * 20.0 * std::pow(1.25, h.month)));
        CHECK(h.confirmed);
        CHECK(h.workers >= previous);
        previous = h.workers;
        CHECK(h.workers >= h.guess.for_utilisation);
        CHECK(h.at_workers.latency_mean + h.at_workers.latency_half_width <= 0.120);
        // One fewer is below the utilisation floor or was simulated and missed the SLO.
        if (h.workers > h.guess.for_utilisation) {
            const auto below = std::find_if(plan.probes.begin(), plan.probes.end(), [&](auto& p) {
                return p.month == h.month && p.workers == h.workers - 1;
            });
            REQUIRE(below != plan.probes.end());
            CHECK_FALSE(below->meets_slo);
        }
        CHECK(h.cpu_cores == doctest::Approx(0.5 * h.workers));
        CHECK(h.memory_gib == doctest::Approx(1.0 * h.workers));
        CHECK(h.mixes[0].cost_per_month == doctest::Approx(70.0 * h.workers));
    }
    // 3 workers serve today's 40/s peak (27% busy) but not month 3's: scale steps grow.
    REQUIRE(!plan.scaling.empty());
    CHECK(plan.scaling.front().from == 3);
    for (std::size_t i = 1; i < plan.scaling.size(); ++i) {
        CHECK(plan.scaling[i].month > plan.scaling[i - 1].month);
        CHECK(plan.scaling[i].from == plan.scaling[i - 1].to);
    }
    CHECK(plan.scaling.back().to == plan.horizons.back().workers);
}

TEST_CASE("tpssim forecast: the same CSV and HDF5 bytes with 1 and 2 threads; 100 columns") {
    Dir d("threads");
    const auto one = test_support::run_command(
        tpssim_command("forecast " + d.path("f.yaml") + " --threads 1 --csv " + d.path("one.csv") +
                       " --out " + d.path("one.h5")));
    const auto two = test_support::run_command(
        tpssim_command("forecast " + d.path("f.yaml") + " --threads 2 --csv " + d.path("two.csv") +
                       " --out " + d.path("two.h5")));
    REQUIRE(one.exit_code == 0);
    REQUIRE(two.exit_code == 0);
    const std::string csv = test_support::slurp(d.path("one.csv"));
    CHECK(csv == test_support::slurp(d.path("two.csv")));
    CHECK(test_support::slurp(d.path("one.h5")) == test_support::slurp(d.path("two.h5")));
    CHECK(csv.starts_with("month,average_per_second,"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
    const auto h5 = test_support::run_command(
        "/usr/bin/python3 -c \"import h5py; f = h5py.File('" + d.path("one.h5") +
        "'); print(f.attrs['format'], f['horizons']['workers'].shape[0], "
        "'history' in f, f['probes']['meets_slo'].shape[0] >= 3)\"");
    CHECK(h5.exit_code == 0);
    CHECK(h5.out == "tpssim-forecast 3 False True\n");
    std::size_t start = 0, widest = 0;
    while (start < one.out.size()) {
        const std::size_t end = one.out.find('\n', start);
        widest = std::max(widest, end - start);
        start = end + 1;
    }
    CHECK(widest <= 100);
    CHECK(one.out.find("when to scale (api, 3 workers now):") != std::string::npos);
    CHECK(one.out.find(" EUR (") != std::string::npos);
}

TEST_CASE("tpssim forecast: bad input exits 2 with the file, line and key") {
    Dir d("bad");
    std::ofstream(d.path() / "h.csv") << "time,rate_per_second\n2026-01-01,20\n2026-01-02,21\n"
                                         "2026-01-09,22\n2026-01-10,23\n";
    std::string text = kForecast;
    text.replace(0, text.find('\n'), "history: h.csv");
    std::ofstream(d.path() / "f.yaml") << text;
    const auto r =
        test_support::run_command(tpssim_command("forecast " + d.path("f.yaml") + " 2>&1"));
    CHECK(r.exit_code == 2);
    CHECK(r.out == d.path("h.csv") +
                       ":4:1: error: history: a gap: 7 days since the previous row (line 3), "
                       "over 1.5 times the history's step (1 days): fill the missing rows or "
                       "start the history after the gap\n");
    const auto flag = test_support::run_command(
        tpssim_command("forecast " + d.path("f.yaml") + " --threads zero 2>&1"));
    CHECK(flag.exit_code == 2);
    CHECK(flag.out.find("--threads: expected an integer") != std::string::npos);
    const auto help = test_support::run_command(tpssim_command("forecast --help"));
    CHECK(help.exit_code == 0);
    CHECK(help.out.starts_with("usage: tpssim forecast FORECAST.yaml [options]\n"));
}

TEST_CASE("forecast sizing: the simulation adds workers where Erlang C's exponential service is "
          "optimistic") {
    // Lognormal service with cv 2: its p99 (~86 ms) is nearly twice an exponential's (~46 ms),
    // so M/M/c underestimates the tail and the simulated search must go up from the guess.
    Dir d("heavy");
    std::string scenario = kScenario;
    const std::string from = "{dist: exponential, mean: 20ms}";
    scenario.replace(scenario.find(from), from.size(), "{dist: lognormal, mean: 10ms, cv: 2}");
    const std::string rate = "rate: 20/s";
    scenario.replace(scenario.find(rate), rate.size(), "rate: 100/s");
    std::ofstream(d.path() / "base.yaml") << scenario;
    std::string forecast = kForecast;
    const std::string slo = "{p99: 120ms, utilization: 80%}";
    forecast.replace(forecast.find(slo), slo.size(), "{p99: 100ms, utilization: 80%}");
    const std::string growth = "rate: 20/s", replications = "replications: 2";
    forecast.replace(forecast.find(growth), growth.size(), "rate: 100/s");
    forecast.replace(forecast.find(replications), replications.size(), "replications: 3");
    std::ofstream(d.path() / "f.yaml") << forecast;
    const ForecastPlan plan = plan_forecast(scenarios::read_forecast_file(d.path("f.yaml")), {});
    bool added = false;
    for (const auto& h : plan.horizons) {
        CAPTURE(h.month);
        CHECK(h.confirmed);
        CHECK(h.workers >= h.guess.workers);
        added = added || h.workers > h.guess.workers;
        if (h.workers > h.guess.for_utilisation) {
            const auto below = std::find_if(plan.probes.begin(), plan.probes.end(), [&](auto& p) {
                return p.month == h.month && p.workers == h.workers - 1;
            });
            REQUIRE(below != plan.probes.end());
            CHECK_FALSE(below->meets_slo);
        }
    }
    CHECK(added);
}

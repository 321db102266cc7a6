#include "apps/tpssim/report.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>

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

TEST_CASE("every report line fits 100 columns") {
    const std::vector<models::RunResult> runs{fake_run(1.0, 10), fake_run(3.0, 20)};
    const auto s = tpssim::summarise(runs, "a-scenario", "x.yaml", 1, 0.5);
    std::istringstream in(tpssim::format_report(s));
    std::string line;
    while (std::getline(in, line))
        CHECK_MESSAGE(line.size() <= 100, line);
}

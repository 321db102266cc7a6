// Reading load sources: rate profiles (multiplier, steps, trace), the calendar start, clock
// times, closed load, and `--set` into the new blocks. Broken files with their exact messages
// are in tests/bad/ (load_*.yaml, closed_load_bad.yaml).
#include "models/load_profile.hpp"
#include "scenarios/scenario.hpp"

#include "diagnostics.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace tpssim;

using scenarios::load_scenario_text;
using scenarios::Override;
using scenarios::parse_override;
using scenarios::Scenario;
using scenarios::ScenarioError;
using sim::SimTime;

namespace {

const std::string kServices = R"(
services:
  api:
    workers: 4
    service_time: {dist: exponential, mean: 10ms}
)";

Scenario load(const std::string& head, const std::vector<std::string>& sets = {}) {
    std::vector<Override> overrides;
    for (const auto& s : sets)
        overrides.push_back(parse_override(s));
    // A name in the tests/bad/ folder, so that relative CSV paths find tests/bad/data/.
    return load_scenario_text(head + kServices,
                              std::string(TPSSIM_SOURCE_DIR) + "/tests/bad/inline.yaml", overrides);
}

std::vector<std::string> errors(const std::string& head,
                                const std::vector<std::string>& sets = {}) {
    return test_support::diagnostics_of([&] { load(head, sets); });
}

SimTime hours(double h) {
    return SimTime::from_ns(static_cast<SimTime::Rep>(h * 3600e9));
}

} // namespace

TEST_CASE("a plain load source keeps a constant profile and no calendar start") {
    const auto sc = load("name: t\nduration: 1h\nload: [{name: users, target: api, rate: 90/s}]\n");
    const auto& l = sc.model.load[0];
    CHECK(l.rate_per_second == 90.0);
    CHECK(l.profile.steps.empty());
    CHECK(l.profile.ramps.empty());
    CHECK(l.profile.daily.empty());
    CHECK(l.profile.weekly == std::array<double, 7>{1, 1, 1, 1, 1, 1, 1});
    CHECK(l.profile.holidays.empty());
    CHECK_FALSE(sc.model.start);
    CHECK(models::LoadProfile(models::rate_profile_of(sc.model, l)).is_constant());
}

TEST_CASE("the sketch's load source: daily (any order), weekly, holiday, steps and a ramp") {
    const auto sc = load(R"(name: t
start: 2026-12-25T14:00
duration: 66h
load:
  - name: users
    target: api
    arrivals: poisson
    rate: 100/s
    multiplier:
      daily: {"12:00": 1.6, "00:00": 0.4, "08:00": 1.0, "19:00": 1.2, "23:00": 60%}
      interpolation: linear
      weekly: {sat: 0.6, sun: 0.6}
      holiday: 2.0
    steps:
      - {at: 2m, rate: 0/s}
      - {from: 1h, to: 1h10m, ramp_to: 500/s}
)");
    REQUIRE(sc.model.start);
    CHECK(*sc.model.start ==
          std::chrono::local_days{std::chrono::year{2026} / 12 / 25} + std::chrono::hours{14});
    const auto& p = sc.model.load[0].profile;
    REQUIRE(p.daily.size() == 5);
    CHECK(p.daily[0].time_of_day == SimTime::zero());
    CHECK(p.daily[1].time_of_day == hours(8));
    CHECK(p.daily[2].factor == 1.6);
    CHECK(p.daily[4].factor == 0.6);
    CHECK(p.daily_interpolation == models::Interpolation::Linear);
    // A bare holiday factor applies throughout: it rides on every weekday's factor.
    CHECK(p.weekly == std::array<double, 7>{2, 2, 2, 2, 2, 1.2, 1.2});
    CHECK(p.holidays.empty());
    REQUIRE(p.steps.size() == 1);
    CHECK(p.steps[0].at == SimTime::from_s(120));
    CHECK(p.steps[0].rate == 0.0);
    REQUIRE(p.ramps.size() == 1);
    CHECK(p.ramps[0].from == hours(1));
    CHECK(p.ramps[0].to == hours(1) + SimTime::from_s(600));
    CHECK(p.ramps[0].rate == 500.0);
    // Friday 14:00: 1.6 -> toward 1.2 at 19:00, x2 (holiday); but the step at 2m set the base
    // to 0 until the ramp.
    const models::LoadProfile profile(models::rate_profile_of(sc.model, sc.model.load[0]));
    CHECK(profile.rate_at(SimTime::zero()) == doctest::Approx(100.0 * 2.0 * (1.6 - 0.4 * 2 / 7)));
    CHECK(profile.rate_at(SimTime::from_s(180)) == 0.0);
}

TEST_CASE("holiday periods: dates, durations and clock times, a period may begin before start") {
    const auto sc = load(R"(name: t
start: 2026-12-25T14:00
duration: 3d
load:
  - name: users
    target: api
    rate: 10/s
    multiplier:
      holiday:
        factor: 150%
        periods:
          - {from: 2026-12-24, to: 2026-12-26}
          - {from: 30h, to: 32h}
          - {from: "22:00", to: "06:00"}
)");
    const auto& p = sc.model.load[0].profile;
    CHECK(p.holiday_factor == 1.5);
    REQUIRE(p.holidays.size() == 3);
    CHECK(p.holidays[0].begin == SimTime::zero() - hours(38));
    CHECK(p.holidays[0].end == hours(10));
    CHECK(p.holidays[1].begin == hours(30));
    CHECK(p.holidays[2].begin == hours(8));
    CHECK(p.holidays[2].end == hours(16)); // the first 06:00 after 22:00
    CHECK(p.weekly == std::array<double, 7>{1, 1, 1, 1, 1, 1, 1});
}

TEST_CASE("start: forms, and its absence for daily patterns") {
    const std::string rest = "duration: 1h\nload: [{name: users, target: api, rate: 1/s}]\n";
    using std::chrono::local_days;
    using std::chrono::minutes;
    using std::chrono::seconds;
    using std::chrono::year;
    const auto day = local_days{year{2026} / 12 / 25};
    CHECK(*load("name: t\nstart: 2026-12-25\n" + rest).model.start == day);
    CHECK(*load("name: t\nstart: 2026-12-25 08:30\n" + rest).model.start ==
          day + std::chrono::hours{8} + minutes{30});
    CHECK(*load("name: t\nstart: 2026-12-25T08:30:15\n" + rest).model.start ==
          day + std::chrono::hours{8} + minutes{30} + seconds{15});
    // Without start, a daily pattern reads t = 0 as a Monday at midnight.
    const auto sc = load("name: t\nduration: 1h\nload: [{name: users, target: api, rate: 1/s, "
                         "multiplier: {daily: {\"00:00\": 1, \"06:00\": 3}}}]\n");
    const models::LoadProfile profile(models::rate_profile_of(sc.model, sc.model.load[0]));
    CHECK(profile.rate_at(hours(5)) == 1.0);
    CHECK(profile.rate_at(hours(6)) == 3.0);
    CHECK(sc.model.calendar().weekday_at(SimTime::zero()) == std::chrono::Monday);
}

TEST_CASE("a rate trace: units from the header, Windows line ends, interpolation") {
    // tests/bad/data/rates_ok.csv: time_ms,rate_per_minute / 0,600 / 500,1200 (CRLF).
    const auto sc = load("name: t\nduration: 1h\nload: [{name: users, target: api, trace: {file: "
                         "data/rates_ok.csv, interpolation: linear}}]\n");
    const auto& s = sc.model.load[0].profile.series;
    CHECK(sc.model.load[0].rate_per_second == 0.0); // no rate: 0 before the first point
    REQUIRE(s.times.size() == 2);
    CHECK(s.times[1] == SimTime::from_ms(500));
    CHECK(s.rates[0] == doctest::Approx(10.0));
    CHECK(s.rates[1] == doctest::Approx(20.0));
    CHECK(s.interpolation == models::Interpolation::Linear);
    const models::LoadProfile profile(models::rate_profile_of(sc.model, sc.model.load[0]));
    CHECK(profile.rate_at(SimTime::from_ms(250)) == doctest::Approx(15.0));
}

TEST_CASE("closed load: users and think time") {
    const auto sc = load("name: t\nduration: 1h\nload: [{name: users, target: api, arrivals: "
                         "closed, users: 50, think_time: {dist: exponential, mean: 1s}, timeout: "
                         "2s}]\n");
    const auto& l = sc.model.load[0];
    CHECK(l.arrivals == models::ArrivalProcess::Closed);
    CHECK(l.users == 50);
    CHECK(l.think_time.mean_seconds() == 1.0);
    CHECK(l.timeout == SimTime::from_s(2));
    const auto constant = load("name: t\nduration: 1h\nload: [{name: users, target: api, "
                               "arrivals: closed, users: 3, think_time: 0s}]\n");
    CHECK(constant.model.load[0].think_time.mean_seconds() == 0.0);
}

TEST_CASE("--set creates the profile blocks: multiplier, holiday, daily, weekly, trace") {
    const std::string base = "name: t\nstart: 2026-12-25T14:00\nduration: 1h\nload: [{name: "
                             "users, target: api, rate: 10/s}]\n";
    auto sc = load(base, {"load.users.multiplier.holiday=2"});
    CHECK(sc.model.load[0].profile.weekly[0] == 2.0);
    sc =
        load(base, {"load.users.multiplier.weekly.sat=0.5", "load.users.multiplier.daily.08:00=1.5",
                    "load.users.multiplier.holiday.factor=3",
                    "load.users.multiplier.holiday.periods=[{from: 2026-12-26, to: 2026-12-27}]"});
    const auto& p = sc.model.load[0].profile;
    CHECK(p.weekly[5] == 0.5);
    REQUIRE(p.daily.size() == 1);
    CHECK(p.daily[0].time_of_day == hours(8));
    CHECK(p.holiday_factor == 3.0);
    REQUIRE(p.holidays.size() == 1);
    CHECK(p.holidays[0].begin == hours(10));
    sc = load(base, {"load.users.steps=[{at: \"15:00\", rate: 0/s}]"});
    REQUIRE(sc.model.load[0].profile.steps.size() == 1);
    CHECK(sc.model.load[0].profile.steps[0].at == hours(1));
    sc = load(base, {"load.users.trace.file=data/rates_ok.csv"});
    CHECK(sc.model.load[0].profile.series.times.size() == 2);
    const std::string closed = "name: t\nduration: 1h\nload: [{name: users, target: api, "
                               "arrivals: closed, users: 5, think_time: 1s}]\n";
    sc =
        load(closed, {"load.users.users=7", "load.users.think_time={dist: exponential, mean: 2s}"});
    CHECK(sc.model.load[0].users == 7);
    CHECK(sc.model.load[0].think_time.mean_seconds() == 2.0);
    // A problem in an overridden value is reported against <--set>.
    const auto e = errors(base, {"load.users.multiplier.holiday=-2"});
    REQUIRE(e.size() == 1);
    CHECK(e[0] == "<--set>: error: load.0.multiplier.holiday: expected a factor >= 0: a number "
                  "such as 0.6 or 2, or a percentage such as 60%, got -2");
}

TEST_CASE("Markov-modulated load: states with a rate and a mean duration") {
    const auto sc = load("name: t\nduration: 1h\nload: [{name: users, target: api, arrivals: mmpp, "
                         "states: [{rate: 10/s, mean_duration: 20s}, {rate: 100/s, "
                         "mean_duration: 5s}]}]\n");
    const auto& l = sc.model.load[0];
    CHECK(l.arrivals == models::ArrivalProcess::Mmpp);
    REQUIRE(l.mmpp.size() == 2);
    CHECK(l.mmpp[1].rate_per_second == 100.0);
    CHECK(l.mmpp[0].mean_duration == SimTime::from_s(20));
    auto first = [](const std::vector<std::string>& e) { return e.empty() ? "" : e.front(); };
    CHECK(first(errors("name: t\nduration: 1h\nload: [{name: users, target: api, arrivals: "
                       "mmpp, states: [{rate: 10/s, mean_duration: 20s}]}]\n"))
              .find("expected at least two states (a burst and a calm), got 1") !=
          std::string::npos);
    CHECK(first(errors("name: t\nduration: 1h\nload: [{name: users, target: api, arrivals: "
                       "mmpp, rate: 5/s, states: [{rate: 1/s, mean_duration: 1s}, {rate: 2/s, "
                       "mean_duration: 1s}]}]\n"))
              .find("\"rate\" does not apply to arrivals: mmpp") != std::string::npos);
    CHECK(first(errors("name: t\nduration: 1h\nload: [{name: users, target: api, rate: 5/s, "
                       "states: []}]\n"))
              .find("\"states\" applies only to Markov-modulated load (arrivals: mmpp)") !=
          std::string::npos);
    CHECK(first(errors("name: t\nduration: 1h\nload: [{name: users, target: api, arrivals: "
                       "mmpp, states: [{rate: 0/s, mean_duration: 1s}, {rate: 0/s, "
                       "mean_duration: 1s}]}]\n"))
              .find("never sends a request") != std::string::npos);
    CHECK(first(errors("name: t\nduration: 1h\nload: [{name: users, target: api, arrivals: "
                       "mmpp, states: [{rate: 1/s, mean_duration: 10us}, {rate: 2/s, "
                       "mean_duration: 1s}]}]\n"))
              .find("expected a duration >= 1ms") != std::string::npos);
}

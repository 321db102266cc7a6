// The closed model against exact mean-value analysis: an interactive system of N users who
// think for a mean Z, then send a request to one service (M/M/1 or M/M/c) and wait for its
// answer. Each case is a scenario (read through the real loader), run as R independent
// replications; the mean response time R and the throughput X must contain MVA's values in a
// 99% Student-t interval over the replications, and every single run must obey the
// interactive response-time law R = N / X - Z.
//
// Why this catches a broken closed model rather than passing by luck:
// - the intervals must be narrow (relative half-width < 3%), so "MVA inside the interval" is
//   a statement at a few percent;
// - R comes from per-request tallies, X from a counter over the window: different paths;
// - the response-time law ties them to the population: a user lost (never sending again) or
//   duplicated (two requests at once) moves N / X - Z by about (R + Z) / N, which at N = 50 is
//   far outside the law's tolerance below;
// - the third case thinks for a constant time: product form does not care (the think stage
//   is a delay station, insensitive to its distribution), and the law is then checked with
//   no sampling slack at all.
// Seeds are fixed: the outcome is deterministic.

#include "models/analytic/mva.hpp"
#include "models/replications.hpp"
#include "scenarios/scenario.hpp"
#include "sim/confidence_interval.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using namespace tpssim;

namespace qt = models::analytic;

namespace {

constexpr double kLevel = 0.99;
constexpr double kMaxRelativeHalfWidth = 0.03;
constexpr std::uint32_t kReplications = 30;

struct Case {
    const char* name;
    std::uint32_t users;
    const char* think_time; // YAML
    const char* service;    // YAML distribution
    std::uint32_t workers;
};

std::string scenario_text(const Case& c) {
    return std::string("name: ") + c.name +
           "\nseed: 11\nduration: 2100s\nwarmup: 100s\n"
           "load:\n  - {name: users, target: api, arrivals: closed, users: " +
           std::to_string(c.users) + ", think_time: " + c.think_time +
           "}\nservices:\n  api:\n    workers: " + std::to_string(c.workers) +
           "\n    service_time: " + c.service + "\n";
}

void check_figure(const char* what, const std::vector<double>& xs, double theory) {
    const sim::ConfidenceInterval ci = sim::mean_confidence_interval(xs, kLevel);
    const double rel = ci.half_width / std::abs(ci.mean);
    std::printf("  %-24s MVA %-10.6g 99%% CI %.6g +- %.3g  [%.6g, %.6g]  rel hw %.2f%%  %s\n", what,
                theory, ci.mean, ci.half_width, ci.low(), ci.high(), 100.0 * rel,
                ci.contains(theory) ? "ok" : "MVA OUTSIDE");
    INFO(what << ": MVA " << theory << ", 99% CI " << ci.mean << " +- " << ci.half_width);
    CHECK(ci.contains(theory));
    CHECK(rel < kMaxRelativeHalfWidth);
}

} // namespace

TEST_CASE("closed interactive systems agree with exact MVA and the response-time law") {
    const Case cases[] = {
        {"closed-mm1", 50, "{dist: exponential, mean: 1s}", "{dist: exponential, mean: 18ms}", 1},
        {"closed-mm4", 50, "{dist: exponential, mean: 1s}", "{dist: exponential, mean: 70ms}", 4},
        {"closed-mm2-constant-think", 30, "500ms", "{dist: exponential, mean: 30ms}", 2},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        const auto sc =
            scenarios::load_scenario_text(scenario_text(c), std::string(c.name) + ".yaml");
        const auto& load = sc.model.load.at(0);
        const auto& service = sc.model.services.at(0);
        REQUIRE(load.arrivals == models::ArrivalProcess::Closed);
        REQUIRE(service.service_time.kind() == sim::Distribution::Kind::Exponential);
        const double z = load.think_time.mean_seconds();
        const double think_cv = load.think_time.cv();
        const double n = load.users;
        const std::vector<qt::ClosedStation> stations{
            {service.service_time.mean_seconds(), service.workers}};
        const qt::ClosedMetrics mva = qt::mva(load.users, z, stations);

        models::ReplicationOptions ro;
        ro.seed = sc.seed;
        ro.replications = kReplications;
        const auto t0 = std::chrono::steady_clock::now();
        const auto runs = models::run_replications(sc.model, ro);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(runs.size() == kReplications);
        std::printf("%s (N = %u, Z = %g s, c = %u, S = %g s; %u x %.0f s measured, %.2f s wall)\n",
                    c.name, load.users, z, service.workers, stations[0].demand, kReplications,
                    runs[0].simulated_seconds - runs[0].warmup_seconds, wall);

        std::vector<double> response, throughput, utilisation;
        double worst_law = 0.0;
        for (const models::RunResult& r : runs) {
            const models::ServiceResult& s = r.services.at(0);
            const double measured = r.simulated_seconds - r.warmup_seconds;
            const double x = static_cast<double>(s.completed) / measured;
            const double rt = s.latency_seconds.mean;
            response.push_back(rt);
            throughput.push_back(x);
            utilisation.push_back(s.utilization);
            REQUIRE(s.rejected == 0);
            REQUIRE(s.failed == 0);

            // The response-time law on this run. Over the window, the N users spend N x window
            // in cycles of (response + think); the completed cycles fill all of it but the
            // partial cycles at the two edges, a residual life per user per edge, about
            // (R + Z) each on average. So N / X - Z - R differs from 0 by
            // - the edges: about 2 (R + Z)^2 / window; 4 x that is allowed;
            // - the think times drawn: their mean over the C cycles is Z within 4.5 standard
            //   deviations, Z cv / sqrt(C) each (nothing for a constant think time).
            const double cycles = static_cast<double>(s.completed);
            const double edges = 4.0 * 2.0 * (rt + z) * (rt + z) / measured;
            const double think = 4.5 * z * think_cv / std::sqrt(cycles);
            const double law = n / x - z;
            INFO("response-time law, seed " << r.seed << ": R " << rt << ", N/X - Z " << law
                                            << ", allowed " << edges + think);
            CHECK(std::abs(rt - law) <= edges + think);
            worst_law = std::max(worst_law, std::abs(rt - law) / rt);
        }
        std::printf("  %-24s worst |R - (N/X - Z)| / R over the runs: %.2g\n", "response-time law",
                    worst_law);
        check_figure("response time R (s)", response, mva.response_time);
        check_figure("throughput X (/s)", throughput, mva.throughput);
        check_figure("utilisation", utilisation, mva.utilization[0]);
    }
}

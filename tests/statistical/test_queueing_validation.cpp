// The simulator against queueing theory: every scenario in scenarios/validation/ is loaded
// through the real scenario path, run as R independent replications, and its mean wait, mean
// number in system, utilisation and (with a bounded queue) rejection probability must contain
// the closed form in a 99% Student-t interval over the replications.
//
// The theory is derived from the loaded model, not written down per file: one service fed by
// one Poisson source; exponential service gives M/M/c (unbounded) or M/M/c/K (bounded), any
// other distribution on one worker gives M/G/1 by Pollaczek-Khinchine with the distribution's
// exact mean and cv. So a new validation file is checked as soon as it is added, and a file
// whose model has no closed form here fails loudly instead of being skipped.
//
// Why these checks catch a broken simulator rather than pass by luck:
// - each interval must be narrow (relative half-width < 5%), so "theory inside the interval"
//   is a statement at a few percent, not a tautology of a huge interval;
// - several figures are checked per case (wait, L, utilisation, blocking), each a different
//   code path (per-request tallies, time-weighted integrals, counters);
// - Little's law is checked on every replication, which ties those paths together.
// Seeds are fixed: the outcome is deterministic, the 1% miss rate of a correct 99% interval
// was paid once when the seeds were chosen (they are the files' own seeds).

#include "models/analytic/queueing_theory.hpp"
#include "models/replications.hpp"
#include "scenarios/scenario.hpp"
#include "sim/confidence_interval.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace tpssim;

namespace qt = models::analytic;

namespace {

constexpr double kLevel = 0.99;
constexpr double kMaxRelativeHalfWidth = 0.05;
// Replications per file. Each is one run of the file as written (its duration and warm-up);
// 40 gives the half-widths above while the suite stays short (its time: bench/README.md,
// History).
constexpr std::uint32_t kReplications = 40;

// The single-service files; those with several services are networks, which
// test_jackson_network.cpp checks (and fails loudly when one is not a Jackson network).
std::vector<std::filesystem::path> validation_files() {
    std::vector<std::filesystem::path> files;
    const std::filesystem::path dir =
        std::filesystem::path(TPSSIM_SOURCE_DIR) / "scenarios" / "validation";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") continue;
        if (scenarios::load_scenario_file(entry.path().string()).model.services.size() == 1)
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

struct Theory {
    std::string kind; ///< e.g. "M/M/c, c = 10", for the printed table
    qt::QueueMetrics metrics;
    double mean_service = 0.0;
    std::uint32_t workers = 0;
    bool bounded = false;
};

// The closed form that applies to `p`; fails the test when none does.
Theory theory_for(const models::ModelParams& p) {
    REQUIRE_MESSAGE(p.services.size() == 1, "a validation scenario has exactly one service");
    REQUIRE_MESSAGE(p.load.size() == 1, "a validation scenario has exactly one load source");
    REQUIRE(p.load[0].arrivals == models::ArrivalProcess::Poisson);
    const auto& s = p.services[0];
    const double lambda = p.load[0].rate_per_second;
    Theory t;
    t.mean_service = s.service_time.mean_seconds();
    t.workers = s.workers;
    t.bounded = s.queue_capacity != models::kUnbounded;
    if (s.service_time.kind() == sim::Distribution::Kind::Exponential) {
        if (t.bounded) {
            t.kind = "M/M/c/K, c = " + std::to_string(s.workers) +
                     ", K = " + std::to_string(std::uint64_t{s.workers} + s.queue_capacity);
            t.metrics = qt::mmck(lambda, t.mean_service, s.workers,
                                 std::uint64_t{s.workers} + s.queue_capacity);
        } else {
            t.kind = "M/M/c, c = " + std::to_string(s.workers);
            t.metrics = qt::mmc(lambda, t.mean_service, s.workers);
        }
    } else {
        REQUIRE_MESSAGE(s.workers == 1, "non-exponential service: only M/G/1 has a closed form");
        REQUIRE_MESSAGE(!t.bounded, "non-exponential service: only M/G/1 has a closed form");
        t.kind = "M/G/1, service cv = " + std::to_string(s.service_time.cv()).substr(0, 4);
        t.metrics = qt::mg1(lambda, t.mean_service, s.service_time.cv());
    }
    return t;
}

// One figure: interval over the replications, theory, and the two checks.
void check_figure(const char* what, const std::vector<double>& xs, double theory) {
    const sim::ConfidenceInterval ci = sim::mean_confidence_interval(xs, kLevel);
    const double rel = ci.half_width / std::abs(ci.mean);
    std::printf("  %-22s theory %-12.6g 99%% CI %.6g +- %.3g  [%.6g, %.6g]  rel hw %.2f%%  %s\n",
                what, theory, ci.mean, ci.half_width, ci.low(), ci.high(), 100.0 * rel,
                ci.contains(theory) ? "ok" : "THEORY OUTSIDE");
    INFO(what << ": theory " << theory << ", 99% CI " << ci.mean << " +- " << ci.half_width);
    CHECK(ci.contains(theory));
    CHECK(rel < kMaxRelativeHalfWidth);
}

} // namespace

TEST_CASE("validation scenarios agree with queueing theory") {
    const auto files = validation_files();
    REQUIRE(files.size() >= 5);
    for (const auto& file : files) {
        CAPTURE(file.string());
        const scenarios::Scenario sc = scenarios::load_scenario_file(file.string());
        const Theory th = theory_for(sc.model);
        const auto& m = th.metrics;

        models::ReplicationOptions ro;
        ro.seed = sc.seed;
        ro.replications = kReplications;
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<models::RunResult> runs = models::run_replications(sc.model, ro);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(runs.size() == kReplications);
        std::printf("%s (%s, %u x %.0f s measured, %.2f s wall)\n", file.filename().c_str(),
                    th.kind.c_str(), kReplications,
                    runs[0].simulated_seconds - runs[0].warmup_seconds, wall);

        std::vector<double> wait, in_system, utilisation, blocked;
        for (const models::RunResult& r : runs) {
            REQUIRE(r.services.size() == 1);
            const models::ServiceResult& s = r.services[0];
            REQUIRE(s.arrivals > 0);
            const double measured = r.simulated_seconds - r.warmup_seconds;
            wait.push_back(s.wait_seconds.mean);
            in_system.push_back(s.mean_in_system);
            utilisation.push_back(s.utilization);
            blocked.push_back(static_cast<double>(s.rejected) / static_cast<double>(s.arrivals));

            // Little's law, L = lambda W, on the window [warm-up, end]. With lambda = completed
            // / window and W = mean latency of those completions, lambda W is exactly the time
            // in system of the customers that arrived and left inside the window, divided by
            // the window; L is the time-weighted number in system over the window. They differ
            // only by the customers straddling the window's two edges, and each of those
            // contributes less than its sojourn. So |L - lambda W| <= (N(warm-up) + N(end)) x
            // (longest sojourn) / window; the run's own figures bound both: at most
            // (workers + longest queue) in system at an edge, the longest sojourn observed.
            // This bound is loose (most straddlers are young) but derived, not tuned; the
            // printed relative discrepancy is typically 1e-5.
            const double lambda_eff = static_cast<double>(s.completed) / measured;
            const double little = lambda_eff * s.latency_seconds.mean;
            const double edge_bound = 2.0 * (static_cast<double>(th.workers) + s.max_queue_length) *
                                      s.latency_seconds.max / measured;
            INFO("Little's law, seed " << r.seed << ": L " << s.mean_in_system << ", lambda W "
                                       << little << ", bound " << edge_bound);
            CHECK(std::abs(s.mean_in_system - little) <= edge_bound);
            // Same on the queue alone: Lq = lambda Wq (waits are recorded at service start).
            const double lq = s.mean_queue_length;
            const double little_q = lambda_eff * s.wait_seconds.mean;
            CHECK(std::abs(lq - little_q) <= edge_bound);
        }

        {
            double worst = 0.0;
            for (const models::RunResult& r : runs) {
                const auto& s = r.services[0];
                const double measured = r.simulated_seconds - r.warmup_seconds;
                const double little =
                    static_cast<double>(s.completed) / measured * s.latency_seconds.mean;
                worst = std::max(worst, std::abs(s.mean_in_system - little) / s.mean_in_system);
            }
            std::printf("  %-22s worst |L - lambda W| / L over the replications: %.2g\n",
                        "Little's law", worst);
        }
        check_figure("mean wait Wq (s)", wait, m.wq);
        check_figure("mean in system L", in_system, m.l);
        check_figure("utilisation", utilisation, m.rho);
        if (th.bounded)
            check_figure("P(rejected)", blocked, m.p_block);
        else
            CHECK(std::all_of(blocked.begin(), blocked.end(), [](double b) { return b == 0; }));
    }
}

// Open networks against Jackson's product form: every scenario in scenarios/validation/ with
// more than one service is loaded through the real scenario path, run as R independent
// replications, and each station's mean wait, mean number in system, utilisation, mean latency
// and throughput must contain the product-form value in a 99% Student-t interval over the
// replications. (The single-service files are test_queueing_validation.cpp's.)
//
// The theory is derived from the loaded model, as in test_queueing_validation.cpp, so a new
// network file is checked as soon as it is added, and a file that is not a Jackson network
// fails here loudly instead of being skipped. A Jackson network, in this language:
// - Poisson load sources; every node a service (no Kanban queue, no calls, no errors) with
//   exponential work and an unbounded queue;
// - each service's steps are its one exponential work step, then at most one publish: the
//   item leaves for the next station at its departure, with the publish's probability.
//   Why at most one: two publish steps draw independently, so an item can be copied to both
//   targets (a fork, not a routing), and two copies made at the same instant would merge
//   downstream as a stream that is not Poisson. With one out-edge per station no two streams
//   that meet share an ancestor, so every merge is of independent Poisson streams.
// The loader forbids cycles, so there is no feedback; then by Burke's theorem each M/M/c
// station's departures are Poisson, a Bernoulli thinning of them is Poisson, and the traffic
// equations lambda_i = external_i + sum_j lambda_j p_ji give every station's arrival rate:
// each station is an M/M/c at its own rate (the product form), whatever its position.
//
// The checks, per station: Wq (per-request tallies), L (time-weighted integrals), utilisation,
// throughput = the routed arrival rate (counters), and the mean latency W = Wq + S, which
// shows that a publisher's latency holds only its own sojourn: the hand-off does not wait.
// Per edge: the share of a station's completions that arrive downstream is the publish's
// probability (exactly 1 for an unconditional hand-off). Each interval must be narrow
// (relative half-width < 5%). Seeds are fixed (the file's own), so the outcome is
// deterministic.

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
#include <optional>
#include <string>
#include <vector>

using namespace tpssim;

namespace qt = models::analytic;

namespace {

constexpr double kLevel = 0.99;
constexpr double kMaxRelativeHalfWidth = 0.05;
// Replications per file, each the file as written (2 h, 10 min warm-up): 60, cheap for these
// small networks (times: bench/README.md, History).
constexpr std::uint32_t kReplications = 60;

std::vector<std::filesystem::path> network_files() {
    std::vector<std::filesystem::path> files;
    const std::filesystem::path dir =
        std::filesystem::path(TPSSIM_SOURCE_DIR) / "scenarios" / "validation";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".yaml") continue;
        if (scenarios::load_scenario_file(entry.path().string()).model.services.size() > 1)
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// A hand-off from one station to another.
struct Route {
    std::uint32_t to = 0;
    double probability = 1.0;
};

struct Station {
    double lambda = 0.0; ///< routed arrival rate, per second
    double mean_service = 0.0;
    std::uint32_t workers = 0;
    std::optional<Route> route; ///< where its departures go, if anywhere
    std::uint32_t inputs = 0;   ///< load sources and stations that send to it
    qt::QueueMetrics metrics;
};

// The product-form figures of `p`; fails the test when `p` is not a Jackson network.
std::vector<Station> jackson_theory(const models::ModelParams& p) {
    const std::size_t n = p.services.size();
    std::vector<Station> st(n);
    std::vector<double> external(n, 0.0);
    for (const auto& l : p.load) {
        REQUIRE_MESSAGE(l.arrivals == models::ArrivalProcess::Poisson,
                        "load source " << l.name << ": a Jackson network has Poisson arrivals");
        external[l.target] += l.rate_per_second;
        ++st[l.target].inputs;
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = p.services[i];
        CAPTURE(s.name);
        REQUIRE_MESSAGE(s.kind == models::ServiceKind::Service, "a station is a service");
        REQUIRE_MESSAGE(s.queue_capacity == models::kUnbounded, "a station's queue is unbounded");
        REQUIRE_MESSAGE(s.error_probability == 0.0, "a station fails nothing");
        std::vector<models::StepParams> steps = s.steps;
        if (steps.empty()) {
            steps.emplace_back();
            steps[0].work = s.service_time;
        }
        REQUIRE_MESSAGE(steps[0].kind == models::StepParams::Kind::Work,
                        "a station's first step is its work");
        REQUIRE_MESSAGE(steps[0].work.kind() == sim::Distribution::Kind::Exponential,
                        "a station's work is exponential");
        REQUIRE(steps[0].error_probability == 0.0);
        REQUIRE_MESSAGE(steps.size() <= 2,
                        "a station hands an item to at most one other (two publishes fork it)");
        if (steps.size() == 2) {
            REQUIRE_MESSAGE(steps[1].kind == models::StepParams::Kind::Publish,
                            "after its work a station only publishes");
            st[i].route = Route{steps[1].publish.target, steps[1].publish.probability};
        }
        if (st[i].route) ++st[st[i].route->to].inputs;
        st[i].mean_service = steps[0].work.mean_seconds();
        st[i].workers = s.workers;
    }
    // Traffic equations. The graph has no cycle (the loader refuses one), so n passes in any
    // order settle every rate exactly: a rate n hops downstream is right after n passes.
    for (std::size_t pass = 0; pass < n; ++pass) {
        std::vector<double> lambda = external;
        for (std::size_t j = 0; j < n; ++j)
            if (st[j].route) lambda[st[j].route->to] += st[j].lambda * st[j].route->probability;
        for (std::size_t i = 0; i < n; ++i)
            st[i].lambda = lambda[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        CAPTURE(p.services[i].name);
        REQUIRE_MESSAGE(st[i].lambda > 0.0, "every station gets work");
        st[i].metrics = qt::mmc(st[i].lambda, st[i].mean_service, st[i].workers);
    }
    return st;
}

// One figure: interval over the replications, theory, and the checks.
void check_figure(const std::string& what, const std::vector<double>& xs, double theory,
                  bool check_width = true) {
    const sim::ConfidenceInterval ci = sim::mean_confidence_interval(xs, kLevel);
    const double rel = ci.mean != 0.0 ? ci.half_width / std::abs(ci.mean) : 0.0;
    std::printf("  %-26s theory %-10.6g 99%% CI %.6g +- %.3g  [%.6g, %.6g]  rel hw %.2f%%  %s\n",
                what.c_str(), theory, ci.mean, ci.half_width, ci.low(), ci.high(), 100.0 * rel,
                ci.contains(theory) ? "ok" : "THEORY OUTSIDE");
    INFO(what << ": theory " << theory << ", 99% CI " << ci.mean << " +- " << ci.half_width);
    CHECK(ci.contains(theory));
    if (check_width) CHECK(rel < kMaxRelativeHalfWidth);
}

} // namespace

TEST_CASE("validation networks agree with Jackson's product form") {
    const auto files = network_files();
    REQUIRE(!files.empty()); // jackson-tandem.yaml at least
    for (const auto& file : files) {
        CAPTURE(file.string());
        const scenarios::Scenario sc = scenarios::load_scenario_file(file.string());
        const std::vector<Station> theory = jackson_theory(sc.model);

        models::ReplicationOptions ro;
        ro.seed = sc.seed;
        ro.replications = kReplications;
        const auto t0 = std::chrono::steady_clock::now();
        const std::vector<models::RunResult> runs = models::run_replications(sc.model, ro);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        REQUIRE(runs.size() == kReplications);
        std::printf("%s (Jackson network of %zu stations, %u x %.0f s measured, %.2f s wall)\n",
                    file.filename().c_str(), theory.size(), kReplications,
                    runs[0].simulated_seconds - runs[0].warmup_seconds, wall);

        for (std::size_t i = 0; i < theory.size(); ++i) {
            const Station& t = theory[i];
            const std::string& name = sc.model.services[i].name;
            std::printf(" %s: M/M/%u at lambda %.6g/s, mean service %.6g s, rho %.4g\n",
                        name.c_str(), t.workers, t.lambda, t.mean_service, t.metrics.rho);
            std::vector<double> wait, in_system, utilisation, latency, throughput;
            for (const models::RunResult& r : runs) {
                const models::ServiceResult& s = r.services[i];
                REQUIRE(s.arrivals > 0);
                REQUIRE(s.rejected == 0);
                REQUIRE(s.failed == 0);
                wait.push_back(s.wait_seconds.mean);
                in_system.push_back(s.mean_in_system);
                utilisation.push_back(s.utilization);
                latency.push_back(s.latency_seconds.mean);
                throughput.push_back(s.throughput_per_second);
            }
            check_figure(name + " mean wait Wq (s)", wait, t.metrics.wq);
            check_figure(name + " mean in system L", in_system, t.metrics.l);
            check_figure(name + " utilisation", utilisation, t.metrics.rho);
            check_figure(name + " latency W (s)", latency, t.metrics.w);
            check_figure(name + " throughput (/s)", throughput, t.lambda);

            // The routing itself, where the next station has no other input: the share of this
            // station's completions that arrive there. Each completion publishes just before
            // it is counted, in the same event, so with probability 1 the counts are equal in
            // every replication.
            if (!t.route || theory[t.route->to].inputs != 1) continue;
            std::vector<double> share;
            for (const models::RunResult& r : runs) {
                const auto& from = r.services[i];
                const auto& to = r.services[t.route->to];
                share.push_back(static_cast<double>(to.arrivals) /
                                static_cast<double>(from.completed));
                if (t.route->probability == 1.0) CHECK(to.arrivals == from.completed);
            }
            check_figure(name + " -> " + sc.model.services[t.route->to].name + " share", share,
                         t.route->probability, t.route->probability < 1.0);
        }
    }
}

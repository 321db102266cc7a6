// A chain of synchronous tiers through the full scenario path: the resilience issue's target.
//
// tier1 -> tier2 -> ... -> tierN, each tier 8 workers, a queue of 100, 2 ms exponential work,
// a 1 s timeout on every call and a circuit breaker on the last edge; Poisson load at 600/s for
// one simulated hour. A worker waiting on a downstream call stays busy: the blocking that makes
// cascades happen, and what makes a chain cost more than N independent queues.
//
// Prints requests (entry arrivals) per wall second, simulated seconds per wall second, events
// per second and peak RSS, for N = 3 (the headline) and N = 1, 5, 8 (how cost scales with
// depth), then one JSON line.
//
// Usage: bench_chain [--quick]   (--quick: 10 simulated minutes instead of an hour)

#include "bench_common.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <cstring>
#include <fmt/format.h>
#include <string>

using namespace tpssim;

namespace {

std::string chain_yaml(int tiers, const std::string& duration) {
    std::string y = fmt::format("name: chain-{}\nseed: 1\nduration: {}\n"
                                "load:\n  - {{name: users, target: tier1, rate: 600/s}}\n"
                                "services:\n",
                                tiers, duration);
    for (int t = 1; t <= tiers; ++t) {
        y += fmt::format("  tier{}:\n    workers: 8\n    queue: {{capacity: 100}}\n    steps:\n"
                         "      - work: {{dist: exponential, mean: 2ms}}\n",
                         t);
        if (t < tiers) {
            y += fmt::format("      - call: tier{}\n        timeout: 1s\n", t + 1);
            if (t == tiers - 1)
                y += "        circuit_breaker: {sliding_window: {type: count, size: 100}, "
                     "minimum_number_of_calls: 20}\n";
        }
    }
    return y;
}

struct Figures {
    int tiers = 0;
    double requests = 0, wall = 0, simulated = 0, events = 0, rss = 0;
};

Figures run_chain(int tiers, const std::string& duration) {
    const auto sc = scenarios::load_scenario_text(chain_yaml(tiers, duration), "chain.yaml");
    models::RunOptions o;
    o.seed = sc.seed;
    const double t0 = bench::now_seconds();
    const auto r = models::run_model(sc.model, o);
    const double wall = bench::now_seconds() - t0;
    return Figures{tiers,
                   static_cast<double>(r.services[0].arrivals),
                   wall,
                   r.simulated_seconds,
                   static_cast<double>(r.events),
                   bench::peak_rss_mib()};
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const std::string duration = quick ? "10m" : "1h";
    std::printf("synchronous chain, 8 workers and a queue of 100 per tier, 2 ms work, 1 s "
                "timeouts, breaker on the last edge, 600 requests/s for %s\n",
                duration.c_str());
    std::printf("%6s %12s %9s %14s %15s %12s %13s\n", "tiers", "requests", "wall s", "requests/s",
                "sim s / wall s", "events/s", "peak RSS MiB");
    nlohmann::json rows = nlohmann::json::array();
    Figures headline;
    for (int tiers : {1, 3, 5, 8}) {
        const Figures f = run_chain(tiers, duration);
        if (tiers == 3) headline = f;
        std::printf("%6d %12.0f %9.3f %14.4g %15.4g %12.4g %13.1f\n", f.tiers, f.requests, f.wall,
                    f.requests / f.wall, f.simulated / f.wall, f.events / f.wall, f.rss);
        rows.push_back({{"tiers", f.tiers},
                        {"requests", f.requests},
                        {"wall_seconds", f.wall},
                        {"requests_per_wall_second", f.requests / f.wall},
                        {"simulated_seconds_per_wall_second", f.simulated / f.wall},
                        {"events_per_second", f.events / f.wall},
                        {"peak_rss_mib_after", f.rss}});
    }
    const bool under_2s = headline.wall < 2.0 * (quick ? 1.0 / 6.0 : 1.0);
    std::printf("3 tiers: %.3f s wall for %s simulated (target < 2 s for 1 h: %s), "
                "%.3g requests per wall second (target > 1e6: %s)\n",
                headline.wall, duration.c_str(), under_2s ? "ok" : "MISS",
                headline.requests / headline.wall,
                headline.requests / headline.wall > 1e6 ? "ok" : "MISS");
    bench::print_json({{"benchmark", "synchronous_chain"},
                       {"quick", quick},
                       {"rows", rows},
                       {"targets", {{"three_tiers_hour_under_2s", under_2s}}}});
    return 0;
}

// M/M/c (c = 10, rho = 0.9, 90/s, mean service 100 ms) through the full path, beside the
// machine's speed limit.
//
// Full path: scenarios/validation/mmc.yaml loaded by the scenario loader (duration overridden
// to cover the wanted number of customers, warm-up 0 so every customer counts), built and run
// by models::run_model: the event calendar, the engine's loop, the model's handlers, the
// request slab and queue, and every statistic (time-weighted occupancy, tallies, quantile
// sketches). Timed from run_model's call to its return (loading the YAML is not timed).
//
// Speed limit: a hand-written FCFS M/M/c loop. In arrival order, a customer starts at
// max(arrival, earliest free server) (a binary min-heap of the c servers' free times) and that
// server is then busy for one service time; the mean wait is accumulated. No events, no
// statistics beyond the mean. It draws from the same streams (same seed and names) with the
// same formulas as the model, so it sees the same customers and must print the same mean wait:
// a free cross-check that the full path is right, not only fast.
//
// Memory: peak RSS (getrusage) after each phase. It is a high-water mark, so the line after
// the large run shows whether memory grew with the number of customers.
//
// Usage: bench_mmc [--quick]   (--quick: 10^5 and 10^6 customers instead of 10^6 and 10^7)

#include "bench_common.hpp"

#include "models/model.hpp"
#include "scenarios/scenario.hpp"
#include "sim/distribution.hpp"
#include "sim/random_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace tpssim;

namespace {

struct PathResult {
    double customers = 0.0;
    double simulated_seconds = 0.0;
    double wall_seconds = 0.0;
    double mean_wait = 0.0;
    std::uint64_t events = 0;
    double peak_rss_mib = 0.0;
};

scenarios::Scenario load_mmc(std::uint64_t customers) {
    const std::string file = std::string(TPSSIM_SOURCE_DIR) + "/scenarios/validation/mmc.yaml";
    // 90/s: the horizon that covers `customers` arrivals on average.
    const auto seconds = static_cast<std::uint64_t>(std::ceil(static_cast<double>(customers) / 90));
    const scenarios::Override overrides[] = {{"duration", std::to_string(seconds) + "s"},
                                             {"warmup", "0s"}};
    return scenarios::load_scenario_file(file, overrides);
}

PathResult run_full_path(const scenarios::Scenario& sc) {
    models::RunOptions ro;
    ro.seed = sc.seed;
    const double t0 = bench::now_seconds();
    const models::RunResult r = models::run_model(sc.model, ro);
    const double wall = bench::now_seconds() - t0;
    PathResult out;
    out.customers = static_cast<double>(r.services.at(0).arrivals);
    out.simulated_seconds = r.simulated_seconds;
    out.wall_seconds = wall;
    out.mean_wait = r.services[0].wait_seconds.mean;
    out.events = r.events;
    out.peak_rss_mib = bench::peak_rss_mib();
    return out;
}

// The speed limit. Same streams and formulas as models::Model (Poisson arrivals by
// -period * log(u) rounded to the ns; service times by sim::Distribution::sample).
PathResult run_hand_loop(const scenarios::Scenario& sc) {
    const models::ModelParams& p = sc.model;
    const auto& load = p.load.at(0);
    const auto& svc = p.services.at(0);
    const std::int64_t horizon = p.duration.ns();
    const double t0 = bench::now_seconds();

    sim::RandomStream arrivals(sc.seed, load.name, "arrivals");
    sim::RandomStream services(sc.seed, svc.name, "service_time");
    const double period_ns = 1e9 / load.rate_per_second;
    // Min-heap of the servers' free times (all free at 0).
    std::vector<std::int64_t> free_at(svc.workers, 0);
    const auto later = std::greater<std::int64_t>();
    double wait_sum_ns = 0.0;
    std::uint64_t started = 0;
    std::uint64_t customers = 0;
    std::int64_t t = 0;
    for (;;) {
        t += static_cast<std::int64_t>(-period_ns * std::log(arrivals.next_open01()) + 0.5);
        if (t >= horizon) break;
        ++customers;
        const std::int64_t start = std::max(t, free_at.front());
        if (start >= horizon) continue; // would start after the end: the model never sees it
        wait_sum_ns += static_cast<double>(start - t);
        ++started;
        std::pop_heap(free_at.begin(), free_at.end(), later);
        free_at.back() = start + svc.service_time.sample(services).ns();
        std::push_heap(free_at.begin(), free_at.end(), later);
    }
    const double wall = bench::now_seconds() - t0;
    PathResult out;
    out.customers = static_cast<double>(customers);
    out.simulated_seconds = static_cast<double>(horizon) / 1e9;
    out.wall_seconds = wall;
    out.mean_wait = started ? wait_sum_ns / static_cast<double>(started) / 1e9 : 0.0;
    out.peak_rss_mib = bench::peak_rss_mib();
    return out;
}

nlohmann::json to_json(const PathResult& r) {
    return {{"customers", r.customers},
            {"simulated_seconds", r.simulated_seconds},
            {"wall_seconds", r.wall_seconds},
            {"customers_per_wall_second", r.customers / r.wall_seconds},
            {"simulated_seconds_per_wall_second", r.simulated_seconds / r.wall_seconds},
            {"events", r.events},
            {"mean_wait_seconds", r.mean_wait},
            {"peak_rss_mib_after", r.peak_rss_mib}};
}

void print_row(const char* what, const PathResult& r) {
    std::printf("%-12s %12.0f %10.3f %14.4g %16.4g %12.6f %10.1f\n", what, r.customers,
                r.wall_seconds, r.customers / r.wall_seconds, r.simulated_seconds / r.wall_seconds,
                r.mean_wait, r.peak_rss_mib);
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const std::uint64_t small = quick ? 100'000 : 1'000'000;
    const std::uint64_t large = quick ? 1'000'000 : 10'000'000;

    std::printf("M/M/c, c = 10, rho = 0.9 (90/s, exponential 100 ms), scenarios/validation/mmc.yaml"
                "\n%-12s %12s %10s %14s %16s %12s %10s\n",
                "path", "customers", "wall s", "customers/s", "sim s / wall s", "mean wait s",
                "peak RSS MiB");
    const scenarios::Scenario sc_small = load_mmc(small);
    const scenarios::Scenario sc_large = load_mmc(large);
    const PathResult full_small = run_full_path(sc_small);
    print_row("full path", full_small);
    const PathResult full_large = run_full_path(sc_large);
    print_row("full path", full_large);
    const PathResult hand_large = run_hand_loop(sc_large);
    print_row("hand loop", hand_large);

    const double full_rate = full_large.customers / full_large.wall_seconds;
    const double hand_rate = hand_large.customers / hand_large.wall_seconds;
    const double ratio = full_rate / hand_rate;
    const double rss_growth = full_large.peak_rss_mib - full_small.peak_rss_mib;
    const bool same_wait =
        std::abs(full_large.mean_wait - hand_large.mean_wait) <= 1e-9 * hand_large.mean_wait;
    const bool rate_ok = full_rate >= 4e6;
    const bool ratio_ok = ratio >= 0.5;
    const bool rss_ok = full_large.peak_rss_mib < 50.0 && rss_growth < 1.0;
    std::printf("full path / hand loop speed: %.3f (target >= 0.5: %s)\n", ratio,
                ratio_ok ? "ok" : "MISS");
    std::printf("full path customers per wall second: %.4g (target >= 4e6: %s)\n", full_rate,
                rate_ok ? "ok" : "MISS");
    std::printf("peak RSS %.1f MiB after %.0f customers, %.1f MiB after %.0f (target < 50 MiB "
                "and flat: %s)\n",
                full_small.peak_rss_mib, full_small.customers, full_large.peak_rss_mib,
                full_large.customers, rss_ok ? "ok" : "MISS");
    std::printf("same mean wait on both paths (same draws, same customers): %s\n",
                same_wait ? "yes" : "NO");

    bench::print_json({{"benchmark", "mmc_full_path_vs_hand_loop"},
                       {"scenario", "scenarios/validation/mmc.yaml"},
                       {"quick", quick},
                       {"full_path_small", to_json(full_small)},
                       {"full_path_large", to_json(full_large)},
                       {"hand_loop_large", to_json(hand_large)},
                       {"full_over_hand_speed", ratio},
                       {"same_mean_wait", same_wait},
                       {"targets",
                        {{"customers_per_wall_second_ge_4e6", rate_ok},
                         {"full_over_hand_ge_0_5", ratio_ok},
                         {"peak_rss_lt_50_mib_and_flat", rss_ok}}}});
    return 0;
}

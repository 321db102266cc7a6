// A simulated day of operations: the operations issue's target.
//
// A 3-tier synchronous chain (tier1 -> tier2 -> tier3, 5 ms exponential work per tier, 1 s
// timeouts, a breaker on the last edge) under a daily pattern averaging about 200 requests/s
// (0.4x at night, 1.6x at the midday peak), for 24 simulated hours. Run twice:
//   - plain: 8 replicas per tier, no autoscaler, no faults;
//   - operations: an HPA autoscaler per tier (70% utilisation, 2..40 replicas, 30 s start-up)
//     and three faults (tier3 +50 ms for an hour at 10:00, 2 tier2 replicas crashing at 14:00
//     for 5 min, tier3 5% errors for 30 min at 18:00), with monitoring at 15 s.
// Prints wall seconds, requests and events per wall second, simulated seconds per wall second
// and peak RSS for both, the overhead of operations per event, then one JSON line.
//
// Usage: bench_operations [--quick]   (--quick: 2 simulated hours from 09:00)

#include "bench_common.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <string>

using namespace tpssim;

namespace {

std::string chain_yaml(const std::string& duration, const std::string& start) {
    std::string y = fmt::format(
        "name: day\nseed: 1\nduration: {}\nstart: {}\n"
        "load:\n  - name: users\n    target: tier1\n    rate: 203/s\n"
        "    multiplier:\n      daily: {{\"00:00\": 0.4, \"07:00\": 1.0, \"10:00\": 1.6, "
        "\"17:00\": 1.2, \"21:00\": 0.6}}\n"
        "services:\n",
        duration, start);
    for (int t = 1; t <= 3; ++t) {
        y += fmt::format("  tier{}:\n    workers: 8\n    queue: {{capacity: 1000}}\n    steps:\n"
                         "      - work: {{dist: exponential, mean: 5ms}}\n",
                         t);
        if (t < 3) {
            y += fmt::format("      - call: tier{}\n        timeout: 1s\n", t + 1);
            if (t == 2)
                y += "        circuit_breaker: {sliding_window: {type: count, size: 100}, "
                     "minimum_number_of_calls: 20}\n";
        }
    }
    return y;
}

sim::SimTime at_clock(const models::ModelParams& m, int hour) {
    // Seconds from the run's start (a midnight, or 09:00 for --quick) to `hour`:00.
    const auto start = *m.start;
    const auto midnight = std::chrono::floor<std::chrono::days>(start);
    const auto target = midnight + std::chrono::hours(hour);
    return sim::SimTime::from_s((target - start).count());
}

void add_operations(models::ModelParams& m) {
    auto& ops = m.operations;
    ops.services.resize(m.services.size());
    for (auto& so : ops.services) {
        models::AutoscalerParams a;
        a.min_replicas = 2;
        a.max_replicas = 40;
        a.target = 0.7;
        so.autoscaler = a;
        so.startup = sim::SimTime::from_s(30);
    }
    models::FaultParams slow;
    slow.name = "tier3 +50ms";
    slow.kind = models::FaultKind::Latency;
    slow.target = {models::FaultTarget::Kind::Service, 2};
    slow.start = at_clock(m, 10);
    slow.end = slow.start + sim::SimTime::from_s(3600);
    slow.latency = sim::Distribution::constant(sim::SimTime::from_ms(50));
    models::FaultParams crash;
    crash.name = "tier2 crash";
    crash.kind = models::FaultKind::Crash;
    crash.target = {models::FaultTarget::Kind::Service, 1};
    crash.start = at_clock(m, 14);
    crash.count = 2;
    crash.restart_after = sim::SimTime::from_s(300);
    models::FaultParams errors;
    errors.name = "tier3 errors";
    errors.kind = models::FaultKind::Errors;
    errors.target = {models::FaultTarget::Kind::Service, 2};
    errors.start = at_clock(m, 18);
    errors.end = errors.start + sim::SimTime::from_s(1800);
    errors.probability = 0.05;
    for (auto* f : {&slow, &crash, &errors})
        if (f->start >= sim::SimTime::zero() && f->start < m.duration) ops.faults.push_back(*f);
}

struct Figures {
    double requests = 0, wall = 0, simulated = 0, events = 0, rss = 0, p99 = 0;
    std::uint64_t scalings = 0;
};

Figures run(const models::ModelParams& m) {
    models::RunOptions o;
    o.seed = 1;
    const double t0 = bench::now_seconds();
    const auto r = models::run_model(m, o);
    const double wall = bench::now_seconds() - t0;
    Figures f{static_cast<double>(r.services[0].arrivals),
              wall,
              r.simulated_seconds,
              static_cast<double>(r.events),
              bench::peak_rss_mib(),
              r.services[0].latency_seconds.p99};
    for (const auto& s : r.services)
        f.scalings += s.scale_ups + s.scale_downs;
    std::fprintf(stderr, "  peak in flight %llu, event log %llu, metric rows %zu x %zu columns\n",
                 static_cast<unsigned long long>(r.peak_in_flight),
                 static_cast<unsigned long long>(r.event_log.events()),
                 r.metric_times_seconds.size(), r.metrics.size());
    return f;
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const std::string duration = quick ? "2h" : "24h";
    const std::string start = quick ? "2026-12-23T09:00" : "2026-12-23T00:00";
    const auto sc = scenarios::load_scenario_text(chain_yaml(duration, start), "day.yaml");
    models::ModelParams with_ops = sc.model;
    add_operations(with_ops);
    std::printf("3-tier chain, daily pattern averaging ~200 requests/s, %s simulated\n",
                duration.c_str());
    std::printf("%-11s %12s %9s %14s %15s %12s %9s %9s %13s\n", "run", "requests", "wall s",
                "requests/s", "sim s / wall s", "events/s", "p99 ms", "scalings", "peak RSS MiB");
    nlohmann::json rows = nlohmann::json::array();
    Figures plain, ops;
    // TPSSIM_BENCH_ONLY=plain|operations runs one of the two (for a profiler).
    const char* only = std::getenv("TPSSIM_BENCH_ONLY");
    for (int k = 0; k < 2; ++k) {
        if (only != nullptr && std::strcmp(only, k == 0 ? "plain" : "operations") != 0) continue;
        const Figures f = run(k == 0 ? sc.model : with_ops);
        (k == 0 ? plain : ops) = f;
        const char* name = k == 0 ? "plain" : "operations";
        std::printf("%-11s %12.0f %9.3f %14.4g %15.4g %12.4g %9.2f %9llu %13.1f\n", name,
                    f.requests, f.wall, f.requests / f.wall, f.simulated / f.wall,
                    f.events / f.wall, f.p99 * 1e3, static_cast<unsigned long long>(f.scalings),
                    f.rss);
        rows.push_back({{"run", name},
                        {"requests", f.requests},
                        {"wall_seconds", f.wall},
                        {"requests_per_wall_second", f.requests / f.wall},
                        {"simulated_seconds_per_wall_second", f.simulated / f.wall},
                        {"events_per_second", f.events / f.wall},
                        {"peak_rss_mib_after", f.rss}});
    }
    // Per event, so that a different number of events (the faults' retries and failures, the
    // scrapes) does not count as overhead.
    const double overhead = (ops.wall / ops.events) / (plain.wall / plain.events) - 1.0;
    const bool under_15s = ops.wall < 15.0 * (quick ? 2.0 / 24.0 : 1.0);
    std::printf("operations: %.3f s wall for %s (target < 15 s for a day: %s); overhead per "
                "event against plain: %+.1f%% (target < 10%%: %s)\n",
                ops.wall, duration.c_str(), under_15s ? "ok" : "MISS", overhead * 100.0,
                overhead < 0.10 ? "ok" : "MISS");
    bench::print_json(
        {{"benchmark", "operations_day"},
         {"quick", quick},
         {"rows", rows},
         {"overhead_per_event", overhead},
         {"targets", {{"day_under_15s", under_15s}, {"overhead_under_10pct", overhead < 0.10}}}});
    return 0;
}

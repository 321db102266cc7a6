// A long, quiet run: memory follows what is in flight, not the length of the run.
//
// 100 simulated days of one service at one request an hour under an HPA (a decision every
// 15 s: 576,000 decisions) with monitoring every 15 s (576,000 scrapes, thinned to at most
// 65,536 kept rows), through the scenario loader and models::run_model. Run twice, in this
// order (peak RSS is the process's high-water mark):
//   - as `tpssim run` without --events: the event log counts, keeps no row;
//   - as `tpssim run --events`: the event log keeps its rows (compactly, bounded).
// Prints wall seconds, events and simulated seconds per wall second, the event log's rows and
// the peak RSS after each, then one JSON line. Target: the first under 50 MiB.
//
// Usage: bench_long_run [--quick]   (--quick: 10 days)

#include "bench_common.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <cstring>
#include <fmt/format.h>
#include <string>

using namespace tpssim;

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int days = quick ? 10 : 100;
    const std::string yaml = fmt::format(
        "name: long-quiet\nseed: 1\nduration: {}d\n"
        "load:\n  - {{name: users, target: api, rate: 1/h}}\n"
        "services:\n  api:\n    workers: 2\n    service_time: {{dist: exponential, mean: 50ms}}\n"
        "    autoscaler: {{min: 1, max: 10, target: 70%}}\n",
        days);
    const auto sc = scenarios::load_scenario_text(yaml, "long-quiet.yaml");
    std::printf("one service at 1 request/h under an HPA, %d simulated days\n", days);
    std::printf("%-16s %9s %12s %15s %12s %13s\n", "event log", "wall s", "events/s",
                "sim s / wall s", "log rows", "peak RSS MiB");
    nlohmann::json rows = nlohmann::json::array();
    double counted_rss = 0.0;
    for (const bool keep : {false, true}) {
        models::RunOptions o;
        o.seed = sc.seed;
        o.keep_event_log = keep;
        const double t0 = bench::now_seconds();
        const auto r = models::run_model(sc.model, o);
        const double wall = bench::now_seconds() - t0;
        const double rss = bench::peak_rss_mib();
        if (!keep) counted_rss = rss;
        const char* name = keep ? "kept (--events)" : "counted";
        std::printf("%-16s %9.3f %12.4g %15.4g %12zu %13.1f\n", name, wall,
                    static_cast<double>(r.events) / wall, r.simulated_seconds / wall,
                    r.event_log.size(), rss);
        rows.push_back({{"event_log", keep ? "kept" : "counted"},
                        {"wall_seconds", wall},
                        {"events_per_second", static_cast<double>(r.events) / wall},
                        {"simulated_seconds_per_wall_second", r.simulated_seconds / wall},
                        {"event_log_events", r.event_log.events()},
                        {"event_log_rows", r.event_log.size()},
                        {"metric_rows", r.metric_times_seconds.size()},
                        {"peak_rss_mib_after", rss}});
    }
    const bool under_50 = counted_rss < 50.0;
    std::printf("without --events: peak %.1f MiB (target < 50 MiB: %s)\n", counted_rss,
                under_50 ? "ok" : "MISS");
    bench::print_json({{"benchmark", "long_run"},
                       {"quick", quick},
                       {"days", days},
                       {"rows", rows},
                       {"targets", {{"counted_under_50_mib", under_50}}}});
    return 0;
}

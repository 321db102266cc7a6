// Large topologies: does a system cost what its traffic costs, or what its size costs?
//
// A generated binary tree of N services, each 16 workers, a queue of 100, 2 ms exponential
// work, then a call to each of its two children with probability 50% and a 1 s timeout (the
// leaves only work); Poisson load at 200/s on the root. The expected number of services a
// request visits grows with the depth (log2 N), not with N, so a simulator whose cost follows
// the traffic runs nearly as many events per wall second at 10,000 services as at 10.
//
// Each measurement runs in its own child process, as `tpssim run` would (peak RSS is a
// process's high-water mark, so runs in one process would hide each other): one loads the file
// text through the scenario loader and runs `--until 1s` (its wall time is the setup, what a
// user waits for before the first simulated second); another loads it and runs 10 simulated
// minutes (events per wall second of the run, and the peak RSS, loading included). The parent
// prints the table and one JSON line.
//
// Usage: bench_scale [--quick]        (--quick: 10 and 100 services, 1 simulated minute)
//        bench_scale --child N MINUTES (one run, 0 minutes: the setup; used by the parent)

#include "bench_common.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tpssim;

namespace {

std::string tree_yaml(int services) {
    std::string y = "name: tree\nseed: 1\nduration: 1h\n"
                    "load:\n  - {name: users, target: s0, rate: 200/s}\nservices:\n";
    y.reserve(static_cast<std::size_t>(services) * 200);
    for (int s = 0; s < services; ++s) {
        y += fmt::format("  s{}:\n    workers: 16\n    queue: {{capacity: 100}}\n    steps:\n"
                         "      - work: {{dist: exponential, mean: 2ms}}\n",
                         s);
        for (const int child : {2 * s + 1, 2 * s + 2})
            if (child < services)
                y += fmt::format("      - call: s{}\n        probability: 50%\n"
                                 "        timeout: 1s\n",
                                 child);
    }
    return y;
}

/// One size, in this process: with `minutes` 0, the setup (load the text, run `--until 1s`),
/// else a run of that many simulated minutes. Prints `CHILD {json}`.
int run_child(int services, double minutes) {
    const std::string yaml = tree_yaml(services);
    const double t0 = bench::now_seconds();
    const auto sc = scenarios::load_scenario_text(yaml, "tree.yaml");
    models::RunOptions o;
    o.seed = sc.seed;
    o.keep_event_log = false;
    o.until = sim::SimTime::from_seconds(minutes > 0 ? minutes * 60.0 : 1.0);
    const double t1 = bench::now_seconds();
    const auto r = models::run_model(sc.model, o);
    const double t2 = bench::now_seconds();
    std::uint64_t visits = 0;
    for (const auto& s : r.services)
        visits += s.arrivals;
    const nlohmann::json out = {
        {"services", services},
        {"simulated_minutes", minutes},
        {"load_wall_seconds", t1 - t0},
        {"run_wall_seconds", t2 - t1},
        {"events", r.events},
        {"service_visits", visits},
        {"events_per_second", static_cast<double>(r.events) / (t2 - t1)},
        {"simulated_seconds_per_wall_second", r.simulated_seconds / (t2 - t1)},
        {"peak_rss_mib", bench::peak_rss_mib()},
    };
    std::printf("CHILD %s\n", out.dump().c_str());
    return 0;
}

std::string self_path() {
    std::array<char, 4096> buf{};
    const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
    if (n <= 0) {
        std::fprintf(stderr, "bench_scale: cannot read /proc/self/exe\n");
        std::exit(2);
    }
    return std::string(buf.data(), static_cast<std::size_t>(n));
}

nlohmann::json run_in_child(const std::string& self, int services, double minutes) {
    const std::string cmd = fmt::format("'{}' --child {} {}", self, services, minutes);
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) {
        std::fprintf(stderr, "bench_scale: cannot start %s\n", cmd.c_str());
        std::exit(2);
    }
    std::string line;
    std::array<char, 4096> chunk{};
    while (std::fgets(chunk.data(), static_cast<int>(chunk.size()), pipe.get()) != nullptr)
        line += chunk.data();
    const auto at = line.find("CHILD ");
    if (at == std::string::npos) {
        std::fprintf(stderr, "bench_scale: the child for %d services printed no figures\n",
                     services);
        std::exit(2);
    }
    return nlohmann::json::parse(line.substr(at + 6));
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--child") == 0)
        return run_child(std::atoi(argv[2]), std::atof(argv[3]));
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const std::vector<int> sizes =
        quick ? std::vector<int>{10, 100} : std::vector<int>{10, 100, 1000, 10000};
    const double minutes = quick ? 1.0 : 10.0;
    const std::string self = self_path();

    std::printf("a binary tree of services, 200/s at the root, each call taken with p = 50%%\n");
    std::printf("%9s %13s %17s %12s %14s %15s %15s\n", "services", "peak RSS MiB",
                "setup (1s) wall s", "events", "events/s", fmt::format("sim s/wall s").c_str(),
                "visits/request");
    nlohmann::json rows = nlohmann::json::array();
    double small_rate = 0.0;
    bool targets_met = true;
    for (const int n : sizes) {
        const auto setup = run_in_child(self, n, 0.0);
        const auto f = run_in_child(self, n, minutes);
        const double setup_wall =
            setup["load_wall_seconds"].get<double>() + setup["run_wall_seconds"].get<double>();
        const double rate = f["events_per_second"].get<double>();
        const double rss = f["peak_rss_mib"].get<double>();
        if (n == sizes.front()) small_rate = rate;
        const double visits_per_request =
            f["service_visits"].get<double>() / (200.0 * minutes * 60.0);
        std::printf("%9d %13.1f %17.3f %12.4g %14.4g %15.4g %15.2f\n", n, rss, setup_wall,
                    f["events"].get<double>(), rate,
                    f["simulated_seconds_per_wall_second"].get<double>(), visits_per_request);
        if (n == 1000)
            targets_met = targets_met && rss < 60.0 && setup_wall < 0.3 && rate >= small_rate / 2;
        if (n == 10000) targets_met = targets_met && rss < 600.0;
        rows.push_back(
            {{"services", n}, {"setup_wall_seconds", setup_wall}, {"setup", setup}, {"run", f}});
    }
    if (!quick)
        std::printf("targets (1,000: < 60 MiB, setup < 0.3 s, >= half the events/s of 10; "
                    "10,000: < 600 MiB): %s\n",
                    targets_met ? "met" : "MISSED");
    bench::print_json({{"benchmark", "scale"},
                       {"quick", quick},
                       {"simulated_minutes", minutes},
                       {"rows", rows},
                       {"targets_met", targets_met}});
    return 0;
}

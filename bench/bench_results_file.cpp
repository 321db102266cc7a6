// The results file's cost (`tpssim run --out`), on the 66-hour holiday-weekend exam
// (scenarios/examples/holiday-weekend-worked.yaml: every metric at 15 s, its events and sampled
// spans).
//
// 1. The `tpssim` executable as a user runs it, `--quiet`, alternately without and with
//    `--out` (R rounds, default 5; minima reported, the machine being shared): wall seconds, CPU
//    seconds (user + system) and peak RSS of each child process (wait4's rusage), the overhead
//    of `--out` on both times, and the file's size.
// 2. In this process: the run once (event log kept, as `--out` keeps it), then
//    write_results_file alone, R times: the time to write the file.
// Targets: overhead at most 5%, file under 50 MiB, peak RSS under 100 MiB, writing under 1 s.
//
// Usage: bench_results_file [ROUNDS] [--write-only]   (--write-only: part 2 alone)

#include "apps/tpssim/results_file.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "bench_common.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace tpssim;

namespace {

struct ChildRun {
    double wall_seconds = 0.0;
    double cpu_seconds = 0.0; ///< user + system: less moved by a loaded machine than wall time
    double peak_rss_mib = 0.0;
};

double seconds(const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
}

// Runs `args` as a child process (stdout and stderr to /dev/null) and measures it.
ChildRun run_child(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const double t0 = bench::now_seconds();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        std::fprintf(stderr, "bench_results_file: cannot run %s\n", argv[0]);
        std::exit(1);
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    const double wall = bench::now_seconds() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        std::fprintf(stderr, "bench_results_file: %s failed\n", argv[0]);
        std::exit(1);
    }
    return {wall, seconds(usage.ru_utime) + seconds(usage.ru_stime),
            static_cast<double>(usage.ru_maxrss) / 1024.0};
}

} // namespace

int main(int argc, char** argv) {
    int rounds = 5;
    bool write_only = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--write-only")
            write_only = true;
        else
            rounds = std::max(1, std::atoi(argv[i]));
    }
    const std::string exam =
        std::string(TPSSIM_SOURCE_DIR) + "/scenarios/examples/holiday-weekend-worked.yaml";
    const auto dir = std::filesystem::temp_directory_path() /
                     ("tpssim-bench-results-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string out = (dir / "weekend.h5").string();

    constexpr double kInf = std::numeric_limits<double>::infinity();
    ChildRun plain{kInf, kInf, kInf}, with_out{kInf, kInf, kInf};
    for (int r = 0; r < (write_only ? 0 : rounds); ++r) {
        const std::vector<std::string> base{TPSSIM_BINARY, "run", exam, "--quiet"};
        const auto a = run_child(base);
        auto args = base;
        args.insert(args.end(), {"--out", out});
        const auto b = run_child(args);
        plain = {std::min(plain.wall_seconds, a.wall_seconds),
                 std::min(plain.cpu_seconds, a.cpu_seconds),
                 std::min(plain.peak_rss_mib, a.peak_rss_mib)};
        with_out = {std::min(with_out.wall_seconds, b.wall_seconds),
                    std::min(with_out.cpu_seconds, b.cpu_seconds),
                    std::min(with_out.peak_rss_mib, b.peak_rss_mib)};
    }
    const double overhead = with_out.wall_seconds / plain.wall_seconds - 1.0;
    const double cpu_overhead = with_out.cpu_seconds / plain.cpu_seconds - 1.0;

    // Writing alone, in this process.
    const auto sc = scenarios::load_scenario_file(exam);
    models::RunOptions o;
    o.seed = sc.seed;
    o.keep_event_log = true;
    std::vector<models::RunResult> runs;
    runs.push_back(models::run_model(sc.model, o));
    const RunSummary summary = summarise(runs, sc.name, exam, sc.seed, 0.0);
    ResultsFileHeader header;
    header.scenario_name = sc.name;
    header.scenario_yaml = sc.resolved_yaml;
    header.seed = sc.seed;
    header.start = sc.model.start;
    header.reproducible = true;
    double write_seconds = kInf;
    for (int r = 0; r < rounds; ++r) {
        const double t0 = bench::now_seconds();
        write_results_file(out, header, runs, summary);
        write_seconds = std::min(write_seconds, bench::now_seconds() - t0);
    }
    const double file_mib = static_cast<double>(std::filesystem::file_size(out)) / (1 << 20);
    std::filesystem::remove_all(dir);

    std::printf("holiday-weekend exam (66 simulated hours), tpssim run --quiet, min of %d\n",
                rounds);
    std::printf("%-16s %9s %9s %14s\n", "", "wall s", "CPU s", "peak RSS MiB");
    std::printf("%-16s %9.3f %9.3f %14.1f\n", "without --out", plain.wall_seconds,
                plain.cpu_seconds, plain.peak_rss_mib);
    std::printf("%-16s %9.3f %9.3f %14.1f\n", "with --out", with_out.wall_seconds,
                with_out.cpu_seconds, with_out.peak_rss_mib);
    std::printf("overhead of --out %.1f%% wall, %.1f%% CPU (target <= 5%%), file %.2f MiB "
                "(target < 50), writing %.3f s (target < 1), %zu metric rows, %zu events, "
                "%zu spans\n",
                overhead * 100.0, cpu_overhead * 100.0, file_mib, write_seconds,
                runs[0].metric_times_seconds.size(), runs[0].event_log.size(),
                runs[0].spans.size());
    bench::print_json({{"benchmark", "results_file"},
                       {"rounds", rounds},
                       {"wall_seconds_without_out", plain.wall_seconds},
                       {"wall_seconds_with_out", with_out.wall_seconds},
                       {"overhead_ratio", overhead},
                       {"cpu_seconds_without_out", plain.cpu_seconds},
                       {"cpu_seconds_with_out", with_out.cpu_seconds},
                       {"cpu_overhead_ratio", cpu_overhead},
                       {"peak_rss_mib_without_out", plain.peak_rss_mib},
                       {"peak_rss_mib_with_out", with_out.peak_rss_mib},
                       {"file_mib", file_mib},
                       {"write_seconds", write_seconds}});
    return 0;
}

#include "apps/tpssim/sweep_command.hpp"
#include "apps/tpssim/command_flags.hpp"

#include "apps/tpssim/cli.hpp"
#include "apps/tpssim/output_file.hpp"
#include "apps/tpssim/progress_bar.hpp"
#include "apps/tpssim/sweep_analysis.hpp"
#include "apps/tpssim/sweep_design.hpp"
#include "apps/tpssim/sweep_plan.hpp"
#include "apps/tpssim/sweep_report.hpp"
#include "apps/tpssim/sweep_results_file.hpp"
#include "apps/tpssim/sweep_runner.hpp"
#include "scenarios/scenario.hpp"

#include <charconv>
#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>

namespace tpssim {

const char* const kSweepUsage = R"(usage: tpssim sweep SWEEP.yaml [options]
run a parameter sweep (docs/sweeps.md): every point of the design, with common random numbers,
and report the best point that meets the constraints

sweep options:
  --threads T              threads for the (point, replication) runs (default: every core)
  --replications R         replications per point, instead of the file's (2 or more)
  --csv FILE               write one row per point and replication (written whole)
  --points-csv FILE        write one row per point: means, 95% CIs, paired changes vs baseline
  --out FILE.h5            write both tables (runs, points) as HDF5 (written whole)
  --top N                  rows of the report's table (default 10)
  --quiet                  no report, no progress bar
  --no-progress            no progress bar
)";

namespace {

struct SweepArgs {
    std::string file;
    std::uint32_t threads = 0;
    std::optional<std::uint32_t> replications;
    std::optional<std::string> csv, points_csv, out;
    std::size_t top = 10;
    bool quiet = false, progress = true;
};

SweepArgs parse_args(std::span<const std::string> args) {
    SweepArgs a;
    FlagReader flags(args);
    while (flags.next()) {
        const std::string& flag = flags.flag();
        if (flag == "--threads") {
            a.threads = parse_integer_in_range<std::uint32_t>(flag, flags.value(), 1, 1024);
        } else if (flag == "--replications") {
            a.replications = parse_integer_in_range<std::uint32_t>(flag, flags.value(), 2, 10000);
        } else if (flag == "--csv") {
            a.csv = flags.file_value();
        } else if (flag == "--out") {
            a.out = flags.file_value();
        } else if (flag == "--points-csv") {
            a.points_csv = flags.file_value();
        } else if (flag == "--top") {
            a.top = parse_integer_in_range<std::uint32_t>(flag, flags.value(), 1, 1000);
        } else if (flag == "--quiet" || flag == "-q") {
            a.quiet = true;
        } else if (flag == "--no-progress") {
            a.progress = false;
        } else if (flag.starts_with("-")) {
            bad_flag(flag, "unknown option for sweep (see tpssim sweep --help)");
        } else {
            if (!a.file.empty())
                bad_flag(flag, fmt::format("expected one sweep file, got a second: \"{}\"", flag));
            a.file = flag;
        }
    }
    if (a.file.empty()) bad_flag("SWEEP", "expected a sweep file, got nothing");
    return a;
}

void write_or_fail(const char* flag, const std::string& path, const std::string& text) {
    try {
        write_file_atomically(path, text);
    } catch (const std::runtime_error& e) {
        bad_flag(flag, e.what());
    }
}

} // namespace

int run_sweep_command(std::span<const std::string> args, std::FILE* out, std::FILE* err,
                      const std::atomic<bool>& interrupted) {
    const SweepArgs a = parse_args(args);
    scenarios::SweepSpec spec = scenarios::read_sweep_file(a.file);
    if (a.replications) spec.replications = *a.replications;
    for (const auto& [flag, path] :
         {std::pair{"--csv", a.csv}, {"--points-csv", a.points_csv}, {"--out", a.out}}) {
        if (!path) continue;
        try {
            // --out is an HDF5 file of ours: another file of that name is not overwritten.
            if (std::string_view(flag) == "--out")
                check_sweep_results_file_target(*path);
            else
                check_can_write(*path);
        } catch (const std::runtime_error& e) {
            bad_flag(flag, e.what());
        }
    }
    const SweepPlan plan = plan_sweep(std::move(spec));
    const std::vector<SweepPoint>& points = plan.points;
    ProgressBar bar(a.progress && !a.quiet && ProgressBar::stderr_is_terminal(), err);
    SweepRunOptions ro;
    ro.seed = plan.seed;
    ro.replications = plan.spec.replications;
    ro.threads = a.threads;
    ro.keep_going = [&] { return !interrupted.load(); };
    ro.progress = [&](std::size_t done, std::size_t total) {
        bar.update(static_cast<double>(done) / static_cast<double>(total),
                   fmt::format("{} / {} runs ({} points)", done, total, points.size()));
    };
    const auto wall_start = std::chrono::steady_clock::now();
    const SweepRuns runs = run_sweep(plan.models, plan.spec.figures, ro);
    bar.finish();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const SweepAnalysis analysis = analyse_sweep(plan.spec, runs);
    if (!a.quiet)
        fmt::print(out, "{}",
                   format_sweep_report(
                       {plan.spec, points, runs, analysis, plan.simulated_seconds(), wall, a.top}));
    if (a.csv) write_or_fail("--csv", *a.csv, sweep_runs_csv(plan.spec, points, runs));
    if (a.points_csv)
        write_or_fail("--points-csv", *a.points_csv, sweep_points_csv(plan.spec, points, analysis));
    if (a.out) {
        try {
            write_sweep_results_file(*a.out, plan.spec, points, runs, analysis);
        } catch (const std::runtime_error& e) {
            bad_flag("--out", e.what());
        }
    }
    if (runs.interrupted) {
        fmt::print(err, "tpssim: interrupted: kept {} of {} point(s)\n", runs.complete_points(),
                   runs.points);
        return kExitInterrupted;
    }
    return kExitOk;
}

} // namespace tpssim

#include "apps/tpssim/forecast_command.hpp"
#include "apps/tpssim/command_flags.hpp"

#include "apps/tpssim/cli.hpp"
#include "apps/tpssim/forecast_plan.hpp"
#include "apps/tpssim/forecast_report.hpp"
#include "apps/tpssim/forecast_results_file.hpp"
#include "apps/tpssim/output_file.hpp"
#include "scenarios/forecast_reader.hpp"

#include <charconv>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>

namespace tpssim {

const char* const kForecastUsage = R"(usage: tpssim forecast FORECAST.yaml [options]
forecast the load at each horizon (3, 6, 12 months) from a history or a stated growth, and size
the service for it, confirmed by simulation (docs/forecasts.md)

forecast options:
  --threads T              threads for each worker count's replications (default: every core)
  --seed N                 the runs' seed, instead of the scenario's
  --csv FILE               write one row per horizon (written whole)
  --out FILE.h5            write history, fits, curve, horizons, probes and scaling as HDF5
  --quiet                  no report
  --progress               a line on stderr per worker count simulated
)";

namespace {

struct ForecastArgs {
    std::string file;
    std::uint32_t threads = 0;
    std::optional<std::uint64_t> seed;
    std::optional<std::string> csv, out;
    bool quiet = false, progress = false;
};

ForecastArgs parse_args(std::span<const std::string> args) {
    ForecastArgs a;
    FlagReader flags(args);
    while (flags.next()) {
        const std::string& flag = flags.flag();
        if (flag == "--threads") {
            a.threads = parse_integer_in_range<std::uint32_t>(flag, flags.value(), 1, 1024);
        } else if (flag == "--seed") {
            a.seed = parse_integer_in_range<std::uint64_t>(flag, flags.value(), 0, UINT64_MAX);
        } else if (flag == "--csv") {
            a.csv = flags.file_value();
        } else if (flag == "--out") {
            a.out = flags.file_value();
        } else if (flag == "--quiet" || flag == "-q") {
            a.quiet = true;
        } else if (flag == "--progress") {
            a.progress = true;
        } else if (flag.starts_with("-")) {
            bad_flag(flag, "unknown option for forecast (see tpssim forecast --help)");
        } else {
            if (!a.file.empty())
                bad_flag(flag,
                         fmt::format("expected one forecast file, got a second: \"{}\"", flag));
            a.file = flag;
        }
    }
    if (a.file.empty()) bad_flag("FORECAST", "expected a forecast file, got nothing");
    return a;
}

} // namespace

int run_forecast_command(std::span<const std::string> args, std::FILE* out, std::FILE* err,
                         const std::atomic<bool>& interrupted) {
    const ForecastArgs a = parse_args(args);
    const auto spec = scenarios::read_forecast_file(a.file);
    for (const auto& [flag, path] : {std::pair{"--csv", a.csv}, {"--out", a.out}}) {
        if (!path) continue;
        try {
            check_can_write(*path);
        } catch (const std::runtime_error& e) {
            bad_flag(flag, e.what());
        }
    }
    ForecastOptions options;
    options.threads = a.threads;
    options.seed = a.seed;
    options.keep_going = [&] { return !interrupted.load(); };
    if (a.progress)
        options.progress = [&](const std::string& line) {
            fmt::print(err, "tpssim: {}\n", line);
            std::fflush(err);
        };
    const ForecastPlan plan = plan_forecast(spec, options);
    if (!a.quiet) fmt::print(out, "{}", format_forecast_report(plan));
    try {
        if (a.csv) write_file_atomically(*a.csv, forecast_horizons_csv(plan));
    } catch (const std::runtime_error& e) {
        bad_flag("--csv", e.what());
    }
    try {
        if (a.out) write_forecast_results_file(*a.out, plan);
    } catch (const std::runtime_error& e) {
        bad_flag("--out", e.what());
    }
    if (plan.interrupted) {
        fmt::print(err, "tpssim: interrupted: sized {} of {} horizon(s)\n", plan.horizons.size(),
                   spec.horizons_months.size());
        return kExitInterrupted;
    }
    return kExitOk;
}

} // namespace tpssim

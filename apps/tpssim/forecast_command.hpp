#pragma once
/// `tpssim forecast FORECAST.yaml [options]`: reads the forecast file, plans the capacity
/// (growth, horizons, simulation-confirmed sizing, costs, when to scale), prints the report and
/// writes the CSV and HDF5 files (docs/forecasts.md).

#include <atomic>
#include <cstdio>
#include <span>
#include <string>

namespace tpssim {

/// The options, for `tpssim forecast --help` and the usage.
extern const char* const kForecastUsage;

/// Runs the command; `interrupted` is set by Ctrl-C (what was sized is reported, exit 130).
/// Bad input throws scenarios::ScenarioError (exit 2 in run_cli).
int run_forecast_command(std::span<const std::string> args, std::FILE* out, std::FILE* err,
                         const std::atomic<bool>& interrupted);

} // namespace tpssim

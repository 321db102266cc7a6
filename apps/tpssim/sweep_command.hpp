#pragma once
/// `tpssim sweep SWEEP.yaml [options]`: reads the sweep file, runs every point's replications
/// on threads, prints the report and writes the CSV files (docs/sweeps.md).

#include <atomic>
#include <cstdio>
#include <span>
#include <string>

namespace tpssim {

/// The options, for `tpssim sweep --help` and the usage.
extern const char* const kSweepUsage;

/// Runs the command; `interrupted` is set by Ctrl-C (the finished points are reported and
/// written, exit 130). Bad input throws scenarios::ScenarioError (exit 2 in run_cli).
int run_sweep_command(std::span<const std::string> args, std::FILE* out, std::FILE* err,
                      const std::atomic<bool>& interrupted);

} // namespace tpssim

#pragma once
/// The `tpssim` command line: `run`, `validate`, `help` (docs/command-line.md). Exit codes:
/// 0 success, 1 a scenario's `expect:` checks failed, 2 bad input, 3 internal error,
/// 130 interrupted (Ctrl-C) after printing what was kept.

#include <cstdio>
#include <span>
#include <string>

namespace tpssim {

inline constexpr int kExitOk = 0;
inline constexpr int kExitExpectFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;
inline constexpr int kExitInterrupted = 130;

/// Runs the command line `args` (without the program name); writes to `out` and `err`.
int run_cli(std::span<const std::string> args, std::FILE* out, std::FILE* err);

/// Installs the SIGINT handler that asks a running simulation to stop within a moment.
void install_interrupt_handler();

} // namespace tpssim

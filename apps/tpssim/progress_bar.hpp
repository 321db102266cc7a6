#pragma once
/// A one-line progress bar on stderr, redrawn at most ten times a second, only when stderr is
/// a terminal (a log file or a pipe gets nothing).

#include <chrono>
#include <cstdio>
#include <string>

namespace tpssim {

class ProgressBar {
public:
    /// `enabled` false makes every call a no-op.
    explicit ProgressBar(bool enabled, std::FILE* out = stderr);
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Shows `fraction` (0..1) done and a short `detail`, if 100 ms passed since the last draw.
    void update(double fraction, const std::string& detail);
    /// Erases the bar (before the report is printed).
    void finish();

    /// True when stderr is an interactive terminal.
    static bool stderr_is_terminal();

private:
    bool enabled_;
    bool drawn_ = false;
    std::FILE* out_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
};

} // namespace tpssim

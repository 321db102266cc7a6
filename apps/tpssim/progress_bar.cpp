#include "apps/tpssim/progress_bar.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unistd.h>

namespace tpssim {

ProgressBar::ProgressBar(bool enabled, std::FILE* out)
    : enabled_(enabled), out_(out), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
    finish();
}

bool ProgressBar::stderr_is_terminal() {
    return isatty(STDERR_FILENO) == 1;
}

void ProgressBar::update(double fraction, const std::string& detail) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    fraction = std::clamp(fraction, 0.0, 1.0);
    constexpr int width = 30;
    const int filled = static_cast<int>(fraction * width);
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = fraction > 0.0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                            std::string(static_cast<std::size_t>(width - filled), '.');
    fmt::print(out_, "\r[{}] {:3.0f}%  {}  eta {:.0f}s \x1b[K", bar, fraction * 100.0, detail, eta);
    std::fflush(out_);
    drawn_ = true;
}

void ProgressBar::finish() {
    if (!enabled_ || !drawn_) return;
    fmt::print(out_, "\r\x1b[K");
    std::fflush(out_);
    drawn_ = false;
}

} // namespace tpssim

#include "models/counter_window.hpp"

#include <limits>

namespace tpssim::models {

double prometheus_increase(std::span<const CounterSample> samples, sim::SimTime range_start,
                           sim::SimTime range_end) {
    const std::size_t n = samples.size();
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();
    const CounterSample& first = samples.front();
    const CounterSample& last = samples.back();
    double rise = last.value - first.value;
    // A counter that falls was reset (a restarted process): what it had counted before the
    // reset is added back.
    for (std::size_t i = 1; i < n; ++i)
        if (samples[i].value < samples[i - 1].value) rise += samples[i - 1].value;

    // Exact differences of integer times first, then seconds: no float noise at the edges.
    double to_start = (first.at - range_start).seconds();
    const double to_end = (range_end - last.at).seconds();
    const double sampled = (last.at - first.at).seconds();
    if (!(sampled > 0.0)) return std::numeric_limits<double>::quiet_NaN();
    const double average_interval = sampled / static_cast<double>(n - 1);

    // A counter cannot have been below zero: do not stretch the rise back past the time it
    // would have started from 0.
    if (rise > 0.0 && first.value >= 0.0) {
        const double to_zero = sampled * (first.value / rise);
        if (to_zero < to_start) to_start = to_zero;
    }
    // A sample close to an edge (up to 10% more than the average interval) is taken to mean
    // the series goes on to the edge; a farther one, that it starts or ends half an interval
    // beyond its first or last sample.
    const double threshold = average_interval * 1.1;
    double stretched = sampled;
    stretched += to_start < threshold ? to_start : average_interval / 2.0;
    stretched += to_end < threshold ? to_end : average_interval / 2.0;
    return rise * (stretched / sampled);
}

void CounterWindow::observe(sim::SimTime now, double value) {
    samples_.push_back({now, value});
    const sim::SimTime start = now - range_;
    while (samples_[first_].at < start)
        ++first_;
    // Compact once the dropped half outgrows the kept one: amortised O(1) a sample, at most
    // twice the range's samples held.
    if (first_ > 32 && first_ * 2 > samples_.size()) {
        samples_.erase(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(first_));
        first_ = 0;
    }
}

double CounterWindow::increase(sim::SimTime now) const {
    // Samples older than the range's start may still be held when no scrape came since.
    auto kept = samples();
    const sim::SimTime start = now - range_;
    std::size_t skip = 0;
    while (skip < kept.size() && kept[skip].at < start)
        ++skip;
    return prometheus_increase(kept.subspan(skip), start, now);
}

} // namespace tpssim::models

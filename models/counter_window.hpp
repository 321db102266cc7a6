#pragma once
/// PromQL's `increase(counter[RANGE])` and `rate(counter[RANGE])` in simulated time: the
/// samples of one counter scraped within the range that ends at an evaluation, and what
/// Prometheus' `extrapolatedRate` (promql/functions.go) makes of them.
///
/// The range holds the samples at times in [now - RANGE, now], both ends included, as
/// Prometheus 2.x selects them (Debian 12's 2.42, which the tests check against with
/// `promtool test rules`). Prometheus 3 leaves the start out, (now - RANGE, now]: where RANGE
/// is a multiple of the scrape interval it sees one sample fewer and extrapolates over that
/// interval, so its increase reads RANGE / (RANGE - interval) times larger and a rule on it
/// resolves one scrape sooner.
///
/// The extrapolation (Prometheus 2.42's order of its steps): the counter's rise between the
/// first and the last sample of the range (a fall is a reset: the value before it is added
/// back), stretched to the range's edges where the first or last sample is within 1.1 average
/// sample intervals of the edge, else by half an average interval; not stretched below the
/// point where the counter would have been zero. `rate` is that over RANGE in seconds. Fewer
/// than two samples: no value (NaN; PromQL returns nothing, and a rule on it does not hold).
///
/// Memory: only the range's samples (at most RANGE / scrape interval + 1), dropped as the
/// range moves on.

#include "sim/sim_time.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace tpssim::models {

/// One scraped value of a counter.
struct CounterSample {
    sim::SimTime at;
    double value = 0.0;
};

/// Prometheus' `increase` of `samples` (in time order, all within [range_start, range_end]):
/// the extrapolated rise over the range; NaN with fewer than two samples.
double prometheus_increase(std::span<const CounterSample> samples, sim::SimTime range_start,
                           sim::SimTime range_end);

class CounterWindow {
public:
    /// `range` > 0: how far back an evaluation looks.
    explicit CounterWindow(sim::SimTime range) : range_(range) {}

    /// The counter was scraped at `now` (not before the last sample) and read `value`; samples
    /// older than `now - range` are dropped.
    void observe(sim::SimTime now, double value);
    /// `increase(counter[range])` evaluated at `now` (the latest sample's time or later).
    double increase(sim::SimTime now) const;
    /// `rate(counter[range])` at `now`: the increase per second of the range.
    double rate(sim::SimTime now) const { return increase(now) / range_.seconds(); }

    /// The samples kept now, oldest first.
    std::span<const CounterSample> samples() const {
        return std::span<const CounterSample>(samples_).subspan(first_);
    }
    sim::SimTime range() const { return range_; }

private:
    sim::SimTime range_;
    std::vector<CounterSample> samples_; ///< [first_, end) are in the range
    std::size_t first_ = 0;
};

} // namespace tpssim::models

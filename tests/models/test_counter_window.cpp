#include "models/counter_window.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <vector>

using namespace tpssim;

using models::CounterSample;
using models::CounterWindow;
using models::prometheus_increase;
using sim::SimTime;

namespace {

std::vector<CounterSample> samples(std::vector<std::pair<std::int64_t, double>> at_value) {
    std::vector<CounterSample> out;
    for (const auto& [t, v] : at_value)
        out.push_back({SimTime::from_s(t), v});
    return out;
}

double increase(const std::vector<CounterSample>& s, std::int64_t from, std::int64_t to) {
    return prometheus_increase(s, SimTime::from_s(from), SimTime::from_s(to));
}

} // namespace

// The cases below are Prometheus 2.42's extrapolatedRate worked by hand.

TEST_CASE("counter window: samples on both edges of the range rise exactly, no stretching") {
    // Every 15 s over [0, 300], both ends in: 21 samples; 4 counted at 100 s, 1 more at 200 s.
    std::vector<std::pair<std::int64_t, double>> points;
    for (std::int64_t t = 0; t <= 300; t += 15)
        points.emplace_back(t, 10.0 + (t >= 100 ? 4.0 : 0.0) + (t >= 200 ? 1.0 : 0.0));
    CHECK(increase(samples(points), 0, 300) == 5.0);
}

TEST_CASE("counter window: a first sample one interval in stretches to the range's start") {
    // Prometheus 3's left-open range over the same scrapes: 20 samples from 15 s; the rise of
    // 5 over 285 s is stretched over the 300 s (15 s < 1.1 x the 15 s average interval).
    std::vector<std::pair<std::int64_t, double>> points;
    for (std::int64_t t = 15; t <= 300; t += 15)
        points.emplace_back(t, t < 100 ? 10.0 : 15.0);
    CHECK(increase(samples(points), 0, 300) == doctest::Approx(5.0 * 300.0 / 285.0).epsilon(1e-15));
}

TEST_CASE("counter window: not stretched back past the counter's zero") {
    // 1 at 60 s, 3 at 120 s in [0, 120]: the rise of 2 in 60 s would reach 0 at 30 s, sooner
    // than the 60 s to the start (within 1.1 x 60 s): stretched by 30 s, 2 x 90 / 60 = 3.
    CHECK(increase(samples({{60, 1.0}, {120, 3.0}}), 0, 120) == 3.0);
}

TEST_CASE("counter window: samples far from an edge stretch half an interval beyond it") {
    // 5, 6, 7 at 100, 110, 120 s in [0, 150]: the average interval is 10 s; the start is
    // 100 s away (the zero point 50 s: still beyond 11 s) and the end 30 s: each edge adds
    // 5 s, 2 x 30 / 20 = 3.
    CHECK(increase(samples({{100, 5.0}, {110, 6.0}, {120, 7.0}}), 0, 150) == 3.0);
    // The same ending at the range's end: only the start stretches, 2 x 25 / 20.
    CHECK(increase(samples({{100, 5.0}, {110, 6.0}, {120, 7.0}}), 0, 120) == 2.5);
}

TEST_CASE("counter window: a reset adds back what was counted before it") {
    // 5, 8, 2, 4: a reset after 8, so the rise is 4 - 5 + 8 = 7.
    CHECK(increase(samples({{0, 5.0}, {15, 8.0}, {30, 2.0}, {45, 4.0}}), 0, 45) == 7.0);
}

TEST_CASE("counter window: fewer than two samples have no value; a flat counter has 0") {
    CHECK(std::isnan(increase(samples({}), 0, 60)));
    CHECK(std::isnan(increase(samples({{30, 4.0}}), 0, 60)));
    CHECK(increase(samples({{0, 4.0}, {30, 4.0}, {60, 4.0}}), 0, 60) == 0.0);
}

TEST_CASE("counter window: the range moves on with the scrapes and keeps only its samples") {
    CounterWindow window(SimTime::from_s(300));
    // A counter scraped every 15 s that counts 3 at 600 s and nothing else.
    for (std::int64_t t = 0; t <= 1200; t += 15) {
        const SimTime now = SimTime::from_s(t);
        window.observe(now, t >= 600 ? 3.0 : 0.0);
        CHECK(window.samples().size() ==
              static_cast<std::size_t>(std::min<std::int64_t>(t, 300) / 15 + 1));
        CHECK(window.samples().front().at == SimTime::from_s(std::max<std::int64_t>(0, t - 300)));
        const double expected = t >= 600 && t < 900 ? 3.0 : (t == 0 ? NAN : 0.0);
        if (t == 0) {
            CHECK(std::isnan(window.increase(now)));
            continue;
        }
        // In range from 600 s until the scrape at 900 s, whose range starts at the 600 s sample.
        CHECK(window.increase(now) == expected);
        CHECK(window.rate(now) == expected / 300.0);
    }
}

TEST_CASE("counter window: an evaluation after a gap sees only the samples still in range") {
    CounterWindow window(SimTime::from_s(60));
    window.observe(SimTime::from_s(0), 1.0);
    window.observe(SimTime::from_s(15), 2.0);
    window.observe(SimTime::from_s(30), 3.0);
    // No scrape for a while (monitoring down): at 80 s only the 30 s sample is in [20, 80].
    CHECK(std::isnan(window.increase(SimTime::from_s(80))));
    window.observe(SimTime::from_s(90), 5.0);
    // [30, 90]: 3 then 5, both on the edges.
    CHECK(window.increase(SimTime::from_s(90)) == 2.0);
}

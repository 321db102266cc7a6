#include "models/autoscaler.hpp"
#include "sim/random_stream.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <stdexcept>
#include <vector>

using namespace tpssim;

using models::Autoscaler;
using models::AutoscalerAlgorithm;
using models::AutoscalerParams;
using models::HpaReading;
using models::ScalingPolicy;
using models::ScalingPolicyType;
using models::ScalingRules;
using models::SelectPolicy;
using sim::SimTime;
using Reason = Autoscaler::Reason;
using Limit = Autoscaler::Limit;

namespace {

SimTime sec(std::int64_t s) {
    return SimTime::from_s(s);
}

// An HPA on a metric in milli-units with a 100m target (the Kubernetes docs' example), 1 to
// 100 replicas, Kubernetes' default behaviour.
AutoscalerParams hpa_100m() {
    AutoscalerParams p;
    p.target = 100.0;
    p.target_type = models::HpaTargetType::AverageValue;
    p.min_replicas = 1;
    p.max_replicas = 100;
    return p;
}

AutoscalerParams without_scale_down_window(AutoscalerParams p) {
    p.scale_down.stabilization_window = SimTime::zero();
    return p;
}

} // namespace

TEST_CASE("defaults are Kubernetes'") {
    const AutoscalerParams p;
    CHECK(p.algorithm == AutoscalerAlgorithm::Hpa);
    CHECK(p.min_replicas == 1);
    CHECK(p.sync_period == sec(15));
    CHECK(p.tolerance == 0.1);
    CHECK(p.scale_up.stabilization_window == SimTime::zero());
    CHECK(p.scale_up.select_policy == SelectPolicy::Max);
    REQUIRE(p.scale_up.policies.size() == 2);
    CHECK(p.scale_up.policies[0].type == ScalingPolicyType::Percent);
    CHECK(p.scale_up.policies[0].value == 100);
    CHECK(p.scale_up.policies[0].period == sec(15));
    CHECK(p.scale_up.policies[1].type == ScalingPolicyType::Pods);
    CHECK(p.scale_up.policies[1].value == 4);
    CHECK(p.scale_up.policies[1].period == sec(15));
    CHECK(p.scale_down.stabilization_window == sec(300));
    REQUIRE(p.scale_down.policies.size() == 1);
    CHECK(p.scale_down.policies[0].type == ScalingPolicyType::Percent);
    CHECK(p.scale_down.policies[0].value == 100);
    CHECK(p.scale_down.policies[0].period == sec(15));
    CHECK(p.thresholds.scale_up_threshold == 0.8);
    CHECK(p.thresholds.scale_down_threshold == 0.2);
    CHECK_NOTHROW(Autoscaler{p});
}

TEST_CASE("parameters out of range are rejected") {
    auto rejects = [](auto change) {
        AutoscalerParams p;
        change(p);
        CHECK_THROWS_AS(Autoscaler{p}, std::invalid_argument);
    };
    rejects([](AutoscalerParams& p) { p.min_replicas = 0; });
    rejects([](AutoscalerParams& p) { p.max_replicas = 0; });
    rejects([](AutoscalerParams& p) { p.sync_period = SimTime::zero(); });
    rejects([](AutoscalerParams& p) { p.target = 0.0; });
    rejects([](AutoscalerParams& p) { p.tolerance = -0.1; });
    rejects([](AutoscalerParams& p) { p.scale_down.stabilization_window = sec(3601); });
    rejects([](AutoscalerParams& p) { p.scale_up.policies.clear(); });
    rejects([](AutoscalerParams& p) { p.scale_up.policies[0].value = 0; });
    rejects([](AutoscalerParams& p) { p.scale_down.policies[0].period = sec(1801); });
    rejects([](AutoscalerParams& p) { p.thresholds.scale_up_threshold = 0.1; });
    rejects([](AutoscalerParams& p) { p.thresholds.scale_down_step = 0; });
    AutoscalerParams disabled;
    disabled.scale_down.select_policy = SelectPolicy::Disabled;
    disabled.scale_down.policies.clear();
    CHECK_NOTHROW(Autoscaler{disabled});
}

TEST_CASE("docs: 200m against a 100m target doubles the replicas; 50m halves them") {
    Autoscaler a(hpa_100m());
    const auto d = a.decide(SimTime::zero(), 1, 200.0);
    CHECK(d.reason == Reason::MetricAboveTarget);
    CHECK(d.recommendation == 2);
    CHECK(d.desired_replicas == 2);
    CHECK(d.limit == Limit::None);
    CHECK_FALSE(d.stabilization_applied());

    Autoscaler b(without_scale_down_window(hpa_100m()));
    const auto h = b.decide(SimTime::zero(), 4, 50.0);
    CHECK(h.reason == Reason::MetricBelowTarget);
    CHECK(h.recommendation == 2);
    CHECK(h.desired_replicas == 2);
}

TEST_CASE("docs: within the 10% tolerance nothing changes") {
    Autoscaler a(without_scale_down_window(hpa_100m()));
    SimTime t = SimTime::zero();
    auto next = [&](double metric) {
        t += sec(15);
        return a.decide(t, 10, metric);
    };
    CHECK(next(105.0).reason == Reason::WithinTolerance);
    CHECK(next(105.0).desired_replicas == 10);
    CHECK(next(91.0).desired_replicas == 10);
    CHECK(next(109.0).desired_replicas == 10);
    const auto up = next(111.0); // ceil(10 x 1.11)
    CHECK(up.reason == Reason::MetricAboveTarget);
    CHECK(up.desired_replicas == 12);
    const auto down = next(89.0); // ceil(10 x 0.89)
    CHECK(down.reason == Reason::MetricBelowTarget);
    CHECK(down.desired_replicas == 9);
    // Exactly 110m is outside the tolerance in float64 arithmetic, as in Kubernetes
    // (|1 - 1.1| = 0.10000000000000009 > 0.1), and 1.1 x 10 rounds to 11.0: one more replica.
    const auto edge = next(110.0);
    CHECK(edge.reason == Reason::MetricAboveTarget);
    CHECK(edge.desired_replicas == 11);
}

TEST_CASE("docs: scale-down stabilisation uses the highest recommendation of 5 minutes") {
    Autoscaler a(hpa_100m());
    // The first decision also sees the count it started from: no scale-down for 300 s.
    auto d = a.decide(SimTime::zero(), 4, 100.0);
    CHECK(d.desired_replicas == 4);
    d = a.decide(sec(15), 4, 200.0); // a spike: up at once (no scale-up window)
    CHECK(d.desired_replicas == 8);
    std::uint32_t replicas = 8;
    for (std::int64_t s = 30; s <= 300; s += 15) {
        d = a.decide(sec(s), replicas, 25.0); // ceil(8 x 0.25) = 2
        INFO("t = " << s << " s");
        CHECK(d.recommendation == 2);
        CHECK(d.stabilized == 8); // the spike's 8 is in the window (t - 300 s, t]
        CHECK(d.stabilization_applied());
        CHECK(d.desired_replicas == 8);
    }
    d = a.decide(sec(315), replicas, 25.0); // the spike has left the window
    CHECK(d.stabilized == 2);
    CHECK(d.desired_replicas == 2);
    CHECK(d.limit == Limit::None);
    CHECK(a.counters().stabilized == 19);
}

TEST_CASE("a scale-up window uses the lowest recommendation") {
    AutoscalerParams p = hpa_100m();
    p.scale_up.stabilization_window = sec(60);
    Autoscaler a(p);
    CHECK(a.decide(SimTime::zero(), 4, 100.0).desired_replicas == 4);
    for (std::int64_t s = 15; s < 60; s += 15) {
        const auto d = a.decide(sec(s), 4, 300.0);
        CHECK(d.recommendation == 12);
        CHECK(d.stabilized == 4);
        CHECK(d.desired_replicas == 4);
    }
    const auto d = a.decide(sec(60), 4, 300.0); // only 12s left in (0, 60]
    CHECK(d.stabilized == 12);
    CHECK(d.desired_replicas == 8); // the default policy: max(100%, 4 pods) per 15 s
    CHECK(d.limit == Limit::ScaleUpLimit);
}

TEST_CASE("docs: the default scale-up allows max(100%, 4 pods) per 15 s") {
    Autoscaler a(hpa_100m());
    auto d = a.decide(SimTime::zero(), 1, 10'000.0);
    CHECK(d.recommendation == 100);
    CHECK(d.desired_replicas == 5); // 1 + 4 pods beats 100% of 1
    CHECK(d.limit == Limit::ScaleUpLimit);
    // Between syncs the period still holds the last scaling: no more room.
    d = a.decide(sec(10), 5, 10'000.0);
    CHECK(d.desired_replicas == 5);
    CHECK(d.limit == Limit::ScaleUpLimit);
    d = a.decide(sec(15), 5, 10'000.0);
    CHECK(d.desired_replicas == 10); // 100% of 5 beats 5 + 4
    d = a.decide(sec(30), 10, 10'000.0);
    CHECK(d.desired_replicas == 20);
    d = a.decide(sec(45), 20, 10'000.0);
    CHECK(d.desired_replicas == 40);
    d = a.decide(sec(60), 40, 10'000.0);
    CHECK(d.desired_replicas == 80);
    d = a.decide(sec(75), 80, 10'000.0);
    CHECK(d.desired_replicas == 100);
    CHECK(d.limit == Limit::TooManyReplicas);
    CHECK(a.counters().scale_ups == 6);
}

TEST_CASE("min/max: clamping and counts outside the range") {
    AutoscalerParams p = without_scale_down_window(hpa_100m());
    p.min_replicas = 3;
    p.max_replicas = 10;
    Autoscaler a(p);
    auto d = a.decide(SimTime::zero(), 8, 200.0);
    CHECK(d.recommendation == 16);
    CHECK(d.desired_replicas == 10);
    CHECK(d.limit == Limit::TooManyReplicas);
    d = a.decide(sec(15), 4, 10.0);
    CHECK(d.recommendation == 1);
    CHECK(d.desired_replicas == 3);
    CHECK(d.limit == Limit::TooFewReplicas);
    d = a.decide(sec(30), 12, 100.0);
    CHECK(d.reason == Reason::AboveMaxReplicas);
    CHECK(d.desired_replicas == 10);
    d = a.decide(sec(45), 2, 100.0);
    CHECK(d.reason == Reason::BelowMinReplicas);
    CHECK(d.desired_replicas == 3);
    d = a.decide(sec(60), 0, 500.0);
    CHECK(d.reason == Reason::ScalingDisabled);
    CHECK(d.desired_replicas == 0);
    d = a.decide(sec(75), 5, std::numeric_limits<double>::quiet_NaN());
    CHECK(d.reason == Reason::MetricUnavailable);
    CHECK(d.desired_replicas == 5);
    CHECK(a.decide(sec(90), 5, -1.0).reason == Reason::MetricUnavailable);
}

namespace {

// The docs' scale-down example: at most 4 pods or 10% per minute, from 80 replicas to a
// recommendation of 1, min 10, with one decision every 15 s. Returns the count at each minute.
std::vector<std::uint32_t> docs_scale_down(SelectPolicy select) {
    AutoscalerParams p = without_scale_down_window(hpa_100m());
    p.min_replicas = 10;
    p.scale_down.select_policy = select;
    p.scale_down.policies = {{ScalingPolicyType::Pods, 4, sec(60)},
                             {ScalingPolicyType::Percent, 10, sec(60)}};
    Autoscaler a(p);
    std::uint32_t replicas = 80;
    std::vector<std::uint32_t> per_minute;
    for (std::int64_t s = 0; s < 15 * 60; s += 15) {
        const auto d = a.decide(sec(s), replicas, 1.0);
        if (s % 60 != 0) {
            CHECK(d.desired_replicas == replicas); // the minute's change is used up
            CHECK((d.limit == Limit::ScaleDownLimit || replicas == 10));
        }
        replicas = d.desired_replicas;
        if (s % 60 == 0) per_minute.push_back(replicas);
    }
    return per_minute;
}

} // namespace

TEST_CASE("docs: Pods 4 and Percent 10 per minute, selectPolicy Max then Min") {
    // Max: the larger change; 10% of 72 is 7.2, removed as 8 (64.8 truncates to 64); below 40
    // the 4 pods win.
    CHECK(docs_scale_down(SelectPolicy::Max) ==
          std::vector<std::uint32_t>{72, 64, 57, 51, 45, 40, 36, 32, 28, 24, 20, 16, 12, 10, 10});
    // Min: the smaller change: 4 pods while 10% is more, then 10% (truncated) below 40.
    CHECK(docs_scale_down(SelectPolicy::Min) ==
          std::vector<std::uint32_t>{76, 72, 68, 64, 60, 56, 52, 48, 44, 40, 36, 32, 28, 25, 22});
}

TEST_CASE("docs: selectPolicy Disabled turns a direction off") {
    AutoscalerParams p = without_scale_down_window(hpa_100m());
    p.scale_down.select_policy = SelectPolicy::Disabled;
    Autoscaler a(p);
    auto d = a.decide(SimTime::zero(), 10, 10.0);
    CHECK(d.recommendation == 1);
    CHECK(d.desired_replicas == 10);
    CHECK(d.limit == Limit::ScaleDownLimit);
    d = a.decide(sec(15), 10, 300.0); // up still works
    CHECK(d.desired_replicas == 20);

    AutoscalerParams q = hpa_100m();
    q.scale_up.select_policy = SelectPolicy::Disabled;
    Autoscaler b(q);
    d = b.decide(SimTime::zero(), 2, 1000.0);
    CHECK(d.desired_replicas == 2);
    CHECK(d.limit == Limit::ScaleUpLimit);
}

TEST_CASE("the threshold form: a step up above 80%, down below 20%, with a cooldown") {
    AutoscalerParams p;
    p.algorithm = AutoscalerAlgorithm::Threshold;
    p.min_replicas = 1;
    p.max_replicas = 5;
    p.thresholds.cooldown = sec(120);
    Autoscaler a(p);
    auto d = a.decide(SimTime::zero(), 2, 0.9);
    CHECK(d.reason == Reason::AboveUpThreshold);
    CHECK(d.desired_replicas == 3);
    d = a.decide(sec(15), 3, 0.95);
    CHECK(d.recommendation == 4);
    CHECK(d.desired_replicas == 3);
    CHECK(d.limit == Limit::Cooldown);
    d = a.decide(sec(120), 3, 0.8); // not strictly above
    CHECK(d.reason == Reason::BetweenThresholds);
    CHECK(d.desired_replicas == 3);
    d = a.decide(sec(120), 3, 0.81); // the cooldown ends at exactly 120 s
    CHECK(d.desired_replicas == 4);
    d = a.decide(sec(135), 4, 0.1);
    CHECK(d.reason == Reason::BelowDownThreshold);
    CHECK(d.limit == Limit::Cooldown);
    CHECK(d.desired_replicas == 4);
    d = a.decide(sec(240), 4, 0.1);
    CHECK(d.desired_replicas == 3);
    d = a.decide(sec(400), 5, 0.99);
    CHECK(d.desired_replicas == 5);
    CHECK(d.limit == Limit::TooManyReplicas);
    d = a.decide(sec(600), 1, 0.0);
    CHECK(d.desired_replicas == 1);
    CHECK(d.limit == Limit::TooFewReplicas);
    CHECK(a.counters().scale_ups == 2);
    CHECK(a.counters().scale_downs == 1);
}

TEST_CASE("the history stays bounded by what the windows span") {
    Autoscaler a(hpa_100m());
    sim::RandomStream rng(11, "autoscaler", "metric");
    std::uint32_t replicas = 5;
    std::size_t most_recommendations = 0, most_events = 0;
    for (std::int64_t i = 0; i < 20'000; ++i) {
        const double metric = 20.0 + 200.0 * rng.next_open01();
        replicas = a.decide(sec(15 * i), replicas, metric).desired_replicas;
        most_recommendations = std::max(most_recommendations, a.recommendations_held());
        most_events = std::max(most_events, a.scale_events_held());
    }
    CHECK(most_recommendations <= 300 / 15 + 1);
    CHECK(most_events <= 2);
    CHECK(a.counters().decisions == 20'000);
}

TEST_CASE("a ramp: replicas follow the load up and down without oscillating") {
    // Demand in replica-units rises from 2 to 20 over 20 minutes, holds 10, falls back to 2
    // over 20 and holds 20; one replica serves one unit at 100% utilisation; the measured
    // utilisation is noisy (+-3%) and capped at 100%. Target 70%, Kubernetes' defaults.
    auto demand = [](double minutes) {
        if (minutes < 20.0) return 2.0 + 18.0 * minutes / 20.0;
        if (minutes < 30.0) return 20.0;
        if (minutes < 50.0) return 20.0 - 18.0 * (minutes - 30.0) / 20.0;
        return 2.0;
    };
    AutoscalerParams p;
    p.target = 0.7;
    p.min_replicas = 2;
    p.max_replicas = 50;
    Autoscaler a(p);
    sim::RandomStream rng(5, "autoscaler", "noise");
    std::uint32_t replicas = 3;
    std::vector<std::uint32_t> trace;
    int ups_while_falling = 0, downs_while_rising = 0, direction_changes = 0, last_direction = 0;
    for (std::int64_t s = 0; s <= 70 * 60; s += 15) {
        const double minutes = static_cast<double>(s) / 60.0;
        const double noise = 1.0 + 0.06 * (rng.next_open01() - 0.5);
        const double utilisation = std::min(1.0, demand(minutes) * noise / replicas);
        const auto d = a.decide(sec(s), replicas, utilisation);
        if (d.scales()) {
            const int direction = d.desired_replicas > replicas ? 1 : -1;
            if (last_direction != 0 && direction != last_direction) ++direction_changes;
            last_direction = direction;
            if (direction > 0 && minutes >= 30.0) ++ups_while_falling;
            if (direction < 0 && minutes < 30.0) ++downs_while_rising;
        }
        replicas = d.desired_replicas;
        trace.push_back(replicas);
    }
    CHECK(direction_changes == 1); // up, then down: no flapping
    CHECK(ups_while_falling == 0);
    CHECK(downs_while_rising == 0);
    // At the end of the plateau: utilisation within the tolerance of 70% for 20 units.
    const std::uint32_t at_peak = trace[static_cast<std::size_t>(30 * 4)];
    CHECK(at_peak >= 26);
    CHECK(at_peak <= 32);
    CHECK(*std::max_element(trace.begin(), trace.end()) <= 32);
    // Back to ceil(2 / 0.7) = 3 once the load is low and the 5-minute window has passed.
    CHECK(trace.back() == 3);
}

TEST_CASE("decisions carry names for the event log") {
    CHECK(models::to_string(Reason::MetricAboveTarget) == "metric_above_target");
    CHECK(models::to_string(Reason::WithinTolerance) == "within_tolerance");
    CHECK(models::to_string(Reason::MetricUnavailable) == "metric_unavailable");
    CHECK(models::to_string(Limit::ScaleUpLimit) == "scale_up_limit");
    CHECK(models::to_string(Limit::TooFewReplicas) == "too_few_replicas");
    CHECK(models::to_string(Limit::Cooldown) == "cooldown");
}

// Kubernetes computes a utilisation as a whole percentage of integer milli-core sums, and an
// average value in milli-units; float noise in the metric must not tip a ceiling.
AutoscalerParams hpa_utilization(double target) {
    AutoscalerParams p;
    p.target = target;
    p.min_replicas = 1;
    p.max_replicas = 100;
    return p;
}

TEST_CASE("HPA arithmetic: a utilisation a hair above 25% is 25%, as in Kubernetes") {
    // 4 replicas at 0.2500000000000001 against 50%: the float ratio 0.5000000000000002 would
    // give ceil(2.0000000000000009) = 3; Kubernetes reads 25% and asks for 2.
    Autoscaler a(without_scale_down_window(hpa_utilization(0.5)));
    const auto d = a.decide(SimTime::zero(), 4, 0.2500000000000001);
    CHECK(d.metric_value == 0.25);
    CHECK(d.recommendation == 2);
    CHECK(d.desired_replicas == 2);
}

TEST_CASE("HPA arithmetic: a saturated service asks for 2c, not 2c + 1") {
    // Busy over ready worker-seconds summed from float integrals can come out 1.0000000000000002.
    for (std::uint32_t c : {1U, 3U, 7U}) {
        Autoscaler a(hpa_utilization(0.5));
        const auto d = a.decide(SimTime::zero(), c, 1.0000000000000002);
        CHECK(d.metric_value == 1.0);
        CHECK(d.recommendation == 2 * c);
    }
}

TEST_CASE("HPA arithmetic: utilisation is truncated to a whole percentage") {
    // 10 replicas at 77.9% against 70%: 77% / 70% = 1.1 is within the 10% tolerance (in float64
    // |1 - 1.1| is 0.10000000000000009 > 0.1, so 77/70 counts as outside, as in Kubernetes);
    // 76.9% reads 76%: 1.0857 within tolerance, no change.
    Autoscaler a(hpa_utilization(0.7));
    CHECK(a.decide(SimTime::zero(), 10, 0.769).reason == Reason::WithinTolerance);
    const auto d = a.decide(sec(15), 10, 0.779);
    CHECK(d.metric_value == 0.77);
    CHECK(d.reason == Reason::MetricAboveTarget);
    CHECK(d.recommendation == 11);
}

TEST_CASE("HPA: starting replicas count as using nothing on a scale-up (GetResourceReplicas)") {
    // 2 ready at 100%, 1 starting, target 50%: 100% / 50% = 2 > 1, so the starting one counts
    // at 0%: 200000m x 100 / 300000m = 66%, ratio 1.32, ceil(1.32 x 3) = 4.
    Autoscaler a(hpa_utilization(0.5));
    auto d = a.decide(SimTime::zero(), 3, HpaReading{1.0, 2, 1});
    CHECK(d.metric_value == 1.0); // what the ready replicas report
    CHECK(d.recommendation == 4);
    // 2 ready at 100%, 2 starting: 50% over all is the target: keep 4.
    Autoscaler b(hpa_utilization(0.5));
    d = b.decide(SimTime::zero(), 4, HpaReading{1.0, 2, 2});
    CHECK(d.reason == Reason::WithinTolerance);
    CHECK(d.recommendation == 4);
    // 2 ready at 100%, 3 starting, target 70%: over all 40%, a scale-up turned scale-down:
    // keep 5.
    Autoscaler c(hpa_utilization(0.7));
    d = c.decide(SimTime::zero(), 5, HpaReading{1.0, 2, 3});
    CHECK(d.reason == Reason::StartingReplicas);
    CHECK(d.recommendation == 5);
    // Below target the starting ones are ignored: 2 ready at 20% against 50%: ceil(0.4 x 2).
    Autoscaler e(without_scale_down_window(hpa_utilization(0.5)));
    d = e.decide(SimTime::zero(), 4, HpaReading{0.2, 2, 2});
    CHECK(d.recommendation == 1);
    // No ready replica: no metric, no decision.
    Autoscaler f(hpa_utilization(0.5));
    d = f.decide(SimTime::zero(), 3, HpaReading{0.0, 0, 3});
    CHECK(d.reason == Reason::MetricUnavailable);
    CHECK(d.desired_replicas == 3);
}

TEST_CASE("HPA: an average value is ceil(total / target) in milli-units") {
    AutoscalerParams p = hpa_utilization(10.0); // 10 waiting items per replica
    p.target_type = models::HpaTargetType::AverageValue;
    // 30.000000000000004 items over 2 replicas: 30000m / 10000m = 3 (not ceil(3.0000000001) =
    // 4 in float); the reported average is ceil(30000m / 2) = 15.
    Autoscaler a(p);
    auto d = a.decide(SimTime::zero(), 2, HpaReading{30.000000000000004, 2, 0});
    CHECK(d.metric_value == 15.0);
    CHECK(d.recommendation == 3);
    // Divided by every replica asked for, ready or not (Kubernetes' status replicas).
    Autoscaler b(p);
    d = b.decide(SimTime::zero(), 3, HpaReading{31.0, 1, 2});
    CHECK(d.reason == Reason::WithinTolerance); // 31 / 30 within 10%
    CHECK(d.recommendation == 3);
}

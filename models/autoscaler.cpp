#include "models/autoscaler.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tpssim::models {

namespace {

// Kubernetes keeps replica counts in int32: a recommendation saturates there.
constexpr double kMaxRecommendation = 2'147'483'647.0;

void require(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument("autoscaler: " + what);
}

void validate_rules(const ScalingRules& r, const std::string& name) {
    require(r.stabilization_window >= SimTime::zero() &&
                r.stabilization_window <= SimTime::from_s(3600),
            name + ".stabilization_window must be in [0, 1h]");
    require(r.select_policy == SelectPolicy::Disabled || !r.policies.empty(),
            name + ".policies must hold at least one policy (or select_policy Disabled)");
    for (std::size_t i = 0; i < r.policies.size(); ++i) {
        const std::string at = name + ".policies[" + std::to_string(i) + "]";
        require(r.policies[i].value > 0, at + ".value must be > 0");
        require(r.policies[i].period > SimTime::zero() &&
                    r.policies[i].period <= SimTime::from_s(1800),
                at + ".period must be in (0, 30m]");
    }
}

SimTime longest_period(const AutoscalerParams& p) {
    SimTime longest = SimTime::zero();
    for (const ScalingRules* r : {&p.scale_up, &p.scale_down})
        for (const ScalingPolicy& policy : r->policies)
            longest = std::max(longest, policy.period);
    return longest;
}

// Samples a span holds at one per sync period, plus slack for the sample at each end.
std::size_t span_capacity(SimTime span, SimTime sync_period) {
    return static_cast<std::size_t>(span.ns() / sync_period.ns()) + 2;
}

std::uint32_t to_replicas(std::int64_t n) {
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(n, 0, 2'147'483'647));
}

} // namespace

ScalingRules ScalingRules::default_scale_up() {
    return {SimTime::zero(),
            SelectPolicy::Max,
            {{ScalingPolicyType::Percent, 100, SimTime::from_s(15)},
             {ScalingPolicyType::Pods, 4, SimTime::from_s(15)}}};
}

ScalingRules ScalingRules::default_scale_down() {
    return {SimTime::from_s(300),
            SelectPolicy::Max,
            {{ScalingPolicyType::Percent, 100, SimTime::from_s(15)}}};
}

void AutoscalerParams::validate() const {
    require(min_replicas >= 1, "min_replicas must be >= 1");
    require(max_replicas >= min_replicas, "max_replicas must be >= min_replicas");
    require(max_replicas <= 2'147'483'647u, "max_replicas must fit Kubernetes' int32");
    require(sync_period > SimTime::zero(), "sync_period must be > 0");
    require(std::isfinite(target) && target > 0.0, "target must be > 0");
    require(std::isfinite(tolerance) && tolerance >= 0.0, "tolerance must be >= 0");
    validate_rules(scale_up, "scale_up");
    validate_rules(scale_down, "scale_down");
    const ThresholdParams& t = thresholds;
    require(std::isfinite(t.scale_down_threshold) && t.scale_down_threshold >= 0.0,
            "thresholds.scale_down_threshold must be >= 0");
    require(std::isfinite(t.scale_up_threshold) && t.scale_up_threshold > t.scale_down_threshold,
            "thresholds.scale_up_threshold must be > scale_down_threshold");
    require(t.scale_up_step >= 1, "thresholds.scale_up_step must be >= 1");
    require(t.scale_down_step >= 1, "thresholds.scale_down_step must be >= 1");
    require(t.cooldown >= SimTime::zero(), "thresholds.cooldown must be >= 0");
}

// ---- History -------------------------------------------------------------------------------

Autoscaler::History::History(std::size_t capacity) : buf_(std::max<std::size_t>(capacity, 1)) {}

void Autoscaler::History::push(Sample s) {
    if (size_ == buf_.size()) {
        std::vector<Sample> bigger(buf_.size() * 2);
        for (std::size_t i = 0; i < size_; ++i)
            bigger[i] = (*this)[i];
        buf_.swap(bigger);
        head_ = 0;
    }
    buf_[(head_ + size_) % buf_.size()] = s;
    ++size_;
}

void Autoscaler::History::drop_up_to(SimTime cutoff) {
    while (size_ > 0 && buf_[head_].at <= cutoff) {
        head_ = (head_ + 1) % buf_.size();
        --size_;
    }
}

// ---- Autoscaler ----------------------------------------------------------------------------

namespace {
const AutoscalerParams& validated(const AutoscalerParams& p) {
    p.validate();
    return p;
}
} // namespace

Autoscaler::Autoscaler(const AutoscalerParams& params)
    : params_(validated(params)), longest_window_(std::max(params.scale_up.stabilization_window,
                                                           params.scale_down.stabilization_window)),
      longest_period_(longest_period(params)),
      recommendations_(span_capacity(longest_window_, params.sync_period)),
      scale_ups_(span_capacity(longest_period_, params.sync_period)),
      scale_downs_(span_capacity(longest_period_, params.sync_period)) {}

Autoscaler::Decision Autoscaler::decide(SimTime now, std::uint32_t current_replicas,
                                        double metric_value) {
    HpaReading reading{metric_value, current_replicas, 0};
    if (params_.algorithm == AutoscalerAlgorithm::Hpa &&
        params_.target_type == HpaTargetType::AverageValue)
        reading.value = metric_value * static_cast<double>(current_replicas);
    return decide(now, current_replicas, reading);
}

Autoscaler::Decision Autoscaler::decide(SimTime now, std::uint32_t current_replicas,
                                        const HpaReading& reading) {
    assert(!started_ || now >= last_decision_);
    const double metric_value = reading.value;
    Decision d;
    d.at = now;
    d.current_replicas = current_replicas;
    d.metric_value = metric_value;
    d.recommendation = d.stabilized = d.desired_replicas = current_replicas;

    const bool hpa = params_.algorithm == AutoscalerAlgorithm::Hpa;
    if (!started_) {
        started_ = true;
        // Kubernetes' recordInitialRecommendation: the count the autoscaler found counts as a
        // recommendation made now.
        if (hpa) recommendations_.push({now, current_replicas});
    }
    last_decision_ = now;
    // Windows only look back this far: older entries can never count again.
    recommendations_.drop_up_to(now - longest_window_);
    scale_ups_.drop_up_to(now - longest_period_);
    scale_downs_.drop_up_to(now - longest_period_);

    if (current_replicas == 0) {
        d.reason = Reason::ScalingDisabled;
    } else if (current_replicas > params_.max_replicas) {
        d.reason = Reason::AboveMaxReplicas;
        d.recommendation = d.stabilized = d.desired_replicas = params_.max_replicas;
    } else if (current_replicas < params_.min_replicas) {
        d.reason = Reason::BelowMinReplicas;
        d.recommendation = d.stabilized = d.desired_replicas = params_.min_replicas;
    } else if (!std::isfinite(metric_value) || metric_value < 0.0) {
        d.reason = Reason::MetricUnavailable;
    } else if (hpa) {
        decide_hpa(d, reading);
    } else {
        decide_threshold(d);
    }

    ++counters_.decisions;
    if (d.stabilization_applied()) ++counters_.stabilized;
    if (d.limit != Limit::None) ++counters_.limited;
    if (d.scales()) record_scaling(d);
    return d;
}

void Autoscaler::decide_hpa(Decision& d, const HpaReading& reading) {
    const std::uint32_t recommendation = params_.target_type == HpaTargetType::Utilization
                                             ? utilization_replicas(d, reading)
                                             : average_value_replicas(d, reading);
    if (d.reason == Reason::MetricUnavailable) return;
    d.recommendation = recommendation;
    d.stabilized = stabilize(d.at, d.current_replicas, d.recommendation);
    limit_rate(d);
}

namespace {

// Kubernetes' quantities are integers in milli-units; a metric beyond this is saturated so that
// the products below stay within int64.
constexpr double kMaxMetric = 1e9;

std::int64_t milli(double value) {
    return std::llround(std::min(value, kMaxMetric) * 1000.0);
}

std::uint32_t replicas_of(double want) {
    return static_cast<std::uint32_t>(std::min(want, kMaxRecommendation));
}

} // namespace

std::uint32_t Autoscaler::utilization_replicas(Decision& d, const HpaReading& r) const {
    const std::uint32_t current = d.current_replicas;
    if (r.ready == 0) { // "did not receive metrics for any ready pods"
        d.reason = Reason::MetricUnavailable;
        return current;
    }
    // GetResourceUtilizationRatio: the summed usage over the summed requests, a whole
    // percentage by integer division.
    constexpr std::int64_t kRequestMilli = 1000;
    const std::int64_t usage_milli = milli(r.value * static_cast<double>(r.ready));
    const auto percent = [&](std::uint64_t pods) {
        return usage_milli * 100 / (kRequestMilli * static_cast<std::int64_t>(pods));
    };
    const std::int64_t target_percent =
        std::max<std::int64_t>(1, std::llround(params_.target * 100.0));
    const std::int64_t utilization = percent(r.ready);
    const double ratio = static_cast<double>(utilization) / static_cast<double>(target_percent);
    d.metric_value = static_cast<double>(utilization) / 100.0;
    d.reason = ratio > 1.0 ? Reason::MetricAboveTarget : Reason::MetricBelowTarget;

    const bool rebalance_unready = r.unready > 0 && ratio > 1.0;
    if (!rebalance_unready) {
        if (std::fabs(1.0 - ratio) <= params_.tolerance) {
            d.reason = Reason::WithinTolerance;
            return current;
        }
        return replicas_of(std::ceil(ratio * static_cast<double>(r.ready)));
    }
    // Unready replicas count as using nothing on a scale-up.
    const std::uint64_t all = std::uint64_t{r.ready} + r.unready;
    const double new_ratio =
        static_cast<double>(percent(all)) / static_cast<double>(target_percent);
    if (std::fabs(1.0 - new_ratio) <= params_.tolerance) {
        d.reason = Reason::WithinTolerance;
        return current;
    }
    if (new_ratio < 1.0) { // the scale-up would turn into a scale-down
        d.reason = Reason::StartingReplicas;
        return current;
    }
    const std::uint32_t want = replicas_of(std::ceil(new_ratio * static_cast<double>(all)));
    if (want < current) {
        d.reason = Reason::StartingReplicas;
        return current;
    }
    return want;
}

std::uint32_t Autoscaler::average_value_replicas(Decision& d, const HpaReading& r) const {
    const std::uint32_t current = d.current_replicas;
    const std::int64_t total_milli = milli(r.value);
    const std::int64_t target_milli = std::max<std::int64_t>(1, milli(params_.target));
    const double ratio = static_cast<double>(total_milli) /
                         (static_cast<double>(target_milli) * static_cast<double>(current));
    d.metric_value = static_cast<double>((total_milli + current - 1) / current) / 1000.0;
    if (std::fabs(1.0 - ratio) <= params_.tolerance) {
        d.reason = Reason::WithinTolerance;
        return current;
    }
    d.reason = ratio > 1.0 ? Reason::MetricAboveTarget : Reason::MetricBelowTarget;
    return replicas_of(static_cast<double>((total_milli + target_milli - 1) / target_milli));
}

void Autoscaler::decide_threshold(Decision& d) {
    const ThresholdParams& t = params_.thresholds;
    const std::int64_t current = d.current_replicas;
    std::int64_t want = current;
    if (d.metric_value > t.scale_up_threshold) {
        d.reason = Reason::AboveUpThreshold;
        want = current + t.scale_up_step;
    } else if (d.metric_value < t.scale_down_threshold) {
        d.reason = Reason::BelowDownThreshold;
        want = current - t.scale_down_step;
    } else {
        d.reason = Reason::BetweenThresholds;
    }
    d.recommendation = d.stabilized = to_replicas(want);
    std::int64_t desired = want;
    if (want != current && scaled_before_ && d.at < last_scaling_ + t.cooldown) {
        desired = current;
        d.limit = Limit::Cooldown;
    } else if (want > params_.max_replicas) {
        desired = params_.max_replicas;
        d.limit = Limit::TooManyReplicas;
    } else if (want < params_.min_replicas) {
        desired = params_.min_replicas;
        d.limit = Limit::TooFewReplicas;
    }
    d.desired_replicas = to_replicas(desired);
}

std::uint32_t Autoscaler::stabilize(SimTime now, std::uint32_t current,
                                    std::uint32_t recommendation) {
    // Kubernetes' stabilizeRecommendationWithBehaviors: the lowest recommendation of the
    // scale-up window and the highest of the scale-down window bound the current count.
    const SimTime up_cutoff = now - params_.scale_up.stabilization_window;
    const SimTime down_cutoff = now - params_.scale_down.stabilization_window;
    std::uint32_t up = recommendation;
    std::uint32_t down = recommendation;
    for (std::size_t i = 0; i < recommendations_.size(); ++i) {
        const Sample& s = recommendations_[i];
        if (s.at > up_cutoff) up = std::min(up, s.replicas);
        if (s.at > down_cutoff) down = std::max(down, s.replicas);
    }
    recommendations_.push({now, recommendation});
    return std::min(std::max(current, up), down);
}

void Autoscaler::limit_rate(Decision& d) const {
    // Kubernetes' convertDesiredReplicasWithBehaviorRate.
    const std::int64_t current = d.current_replicas;
    const std::int64_t want = d.stabilized;
    std::int64_t desired = want;
    if (want > current) {
        const std::int64_t rate_limit = std::max(scale_up_limit(d.at, d.current_replicas), current);
        std::int64_t allowed = params_.max_replicas;
        Limit why = Limit::TooManyReplicas;
        if (allowed > rate_limit) {
            allowed = rate_limit;
            why = Limit::ScaleUpLimit;
        }
        if (want > allowed) {
            desired = allowed;
            d.limit = why;
        }
    } else if (want < current) {
        const std::int64_t rate_limit =
            std::min(scale_down_limit(d.at, d.current_replicas), current);
        std::int64_t allowed = params_.min_replicas;
        Limit why = Limit::TooFewReplicas;
        if (allowed < rate_limit) {
            allowed = rate_limit;
            why = Limit::ScaleDownLimit;
        }
        if (want < allowed) {
            desired = allowed;
            d.limit = why;
        }
    }
    d.desired_replicas = to_replicas(desired);
}

std::int64_t Autoscaler::period_start_replicas(SimTime now, SimTime period,
                                               std::uint32_t current) const {
    // The count at the start of the period: undo the scalings strictly younger than it.
    const SimTime cutoff = now - period;
    std::int64_t start = current;
    for (std::size_t i = 0; i < scale_ups_.size(); ++i)
        if (scale_ups_[i].at > cutoff) start -= scale_ups_[i].replicas;
    for (std::size_t i = 0; i < scale_downs_.size(); ++i)
        if (scale_downs_[i].at > cutoff) start += scale_downs_[i].replicas;
    return start;
}

std::int64_t Autoscaler::scale_up_limit(SimTime now, std::uint32_t current) const {
    const ScalingRules& r = params_.scale_up;
    if (r.select_policy == SelectPolicy::Disabled) return current;
    const bool pick_min = r.select_policy == SelectPolicy::Min;
    std::int64_t result = pick_min ? std::numeric_limits<std::int64_t>::max()
                                   : std::numeric_limits<std::int64_t>::min();
    for (const ScalingPolicy& p : r.policies) {
        const std::int64_t start = period_start_replicas(now, p.period, current);
        // Kubernetes rounds a percentage up, so that a small count can still grow.
        const std::int64_t proposed =
            p.type == ScalingPolicyType::Pods
                ? start + p.value
                : static_cast<std::int64_t>(std::ceil(
                      static_cast<double>(start) * (1.0 + static_cast<double>(p.value) / 100.0)));
        result = pick_min ? std::min(result, proposed) : std::max(result, proposed);
    }
    return result;
}

std::int64_t Autoscaler::scale_down_limit(SimTime now, std::uint32_t current) const {
    const ScalingRules& r = params_.scale_down;
    if (r.select_policy == SelectPolicy::Disabled) return current;
    // For a scale-down the smallest change is the highest count: Min picks the max.
    const bool pick_highest = r.select_policy == SelectPolicy::Min;
    std::int64_t result = pick_highest ? std::numeric_limits<std::int64_t>::min()
                                       : std::numeric_limits<std::int64_t>::max();
    for (const ScalingPolicy& p : r.policies) {
        const std::int64_t start = period_start_replicas(now, p.period, current);
        // Kubernetes truncates (int32 conversion), which rounds the removed share up.
        const std::int64_t proposed =
            p.type == ScalingPolicyType::Pods
                ? start - p.value
                : static_cast<std::int64_t>(static_cast<double>(start) *
                                            (1.0 - static_cast<double>(p.value) / 100.0));
        result = pick_highest ? std::max(result, proposed) : std::min(result, proposed);
    }
    return result;
}

void Autoscaler::record_scaling(const Decision& d) {
    if (d.desired_replicas > d.current_replicas) {
        ++counters_.scale_ups;
        scale_ups_.push({d.at, d.desired_replicas - d.current_replicas});
    } else {
        ++counters_.scale_downs;
        scale_downs_.push({d.at, d.current_replicas - d.desired_replicas});
    }
    last_scaling_ = d.at;
    scaled_before_ = true;
}

std::string_view to_string(Autoscaler::Reason reason) {
    return name_of(reason);
}

std::string_view to_string(Autoscaler::Limit limit) {
    return name_of(limit);
}

} // namespace tpssim::models
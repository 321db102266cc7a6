#pragma once
/// Horizontal autoscaling decisions, in simulated time: the Kubernetes HorizontalPodAutoscaler
/// (autoscaling/v2 with `behavior`) and the seed's simple threshold form.
///
/// HPA: it follows kube-controller-manager's `HorizontalController` rule for rule
/// (`reconcileAutoscaler`, `stabilizeRecommendationWithBehaviors`,
/// `convertDesiredReplicasWithBehaviorRate`, `calculateScale{Up,Down}Limit...`):
/// - A replica count of 0 disables autoscaling; a count above max (below min) is set to max
///   (min) without reading the metric.
/// - Otherwise the recommendation is the replica calculator's (`GetResourceReplicas`,
///   `GetExternalPerPodMetricReplicas`) in Kubernetes' integer units: ceil(ready x ratio), or
///   the current count when |ratio - 1| <= tolerance, with replicas still starting counted as
///   using nothing on a scale-up (see `decide`).
/// - Stabilisation: the recommendation used is the current count brought within
///   [min of the recommendations of the scale-up window, max of those of the scale-down window],
///   both windows including this one and counting recommendations strictly younger than the
///   window. The very first decision also sees the replica count it started from, recorded as a
///   recommendation at that instant (Kubernetes' `recordInitialRecommendation`), so with the
///   default 300 s scale-down window nothing scales down in the first five minutes.
/// - Rate policies: for a scale-up, each policy allows `Pods` (+value) or `Percent`
///   (ceil(x (1 + value/100))) over the replica count at the start of its period (current minus
///   the replicas added plus those removed by the scalings of the last `period`); selectPolicy
///   Max takes the largest allowance, Min the smallest, Disabled forbids the direction. A
///   scale-down mirrors it (`Percent` truncates: floor(x (1 - value/100))). Then min/max clamp.
/// The defaults are Kubernetes': tolerance 10%, sync period 15 s, scale-up without a window and
/// by max(100%, 4 pods) per 15 s, scale-down with a 300 s window and by 100% per 15 s.
///
/// Threshold (the seed's form): above `scale_up_threshold` add `scale_up_step` replicas, below
/// `scale_down_threshold` remove `scale_down_step`, never within `cooldown` of the last scaling,
/// then clamp to [min, max].
///
/// The caller calls `decide` every sync period with the replica count it asked for last (ready
/// or still starting, as Kubernetes' `scale.spec.replicas`) and the reading (HpaReading), or
/// the metric averaged over the replicas; it applies the returned count and logs the returned
/// Decision. The autoscaler keeps only what its windows need: the recommendations of the longer
/// stabilisation window and the scalings of the longest policy period, dropped as they age out.

#include "models/enum_names.hpp"
#include "sim/sim_time.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tpssim::models {

using sim::SimTime;

/// Which decision rule an autoscaler follows.
enum class AutoscalerAlgorithm : std::uint8_t {
    Hpa,       ///< Kubernetes' HorizontalPodAutoscaler
    Threshold, ///< scale by a step above/below utilisation thresholds, with a cooldown
};

/// How a rate policy measures a change (Kubernetes `HPAScalingPolicyType`).
enum class ScalingPolicyType : std::uint8_t {
    Pods,    ///< at most `value` replicas per period
    Percent, ///< at most `value` percent of the replicas at the period's start
};

/// The names of ScalingPolicyType in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<ScalingPolicyType>, 2> kScalingPolicyTypeNames{{
    {ScalingPolicyType::Pods, "pods"},
    {ScalingPolicyType::Percent, "percent"},
}};
static_assert(is_dense_table(kScalingPolicyTypeNames));
constexpr std::span<const EnumName<ScalingPolicyType>> enum_names(ScalingPolicyType) {
    return kScalingPolicyTypeNames;
}

/// One rate policy (Kubernetes `HPAScalingPolicy`).
struct ScalingPolicy {
    ScalingPolicyType type = ScalingPolicyType::Percent; ///< Pods or Percent
    std::uint32_t value = 100;                           ///< > 0
    SimTime period = SimTime::from_s(15);                ///< in (0, 30 min]
};

/// Which policy wins when several apply (Kubernetes `ScalingPolicySelect`).
enum class SelectPolicy : std::uint8_t {
    Max,      ///< the policy allowing the largest change
    Min,      ///< the policy allowing the smallest change
    Disabled, ///< no scaling in this direction
};

/// The names of SelectPolicy in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<SelectPolicy>, 3> kSelectPolicyNames{{
    {SelectPolicy::Max, "max"},
    {SelectPolicy::Min, "min"},
    {SelectPolicy::Disabled, "disabled"},
}};
static_assert(is_dense_table(kSelectPolicyNames));
constexpr std::span<const EnumName<SelectPolicy>> enum_names(SelectPolicy) {
    return kSelectPolicyNames;
}

/// One direction's behaviour (Kubernetes `HPAScalingRules`).
struct ScalingRules {
    /// Recommendations younger than this are taken into account; in [0, 1 h].
    SimTime stabilization_window = SimTime::zero();
    /// Max, Min or Disabled.
    SelectPolicy select_policy = SelectPolicy::Max;
    /// At least one unless Disabled.
    std::vector<ScalingPolicy> policies;

    /// Kubernetes' scale-up default: no window; max(100%, 4 pods) per 15 s.
    static ScalingRules default_scale_up();
    /// Kubernetes' scale-down default: a 300 s window; 100% per 15 s.
    static ScalingRules default_scale_down();
};

/// The seed's threshold form. Utilisations are fractions (the scenario's `80%` is 0.8).
struct ThresholdParams {
    /// Scale up when the metric is strictly above this; > scale_down_threshold.
    double scale_up_threshold = 0.8;
    /// Scale down when the metric is strictly below this; >= 0.
    double scale_down_threshold = 0.2;
    /// Replicas added by one scale-up; >= 1.
    std::uint32_t scale_up_step = 1;
    /// Replicas removed by one scale-down; >= 1.
    std::uint32_t scale_down_step = 1;
    /// No scaling until this long after the last one (AWS EC2 Auto Scaling's default 300 s).
    SimTime cooldown = SimTime::from_s(300);
};

/// What an HPA target is (Kubernetes `MetricTarget.type`).
enum class HpaTargetType : std::uint8_t {
    /// `averageUtilization`: a whole percentage of the replicas' requests (a resource metric:
    /// each replica requests one core, its usage is its busy share of it).
    Utilization,
    /// `averageValue` of an external metric (the queue's waiting items per replica).
    AverageValue,
};

/// What the HPA reads at one sync period: the inputs of Kubernetes' replica calculator.
struct HpaReading {
    /// Utilization: the ready replicas' mean busy share over the period (a fraction of their
    /// request); AverageValue: the metric's total (the waiting items), which Kubernetes
    /// divides by the replica count. NaN or negative: no metric.
    double value = 0.0;
    std::uint32_t ready = 0;   ///< replicas that report a metric (ready)
    std::uint32_t unready = 0; ///< replicas asked for that do not report yet (starting, down)
};

/// An autoscaler's configuration, with Kubernetes' names and defaults.
struct AutoscalerParams {
    /// HPA or threshold.
    AutoscalerAlgorithm algorithm = AutoscalerAlgorithm::Hpa;
    /// Kubernetes `minReplicas` (default 1); >= 1.
    std::uint32_t min_replicas = 1;
    /// Kubernetes `maxReplicas` (required there; the scenario layer should require it); >= min.
    std::uint32_t max_replicas = 10;
    /// How often the caller decides (`--horizontal-pod-autoscaler-sync-period`); > 0.
    SimTime sync_period = SimTime::from_s(15);
    /// HPA: the target metric value (`averageUtilization` 70% is 0.7, or an average value);
    /// > 0. (`kubectl autoscale` defaults to 80% CPU.) Kubernetes' integer units apply: a
    /// utilisation target is a whole percentage, an average value a whole number of milli-units
    /// (it is rounded to them).
    double target = 0.8;
    /// HPA: what `target` is.
    HpaTargetType target_type = HpaTargetType::Utilization;
    /// HPA: no scaling while |metric / target - 1| <= this (`--horizontal-pod-autoscaler-
    /// tolerance`); >= 0.
    double tolerance = 0.1;
    /// HPA `behavior.scaleUp`.
    ScalingRules scale_up = ScalingRules::default_scale_up();
    /// HPA `behavior.scaleDown`.
    ScalingRules scale_down = ScalingRules::default_scale_down();
    /// The threshold form's settings.
    ThresholdParams thresholds;

    /// Throws std::invalid_argument naming the first field out of range.
    void validate() const;
};

/// One autoscaler: its validated parameters, the recommendations and scalings its windows need,
/// its counters.
class Autoscaler {
public:
    /// What drove a decision.
    enum class Reason : std::uint8_t {
        MetricAboveTarget,  ///< HPA: ratio above 1 + tolerance
        MetricBelowTarget,  ///< HPA: ratio below 1 - tolerance
        WithinTolerance,    ///< HPA: ratio within the tolerance: recommend the current count
        AboveUpThreshold,   ///< threshold form: metric > scale_up_threshold
        BelowDownThreshold, ///< threshold form: metric < scale_down_threshold
        BetweenThresholds,  ///< threshold form: neither
        AboveMaxReplicas,   ///< the current count exceeds max: set to max, metric unread
        BelowMinReplicas,   ///< the current count is below min: set to min, metric unread
        ScalingDisabled,    ///< the current count is 0: autoscaling disabled (Kubernetes)
        MetricUnavailable,  ///< the metric is NaN or negative, or no replica is ready
        /// HPA: counting the replicas still starting as idle would reverse the direction of a
        /// scale-up: keep the count (Kubernetes' replica calculator)
        StartingReplicas,
    };

    /// What held the desired count back from the (stabilised) recommendation (Kubernetes'
    /// `ScalingLimited` condition reasons, plus the threshold form's cooldown).
    enum class Limit : std::uint8_t {
        None,            ///< nothing: desired == stabilised recommendation
        ScaleUpLimit,    ///< a scale-up rate policy (or scale-up Disabled)
        ScaleDownLimit,  ///< a scale-down rate policy (or scale-down Disabled)
        TooManyReplicas, ///< max_replicas
        TooFewReplicas,  ///< min_replicas
        Cooldown,        ///< threshold form: within the cooldown of the last scaling
    };

    /// One decision, as the caller logs it.
    struct Decision {
        SimTime at;                              ///< when it was made
        std::uint32_t current_replicas = 0;      ///< the count it started from
        double metric_value = 0.0;               ///< the metric it read
        std::uint32_t recommendation = 0;        ///< raw: before stabilisation, policies, min/max
        std::uint32_t stabilized = 0;            ///< after the stabilisation windows
        std::uint32_t desired_replicas = 0;      ///< the count to run: after policies and min/max
        Reason reason = Reason::WithinTolerance; ///< what drove it
        Limit limit = Limit::None;               ///< what held it back, if anything

        /// Whether a stabilisation window changed the recommendation.
        bool stabilization_applied() const { return stabilized != recommendation; }
        /// Whether the replica count changes.
        bool scales() const { return desired_replicas != current_replicas; }
    };

    /// Totals since construction or the last `restart_statistics`.
    struct Counters {
        std::uint64_t decisions = 0;   ///< decide calls
        std::uint64_t scale_ups = 0;   ///< decisions that add replicas
        std::uint64_t scale_downs = 0; ///< decisions that remove replicas
        std::uint64_t stabilized = 0;  ///< decisions a stabilisation window changed
        std::uint64_t limited = 0;     ///< decisions with a Limit other than None
    };

    /// Validates `params` (std::invalid_argument) and sizes the history once for one
    /// recommendation per sync period.
    explicit Autoscaler(const AutoscalerParams& params);

    /// Decides the replica count at `now` (non-decreasing between calls) from the current
    /// count (asked for: ready or not) and the reading. Records what later decisions need and
    /// returns the decision for the caller to apply and log.
    ///
    /// HPA: as Kubernetes' replica calculator, in its integer units. Utilization: the ready
    /// replicas' usage in milli-cores over their requests (1000m each) as a whole percentage
    /// (truncated), ratio = percentage / target percentage; within tolerance nothing changes,
    /// else ceil(ratio x ready). With replicas still starting and a ratio above 1, they count
    /// as using nothing: the ratio is taken again over all, and a change that this brings
    /// within tolerance or turns into a scale-down keeps the count (`GetResourceReplicas`).
    /// AverageValue: total and target in milli-units, ratio = total / (target x current);
    /// outside tolerance, ceil(total / target) (`GetExternalPerPodMetricReplicas`). The
    /// decision's metric_value is what Kubernetes reports: the whole percentage as a fraction,
    /// or the average per replica rounded up to a milli-unit.
    /// Threshold form: the reading's value is the metric (a utilisation or items per replica).
    Decision decide(SimTime now, std::uint32_t current_replicas, const HpaReading& reading);
    /// The same with every replica ready and `metric_value` per replica (Utilization: their
    /// mean utilisation; AverageValue: the average, so the total is metric x current).
    Decision decide(SimTime now, std::uint32_t current_replicas, double metric_value);

    /// Counters since construction or the last restart.
    const Counters& counters() const { return counters_; }
    /// End of warm-up: forget the counters, keep the history (it shapes later decisions).
    void restart_statistics() { counters_ = {}; }
    /// Recommendations held for the stabilisation windows (bounded by what they span).
    std::size_t recommendations_held() const { return recommendations_.size(); }
    /// Scalings held for the rate policies (bounded by the longest policy period).
    std::size_t scale_events_held() const { return scale_ups_.size() + scale_downs_.size(); }
    /// The validated parameters.
    const AutoscalerParams& params() const { return params_; }

private:
    struct Sample {
        SimTime at;
        std::uint32_t replicas; // a recommendation, or the replicas a scaling added/removed
    };

    // A FIFO of samples in time order with indexed access: pushed at the back, aged out at the
    // front. A ring over a vector sized once for the expected span; it doubles only if calls
    // come faster than that, so a run's steady state allocates nothing.
    class History {
    public:
        explicit History(std::size_t capacity);
        void push(Sample s);
        void drop_up_to(SimTime cutoff); // drops samples with at <= cutoff
        std::size_t size() const { return size_; }
        const Sample& operator[](std::size_t i) const { return buf_[(head_ + i) % buf_.size()]; }

    private:
        std::vector<Sample> buf_;
        std::size_t head_ = 0;
        std::size_t size_ = 0;
    };

    void decide_hpa(Decision& d, const HpaReading& reading);
    std::uint32_t utilization_replicas(Decision& d, const HpaReading& reading) const;
    std::uint32_t average_value_replicas(Decision& d, const HpaReading& reading) const;
    void decide_threshold(Decision& d);
    std::uint32_t stabilize(SimTime now, std::uint32_t current, std::uint32_t recommendation);
    void limit_rate(Decision& d) const;
    std::int64_t scale_up_limit(SimTime now, std::uint32_t current) const;
    std::int64_t scale_down_limit(SimTime now, std::uint32_t current) const;
    std::int64_t period_start_replicas(SimTime now, SimTime period, std::uint32_t current) const;
    void record_scaling(const Decision& d);

    AutoscalerParams params_;
    SimTime longest_window_;
    SimTime longest_period_;
    History recommendations_;
    History scale_ups_;
    History scale_downs_;
    bool started_ = false;
    SimTime last_decision_ = SimTime::zero();
    SimTime last_scaling_ = SimTime::zero();
    bool scaled_before_ = false;
    Counters counters_;
};

/// The names of Autoscaler::Reason in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<Autoscaler::Reason>, 11> kAutoscalerReasonNames{{
    {Autoscaler::Reason::MetricAboveTarget, "metric_above_target"},
    {Autoscaler::Reason::MetricBelowTarget, "metric_below_target"},
    {Autoscaler::Reason::WithinTolerance, "within_tolerance"},
    {Autoscaler::Reason::AboveUpThreshold, "above_up_threshold"},
    {Autoscaler::Reason::BelowDownThreshold, "below_down_threshold"},
    {Autoscaler::Reason::BetweenThresholds, "between_thresholds"},
    {Autoscaler::Reason::AboveMaxReplicas, "above_max_replicas"},
    {Autoscaler::Reason::BelowMinReplicas, "below_min_replicas"},
    {Autoscaler::Reason::ScalingDisabled, "scaling_disabled"},
    {Autoscaler::Reason::MetricUnavailable, "metric_unavailable"},
    {Autoscaler::Reason::StartingReplicas, "starting_replicas"},
}};
static_assert(is_dense_table(kAutoscalerReasonNames));
constexpr std::span<const EnumName<Autoscaler::Reason>> enum_names(Autoscaler::Reason) {
    return kAutoscalerReasonNames;
}

/// The names of Autoscaler::Limit in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<Autoscaler::Limit>, 6> kAutoscalerLimitNames{{
    {Autoscaler::Limit::None, "none"},
    {Autoscaler::Limit::ScaleUpLimit, "scale_up_limit"},
    {Autoscaler::Limit::ScaleDownLimit, "scale_down_limit"},
    {Autoscaler::Limit::TooManyReplicas, "too_many_replicas"},
    {Autoscaler::Limit::TooFewReplicas, "too_few_replicas"},
    {Autoscaler::Limit::Cooldown, "cooldown"},
}};
static_assert(is_dense_table(kAutoscalerLimitNames));
constexpr std::span<const EnumName<Autoscaler::Limit>> enum_names(Autoscaler::Limit) {
    return kAutoscalerLimitNames;
}

/// "metric_above_target", "within_tolerance", "above_up_threshold", ... (for event logs).
std::string_view to_string(Autoscaler::Reason reason);
/// "none", "scale_up_limit", "too_many_replicas", "cooldown", ... (for event logs).
std::string_view to_string(Autoscaler::Limit limit);

} // namespace tpssim::models
// The operations reader's section for a service's autoscaler (rules, policies, thresholds),
// startup, resources and health check (see operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

void Reader::read_service_ops(const ServiceOpsValues& v, models::ServiceOpsParams& ops,
                              const models::ServiceParams& service) {
    if (v.autoscaler) read_autoscaler(*v.autoscaler, ops);
    if (v.startup) {
        const bool twice =
            v.autoscaler && v.autoscaler->node.IsMap() && v.autoscaler->node["startup"].IsDefined();
        if (twice)
            sink_.error(v.startup->mark, v.startup->path,
                        "startup is given twice: here and in autoscaler.startup; keep one");
        else if (const auto t = duration_between(sink_, *v.startup, SimTime::zero(), kMaxDuration))
            ops.startup = *t;
    }
    if (v.resources) kResources.read_into(sink_, *v.resources, ops.resources);
    if (v.health_check) {
        if (auto h = kHealthCheck.read(sink_, *v.health_check)) ops.health_check = *h;
    }
    if (v.placement) {
        auto p = kPlacement.read(sink_, *v.placement);
        if (p && service.workers > p->capacity())
            // Kubernetes would leave the surplus pending from the start: a file that asks for
            // more than its cluster holds is more likely a mistake.
            sink_.error(v.placement->mark, v.placement->path,
                        fmt::format("{} nodes x {} replicas per node hold {} replicas, fewer than "
                                    "the service's workers ({}); add nodes or ask for fewer "
                                    "workers",
                                    p->nodes, p->replicas_per_node, p->capacity(),
                                    service.workers));
        else if (p)
            ops.placement = *p;
    }
}

namespace {

/// A policy's `value`: how it reads depends on its `type`, so it is read only when the type
/// was right.
bool read_policy_value(DiagnosticSink& sink, const Value& value, models::ScalingPolicy& policy,
                       const NoContext&, const KeysRead& keys) {
    if (keys.wrong("type")) return false;
    if (policy.type == models::ScalingPolicyType::Percent && value.node.IsScalar() &&
        value.node.Scalar().ends_with('%')) {
        const auto r = parse_ratio(value.node.Scalar(), kMaxPercentPolicy / 100.0);
        const double* x = std::get_if<double>(&r);
        const double percent = x ? std::round(*x * 100.0) : 0.0;
        if (x == nullptr || percent < 1.0 || std::abs(*x * 100.0 - percent) > 1e-9) {
            sink.error(value.mark, value.path,
                       expected_got("a whole percentage >= 1%, e.g. 100%", value.node));
            return false;
        }
        policy.value = static_cast<std::uint32_t>(percent);
        return true;
    }
    const auto n = read_integer(sink, value, 1,
                                policy.type == models::ScalingPolicyType::Pods ? kMaxReplicas
                                                                               : kMaxPercentPolicy);
    if (!n) return false;
    policy.value = static_cast<std::uint32_t>(*n);
    return true;
}

/// One rate policy of a direction's rules.
const KeyTable<models::ScalingPolicy> kPolicy =
    KeyTable<models::ScalingPolicy>("a policy, e.g. {type: percent, value: 100%, period: 15s}")
        .required("type", "pods or percent", &models::ScalingPolicy::type,
                  enum_choice<models::ScalingPolicyType>())
        .custom_required("value", "the change allowed per period, e.g. 4 (pods) or 100% (percent)",
                         read_policy_value)
        .optional("period", &models::ScalingPolicy::period,
                  duration_in(SimTime::from_ns(1), SimTime::from_s(1800)));

} // namespace

const KeyTable<models::HealthCheckParams> kHealthCheck =
    KeyTable<models::HealthCheckParams>(
        "health check settings, e.g. {period: 10s, failure_threshold: 3}")
        .optional("period", &models::HealthCheckParams::period, positive_duration())
        .optional("failure_threshold", &models::HealthCheckParams::failure_threshold,
                  integer(1, kMaxThreshold));

const KeyTable<models::PlacementParams> kPlacement =
    KeyTable<models::PlacementParams>("a placement, e.g. {nodes: 4, replicas_per_node: 2}")
        .required("nodes", "the cluster's nodes, e.g. nodes: 4", &models::PlacementParams::nodes,
                  integer(1, 100'000, "the limit on a cluster's nodes"))
        .required("replicas_per_node", "the replicas a node has room for, e.g. 2",
                  &models::PlacementParams::replicas_per_node,
                  integer(1, 10'000, "the limit on replicas per node"));

namespace {

/// A threshold level: a utilisation (a ratio), or waiting items per replica.
std::optional<double> read_level(DiagnosticSink& sink, const Value& x, const ThresholdContext& c) {
    return c.by_queue ? read_number_at_least(sink, x, 0.0, kMaxQueueTarget,
                                             "the limit on waiting items per replica")
                      : read_ratio(sink, x, false);
}

/// up above down, reported at up when it was given (else at down).
bool check_levels(DiagnosticSink& sink, const KeysRead& keys, models::ThresholdParams& t,
                  const ThresholdContext& c) {
    if (t.scale_up_threshold > t.scale_down_threshold) return true;
    const bool up = keys.read_ok("up");
    const auto at = up ? keys.get("up") : keys.get("down");
    const auto& shown = up ? t.scale_down_threshold : t.scale_up_threshold;
    const auto fmt_level = [&](double x) {
        return c.by_queue ? fmt::format("{:g}", x) : fmt::format("{:g}%", x * 100.0);
    };
    sink.error(at->mark, at->path,
               up ? expected_got(fmt::format("a level above down ({})", fmt_level(shown)), at->node)
                  : expected_got(fmt::format("a level below up ({})", fmt_level(shown)), at->node));
    return false;
}

} // namespace

const KeyTable<models::ThresholdParams, ThresholdContext> kThresholds =
    KeyTable<models::ThresholdParams, ThresholdContext>(
        "thresholds, e.g. {up: 80%, down: 20%, cooldown: 2m, step_up: 1, step_down: 1}")
        .optional("up", &models::ThresholdParams::scale_up_threshold, read_level)
        .optional("down", &models::ThresholdParams::scale_down_threshold, read_level)
        .check(check_levels)
        .optional("cooldown", &models::ThresholdParams::cooldown,
                  duration_in(SimTime::zero(), kMaxDuration))
        .optional("step_up", &models::ThresholdParams::scale_up_step,
                  integer(1, kMaxReplicas, "the limit on workers per service"))
        .optional("step_down", &models::ThresholdParams::scale_down_step,
                  integer(1, kMaxReplicas, "the limit on workers per service"));

const KeyTable<models::ResourcesParams> kResources =
    KeyTable<models::ResourcesParams>(
        "resources, e.g. {cpu_per_request: 4ms, memory: 512MiB, memory_limit: 2GiB}")
        .optional("cpu_per_request", &models::ResourcesParams::cpu_per_request,
                  duration_in(SimTime::zero(), kMaxDuration))
        .optional("memory", &models::ResourcesParams::memory_bytes, size_bytes(false))
        .optional("memory_limit", &models::ResourcesParams::memory_limit_bytes, size_bytes(true))
        .check_always([](DiagnosticSink& sink, const KeysRead& keys, models::ResourcesParams& r,
                         const NoContext&) {
            if (!keys.read_ok("memory") || !keys.read_ok("memory_limit") ||
                r.memory_limit_bytes > r.memory_bytes)
                return true;
            const auto l = keys.get("memory_limit");
            sink.error(l->mark, l->path,
                       expected_got(fmt::format("a size above memory ({}), or a fresh replica "
                                                "would be killed at once",
                                                keys.get("memory")->node.Scalar()),
                                    l->node));
            return false;
        });

const KeyTable<models::ScalingRules> kRules =
    KeyTable<models::ScalingRules>("scaling rules, e.g. {stabilization_window: 5m, policies: "
                                   "[{type: pods, value: 4, period: 15s}]}")
        .optional("stabilization_window", &models::ScalingRules::stabilization_window,
                  duration_in(SimTime::zero(), SimTime::from_s(3600)))
        .optional("select_policy", &models::ScalingRules::select_policy,
                  enum_choice<models::SelectPolicy>())
        .custom("policies", [](DiagnosticSink& sink, const Value& p, models::ScalingRules& rules,
                               const NoContext& c) {
            const auto items = read_sequence(
                sink, p, "a list of policies, e.g. [{type: pods, value: 4, period: 15s}]");
            if (!items) return false;
            if (items->empty() && rules.select_policy != models::SelectPolicy::Disabled) {
                sink.error(p.mark, p.path,
                           "expected at least one policy, got an empty list (or select_policy: "
                           "disabled)");
                return false;
            }
            auto policies = read_all(sink, *items, kPolicy, c);
            if (policies) rules.policies = std::move(*policies);
            return policies.has_value();
        });

namespace {

using ScalingMetric = models::ServiceOpsParams::ScalingMetric;

/// An autoscaler as read: its parameters, and the service's settings it holds (its metric,
/// its replicas' startup).
struct AutoscalerRead : models::AutoscalerParams {
    ScalingMetric metric = ScalingMetric::Utilization;
    SimTime startup = SimTime::zero();
};

auto replicas() {
    return integer(1, kMaxReplicas, "the limit on workers per service");
}

bool by_queue(const AutoscalerRead& a) {
    return a.metric == ScalingMetric::QueueDepthPerReplica;
}

/// The HPA's target: a whole percentage of utilisation, or waiting items per replica in
/// milli-units, as the metric says.
bool read_target(DiagnosticSink& sink, const Value& target, AutoscalerRead& a, const NoContext&) {
    const auto t = by_queue(a) ? read_number_above(sink, target, 0.0, kMaxQueueTarget,
                                                   "the limit on waiting items per replica")
                               : read_ratio(sink, target, true);
    if (!t) return false;
    if (!by_queue(a) && std::fabs(*t * 100.0 - std::round(*t * 100.0)) > 1e-9) {
        // Kubernetes' averageUtilization is an int32 percentage.
        sink.error(
            target.mark, target.path,
            expected_got("a whole percentage (Kubernetes' averageUtilization)", target.node));
        return false;
    }
    if (by_queue(a) && std::fabs(*t * 1000.0 - std::round(*t * 1000.0)) > 1e-6) {
        // Kubernetes' quantities are whole milli-units.
        sink.error(target.mark, target.path,
                   expected_got("a multiple of 0.001 (Kubernetes' milli-units)", target.node));
        return false;
    }
    a.target = *t;
    return true;
}

/// A target or thresholds read against a metric that could not be read would be wrong twice.
bool metric_known(const KeysRead& keys, const AutoscalerRead&) {
    return !keys.wrong("metric");
}

const KeyTable<AutoscalerRead> kAutoscaler =
    KeyTable<AutoscalerRead>("autoscaler settings, e.g. {min: 2, max: 40, metric: utilization, "
                             "target: 70%}")
        .optional("min", &models::AutoscalerParams::min_replicas, replicas())
        .required("max", "the most replicas the autoscaler may run, e.g. max: 40",
                  &models::AutoscalerParams::max_replicas, replicas())
        .check([](DiagnosticSink& sink, const KeysRead& keys, AutoscalerRead& a, const NoContext&) {
            const auto min = keys.get("min");
            if (!min || a.min_replicas <= a.max_replicas) return true;
            sink.error(
                min->mark, min->path,
                expected_got(fmt::format("an integer <= max ({})", a.max_replicas), min->node));
            return false;
        })
        .optional("metric", &AutoscalerRead::metric, enum_choice<ScalingMetric>())
        .check_always([](DiagnosticSink&, const KeysRead&, AutoscalerRead& a, const NoContext&) {
            a.target_type = by_queue(a) ? models::HpaTargetType::AverageValue
                                        : models::HpaTargetType::Utilization;
            return true;
        })
        .either("target", "thresholds",
                "expected either target (the HPA form) or thresholds (scaling by steps), got "
                "both")
        .custom("target", read_target)
        .when(metric_known)
        .custom(
            "thresholds",
            [](DiagnosticSink& sink, const Value& t, AutoscalerRead& a, const NoContext&) {
                a.algorithm = models::AutoscalerAlgorithm::Threshold;
                return kThresholds.read_into(sink, t, a.thresholds, ThresholdContext{by_queue(a)});
            },
            true)
        .when(metric_known)
        .listed_before("startup")
        .optional("sync_period", &models::AutoscalerParams::sync_period, positive_duration())
        .optional("tolerance", &models::AutoscalerParams::tolerance, ratio(false))
        .nested("scale_up", &models::AutoscalerParams::scale_up, kRules)
        .nested("scale_down", &models::AutoscalerParams::scale_down, kRules)
        .custom(
            "scale_down_stabilization",
            [](DiagnosticSink& sink, const Value& s, AutoscalerRead& a, const NoContext&,
               const KeysRead& keys) {
                const auto down = keys.get("scale_down");
                if (down && down->node.IsMap() && down->node["stabilization_window"].IsDefined()) {
                    sink.error(s.mark, s.path,
                               "the scale-down stabilization window is given twice: here "
                               "and in scale_down.stabilization_window; keep one");
                    return false;
                }
                const auto t = duration_between(sink, s, SimTime::zero(), SimTime::from_s(3600));
                if (t) a.scale_down.stabilization_window = *t;
                return t.has_value();
            })
        .optional("startup", &AutoscalerRead::startup, duration_in(SimTime::zero(), kMaxDuration))
        .finish(
            [](DiagnosticSink& sink, const KeysRead& keys, AutoscalerRead& a, const NoContext&) {
                try {
                    a.validate();
                } catch (const std::invalid_argument& e) {
                    sink.error(keys.self().mark, keys.self().path,
                               fmt::format("invalid settings: {}", e.what()));
                    return false;
                }
                return true;
            });

} // namespace

const KeySchema& kAutoscalerSchema = kAutoscaler;
const KeySchema& kPolicySchema = kPolicy;

void Reader::read_autoscaler(const Value& v, models::ServiceOpsParams& ops) {
    AutoscalerRead a;
    a.metric = ops.scaling_metric;
    a.startup = ops.startup;
    const bool ok = kAutoscaler.read_into(sink_, v, a);
    // The metric and the startup are the service's, kept when read right whatever else.
    ops.scaling_metric = a.metric;
    ops.startup = a.startup;
    if (ok) ops.autoscaler = static_cast<const models::AutoscalerParams&>(a);
}

} // namespace tpssim::scenarios::detail::ops
// The operations reader's section for a service's autoscaler (rules, policies, thresholds),
// startup, resources and health check (see operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

void Reader::read_service_ops(const ServiceOpsValues& v, models::ServiceOpsParams& ops) {
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
}

namespace {

/// One rate policy of a direction's rules; read by hand, since how `value` reads depends on
/// `type` being right.
std::optional<models::ScalingPolicy> read_policy(DiagnosticSink& sink_, const Value& v) {
    MapReader map(sink_, v, "a policy, e.g. {type: percent, value: 100%, period: 15s}",
                  kPolicyKeys);
    if (!map.ok()) return std::nullopt;
    models::ScalingPolicy policy;
    bool ok = true;
    const auto type = map.require("type", "pods or percent");
    if (type) {
        if (const auto k = read_enum<models::ScalingPolicyType>(sink_, *type))
            policy.type = *k;
        else
            ok = false;
    } else {
        ok = false;
    }
    if (const auto value = map.require("value", "the change allowed per period, e.g. 4 "
                                                "(pods) or 100% (percent)")) {
        if (ok && policy.type == models::ScalingPolicyType::Percent && value->node.IsScalar() &&
            value->node.Scalar().ends_with('%')) {
            const auto r = parse_ratio(value->node.Scalar(), kMaxPercentPolicy / 100.0);
            const double* x = std::get_if<double>(&r);
            const double percent = x ? std::round(*x * 100.0) : 0.0;
            if (x == nullptr || percent < 1.0 || std::abs(*x * 100.0 - percent) > 1e-9) {
                sink_.error(value->mark, value->path,
                            expected_got("a whole percentage >= 1%, e.g. 100%", value->node));
                ok = false;
            } else {
                policy.value = static_cast<std::uint32_t>(percent);
            }
        } else if (ok) {
            if (const auto n = read_integer(sink_, *value, 1,
                                            policy.type == models::ScalingPolicyType::Pods
                                                ? kMaxReplicas
                                                : kMaxPercentPolicy))
                policy.value = static_cast<std::uint32_t>(*n);
            else
                ok = false;
        }
    } else {
        ok = false;
    }
    if (const auto p = map.get("period")) {
        if (const auto t = duration_between(sink_, *p, SimTime::from_ns(1), SimTime::from_s(1800)))
            policy.period = *t;
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return policy;
}

} // namespace

const KeyTable<models::HealthCheckParams> kHealthCheck =
    KeyTable<models::HealthCheckParams>(
        "health check settings, e.g. {period: 10s, failure_threshold: 3}")
        .optional("period", &models::HealthCheckParams::period, positive_duration())
        .optional("failure_threshold", &models::HealthCheckParams::failure_threshold,
                  integer(1, kMaxThreshold));

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
                               const NoContext&) {
            const auto items = read_sequence(
                sink, p, "a list of policies, e.g. [{type: pods, value: 4, period: 15s}]");
            if (!items) return false;
            if (items->empty() && rules.select_policy != models::SelectPolicy::Disabled) {
                sink.error(p.mark, p.path,
                           "expected at least one policy, got an empty list (or select_policy: "
                           "disabled)");
                return false;
            }
            rules.policies.clear();
            bool ok = true;
            for (const auto& item : *items) {
                if (auto policy = read_policy(sink, item))
                    rules.policies.push_back(*policy);
                else
                    ok = false;
            }
            return ok;
        });

void Reader::read_autoscaler(const Value& v, models::ServiceOpsParams& ops) {
    MapReader map(sink_, v,
                  "autoscaler settings, e.g. {min: 2, max: 40, metric: utilization, target: "
                  "70%}",
                  kAutoscalerKeys);
    if (!map.ok()) return;
    models::AutoscalerParams a;
    bool ok = true;
    const auto whole = [&](const Value& x) -> std::optional<std::uint32_t> {
        if (const auto n =
                read_integer(sink_, x, 1, kMaxReplicas, "the limit on workers per service"))
            return static_cast<std::uint32_t>(*n);
        ok = false;
        return std::nullopt;
    };
    const auto min = map.get("min");
    std::optional<std::uint32_t> min_n;
    if (min) {
        min_n = whole(*min);
        if (min_n) a.min_replicas = *min_n;
    }
    const auto max = map.require("max", "the most replicas the autoscaler may run, e.g. max: 40");
    std::optional<std::uint32_t> max_n;
    if (max) max_n = whole(*max);
    if (max_n) a.max_replicas = *max_n;
    if (!max) ok = false;
    if (min_n && max_n && *min_n > *max_n) {
        sink_.error(min->mark, min->path,
                    expected_got(fmt::format("an integer <= max ({})", *max_n), min->node));
        ok = false;
    }
    bool metric_known = true;
    if (const auto m = map.get("metric")) {
        if (const auto k = read_enum<models::ServiceOpsParams::ScalingMetric>(sink_, *m))
            ops.scaling_metric = *k;
        else
            ok = metric_known = false;
    }
    const bool by_queue =
        ops.scaling_metric == models::ServiceOpsParams::ScalingMetric::QueueDepthPerReplica;
    a.target_type =
        by_queue ? models::HpaTargetType::AverageValue : models::HpaTargetType::Utilization;
    const auto target = map.get("target");
    const auto thresholds = map.get("thresholds");
    if (target && thresholds) {
        both(sink_, map, "target", "thresholds",
             "expected either target (the HPA form) or thresholds (scaling by steps), got "
             "both");
        ok = false;
    } else if (target && metric_known) {
        const auto t = by_queue ? read_number_above(sink_, *target, 0.0, kMaxQueueTarget,
                                                    "the limit on waiting items per replica")
                                : read_ratio(sink_, *target, true);
        if (t && !by_queue && std::fabs(*t * 100.0 - std::round(*t * 100.0)) > 1e-9) {
            // Kubernetes' averageUtilization is an int32 percentage.
            sink_.error(
                target->mark, target->path,
                expected_got("a whole percentage (Kubernetes' averageUtilization)", target->node));
            ok = false;
        } else if (t && by_queue && std::fabs(*t * 1000.0 - std::round(*t * 1000.0)) > 1e-6) {
            // Kubernetes' quantities are whole milli-units.
            sink_.error(
                target->mark, target->path,
                expected_got("a multiple of 0.001 (Kubernetes' milli-units)", target->node));
            ok = false;
        } else if (t) {
            a.target = *t;
        } else {
            ok = false;
        }
    } else if (thresholds && metric_known) {
        a.algorithm = models::AutoscalerAlgorithm::Threshold;
        ok = kThresholds.read_into(sink_, *thresholds, a.thresholds, ThresholdContext{by_queue}) &&
             ok;
    }
    if (const auto s = map.get("sync_period")) {
        if (const auto t = read_duration(sink_, *s, true))
            a.sync_period = *t;
        else
            ok = false;
    }
    if (const auto t = map.get("tolerance")) {
        if (const auto r = read_ratio(sink_, *t, false))
            a.tolerance = *r;
        else
            ok = false;
    }
    if (const auto up = map.get("scale_up")) ok = kRules.read_into(sink_, *up, a.scale_up) && ok;
    if (const auto down = map.get("scale_down"))
        ok = kRules.read_into(sink_, *down, a.scale_down) && ok;
    if (const auto s = map.get("scale_down_stabilization")) {
        const auto down = map.get("scale_down");
        if (down && down->node.IsMap() && down->node["stabilization_window"].IsDefined()) {
            sink_.error(s->mark, s->path,
                        "the scale-down stabilization window is given twice: here and in "
                        "scale_down.stabilization_window; keep one");
            ok = false;
        } else if (const auto t =
                       duration_between(sink_, *s, SimTime::zero(), SimTime::from_s(3600))) {
            a.scale_down.stabilization_window = *t;
        } else {
            ok = false;
        }
    }
    if (const auto s = map.get("startup")) {
        if (const auto t = duration_between(sink_, *s, SimTime::zero(), kMaxDuration))
            ops.startup = *t;
        else
            ok = false;
    }
    if (!ok) return;
    try {
        a.validate();
    } catch (const std::invalid_argument& e) {
        sink_.error(v.mark, v.path, fmt::format("invalid settings: {}", e.what()));
        return;
    }
    ops.autoscaler = a;
}

} // namespace tpssim::scenarios::detail::ops
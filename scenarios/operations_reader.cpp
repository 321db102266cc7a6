#include "scenarios/operations_reader.hpp"

#include "scenarios/expression_reader.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/step_reader.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace scenarios::detail {

namespace {

using sim::SimTime;
using FaultKind = models::FaultKind;
using TargetKind = models::FaultTarget::Kind;
using ActionKind = models::ActionParams::Kind;

// --- the schema ---------------------------------------------------------------------------
// Every key each map may hold, in the order the documentation lists them.

const std::vector<std::string> kAutoscalerKeys{
    "min",        "max",         "metric",
    "target",     "sync_period", "tolerance",
    "scale_up",   "scale_down",  "scale_down_stabilization",
    "thresholds", "startup"};
// Index order matches models::ServiceOpsParams::ScalingMetric.
const std::vector<std::string> kScalingMetrics{"utilization", "queue_depth"};
const std::vector<std::string> kRulesKeys{"stabilization_window", "select_policy", "policies"};
// Index order matches models::SelectPolicy.
const std::vector<std::string> kSelectPolicies{"max", "min", "disabled"};
const std::vector<std::string> kPolicyKeys{"type", "value", "period"};
// Index order matches models::ScalingPolicyType.
const std::vector<std::string> kPolicyTypes{"pods", "percent"};
const std::vector<std::string> kThresholdKeys{"up", "down", "cooldown", "step_up", "step_down"};
const std::vector<std::string> kResourcesKeys{"cpu_per_request", "memory", "memory_limit"};
const std::vector<std::string> kHealthCheckKeys{"period", "failure_threshold"};
const std::vector<std::string> kDeploymentKeys{"versions", "canary"};
const std::vector<std::string> kVersionKeys{"work_factor", "errors", "memory_leak"};
const std::vector<std::string> kCanaryKeys{"version",    "start",     "interval",     "step_weight",
                                           "max_weight", "threshold", "min_requests", "gates"};
const std::vector<std::string> kGateKeys{"success_rate", "p99"};
const std::vector<std::string> kNetworkKeys{"links"};
const std::vector<std::string> kLinkKeys{"between", "bandwidth", "payload"};
const std::vector<std::string> kMonitoringKeys{"scrape_interval"};
const std::vector<std::string> kAlertKeys{"name", "when", "for", "severity"};
const std::vector<std::string> kSeverities{"page", "ticket", "info"};
// Index order matches models::FaultKind.
const std::vector<std::string> kFaultKinds{
    "latency",     "errors",         "crash",        "unhealthy",       "slow_query",
    "memory_leak", "bandwidth_used", "backend_down", "monitoring_down", "autoscaler_broken"};
const std::vector<std::string> kFaultKeys{"name",
                                          "at",
                                          "for",
                                          "until",
                                          "target",
                                          "latency",
                                          "errors",
                                          "crash",
                                          "restart_after",
                                          "unhealthy",
                                          "slow_query",
                                          "memory_leak",
                                          "bandwidth_used",
                                          "backend_down",
                                          "monitoring_down",
                                          "autoscaler_broken"};
const std::vector<std::string> kFaultErrorsKeys{"probability", "ramp"};
const std::vector<std::string> kRampKeys{"from", "to", "step", "every"};
const std::vector<std::string> kUnhealthyKeys{"count", "factor", "errors"};
const std::vector<std::string> kSlowQueryKeys{"fraction", "factor"};
const std::vector<std::string> kLeakKeys{"per_second", "per_request"};
const std::vector<std::string> kActionKinds{"scale",
                                            "set",
                                            "restart",
                                            "replace_unhealthy",
                                            "disable_autoscaler",
                                            "repair_autoscaler",
                                            "rollback",
                                            "stop_fault"};
const std::vector<std::string> kActionKeys{"at",
                                           "on",
                                           "after",
                                           "repeat",
                                           "scale",
                                           "set",
                                           "restart",
                                           "replace_unhealthy",
                                           "disable_autoscaler",
                                           "repair_autoscaler",
                                           "rollback",
                                           "stop_fault",
                                           "to",
                                           "by"};

// --- limits (docs/scenario-format.md#limits) -------------------------------------------------

constexpr std::uint64_t kMaxReplicas = 1'000'000;
constexpr std::uint64_t kMaxThreshold = 1'000'000;
constexpr std::uint64_t kMaxPercentPolicy = 100'000;
constexpr double kMaxFactor = 1000.0;
constexpr double kMaxQueueTarget = 1e9;
constexpr std::uint64_t kMaxMinRequests = 1'000'000'000'000ULL;
constexpr std::uint64_t kMaxQueueCapacity = 1ULL << 40;
/// Monitoring keeps one row per scrape: at most this many over the run.
constexpr std::int64_t kMaxScrapes = 10'000'000;

// --- small readers ----------------------------------------------------------------------------

std::string expected_got(std::string_view expected, const YAML::Node& found) {
    return fmt::format("expected {}, got {}", expected, describe(found));
}

bool contains(const std::vector<std::string>& list, std::string_view key) {
    return std::find(list.begin(), list.end(), key) != list.end();
}

/// A duration in [min, max].
std::optional<SimTime> duration_between(DiagnosticSink& sink, const Value& v, SimTime min,
                                        SimTime max) {
    const auto t = read_duration(sink, v, min > SimTime::zero());
    if (!t) return std::nullopt;
    if (*t < min) {
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("a duration >= {}", format_duration(min)), v.node));
        return std::nullopt;
    }
    if (*t > max) {
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("a duration <= {}", format_duration(max)), v.node));
        return std::nullopt;
    }
    return t;
}

/// A size in bytes (see units.hpp); `positive` requires > 0.
std::optional<double> read_size(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kSizeExpected, v.node));
        return std::nullopt;
    }
    const auto parsed = parse_size_bytes(v.node.Scalar());
    if (const auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, *message);
        return std::nullopt;
    }
    const auto bytes = std::get<std::uint64_t>(parsed);
    if (positive && bytes == 0) {
        sink.error(v.mark, v.path, expected_got("a size > 0", v.node));
        return std::nullopt;
    }
    return static_cast<double>(bytes);
}

/// A data rate in bytes per second (see units.hpp); `positive` requires > 0.
std::optional<double> read_data_rate(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kDataRateExpected, v.node));
        return std::nullopt;
    }
    const auto parsed = parse_data_rate(v.node.Scalar());
    if (const auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, *message);
        return std::nullopt;
    }
    const double rate = std::get<double>(parsed);
    if (positive && rate == 0.0) {
        sink.error(v.mark, v.path, expected_got("a data rate > 0", v.node));
        return std::nullopt;
    }
    return rate;
}

constexpr std::string_view kPerRequestSuffix = "/request";

bool is_per_request(const YAML::Node& node) {
    return node.IsScalar() && std::string_view(node.Scalar()).ends_with(kPerRequestSuffix);
}

/// `10KiB/request` (or, when `bare_ok`, `10KiB`): bytes per request.
std::optional<double> read_per_request(DiagnosticSink& sink, const Value& v, bool bare_ok) {
    if (!v.node.IsScalar() || (!bare_ok && !is_per_request(v.node))) {
        sink.error(v.mark, v.path, expected_got("a size per request, e.g. 10KiB/request", v.node));
        return std::nullopt;
    }
    std::string_view s = v.node.Scalar();
    if (s.ends_with(kPerRequestSuffix)) s.remove_suffix(kPerRequestSuffix.size());
    const auto parsed = parse_size_bytes(s);
    if (std::holds_alternative<std::string>(parsed)) {
        sink.error(v.mark, v.path,
                   expected_got(bare_ok ? "a size (per request), e.g. 10KiB or 10KiB/request"
                                        : "a size per request, e.g. 10KiB/request",
                                v.node));
        return std::nullopt;
    }
    return static_cast<double>(std::get<std::uint64_t>(parsed));
}

/// A whole number, possibly negative, non-zero, of magnitude at most `max`.
std::optional<std::int64_t> read_change(DiagnosticSink& sink, const Value& v, std::int64_t max) {
    const auto bad = [&] {
        sink.error(
            v.mark, v.path,
            expected_got(fmt::format("a non-zero integer from -{} to {}, e.g. 4 or -2", max, max),
                         v.node));
        return std::nullopt;
    };
    if (!v.node.IsScalar() || v.node.Tag() == "!") return bad();
    std::string_view s = v.node.Scalar();
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value == 0 || value > max ||
        value < -max)
        return bad();
    return value;
}

/// `true`; `false` is an error (a fault that does nothing).
bool read_true(DiagnosticSink& sink, const Value& v, std::string_view key) {
    const auto b = read_bool(sink, v);
    if (!b) return false;
    if (!*b) {
        sink.error(v.mark, v.path,
                   fmt::format("expected true ({}: false would do nothing: remove the fault "
                               "instead)",
                               key));
        return false;
    }
    return true;
}

/// Whether the map at `v` has a key outside `allowed` (reported by its MapReader): a check
/// that a required key is missing then stays silent, the unknown key being the likely cause.
bool has_unknown_key(const Value& v, const std::vector<std::string>& allowed) {
    if (!v.node.IsMap()) return false;
    for (auto it = v.node.begin(); it != v.node.end(); ++it)
        if (it->first.IsScalar() && !contains(allowed, it->first.Scalar())) return true;
    return false;
}

/// The entry of `key` in `map` (which has it).
const MapReader::Entry& entry_of(const MapReader& map, std::string_view key) {
    for (const auto& e : map.entries())
        if (e.key == key) return e;
    throw std::logic_error("entry_of: missing key");
}

/// Reports "expected either A or B, got both" at whichever comes second.
void both(DiagnosticSink& sink, const MapReader& map, std::string_view a, std::string_view b,
          std::string_view message) {
    const MapReader::Entry* second = nullptr;
    for (const auto& e : map.entries())
        if (e.key == a || e.key == b) second = &e;
    sink.error(second->key_mark, second->value.path, std::string(message));
}

std::string join_and(const std::vector<std::string>& items) {
    if (items.size() <= 1) return items.empty() ? "" : items[0];
    return fmt::format("{} and {}",
                       text::join(std::span<const std::string>(items).first(items.size() - 1)),
                       items.back());
}

/// Alert names follow Prometheus' (CamelCase is customary): letters, digits, '_' and '-',
/// starting with a letter.
constexpr std::string_view kAlertNameRule =
    "letters, digits, '_' and '-', starting with a letter, at most 63 characters";

bool is_alert_name(std::string_view s) {
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (s.empty() || s.size() > 63 || !letter(s.front())) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string first_line(const YAML::Mark& mark) {
    return mark.is_null() ? std::string("the first is on the command line")
                          : fmt::format("the first is at line {}", mark.line + 1);
}

// --- the reader -----------------------------------------------------------------------------

class Reader {
public:
    Reader(DiagnosticSink& sink, const OperationsContext& c) : sink_(sink), c_(c) {
        scope_.services_known = c.services_known;
        for (const auto& s : c.model.services)
            scope_.services.push_back(s.name);
        scope_.kinds = c.kinds;
        scope_.kinds.resize(scope_.services.size());
        scope_.edges_known = c.services_known && c.calls_resolved;
        if (scope_.edges_known) {
            scope_.edges = models::edge_names(c.model);
            for (const auto& e : scope_.edges) {
                scope_.edge_texts.push_back(
                    models::call_label(c.model.services[e.caller].name, e.key));
                scope_.edge_has_breaker.push_back(c.model.services[e.caller]
                                                      .steps[e.step]
                                                      .calls[e.call]
                                                      .circuit_breaker.has_value());
            }
        }
        scope_.has_autoscaler.assign(scope_.services.size(), false);
        scope_.has_canary.assign(scope_.services.size(), false);
        scope_.start = &c.start;
        out_.services.resize(scope_.services.size());
    }

    models::OperationsParams read(const OperationsValues& v) {
        for (std::size_t i = 0; i < v.services.size() && i < out_.services.size(); ++i)
            read_service_ops(v.services[i], out_.services[i]);
        // A broken autoscaler (reported) still counts as one, so nothing naming it cascades.
        for (std::size_t i = 0; i < out_.services.size(); ++i)
            scope_.has_autoscaler[i] = out_.services[i].autoscaler.has_value() ||
                                       (i < v.services.size() && v.services[i].autoscaler);
        if (v.monitoring) read_monitoring(*v.monitoring);
        scope_.links_known = !v.network || read_network(*v.network);
        if (v.deployments) read_deployments(*v.deployments);
        scope_.alerts_known = !v.alerts || read_alerts(*v.alerts);
        read_chaos(v.chaos, v.command_line_chaos);
        if (v.actions) read_actions(*v.actions);
        if (v.expect) read_expect(*v.expect);
        return std::move(out_);
    }

private:
    // --- services -----------------------------------------------------------------------------

    void read_service_ops(const ServiceOpsValues& v, models::ServiceOpsParams& ops) {
        if (v.autoscaler) read_autoscaler(*v.autoscaler, ops);
        if (v.startup) {
            const bool twice = v.autoscaler && v.autoscaler->node.IsMap() &&
                               v.autoscaler->node["startup"].IsDefined();
            if (twice)
                sink_.error(v.startup->mark, v.startup->path,
                            "startup is given twice: here and in autoscaler.startup; keep one");
            else if (const auto t =
                         duration_between(sink_, *v.startup, SimTime::zero(), kMaxDuration))
                ops.startup = *t;
        }
        if (v.resources) read_resources(*v.resources, ops.resources);
        if (v.health_check) {
            MapReader map(sink_, *v.health_check,
                          "health check settings, e.g. {period: 10s, failure_threshold: 3}",
                          kHealthCheckKeys);
            if (map.ok()) {
                models::HealthCheckParams h;
                bool ok = true;
                if (const auto p = map.get("period")) {
                    if (const auto t = read_duration(sink_, *p, true))
                        h.period = *t;
                    else
                        ok = false;
                }
                if (const auto f = map.get("failure_threshold")) {
                    if (const auto n = read_integer(sink_, *f, 1, kMaxThreshold))
                        h.failure_threshold = static_cast<std::uint32_t>(*n);
                    else
                        ok = false;
                }
                if (ok) ops.health_check = h;
            }
        }
    }

    bool read_rules(const Value& v, models::ScalingRules& rules) {
        MapReader map(sink_, v,
                      "scaling rules, e.g. {stabilization_window: 5m, policies: [{type: pods, "
                      "value: 4, period: 15s}]}",
                      kRulesKeys);
        if (!map.ok()) return false;
        bool ok = true;
        if (const auto w = map.get("stabilization_window")) {
            if (const auto t = duration_between(sink_, *w, SimTime::zero(), SimTime::from_s(3600)))
                rules.stabilization_window = *t;
            else
                ok = false;
        }
        if (const auto s = map.get("select_policy")) {
            if (const auto k = read_choice(sink_, *s, kSelectPolicies))
                rules.select_policy = static_cast<models::SelectPolicy>(*k);
            else
                ok = false;
        }
        if (const auto p = map.get("policies")) {
            const auto items = read_sequence(
                sink_, *p, "a list of policies, e.g. [{type: pods, value: 4, period: 15s}]");
            if (!items) return false;
            if (items->empty() && rules.select_policy != models::SelectPolicy::Disabled) {
                sink_.error(p->mark, p->path,
                            "expected at least one policy, got an empty list (or select_policy: "
                            "disabled)");
                return false;
            }
            rules.policies.clear();
            for (const auto& item : *items) {
                if (auto policy = read_policy(item))
                    rules.policies.push_back(*policy);
                else
                    ok = false;
            }
        }
        return ok;
    }

    std::optional<models::ScalingPolicy> read_policy(const Value& v) {
        MapReader map(sink_, v, "a policy, e.g. {type: percent, value: 100%, period: 15s}",
                      kPolicyKeys);
        if (!map.ok()) return std::nullopt;
        models::ScalingPolicy policy;
        bool ok = true;
        const auto type = map.require("type", "pods or percent");
        if (type) {
            if (const auto k = read_choice(sink_, *type, kPolicyTypes))
                policy.type = static_cast<models::ScalingPolicyType>(*k);
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
            if (const auto t =
                    duration_between(sink_, *p, SimTime::from_ns(1), SimTime::from_s(1800)))
                policy.period = *t;
            else
                ok = false;
        }
        if (!ok) return std::nullopt;
        return policy;
    }

    void read_autoscaler(const Value& v, models::ServiceOpsParams& ops) {
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
        const auto max =
            map.require("max", "the most replicas the autoscaler may run, e.g. max: 40");
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
            if (const auto k = read_choice(sink_, *m, kScalingMetrics))
                ops.scaling_metric = static_cast<models::ServiceOpsParams::ScalingMetric>(*k);
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
                sink_.error(target->mark, target->path,
                            expected_got("a whole percentage (Kubernetes' averageUtilization)",
                                         target->node));
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
            ok = read_thresholds(*thresholds, by_queue, a.thresholds) && ok;
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
        if (const auto up = map.get("scale_up")) ok = read_rules(*up, a.scale_up) && ok;
        if (const auto down = map.get("scale_down")) ok = read_rules(*down, a.scale_down) && ok;
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

    bool read_thresholds(const Value& v, bool by_queue, models::ThresholdParams& t) {
        MapReader map(sink_, v,
                      "thresholds, e.g. {up: 80%, down: 20%, cooldown: 2m, step_up: 1, "
                      "step_down: 1}",
                      kThresholdKeys);
        if (!map.ok()) return false;
        bool ok = true;
        const auto level = [&](std::string_view key, double& out) -> bool {
            const auto x = map.get(key);
            if (!x) return false;
            const auto r = by_queue ? read_number_at_least(sink_, *x, 0.0, kMaxQueueTarget,
                                                           "the limit on waiting items per "
                                                           "replica")
                                    : read_ratio(sink_, *x, false);
            if (!r) {
                ok = false;
                return false;
            }
            out = *r;
            return true;
        };
        const bool up = level("up", t.scale_up_threshold);
        level("down", t.scale_down_threshold);
        if (ok && !(t.scale_up_threshold > t.scale_down_threshold)) {
            const auto at = up ? map.get("up") : map.get("down");
            const auto& shown = up ? t.scale_down_threshold : t.scale_up_threshold;
            const auto fmt_level = [&](double x) {
                return by_queue ? fmt::format("{:g}", x) : fmt::format("{:g}%", x * 100.0);
            };
            sink_.error(at->mark, at->path,
                        up ? expected_got(fmt::format("a level above down ({})", fmt_level(shown)),
                                          at->node)
                           : expected_got(fmt::format("a level below up ({})", fmt_level(shown)),
                                          at->node));
            ok = false;
        }
        if (const auto c = map.get("cooldown")) {
            if (const auto d = duration_between(sink_, *c, SimTime::zero(), kMaxDuration))
                t.cooldown = *d;
            else
                ok = false;
        }
        for (const auto& [key, out] :
             {std::pair{"step_up", &t.scale_up_step}, std::pair{"step_down", &t.scale_down_step}}) {
            if (const auto s = map.get(key)) {
                if (const auto n = read_integer(sink_, *s, 1, kMaxReplicas,
                                                "the limit on workers per service"))
                    *out = static_cast<std::uint32_t>(*n);
                else
                    ok = false;
            }
        }
        return ok;
    }

    void read_resources(const Value& v, models::ResourcesParams& r) {
        MapReader map(sink_, v,
                      "resources, e.g. {cpu_per_request: 4ms, memory: 512MiB, memory_limit: 2GiB}",
                      kResourcesKeys);
        if (!map.ok()) return;
        if (const auto c = map.get("cpu_per_request")) {
            if (const auto t = duration_between(sink_, *c, SimTime::zero(), kMaxDuration))
                r.cpu_per_request = *t;
        }
        std::optional<double> memory;
        if (const auto m = map.get("memory")) {
            memory = read_size(sink_, *m, false);
            if (memory) r.memory_bytes = *memory;
        }
        if (const auto l = map.get("memory_limit")) {
            if (const auto limit = read_size(sink_, *l, true)) {
                if (memory && *limit <= *memory)
                    sink_.error(l->mark, l->path,
                                expected_got(fmt::format("a size above memory ({}), or a fresh "
                                                         "replica would be killed at once",
                                                         map.get("memory")->node.Scalar()),
                                             l->node));
                else
                    r.memory_limit_bytes = *limit;
            }
        }
    }

    // --- monitoring, network, deployments -------------------------------------------------

    void read_monitoring(const Value& v) {
        MapReader map(sink_, v, "monitoring settings, e.g. {scrape_interval: 15s}",
                      kMonitoringKeys);
        const auto s = map.ok() ? map.get("scrape_interval") : std::nullopt;
        if (!s) return;
        const auto t = duration_between(sink_, *s, SimTime::from_ms(1), SimTime::from_s(86'400));
        if (!t) return;
        if (c_.duration && c_.duration->ns() / t->ns() > kMaxScrapes) {
            sink_.error(
                s->mark, s->path,
                expected_got(fmt::format("at most {} scrapes over the run (duration {}): "
                                         "an interval >= {}",
                                         kMaxScrapes, format_duration(*c_.duration),
                                         format_duration(SimTime::from_ms(
                                             c_.duration->ns() / kMaxScrapes / 1'000'000 + 1))),
                             s->node));
            return;
        }
        out_.monitoring.scrape_interval = *t;
    }

    /// A service named at `v` (a name), resolved; `what` says what it must be for messages.
    std::optional<std::uint32_t> service_at(const Value& v) {
        const auto name = read_name(sink_, v);
        if (!name) return std::nullopt;
        if (!scope_.services_known) return std::nullopt;
        const auto s = scope_.find_service(*name);
        if (const auto* m = std::get_if<std::string>(&s)) {
            sink_.error(v.mark, v.path, *m);
            return std::nullopt;
        }
        return std::get<std::uint32_t>(s);
    }

    /// Whether `caller` has a call to `callee` anywhere in its steps.
    bool calls(std::uint32_t caller, std::uint32_t callee) const {
        for (const auto& step : c_.model.services[caller].steps)
            for (const auto& call : step.calls)
                if (call.target == callee) return true;
        return false;
    }

    /// False when anything in `network` was wrong (links are then not checked by name).
    bool read_network(const Value& v) {
        MapReader map(sink_, v,
                      "network settings, e.g. {links: [{between: [worker, db], bandwidth: "
                      "1Gbit/s, payload: 20KiB}]}",
                      kNetworkKeys);
        if (!map.ok()) return false;
        const auto links = map.get("links");
        if (!links) return true;
        const auto items = read_sequence(sink_, *links, "a list of links");
        if (!items) return false;
        bool ok = true;
        std::vector<YAML::Mark> marks;
        for (const auto& item : *items) {
            MapReader link(sink_, item,
                           "a link, e.g. {between: [worker, db], bandwidth: 1Gbit/s, payload: "
                           "20KiB}",
                           kLinkKeys);
            if (!link.ok()) {
                ok = false;
                continue;
            }
            models::LinkParams l;
            bool link_ok = true;
            const auto between = link.require("between", "the caller and the callee, e.g. "
                                                         "between: [worker, db]");
            std::optional<std::uint32_t> from, to;
            if (between) {
                if (!between->node.IsSequence() || between->node.size() != 2) {
                    const std::string expected =
                        "two service names, the caller and the callee, e.g. [worker, db]";
                    sink_.error(between->mark, between->path,
                                between->node.IsSequence()
                                    ? fmt::format("expected {}, got {} name{}", expected,
                                                  between->node.size(),
                                                  between->node.size() == 1 ? "" : "s")
                                    : expected_got(expected, between->node));
                    link_ok = false;
                } else if (const auto names = read_sequence(sink_, *between, "")) {
                    from = service_at((*names)[0]);
                    to = service_at((*names)[1]);
                    if (!from || !to) link_ok = false;
                }
            } else {
                link_ok = false;
            }
            if (const auto b = link.require("bandwidth", "a data rate, e.g. 1Gbit/s")) {
                if (const auto r = read_data_rate(sink_, *b, true))
                    l.bandwidth_bytes_per_second = *r;
                else
                    link_ok = false;
            } else {
                link_ok = false;
            }
            if (const auto p = link.require("payload", "the bytes each call sends, e.g. 20KiB")) {
                if (const auto s = read_size(sink_, *p, true))
                    l.payload_bytes = *s;
                else
                    link_ok = false;
            } else {
                link_ok = false;
            }
            if (from && to && scope_.edges_known && !calls(*from, *to)) {
                const std::string& a = scope_.services[*from];
                const std::string& b = scope_.services[*to];
                sink_.error(between->mark, between->path,
                            fmt::format("{} does not call {}: a link carries the calls from its "
                                        "first service to its second{}",
                                        text::quote(a), text::quote(b),
                                        calls(*to, *from)
                                            ? fmt::format(" ({} calls {}: write between: [{}, {}])",
                                                          b, a, b, a)
                                            : std::string()));
                link_ok = false;
            }
            if (from && to) {
                const std::string name =
                    models::call_label(scope_.services[*from], scope_.services[*to]);
                const auto first = std::find(scope_.links.begin(), scope_.links.end(), name);
                if (first != scope_.links.end()) {
                    sink_.error(between->mark, between->path,
                                fmt::format("a second link {}; {}", text::quote(name),
                                            first_line(marks[first - scope_.links.begin()])));
                    link_ok = false;
                } else if (link_ok) {
                    l.from = *from;
                    l.to = *to;
                    scope_.links.push_back(name);
                    marks.push_back(between->mark);
                    out_.links.push_back(l);
                }
            }
            ok = link_ok && ok;
        }
        return ok;
    }

    void read_deployments(const Value& v) {
        const auto services = MapReader::named_items(
            sink_, v,
            "a map of service names to their deployments, e.g. {worker: {versions: "
            "{v2: {work_factor: 1.5}}}}");
        if (!services.ok()) return;
        for (const auto& e : services.entries()) {
            MapReader map(sink_, e.value, "a deployment: {versions: {...}, canary: {...}}",
                          kDeploymentKeys);
            std::optional<std::uint32_t> s;
            if (scope_.services_known) {
                const auto r = scope_.find_service(e.key);
                if (const auto* m = std::get_if<std::string>(&r)) {
                    sink_.error(e.key_mark, e.value.path, *m);
                } else if (scope_.is_queue(std::get<std::uint32_t>(r))) {
                    sink_.error(e.key_mark, e.value.path,
                                fmt::format("{} is a queue (kind: queue): only services have "
                                            "versions",
                                            text::quote(e.key)));
                } else {
                    s = std::get<std::uint32_t>(r);
                }
            }
            if (!map.ok()) continue;
            std::vector<models::VersionParams> versions;
            std::vector<std::string> names;
            if (const auto vs = map.get("versions")) {
                const auto items =
                    MapReader::named_items(sink_, *vs,
                                           "a map of version names to their settings, e.g. {v2: "
                                           "{work_factor: 1.5}}");
                for (const auto& ve : items.entries()) {
                    names.push_back(ve.key);
                    if (!is_valid_name(ve.key))
                        sink_.error(ve.key_mark, ve.value.path,
                                    fmt::format("expected a version name of {}, got {}", kNameRule,
                                                text::quote(ve.key)));
                    if (auto version = read_version(ve.value)) {
                        version->name = ve.key;
                        versions.push_back(std::move(*version));
                    }
                }
            }
            std::optional<models::CanaryParams> canary;
            if (const auto cv = map.get("canary")) canary = read_canary(*cv, e.key, names);
            if (!s) continue;
            out_.services[*s].versions = std::move(versions);
            out_.services[*s].canary = canary;
            scope_.has_canary[*s] = canary.has_value() || map.get("canary").has_value();
        }
    }

    std::optional<models::VersionParams> read_version(const Value& v) {
        MapReader map(sink_, v,
                      "a version's settings, e.g. {work_factor: 1.5, errors: {probability: 3%}}",
                      kVersionKeys);
        if (!map.ok()) return std::nullopt;
        models::VersionParams version;
        bool ok = true;
        if (const auto w = map.get("work_factor")) {
            if (const auto x =
                    read_number_above(sink_, *w, 0.0, kMaxFactor, "the limit on a factor"))
                version.work_factor = *x;
            else
                ok = false;
        }
        if (const auto e = map.get("errors")) {
            if (const auto p = read_errors(sink_, *e))
                version.error_probability = *p;
            else
                ok = false;
        }
        if (const auto m = map.get("memory_leak")) {
            if (const auto b = read_per_request(sink_, *m, false))
                version.memory_leak_bytes_per_request = *b;
            else
                ok = false;
        }
        if (!ok) return std::nullopt;
        return version;
    }

    /// Whether `t`, read at `v`, falls within the run; says so when not.
    bool before_end(const Value& v, SimTime t, std::string_view what) {
        if (!c_.duration || t < *c_.duration) return true;
        sink_.error(v.mark, v.path,
                    fmt::format("{} at {}, when the run is over (duration: {}); got {}", what,
                                show_time(t, c_.start), format_duration(*c_.duration),
                                describe(v.node)));
        return false;
    }

    std::optional<models::CanaryParams> read_canary(const Value& v, const std::string& service,
                                                    const std::vector<std::string>& versions) {
        MapReader map(sink_, v,
                      "canary settings, e.g. {version: v2, start: 20h, step_weight: 10%, "
                      "max_weight: 50%}",
                      kCanaryKeys);
        if (!map.ok()) return std::nullopt;
        models::CanaryParams c;
        bool ok = true;
        if (const auto version = map.require("version", "the version to roll out, e.g. v2")) {
            if (const auto name = read_name(sink_, *version)) {
                const auto it = std::find(versions.begin(), versions.end(), *name);
                if (it != versions.end()) {
                    c.version = static_cast<std::uint32_t>(it - versions.begin());
                } else {
                    std::string message = fmt::format("unknown version {}", text::quote(*name));
                    const std::string suggestion = text::closest(*name, versions);
                    if (versions.empty())
                        message += fmt::format(": {} has no versions (deployments.{}.versions)",
                                               text::quote(service), service);
                    else if (!suggestion.empty())
                        message += fmt::format("; did you mean {}?", text::quote(suggestion));
                    else
                        message += fmt::format(" (versions: {})", text::join(versions));
                    sink_.error(version->mark, version->path, message);
                    ok = false;
                }
            } else {
                ok = false;
            }
        } else {
            ok = false;
        }
        if (const auto s = map.get("start")) {
            if (const auto t = read_time_point(sink_, *s, c_.start);
                t && before_end(*s, *t, "it starts"))
                c.start = *t;
            else
                ok = false;
        }
        if (const auto i = map.get("interval")) {
            if (const auto t = read_duration(sink_, *i, true))
                c.interval = *t;
            else
                ok = false;
        }
        const auto step = map.get("step_weight");
        const auto max = map.get("max_weight");
        if (step) {
            if (const auto r = read_ratio(sink_, *step, true))
                c.step_weight = *r;
            else
                ok = false;
        }
        if (max) {
            if (const auto r = read_ratio(sink_, *max, true))
                c.max_weight = *r;
            else
                ok = false;
        }
        if (ok && c.step_weight > c.max_weight) {
            const Value& at = step ? *step : *max;
            sink_.error(
                at.mark, at.path,
                expected_got(
                    step ? fmt::format("a weight <= max_weight ({:g}%)", c.max_weight * 100.0)
                         : fmt::format("a weight >= step_weight ({:g}%)", c.step_weight * 100.0),
                    at.node));
            ok = false;
        }
        if (const auto t = map.get("threshold")) {
            if (const auto n = read_integer(sink_, *t, 1, kMaxThreshold))
                c.threshold = static_cast<std::uint32_t>(*n);
            else
                ok = false;
        }
        if (const auto m = map.get("min_requests")) {
            if (const auto n = read_integer(sink_, *m, 0, kMaxMinRequests))
                c.min_requests = *n;
            else
                ok = false;
        }
        if (const auto g = map.get("gates")) {
            MapReader gates(sink_, *g, "canary gates, e.g. {success_rate: 99%, p99: 500ms}",
                            kGateKeys);
            if (!gates.ok()) ok = false;
            if (const auto s = gates.ok() ? gates.get("success_rate") : std::nullopt) {
                if (const auto r = read_ratio(sink_, *s, false))
                    c.min_success_rate = *r;
                else
                    ok = false;
            }
            if (const auto p = gates.ok() ? gates.get("p99") : std::nullopt) {
                if (const auto t = read_duration(sink_, *p, true))
                    c.max_p99 = *t;
                else
                    ok = false;
            }
        }
        if (!ok) return std::nullopt;
        return c;
    }

    // --- alerts ---------------------------------------------------------------------------

    /// False when an alert's name could not be read (alert names are then not checked).
    bool read_alerts(const Value& v) {
        const auto items = read_sequence(
            sink_, v,
            "a list of alert rules, e.g. [{name: HighErrorRate, when: \"error_rate(api) > 5%\", "
            "for: 2m}]");
        if (!items) return false;
        bool names_ok = true;
        std::vector<YAML::Mark> marks;
        for (const auto& item : *items) {
            MapReader map(sink_, item,
                          "an alert rule, e.g. {name: HighErrorRate, when: \"error_rate(api) > "
                          "5%\", for: 2m, severity: page}",
                          kAlertKeys);
            models::AlertRuleParams rule;
            std::optional<std::string> name;
            if (const auto n = map.ok() ? map.require("name", "the alert's name, e.g. "
                                                              "HighErrorRate")
                                        : std::nullopt) {
                if (n->node.IsScalar() && is_alert_name(n->node.Scalar())) {
                    name = n->node.Scalar();
                    const auto first = std::find(scope_.alerts.begin(), scope_.alerts.end(), *name);
                    if (first != scope_.alerts.end()) {
                        sink_.error(n->mark, n->path,
                                    fmt::format("duplicate alert name {}; {}", text::quote(*name),
                                                first_line(marks[first - scope_.alerts.begin()])));
                    }
                    marks.push_back(n->mark);
                } else {
                    sink_.error(
                        n->mark, n->path,
                        expected_got(fmt::format("an alert name of {}", kAlertNameRule), n->node));
                }
            }
            if (!name) {
                names_ok = false;
                marks.push_back(item.mark);
            }
            scope_.alerts.push_back(name.value_or(""));
            rule.name = name.value_or("");
            if (map.ok()) {
                if (const auto w = map.require("when", "a condition, e.g. \"error_rate(api) > "
                                                       "5%\"")) {
                    if (auto condition = read_alert_condition(sink_, *w, scope_))
                        rule.condition = std::move(*condition);
                }
                if (const auto f = map.get("for")) {
                    if (const auto t = duration_between(sink_, *f, SimTime::zero(), kMaxDuration))
                        rule.for_duration = *t;
                }
                if (const auto s = map.get("severity")) {
                    if (const auto k = read_choice(sink_, *s, kSeverities))
                        rule.severity = kSeverities[*k];
                }
            }
            out_.alerts.push_back(std::move(rule));
        }
        return names_ok;
    }

    // --- chaos ----------------------------------------------------------------------------

    void read_chaos(const std::optional<Value>& v, const std::vector<YAML::Node>& flags) {
        std::vector<Value> items;
        if (v) {
            if (auto file = read_sequence(sink_, *v,
                                          "a list of faults, e.g. [{at: 1h, target: "
                                          "service-c, latency: +400ms}]"))
                items = std::move(*file);
            else
                faults_known_ = false;
        }
        const std::size_t from_file = items.size();
        for (std::size_t i = 0; i < flags.size(); ++i)
            items.push_back(
                Value{flags[i], "chaos." + std::to_string(from_file + i), YAML::Mark::null_mark()});
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i == from_file) sink_.set_command_line_origin(kChaosFile);
            read_fault(items[i]);
        }
        sink_.set_command_line_origin(kSetFile);
    }

    /// The target of a fault of kind `kind`, written as `text` at `v`.
    std::optional<models::FaultTarget> fault_target(const Value& v, FaultKind kind,
                                                    std::string_view kind_key) {
        const std::string text = v.node.IsScalar() ? v.node.Scalar() : std::string();
        const auto bad = [&](std::string message) -> std::optional<models::FaultTarget> {
            sink_.error(v.mark, v.path, std::move(message));
            return std::nullopt;
        };
        if (text.empty())
            return bad(expected_got("the name of a service or queue, a call (caller->callee) or "
                                    "a link (from->to)",
                                    v.node));
        models::FaultTarget target;
        const std::size_t arrow = text.find("->");
        if (arrow != std::string::npos) {
            const std::string a = text.substr(0, arrow);
            const std::string b = text.substr(arrow + 2);
            if (kind == FaultKind::BandwidthUsed) {
                target.kind = TargetKind::Link;
                if (!scope_.links_known) return std::nullopt;
                const auto l = scope_.find_link(a, b);
                if (const auto* m = std::get_if<std::string>(&l)) return bad(*m);
                target.index = std::get<std::uint32_t>(l);
                return target;
            }
            if (kind != FaultKind::Latency && kind != FaultKind::Errors)
                return bad(fmt::format("{} hits a {}, not a call; got {}", kind_key,
                                       kind == FaultKind::MonitoringDown ? "system"
                                       : kind == FaultKind::BackendDown  ? "queue"
                                                                         : "service",
                                       text::quote(text)));
            target.kind = TargetKind::Edge;
            if (!scope_.services_known || !scope_.edges_known) return std::nullopt;
            const auto e = scope_.find_edge(a, b);
            if (const auto* m = std::get_if<std::string>(&e)) return bad(*m);
            target.index = std::get<std::uint32_t>(e);
            return target;
        }
        if (kind == FaultKind::BandwidthUsed)
            return bad(fmt::format("bandwidth_used hits a network link, written from->to (e.g. "
                                   "worker->db); got {}",
                                   text::quote(text)));
        target.kind = TargetKind::Service;
        if (!scope_.services_known) return std::nullopt;
        const auto s = scope_.find_service(text);
        if (const auto* m = std::get_if<std::string>(&s)) return bad(*m);
        target.index = std::get<std::uint32_t>(s);
        const bool queue = scope_.is_queue(target.index);
        const bool service = scope_.kinds[target.index] &&
                             *scope_.kinds[target.index] == models::ServiceKind::Service;
        if (kind == FaultKind::BackendDown) {
            if (service)
                return bad(fmt::format("backend_down hits a queue (kind: queue); {} is a service",
                                       text::quote(text)));
        } else if (queue) {
            return bad(fmt::format("{} is a queue (kind: queue): {} hits a service's replicas (to "
                                   "stop a queue, backend_down: true)",
                                   text::quote(text), kind_key));
        }
        if (kind == FaultKind::AutoscalerBroken && !scope_.has_autoscaler[target.index])
            return bad(fmt::format("{} has no autoscaler to break (services.{}.autoscaler)",
                                   text::quote(text), text));
        return target;
    }

    bool read_fault_errors(const Value& v, models::FaultParams& f) {
        if (!v.node.IsMap()) {
            const auto r = read_ratio(sink_, v, true);
            if (r) f.probability = *r;
            return r.has_value();
        }
        MapReader map(sink_, v,
                      "an error probability (e.g. 5%), {probability: 5%} or {ramp: {from: 0%, "
                      "to: 50%, step: 10%, every: 1m}}",
                      kFaultErrorsKeys);
        if (!map.ok()) return false;
        const auto p = map.get("probability");
        const auto ramp = map.get("ramp");
        if (p && ramp) {
            both(sink_, map, "probability", "ramp",
                 "expected either probability or ramp, got both");
            return false;
        }
        if (p) {
            const auto r = read_ratio(sink_, *p, true);
            if (r) f.probability = *r;
            return r.has_value();
        }
        if (!ramp) {
            if (!has_unknown_key(v, kFaultErrorsKeys))
                sink_.error(v.mark, v.path,
                            "missing required key \"probability\" (e.g. 5%) or \"ramp\" (e.g. "
                            "{from: 0%, to: 50%, step: 10%, every: 1m})");
            return false;
        }
        MapReader r(sink_, *ramp, "a ramp, e.g. {from: 0%, to: 50%, step: 10%, every: 1m}",
                    kRampKeys);
        if (!r.ok()) return false;
        models::FaultRamp out;
        bool ok = true;
        const auto ratio = [&](std::string_view key, double& x, bool required) {
            const auto value =
                required ? r.require(key, "a probability, e.g. 0% or 50%") : r.get(key);
            if (!value) {
                if (required) ok = false;
                return;
            }
            if (const auto got = read_ratio(sink_, *value, false))
                x = *got;
            else
                ok = false;
        };
        ratio("from", out.from, true);
        ratio("to", out.to, true);
        ratio("step", out.step, false);
        if (const auto e = r.get("every")) {
            if (const auto t = read_duration(sink_, *e, true))
                out.every = *t;
            else
                ok = false;
        }
        if (!ok) return false;
        f.ramp = out;
        f.probability = out.from;
        return true;
    }

    bool read_leak(const Value& v, models::FaultParams& f) {
        if (v.node.IsScalar()) {
            if (is_per_request(v.node)) {
                const auto b = read_per_request(sink_, v, false);
                if (b) f.bytes_per_request = *b;
                return b.has_value();
            }
            const auto r = read_data_rate(sink_, v, true);
            if (r) f.bytes_per_second = *r;
            return r.has_value();
        }
        MapReader map(sink_, v,
                      "a leak rate (e.g. 2MiB/min or 10KiB/request) or {per_second: 1MiB/min, "
                      "per_request: 10KiB}",
                      kLeakKeys);
        if (!map.ok()) return false;
        bool ok = true;
        const auto ps = map.get("per_second");
        const auto pr = map.get("per_request");
        if (ps) {
            // A size means that much per second; a data rate (2MiB/min) is converted.
            const auto r = ps->node.IsScalar() && ps->node.Scalar().find('/') == std::string::npos
                               ? read_size(sink_, *ps, false)
                               : read_data_rate(sink_, *ps, false);
            if (r)
                f.bytes_per_second = *r;
            else
                ok = false;
        }
        if (pr) {
            if (const auto b = read_per_request(sink_, *pr, true))
                f.bytes_per_request = *b;
            else
                ok = false;
        }
        if (!ps && !pr && !has_unknown_key(v, kLeakKeys)) {
            sink_.error(v.mark, v.path,
                        "missing required key \"per_second\" (e.g. 1MiB/min) or \"per_request\" "
                        "(e.g. 10KiB)");
            ok = false;
        }
        return ok && (ps || pr);
    }

    void read_fault(const Value& v) {
        MapReader map(sink_, v,
                      "a fault, e.g. {at: 1h, for: 10m, target: service-c, latency: +400ms}",
                      kFaultKeys);
        if (!map.ok()) {
            fault_names_.emplace_back();
            fault_marks_.push_back(v.mark);
            fault_ok_.push_back(false);
            faults_known_ = false;
            return;
        }
        models::FaultParams f;
        bool ok = true;
        std::vector<const MapReader::Entry*> kinds;
        for (const auto& e : map.entries())
            if (contains(kFaultKinds, e.key)) kinds.push_back(&e);
        const bool unknown_keys = has_unknown_key(v, kFaultKeys);
        const MapReader::Entry* kind_entry = kinds.empty() ? nullptr : kinds.front();
        if (kinds.empty()) {
            if (!unknown_keys)
                sink_.error(v.mark, v.path,
                            fmt::format("expected one fault kind ({}), found none",
                                        text::join(kFaultKinds)));
            ok = false;
        } else if (kinds.size() > 1) {
            std::vector<std::string> found;
            for (const auto* k : kinds)
                found.push_back(k->key);
            sink_.error(kinds[1]->key_mark, v.path,
                        fmt::format("expected exactly one fault kind, found {}: a fault does one "
                                    "thing (make them separate faults)",
                                    join_and(found)));
            ok = false;
            kind_entry = nullptr;
        }
        if (kind_entry)
            f.kind = static_cast<FaultKind>(
                std::find(kFaultKinds.begin(), kFaultKinds.end(), kind_entry->key) -
                kFaultKinds.begin());

        // When.
        if (const auto at = map.get("at")) {
            if (const auto t = read_time_point(sink_, *at, c_.start);
                t && before_end(*at, *t, "it starts"))
                f.start = *t;
            else
                ok = false;
        }
        const auto for_value = map.get("for");
        const auto until = map.get("until");
        if (for_value && until) {
            both(sink_, map, "for", "until",
                 "expected either for (a duration) or until (a time), "
                 "got both");
            ok = false;
        } else if (for_value) {
            if (const auto t =
                    duration_between(sink_, *for_value, SimTime::from_ns(1), kMaxDuration))
                f.end = f.start + *t;
            else
                ok = false;
        } else if (until) {
            TimeRules rules;
            rules.clock_from = f.start;
            rules.strictly_after = true;
            const auto t = read_time_point(sink_, *until, c_.start, rules);
            if (t && *t <= f.start) {
                sink_.error(
                    until->mark, until->path,
                    expected_got(fmt::format("a time after at ({})", show_time(f.start, c_.start)),
                                 until->node));
                ok = false;
            } else if (t) {
                f.end = *t;
            } else {
                ok = false;
            }
        }

        // Where.
        const auto target = map.get("target");
        std::string target_text;
        if (kind_entry && f.kind == FaultKind::MonitoringDown) {
            f.target.kind = TargetKind::System;
            if (target) {
                sink_.error(entry_of(map, "target").key_mark, target->path,
                            "monitoring_down hits the whole system: it takes no target");
                ok = false;
            }
        } else if (kind_entry && target) {
            if (const auto t = fault_target(*target, f.kind, kind_entry->key))
                f.target = *t;
            else if (scope_.services_known)
                ok = false;
            target_text = target->node.IsScalar() ? target->node.Scalar() : "";
        } else if (kind_entry && !map.was_suggested("target")) {
            sink_.error(v.mark, v.path,
                        fmt::format("missing required key \"target\" (the {} the fault hits)",
                                    f.kind == FaultKind::BandwidthUsed ? "link, from->to,"
                                    : f.kind == FaultKind::BackendDown ? "queue"
                                    : f.kind == FaultKind::Latency || f.kind == FaultKind::Errors
                                        ? "service, or call (caller->callee),"
                                        : "service"));
            ok = false;
        }

        // What.
        if (const auto r = map.get("restart_after")) {
            if (kind_entry && f.kind != FaultKind::Crash) {
                sink_.error(
                    entry_of(map, "restart_after").key_mark, r->path,
                    fmt::format("restart_after goes with crash, not with {}", kind_entry->key));
                ok = false;
            } else if (const auto t = duration_between(sink_, *r, SimTime::zero(), kMaxDuration)) {
                f.restart_after = *t;
            } else {
                ok = false;
            }
        }
        if (kind_entry) ok = read_fault_kind(*kind_entry, f) && ok;

        // Who.
        std::string name;
        const auto name_value = map.get("name");
        if (name_value) {
            if (const auto n = read_string(sink_, *name_value))
                name = *n;
            else
                ok = false;
        } else if (kind_entry) {
            name = f.kind == FaultKind::MonitoringDown
                       ? std::string("monitoring_down")
                       : fmt::format("{} {}", target_text, kind_entry->key);
        }
        const YAML::Mark mark = name_value ? name_value->mark : v.mark;
        if (!name.empty()) {
            const auto first = std::find(fault_names_.begin(), fault_names_.end(), name);
            // Default names of broken faults may collide only because of the breakage.
            if (first != fault_names_.end() &&
                (name_value || (ok && fault_ok_[first - fault_names_.begin()]))) {
                sink_.error(mark, name_value ? name_value->path : v.path,
                            fmt::format("duplicate fault name {}; {}{}", text::quote(name),
                                        first_line(fault_marks_[first - fault_names_.begin()]),
                                        name_value ? "" : " (give each a name: ...)"));
                ok = false;
            }
        }
        fault_names_.push_back(name);
        fault_marks_.push_back(mark);
        fault_ok_.push_back(ok);
        f.name = name;
        if (name.empty()) faults_known_ = false;
        out_.faults.push_back(std::move(f));
    }

    bool read_fault_kind(const MapReader::Entry& e, models::FaultParams& f) {
        const Value& v = e.value;
        switch (f.kind) {
        case FaultKind::Latency: {
            // `+400ms`: added to each request; the `+` is optional.
            Value plain = v;
            if (v.node.IsScalar() && v.node.Scalar().starts_with('+')) {
                // A new node: `=` on a Node would write through to the document.
                YAML::Node rest(v.node.Scalar().substr(1));
                rest.SetTag(v.node.Tag());
                plain.node.reset(rest);
            }
            auto d = read_latency(sink_, plain, c_.base_dir);
            if (d) f.latency = std::move(*d);
            return d.has_value();
        }
        case FaultKind::Errors:
            return read_fault_errors(v, f);
        case FaultKind::Crash: {
            const auto n = read_integer(sink_, v, 1, kMaxReplicas,
                                        "the limit on workers per "
                                        "service");
            if (n) f.count = static_cast<std::uint32_t>(*n);
            return n.has_value();
        }
        case FaultKind::UnhealthyWorker: {
            MapReader map(sink_, v, "unhealthy replicas, e.g. {count: 1, factor: 5, errors: 50%}",
                          kUnhealthyKeys);
            if (!map.ok()) return false;
            bool ok = true;
            if (const auto c = map.get("count")) {
                if (const auto n = read_integer(sink_, *c, 1, kMaxReplicas,
                                                "the limit on workers per service"))
                    f.count = static_cast<std::uint32_t>(*n);
                else
                    ok = false;
            }
            const auto factor = map.get("factor");
            const auto errors = map.get("errors");
            if (factor) {
                if (const auto x = read_number_at_least(sink_, *factor, 1.0, kMaxFactor,
                                                        "the limit on a factor"))
                    f.factor = *x;
                else
                    ok = false;
            }
            if (errors) {
                if (const auto r = read_ratio(sink_, *errors, false))
                    f.probability = *r;
                else
                    ok = false;
            }
            if (!factor && !errors && !has_unknown_key(v, kUnhealthyKeys)) {
                sink_.error(v.mark, v.path,
                            "expected factor (slower replicas, e.g. factor: 5) or errors (failing "
                            "ones, e.g. errors: 50%), got neither");
                ok = false;
            }
            return ok;
        }
        case FaultKind::SlowQuery: {
            MapReader map(sink_, v, "slow queries, e.g. {fraction: 20%, factor: 10}",
                          kSlowQueryKeys);
            if (!map.ok()) return false;
            bool ok = true;
            if (const auto x = map.require("fraction", "the share of work steps slowed, e.g. "
                                                       "20%")) {
                if (const auto r = read_ratio(sink_, *x, true))
                    f.fraction = *r;
                else
                    ok = false;
            } else {
                ok = false;
            }
            if (const auto x = map.require("factor", "how many times longer they take, e.g. "
                                                     "10")) {
                if (const auto r =
                        read_number_above(sink_, *x, 0.0, kMaxFactor, "the limit on a factor"))
                    f.factor = *r;
                else
                    ok = false;
            } else {
                ok = false;
            }
            return ok;
        }
        case FaultKind::MemoryLeak:
            return read_leak(v, f);
        case FaultKind::BandwidthUsed: {
            const auto r = read_ratio(sink_, v, true);
            if (r) f.fraction = *r;
            return r.has_value();
        }
        case FaultKind::BackendDown:
        case FaultKind::MonitoringDown:
        case FaultKind::AutoscalerBroken:
            return read_true(sink_, v, e.key);
        }
        return false;
    }

    // --- actions --------------------------------------------------------------------------

    void read_actions(const Value& v) {
        const auto items = read_sequence(
            sink_, v,
            "a list of actions, e.g. [{on: HighErrorRate, after: 3m, scale: worker, by: "
            "4}]");
        if (!items) return;
        for (const auto& item : *items)
            read_action(item);
    }

    /// The service named by an action's value, checked for what the action needs.
    std::optional<std::uint32_t> action_service(const Value& v, std::string_view key) {
        const auto s = service_at(v);
        if (!s) return std::nullopt;
        const std::string& name = scope_.services[*s];
        if (scope_.is_queue(*s)) {
            sink_.error(v.mark, v.path,
                        fmt::format("{} is a queue (kind: queue): {} acts on a service's "
                                    "replicas",
                                    text::quote(name), key));
            return std::nullopt;
        }
        if ((key == "disable_autoscaler" || key == "repair_autoscaler") &&
            !scope_.has_autoscaler[*s]) {
            sink_.error(v.mark, v.path,
                        fmt::format("{} has no autoscaler (services.{}.autoscaler)",
                                    text::quote(name), name));
            return std::nullopt;
        }
        if (key == "rollback" && !scope_.has_canary[*s]) {
            sink_.error(v.mark, v.path,
                        fmt::format("{} has no canary to roll back (deployments.{}.canary)",
                                    text::quote(name), name));
            return std::nullopt;
        }
        return s;
    }

    void read_action(const Value& v) {
        MapReader map(sink_, v, "an action, e.g. {at: 2h, restart: worker}", kActionKeys);
        if (!map.ok()) return;
        models::ActionParams a;
        bool ok = true;
        // When.
        const auto at = map.get("at");
        const auto on = map.get("on");
        if (at && on) {
            both(sink_, map, "at", "on",
                 "expected either at (a time) or on (an alert's name), got both");
            ok = false;
        } else if (at) {
            if (const auto t = read_time_point(sink_, *at, c_.start);
                t && before_end(*at, *t, "it happens"))
                a.at = *t;
            else
                ok = false;
        } else if (on) {
            if (const auto name = read_string(sink_, *on)) {
                if (scope_.alerts_known) {
                    const auto r = scope_.find_alert(*name);
                    if (const auto* m = std::get_if<std::string>(&r)) {
                        sink_.error(on->mark, on->path, *m);
                        ok = false;
                    } else {
                        a.on_alert = std::get<std::uint32_t>(r);
                    }
                }
            } else {
                ok = false;
            }
        } else if (!map.was_suggested("at") && !map.was_suggested("on")) {
            sink_.error(v.mark, v.path,
                        "missing required key \"at\" (a time, e.g. at: 2h) or \"on\" (an alert's "
                        "name, e.g. on: HighErrorRate)");
            ok = false;
        }
        for (const char* key : {"after", "repeat"}) {
            if (!map.get(key) || on) continue;
            sink_.error(entry_of(map, key).key_mark, map.get(key)->path,
                        fmt::format("{} goes with on (an alert), not with at", key));
            ok = false;
        }
        if (const auto after = on ? map.get("after") : std::nullopt) {
            if (const auto t = duration_between(sink_, *after, SimTime::zero(), kMaxDuration))
                a.after = *t;
            else
                ok = false;
        }
        if (const auto repeat = on ? map.get("repeat") : std::nullopt) {
            if (const auto b = read_bool(sink_, *repeat))
                a.repeat = *b;
            else
                ok = false;
        }

        // What.
        std::vector<const MapReader::Entry*> kinds;
        for (const auto& e : map.entries())
            if (contains(kActionKinds, e.key)) kinds.push_back(&e);
        if (kinds.empty()) {
            const bool suggested = std::any_of(kActionKinds.begin(), kActionKinds.end(),
                                               [&](const auto& k) { return map.was_suggested(k); });
            if (!suggested)
                sink_.error(
                    v.mark, v.path,
                    fmt::format("expected one action ({}), found none", text::join(kActionKinds)));
            return;
        }
        if (kinds.size() > 1) {
            std::vector<std::string> found;
            for (const auto* k : kinds)
                found.push_back(k->key);
            sink_.error(kinds[1]->key_mark, v.path,
                        fmt::format("expected exactly one action, found {} (make them separate "
                                    "actions)",
                                    join_and(found)));
            return;
        }
        const MapReader::Entry& kind = *kinds.front();
        const auto to = map.get("to");
        const auto by = map.get("by");
        const auto misplaced = [&](const char* key, std::string_view goes_with) {
            if (!map.get(key)) return;
            sink_.error(entry_of(map, key).key_mark, map.get(key)->path,
                        fmt::format("{} goes with {}, not with {}", key, goes_with, kind.key));
            ok = false;
        };
        // The event log's text, as written: "scale: worker, by: 4".
        for (const auto& e : map.entries()) {
            if (e.key == "at" || e.key == "on" || e.key == "after" || e.key == "repeat") continue;
            if (!a.text.empty()) a.text += ", ";
            a.text += e.key + ": " + (e.value.node.IsScalar() ? e.value.node.Scalar() : "...");
        }
        if (kind.key == "scale") {
            a.kind = ActionKind::Scale;
            if (const auto s = action_service(kind.value, kind.key)) {
                a.target = {TargetKind::Service, *s};
            } else {
                ok = false;
            }
            if (to && by) {
                both(sink_, map, "to", "by",
                     "expected either to (a replica count) or by (a change), got both");
                ok = false;
            } else if (to) {
                if (const auto n = read_integer(sink_, *to, 1, kMaxReplicas,
                                                "the limit on workers per service"))
                    a.count = static_cast<std::int64_t>(*n);
                else
                    ok = false;
            } else if (by) {
                if (const auto n = read_change(sink_, *by, kMaxReplicas)) {
                    a.count = *n;
                    a.relative = true;
                } else {
                    ok = false;
                }
            } else if (!map.was_suggested("to") && !map.was_suggested("by")) {
                sink_.error(v.mark, v.path,
                            "missing required key \"to\" (a replica count, e.g. to: 10) or \"by\" "
                            "(a change, e.g. by: 4 or by: -2)");
                ok = false;
            }
        } else if (kind.key == "set") {
            misplaced("by", "scale");
            ok = read_set(kind.value, to, map, v, a) && ok;
        } else {
            misplaced("to", "scale or set");
            misplaced("by", "scale");
            if (kind.key == "stop_fault") {
                a.kind = ActionKind::StopFault;
                if (const auto name = read_string(sink_, kind.value)) {
                    const auto it = std::find(fault_names_.begin(), fault_names_.end(), *name);
                    if (it != fault_names_.end()) {
                        a.fault = static_cast<std::uint32_t>(it - fault_names_.begin());
                    } else if (faults_known_) {
                        std::vector<std::string> names;
                        for (const auto& n : fault_names_)
                            if (!n.empty()) names.push_back(n);
                        std::string message = fmt::format("unknown fault {}", text::quote(*name));
                        const std::string suggestion = text::closest(*name, names);
                        if (names.empty())
                            message += ": no faults are defined (chaos: [...])";
                        else if (!suggestion.empty())
                            message += fmt::format("; did you mean {}?", text::quote(suggestion));
                        else
                            message += fmt::format(" (faults: {})", text::join(names));
                        sink_.error(kind.value.mark, kind.value.path, message);
                        ok = false;
                    }
                } else {
                    ok = false;
                }
            } else {
                a.kind = kind.key == "restart"              ? ActionKind::Restart
                         : kind.key == "replace_unhealthy"  ? ActionKind::ReplaceUnhealthy
                         : kind.key == "disable_autoscaler" ? ActionKind::DisableAutoscaler
                         : kind.key == "repair_autoscaler"  ? ActionKind::RepairAutoscaler
                                                            : ActionKind::Rollback;
                if (const auto s = action_service(kind.value, kind.key))
                    a.target = {TargetKind::Service, *s};
                else
                    ok = false;
            }
        }
        if (ok) out_.actions.push_back(std::move(a));
    }

    /// `set: PATH` with `to: VALUE`.
    bool read_set(const Value& path_value, const std::optional<Value>& to, const MapReader& map,
                  const Value& item, models::ActionParams& a) {
        const auto path = read_string(sink_, path_value);
        if (!path) return false;
        const auto unsupported = [&](std::string why) {
            sink_.error(path_value.mark, path_value.path,
                        fmt::format("{}; set supports services.NAME.workers, "
                                    "services.NAME.queue.capacity, services.QUEUE.capacity, "
                                    "services.NAME.errors.probability, "
                                    "services.NAME.steps[I].timeout, "
                                    "services.NAME.steps[I].calls[J].timeout, "
                                    "services.NAME.steps[I].circuit_breaker.failure_rate_threshold "
                                    "(and calls[J].circuit_breaker.failure_rate_threshold)",
                                    why));
            return false;
        };
        const auto split = split_override_path(*path);
        if (const auto* message = std::get_if<std::string>(&split)) return unsupported(*message);
        const auto& parts = std::get<std::vector<std::string>>(split);
        const auto is_index = [](const std::string& s) {
            return !s.empty() && s.size() <= 9 &&
                   std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        };
        const std::string got = fmt::format("unsupported path {}", text::quote(*path));
        if (parts.size() < 3 || parts[0] != "services") return unsupported(got);
        const std::string& service = parts[1];
        std::vector<std::string> rest(parts.begin() + 2, parts.end());
        // Which setting: the shape of `rest`.
        enum class Setting { Workers, Capacity, QueueCapacity, ErrorProbability, Timeout, Breaker };
        Setting setting{};
        std::optional<std::uint32_t> step, call;
        if (rest == std::vector<std::string>{"workers"}) {
            setting = Setting::Workers;
        } else if (rest == std::vector<std::string>{"queue", "capacity"}) {
            setting = Setting::QueueCapacity;
        } else if (rest == std::vector<std::string>{"capacity"}) {
            setting = Setting::Capacity;
        } else if (rest == std::vector<std::string>{"errors", "probability"}) {
            setting = Setting::ErrorProbability;
        } else if (rest.size() >= 3 && rest[0] == "steps" && is_index(rest[1])) {
            step = static_cast<std::uint32_t>(std::stoul(rest[1]));
            std::vector<std::string> tail(rest.begin() + 2, rest.end());
            if (tail.size() >= 3 && (tail[0] == "calls" || tail[0] == "parallel") &&
                is_index(tail[1])) {
                call = static_cast<std::uint32_t>(std::stoul(tail[1]));
                tail.erase(tail.begin(), tail.begin() + 2);
            }
            if (tail == std::vector<std::string>{"timeout"})
                setting = Setting::Timeout;
            else if (tail == std::vector<std::string>{"circuit_breaker", "failure_rate_threshold"})
                setting = Setting::Breaker;
            else
                return unsupported(got);
        } else {
            return unsupported(got);
        }

        bool ok = true;
        std::optional<std::uint32_t> s;
        if (scope_.services_known) {
            const auto r = scope_.find_service(service);
            if (const auto* m = std::get_if<std::string>(&r)) {
                sink_.error(path_value.mark, path_value.path, *m);
                ok = false;
            } else {
                s = std::get<std::uint32_t>(r);
            }
        }
        const auto at_path = [&](std::string message) {
            sink_.error(path_value.mark, path_value.path, std::move(message));
            ok = false;
        };
        if (s) {
            const bool queue = scope_.is_queue(*s);
            const bool known = scope_.kinds[*s].has_value();
            if (queue && setting != Setting::Capacity)
                at_path(fmt::format("{} is a queue (kind: queue): its only setting here is "
                                    "services.{}.capacity",
                                    text::quote(service), service));
            else if (known && !queue && setting == Setting::Capacity)
                at_path(fmt::format("{} is a service: its waiting room is "
                                    "services.{}.queue.capacity",
                                    text::quote(service), service));
        }
        a.target = {TargetKind::Service, s.value_or(0)};
        // The edge of steps[I](.calls[J]).
        if (ok && step && s && scope_.edges_known) {
            const auto& steps = c_.model.services[*s].steps;
            if (*step >= steps.size()) {
                at_path(steps.empty() ? fmt::format("{} has no steps (its work is service_time)",
                                                    text::quote(service))
                                      : fmt::format("{} has {} step{}, so there is no step {}",
                                                    text::quote(service), steps.size(),
                                                    steps.size() == 1 ? "" : "s", *step));
            } else {
                const auto& st = steps[*step];
                const bool parallel = st.kind == models::StepParams::Kind::Parallel;
                if (st.kind != models::StepParams::Kind::Call && !parallel) {
                    at_path(fmt::format(
                        "step {} of {} is not a call (a {} step)", *step, text::quote(service),
                        st.kind == models::StepParams::Kind::Work ? "work" : "publish"));
                } else if (parallel && !call) {
                    at_path(fmt::format("step {} of {} is a parallel step: name one of its calls, "
                                        "services.{}.steps[{}].calls[J]...",
                                        *step, text::quote(service), service, *step));
                } else if (call && *call >= st.calls.size()) {
                    at_path(fmt::format("step {} of {} has {} call{}, so there is no call {}",
                                        *step, text::quote(service), st.calls.size(),
                                        st.calls.size() == 1 ? "" : "s", *call));
                } else {
                    const std::uint32_t j = call.value_or(0);
                    for (std::uint32_t e = 0; e < scope_.edges.size(); ++e) {
                        const auto& edge = scope_.edges[e];
                        if (edge.caller == *s && edge.step == *step && edge.call == j)
                            a.target = {TargetKind::Edge, e};
                    }
                    if (setting == Setting::Breaker && !st.calls[j].circuit_breaker)
                        at_path(fmt::format("the call {} has no circuit_breaker",
                                            scope_.edge_texts[a.target.index]));
                }
            }
        }
        if (!to) {
            if (!map.was_suggested("to"))
                sink_.error(item.mark, item.path,
                            "missing required key \"to\" (the new value, e.g. to: 200ms)");
            return false;
        }
        switch (setting) {
        case Setting::Workers:
            a.kind = ActionKind::Scale;
            if (const auto n =
                    read_integer(sink_, *to, 1, kMaxReplicas, "the limit on workers per service"))
                a.count = static_cast<std::int64_t>(*n);
            else
                ok = false;
            break;
        case Setting::Capacity:
        case Setting::QueueCapacity:
            a.kind = ActionKind::SetQueueCapacity;
            if (to->node.IsScalar() && to->node.Scalar() == "unbounded") {
                a.value = std::numeric_limits<double>::infinity();
            } else if (const auto n = read_integer(sink_, *to, 0, kMaxQueueCapacity,
                                                   "2^40, the limit on a queue's capacity")) {
                a.value = static_cast<double>(*n);
            } else {
                ok = false;
            }
            break;
        case Setting::ErrorProbability:
            a.kind = ActionKind::SetErrorProbability;
            if (const auto r = read_ratio(sink_, *to, false))
                a.value = *r;
            else
                ok = false;
            break;
        case Setting::Timeout:
            a.kind = ActionKind::SetCallTimeout;
            if (const auto t = read_timeout(sink_, *to))
                a.duration = *t;
            else
                ok = false;
            break;
        case Setting::Breaker:
            a.kind = ActionKind::SetBreakerFailureRate;
            if (const auto r = read_ratio(sink_, *to, true))
                a.value = *r;
            else
                ok = false;
            break;
        }
        return ok;
    }

    // --- expectations ---------------------------------------------------------------------

    void read_expect(const Value& v) {
        const auto items = read_sequence(
            sink_, v, "a list of expectations, e.g. [\"p99(api) < 100ms after 10m\"]");
        if (!items) return;
        for (const auto& item : *items)
            if (auto e = read_expectation(sink_, item, scope_))
                out_.expectations.push_back(std::move(*e));
    }

    DiagnosticSink& sink_;
    const OperationsContext& c_;
    OperationsScope scope_;
    models::OperationsParams out_;
    std::vector<std::string> fault_names_; ///< per fault, in order ("" when unreadable)
    std::vector<YAML::Mark> fault_marks_;
    std::vector<bool> fault_ok_; ///< per fault: read without a problem
    bool faults_known_ = true;   ///< every fault's name is known
};

} // namespace

models::OperationsParams read_operations(DiagnosticSink& sink, const OperationsValues& values,
                                         const OperationsContext& context) {
    Reader reader(sink, context);
    return reader.read(values);
}

std::optional<YAML::Node> parse_chaos_flag(DiagnosticSink& sink, std::string_view text) {
    sink.set_command_line_origin(kChaosFile);
    const auto fail = [&](std::string message) -> std::optional<YAML::Node> {
        sink.error_in_set("", std::move(message));
        sink.set_command_line_origin(kSetFile);
        return std::nullopt;
    };
    if (const auto bad = text::first_non_text(text))
        return fail(fmt::format("expected UTF-8 text, got {}: {}", text::quote(text), bad->reason));
    const std::string example =
        "key=value pairs separated by commas, e.g. target=service-c,latency=5000ms";
    // Split at the commas outside {...}, [...] and quotes.
    std::vector<std::string_view> pieces;
    int depth = 0;
    char quote = 0;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quote != 0) {
            if (ch == quote) quote = 0;
        } else if (ch == '"' || ch == '\'') {
            quote = ch;
        } else if (ch == '{' || ch == '[') {
            ++depth;
        } else if ((ch == '}' || ch == ']') && depth > 0) {
            --depth;
        } else if (ch == ',' && depth == 0) {
            pieces.push_back(text.substr(begin, i - begin));
            begin = i + 1;
        }
    }
    pieces.push_back(text.substr(begin));
    YAML::Node map(YAML::NodeType::Map);
    std::vector<std::string> keys;
    for (std::string_view piece : pieces) {
        while (!piece.empty() && (piece.front() == ' ' || piece.front() == '\t'))
            piece.remove_prefix(1);
        while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\t'))
            piece.remove_suffix(1);
        const std::size_t eq = piece.find('=');
        std::string_view key = eq == std::string_view::npos ? piece : piece.substr(0, eq);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
            key.remove_suffix(1);
        if (eq == std::string_view::npos || key.empty() || eq + 1 == piece.size())
            return fail(fmt::format("expected {}, got {}", example, text::quote(text)));
        const std::string value(piece.substr(eq + 1));
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            return fail(fmt::format("duplicate key {} in {}", text::quote(key), text::quote(text)));
        keys.emplace_back(key);
        YAML::Node node;
        try {
            node = without_marks(YAML::Load(value));
        } catch (const YAML::Exception& e) {
            return fail(
                fmt::format("the value of {} is not valid YAML: {}", text::quote(key), e.msg));
        }
        map.force_insert(YAML::Node(std::string(key)), node);
    }
    sink.set_command_line_origin(kSetFile);
    return map;
}

} // namespace scenarios::detail

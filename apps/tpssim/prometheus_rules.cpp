#include "apps/tpssim/prometheus_rules.hpp"

#include "apps/tpssim/openmetrics_labels.hpp"

#include <fmt/format.h>
#include <stdexcept>
#include <yaml-cpp/yaml.h>

namespace tpssim {

namespace {

std::string_view promql_operator(models::Comparison op) {
    using C = models::Comparison;
    switch (op) {
    case C::Less:
        return "<";
    case C::LessEqual:
        return "<=";
    case C::Greater:
        return ">";
    case C::GreaterEqual:
        return ">=";
    case C::Equal:
        return "==";
    case C::NotEqual:
        return "!=";
    }
    return ">";
}

} // namespace

std::string prometheus_alert_expr(const models::Condition& condition) {
    // The dead man's switch lives outside Prometheus: what Prometheus holds is its heartbeat,
    // the always-firing Watchdog, which Alertmanager forwards to the switch.
    if (condition.watchdog_absent) return "vector(1)";
    const auto* info = models::find_metric(condition.metric.name);
    // The scenario reader resolves every condition to a catalogue metric.
    if (info == nullptr)
        throw std::logic_error("alert condition on unknown metric " + condition.metric.name);
    std::string selector =
        fmt::format("{}{}", info->name, prometheus_labels(info->subject, condition.metric.subject));
    switch (condition.range_function) {
    case models::RangeFunction::None:
        break;
    case models::RangeFunction::Increase:
        selector = fmt::format("increase({}[{}])", selector, prometheus_duration(condition.range));
        break;
    case models::RangeFunction::Rate:
        selector = fmt::format("rate({}[{}])", selector, prometheus_duration(condition.range));
        break;
    }
    return fmt::format("{} {} {}", selector, promql_operator(condition.op), condition.threshold);
}

std::string prometheus_alert_name(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        if (c == '-') c = '_';
    return out;
}

std::string prometheus_duration(sim::SimTime duration) {
    // Prometheus durations go down to the millisecond; a finer one is rounded to it.
    auto ms = (duration.ns() + 500'000) / 1'000'000;
    if (ms <= 0) return "0s";
    std::string out;
    constexpr std::pair<std::int64_t, const char*> units[] = {
        {3'600'000, "h"}, {60'000, "m"}, {1'000, "s"}, {1, "ms"}};
    for (const auto& [size, name] : units) {
        if (ms >= size) {
            out += fmt::format("{}{}", ms / size, name);
            ms %= size;
        }
    }
    return out;
}

std::string prometheus_rules_yaml(std::string_view scenario_name,
                                  const std::vector<models::AlertRuleParams>& rules,
                                  sim::SimTime evaluation_interval) {
    YAML::Emitter y;
    y << YAML::Comment(fmt::format("Prometheus alerting rules of tpssim scenario \"{}\", over the "
                                   "series of `tpssim run --openmetrics`",
                                   scenario_name));
    y << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
    y << YAML::BeginMap;
    y << YAML::Key << "name" << YAML::Value << fmt::format("tpssim-{}", scenario_name);
    y << YAML::Key << "interval" << YAML::Value << prometheus_duration(evaluation_interval);
    y << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    for (const auto& rule : rules) {
        y << YAML::BeginMap;
        y << YAML::Key << "alert" << YAML::Value << prometheus_alert_name(rule.name);
        y << YAML::Key << "expr" << YAML::Value << prometheus_alert_expr(rule.condition);
        // The Watchdog fires at once; the rule's `for` is the switch's patience, outside.
        y << YAML::Key << "for" << YAML::Value
          << prometheus_duration(rule.condition.watchdog_absent ? sim::SimTime::zero()
                                                                : rule.for_duration);
        y << YAML::Key << "labels" << YAML::Value << YAML::BeginMap << YAML::Key << "severity"
          << YAML::Value << rule.severity << YAML::EndMap;
        y << YAML::Key << "annotations" << YAML::Value << YAML::BeginMap << YAML::Key << "summary"
          << YAML::Value
          << (rule.condition.watchdog_absent
                  ? fmt::format("{}: the Watchdog heartbeat, always firing; route it to a "
                                "dead man's switch that pages when it is silent for {}",
                                rule.condition.text, prometheus_duration(rule.for_duration))
                  : rule.condition.text)
          << YAML::EndMap;
        y << YAML::EndMap;
    }
    y << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
    if (!y.good()) throw std::logic_error("prometheus rules: " + y.GetLastError());
    return std::string(y.c_str()) + "\n";
}

} // namespace tpssim

// The operations reader's section for `monitoring` and `alerts` (see operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

const KeyTable<models::MonitoringParams, OperationsContext> kMonitoring =
    KeyTable<models::MonitoringParams, OperationsContext>(
        "monitoring settings, e.g. {scrape_interval: 15s}")
        .optional("scrape_interval", &models::MonitoringParams::scrape_interval,
                  [](DiagnosticSink& sink, const Value& s,
                     const OperationsContext& c) -> std::optional<SimTime> {
                      const auto t =
                          duration_between(sink, s, SimTime::from_ms(1), SimTime::from_s(86'400));
                      if (!t) return std::nullopt;
                      // One row per scrape: the run's duration bounds the interval from below.
                      if (c.duration && c.duration->ns() / t->ns() > kMaxScrapes) {
                          sink.error(
                              s.mark, s.path,
                              expected_got(
                                  fmt::format("at most {} scrapes over the run (duration "
                                              "{}): an interval >= {}",
                                              kMaxScrapes, format_duration(*c.duration),
                                              format_duration(SimTime::from_ms(
                                                  c.duration->ns() / kMaxScrapes / 1'000'000 + 1))),
                                  s.node));
                          return std::nullopt;
                      }
                      return t;
                  });

void Reader::read_monitoring(const Value& v) {
    kMonitoring.read_into(sink_, v, out_.monitoring, c_);
}

bool Reader::read_alerts(const Value& v) {
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

} // namespace tpssim::scenarios::detail::ops
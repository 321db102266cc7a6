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

namespace {

/// An alert rule as read, and where its name was written (for a later duplicate's message).
struct AlertRead : models::AlertRuleParams {
    YAML::Mark name_mark;
};

/// What an alert rule is read against: the scope of conditions, and the alerts before it
/// (`scope.alerts`, "" where unreadable) with where each was named.
struct AlertContext {
    const OperationsScope& scope;
    const std::vector<YAML::Mark>& marks;
};

const KeyTable<AlertRead, AlertContext> kAlert =
    KeyTable<AlertRead, AlertContext>("an alert rule, e.g. {name: HighErrorRate, when: "
                                      "\"error_rate(api) > 5%\", for: 2m, severity: page}")
        .custom_required(
            "name", "the alert's name, e.g. HighErrorRate",
            [](DiagnosticSink& sink, const Value& n, AlertRead& rule, const AlertContext& c) {
                if (!n.node.IsScalar() || !is_alert_name(n.node.Scalar())) {
                    sink.error(
                        n.mark, n.path,
                        expected_got(fmt::format("an alert name of {}", kAlertNameRule), n.node));
                    return false;
                }
                rule.name = n.node.Scalar();
                rule.name_mark = n.mark;
                const auto& names = c.scope.alerts;
                const auto first = std::find(names.begin(), names.end(), rule.name);
                if (first == names.end()) return true;
                // Still named: a later `on:` finds the first.
                sink.error(n.mark, n.path,
                           fmt::format("duplicate alert name {}; {}", text::quote(rule.name),
                                       first_line(c.marks[first - names.begin()])));
                return false;
            })
        .required("when", "a condition, e.g. \"error_rate(api) > 5%\"",
                  &models::AlertRuleParams::condition,
                  [](DiagnosticSink& sink, const Value& w, const AlertContext& c) {
                      return read_alert_condition(sink, w, c.scope);
                  })
        .optional("for", &models::AlertRuleParams::for_duration,
                  duration_in(SimTime::zero(), kMaxDuration))
        .optional("severity", &models::AlertRuleParams::severity,
                  [](DiagnosticSink& sink, const Value& s) -> std::optional<std::string> {
                      const auto k = read_choice(sink, s, kSeverities);
                      if (!k) return std::nullopt;
                      return kSeverities[*k];
                  });

} // namespace

const KeySchema& kAlertSchema = kAlert;

bool Reader::read_alerts(const Value& v) {
    const auto items = read_sequence(
        sink_, v,
        "a list of alert rules, e.g. [{name: HighErrorRate, when: \"error_rate(api) > 5%\", "
        "for: 2m}]");
    if (!items) return false;
    bool names_ok = true;
    std::vector<YAML::Mark> marks;
    for (const auto& item : *items) {
        AlertRead rule;
        kAlert.read_into(sink_, item, rule, AlertContext{scope_, marks});
        // Every rule counts, named or not, so actions and expectations index them in order.
        if (rule.name.empty()) names_ok = false;
        marks.push_back(rule.name.empty() ? item.mark : rule.name_mark);
        scope_.alerts.push_back(rule.name);
        out_.alerts.push_back(std::move(rule));
    }
    return names_ok;
}

} // namespace tpssim::scenarios::detail::ops
#include "apps/tpssim/exam_grade.hpp"

#include "apps/tpssim/observation_text.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tpssim {

namespace {

/// A firing's end, +inf while still firing.
double end_of(const models::AlertFiring& f) {
    return std::isnan(f.resolved_seconds) ? std::numeric_limits<double>::infinity()
                                          : f.resolved_seconds;
}

/// When each action of the playbook happened in `run`: scheduled ones at their time, the
/// others `after` their alert's firing (the first one, or each with `repeat`).
std::vector<std::pair<double, std::size_t>> action_times(const models::ModelParams& model,
                                                         const models::RunResult& run) {
    std::vector<std::pair<double, std::size_t>> out;
    const auto& actions = model.operations.actions;
    for (std::size_t a = 0; a < actions.size(); ++a) {
        const auto& ap = actions[a];
        if (!ap.on_alert) {
            if (ap.at.seconds() < run.simulated_seconds) out.emplace_back(ap.at.seconds(), a);
            continue;
        }
        for (const auto& f : run.alerts[*ap.on_alert].firings) {
            const double t = f.fired_seconds + ap.after.seconds();
            if (t < run.simulated_seconds) out.emplace_back(t, a);
            if (!ap.repeat) break;
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The SLO alerts' firings that overlap [from, to): when users first saw a violation there,
/// and when the last one ended (+inf: still violated).
struct Violations {
    bool violated = false;
    double first = std::numeric_limits<double>::quiet_NaN();
    double last_end = -1.0;
    /// No violation from t on: every one ended by t.
    bool holds_from(double t) const { return !violated || last_end <= t; }
};

bool all_pass(const std::vector<std::size_t>& checks, std::size_t first,
              const models::RunResult& run, std::vector<std::string>& failed) {
    bool ok = true;
    for (const auto c : checks) {
        const auto& e = run.expectations.at(first + c);
        if (!e.passed) {
            ok = false;
            failed.push_back(e.text + " (" + observation_text(e, run) + ")");
        }
    }
    return ok;
}

} // namespace

ExamGrade grade_exam(const ExamKey& key, const models::ModelParams& model,
                     const std::vector<models::RunResult>& runs) {
    const auto& ops = model.operations;
    const std::size_t first = ops.expectations.size() - key.checks;
    std::vector<bool> is_slo(ops.alerts.size(), false);
    for (std::size_t a = 0; a < ops.alerts.size(); ++a)
        is_slo[a] = std::find(key.slo_alerts.begin(), key.slo_alerts.end(), ops.alerts[a].name) !=
                    key.slo_alerts.end();
    auto fault_start = [&](const std::string& name) {
        for (const auto& p : ops.faults)
            if (p.name == name) return p.start.seconds();
        throw std::logic_error("exam key: unknown fault " + name);
    };
    // When each failure starts; a window ends where the next failure or recurrence starts.
    std::vector<double> starts, boundaries;
    for (const auto& f : key.failures) {
        starts.push_back(fault_start(f.fault));
        boundaries.push_back(starts.back());
        if (!f.recurrence.empty()) boundaries.push_back(fault_start(f.recurrence));
    }
    ExamGrade g;
    g.pass_mark = key.pass_mark;
    g.replications = static_cast<std::uint32_t>(runs.size());
    for (const auto& run : runs) {
        g.seeds.push_back(run.seed);
        std::vector<std::string> broken;
        all_pass(key.rule_checks, first, run, broken);
        const bool rules_ok = broken.empty();
        g.broken_rules.push_back(std::move(broken));
        const auto acted = action_times(model, run);
        auto violations = [&](const models::RunResult& r, double from, double to) {
            Violations v;
            for (std::size_t a = 0; a < r.alerts.size(); ++a) {
                if (!is_slo[a]) continue;
                for (const auto& f : r.alerts[a].firings) {
                    if (f.fired_seconds >= to || end_of(f) <= from) continue;
                    v.violated = true;
                    const double at = std::max(f.fired_seconds, from);
                    if (std::isnan(v.first) || at < v.first) v.first = at;
                    v.last_end = std::max(v.last_end, end_of(f));
                }
            }
            return v;
        };
        std::vector<FailureOutcome> outcomes;
        for (std::size_t fi = 0; fi < key.failures.size(); ++fi) {
            const auto& failure = key.failures[fi];
            FailureOutcome o;
            o.started = starts[fi];
            o.window_end = run.simulated_seconds;
            for (const double s : boundaries)
                if (s > o.started) o.window_end = std::min(o.window_end, s);
            const Violations users = violations(run, o.started, o.window_end);
            o.first_violation_at = users.first;
            if (users.violated) {
                o.recovered = users.last_end < o.window_end;
                if (o.recovered) o.recovered_at = users.last_end;
            }
            const bool holds_after = users.holds_from(o.started + key.recover_within.seconds());
            // The trainee's first alert in the window; and whether every alert that fired there
            // has resolved by the end of the run (the trainee's monitoring shows the recovery).
            bool all_resolved = true;
            for (std::size_t a = 0; a < run.alerts.size(); ++a) {
                if (is_slo[a]) continue;
                for (const auto& f : run.alerts[a].firings) {
                    if (f.fired_seconds < o.started || f.fired_seconds >= o.window_end) continue;
                    if (std::isnan(f.resolved_seconds)) all_resolved = false;
                    if (std::isnan(o.first_alert_at) || f.fired_seconds < o.first_alert_at) {
                        o.first_alert_at = f.fired_seconds;
                        o.first_alert = run.alerts[a].name;
                    }
                }
            }
            // Users' view at the window's end: not in violation.
            const bool healthy_at_end = !users.violated || users.last_end < o.window_end;
            const bool violated = users.violated;
            o.detection = !std::isnan(o.first_alert_at) &&
                          (!violated || o.first_alert_at <= o.first_violation_at);
            // The action that fixed it: the last one at or before the recovery (or, with no
            // violation, the first one after the alert), within the window.
            const double from = std::isnan(o.first_alert_at) ? o.started : o.first_alert_at;
            for (const auto& [t, a] : acted) {
                if (t < from || t >= o.window_end) continue;
                if (violated) {
                    if (!o.recovered || t > o.recovered_at) break;
                    // Of actions at the same time, the first in the playbook.
                    if (t == o.fixing_action_at) continue;
                    o.fixing_action = ops.actions[a].text;
                    o.fixing_action_at = t;
                } else {
                    o.fixing_action = ops.actions[a].text;
                    o.fixing_action_at = t;
                    break;
                }
            }
            o.fix = rules_ok && holds_after &&
                    all_pass(failure.fix_checks, first, run, o.failed_checks);
            o.verification = rules_ok && !std::isnan(o.first_alert_at) && all_resolved &&
                             healthy_at_end &&
                             all_pass(failure.verification_checks, first, run, o.failed_checks);
            if (!failure.recurrence.empty() || !failure.prevention_checks.empty()) {
                bool handled = true;
                if (!failure.recurrence.empty()) {
                    const double again = fault_start(failure.recurrence);
                    double until = run.simulated_seconds;
                    for (const double s : boundaries)
                        if (s > again) until = std::min(until, s);
                    handled = violations(run, again, until)
                                  .holds_from(again + key.recover_within.seconds());
                    if (!handled)
                        o.failed_checks.push_back(
                            "the recurrence (" + failure.recurrence +
                            "): the SLO did not hold again within " +
                            std::to_string(static_cast<int>(key.recover_within.seconds() / 60)) +
                            " min");
                }
                o.prevention = rules_ok && handled &&
                               all_pass(failure.prevention_checks, first, run, o.failed_checks);
            }
            if (!rules_ok) o.detection = false;
            outcomes.push_back(std::move(o));
        }
        g.outcomes.push_back(std::move(outcomes));
    }

    for (const auto& part : key.parts) {
        PartScore ps{part, kNoTime};
        if (part.judge == ExamJudge::Instructor) {
            g.instructor_weight += part.weight;
        } else {
            std::size_t passed = 0, judged = 0;
            for (const auto& rep : g.outcomes)
                for (const auto& o : rep) {
                    std::optional<bool> v;
                    switch (part.judge) {
                    case ExamJudge::Detection:
                        v = o.detection;
                        break;
                    case ExamJudge::Fix:
                        v = o.fix;
                        break;
                    case ExamJudge::Verification:
                        v = o.verification;
                        break;
                    case ExamJudge::Prevention:
                        v = o.prevention;
                        break;
                    case ExamJudge::Instructor:
                        break;
                    }
                    if (!v) continue;
                    ++judged;
                    passed += *v ? 1 : 0;
                }
            ps.passed_share =
                judged == 0 ? 0.0 : static_cast<double>(passed) / static_cast<double>(judged);
            g.simulation_weight += part.weight;
            g.simulation_score += ps.score();
        }
        g.parts.push_back(ps);
    }
    return g;
}

} // namespace tpssim

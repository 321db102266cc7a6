// The operations reader's `actions` and `expect` (see operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

void Reader::read_actions(const Value& v) {
    const auto items =
        read_sequence(sink_, v,
                      "a list of actions, e.g. [{on: HighErrorRate, after: 3m, scale: worker, by: "
                      "4}]");
    if (!items) return;
    for (const auto& item : *items)
        read_action(item);
}

std::optional<std::uint32_t> Reader::action_service(const Value& v, std::string_view key) {
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
    if ((key == "disable_autoscaler" || key == "repair_autoscaler") && !scope_.has_autoscaler[*s]) {
        sink_.error(
            v.mark, v.path,
            fmt::format("{} has no autoscaler (services.{}.autoscaler)", text::quote(name), name));
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

void Reader::read_action(const Value& v) {
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
            t && before_end(sink_, c_, *at, *t, "it happens"))
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
            if (const auto n =
                    read_integer(sink_, *to, 1, kMaxReplicas, "the limit on workers per service"))
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

bool Reader::read_set(const Value& path_value, const std::optional<Value>& to, const MapReader& map,
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
                at_path(fmt::format("step {} of {} has {} call{}, so there is no call {}", *step,
                                    text::quote(service), st.calls.size(),
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

void Reader::read_expect(const Value& v) {
    const auto items =
        read_sequence(sink_, v, "a list of expectations, e.g. [\"p99(api) < 100ms after 10m\"]");
    if (!items) return;
    for (const auto& item : *items)
        if (auto e = read_expectation(sink_, item, scope_))
            out_.expectations.push_back(std::move(*e));
}

} // namespace tpssim::scenarios::detail::ops
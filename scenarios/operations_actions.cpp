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

namespace {

/// The keys naming what an action does: an action has exactly one.
const std::vector<std::string> kActionKinds{"scale",
                                            "set",
                                            "restart",
                                            "replace_unhealthy",
                                            "disable_autoscaler",
                                            "repair_autoscaler",
                                            "rollback",
                                            "stop_fault"};

/// An action as read: its parameters and its one kind key.
struct ActionRead : models::ActionParams {
    std::string kind_key;
};

/// What an action is read against: the run, what it may name, and the faults read before it
/// (their names, "" where unreadable; whether every one is known).
struct ActionContext {
    const OperationsContext& run;
    const OperationsScope& scope;
    const std::vector<std::string>& fault_names;
    bool faults_known = true;
};

/// The service named by an action's value, checked for what the action (its key) needs.
std::optional<std::uint32_t> action_service(DiagnosticSink& sink, const OperationsScope& scope,
                                            const Value& v, std::string_view key) {
    const auto s = service_named(sink, scope, v);
    if (!s) return std::nullopt;
    const std::string& name = scope.services[*s];
    if (scope.is_queue(*s)) {
        sink.error(v.mark, v.path,
                   fmt::format("{} is a queue (kind: queue): {} acts on a service's "
                               "replicas",
                               text::quote(name), key));
        return std::nullopt;
    }
    if ((key == "disable_autoscaler" || key == "repair_autoscaler") && !scope.has_autoscaler[*s]) {
        sink.error(
            v.mark, v.path,
            fmt::format("{} has no autoscaler (services.{}.autoscaler)", text::quote(name), name));
        return std::nullopt;
    }
    if (key == "rollback" && !scope.has_canary[*s]) {
        sink.error(v.mark, v.path,
                   fmt::format("{} has no canary to roll back (deployments.{}.canary)",
                               text::quote(name), name));
        return std::nullopt;
    }
    return s;
}

bool read_set(DiagnosticSink& sink, const ActionContext& context, const Value& path_value,
              const std::optional<Value>& to, const MapReader& map, const Value& item,
              models::ActionParams& a);

/// Whether the action does `key`.
auto does(std::string_view key) {
    return [key](const KeysRead&, const ActionRead& a) { return a.kind_key == key; };
}

/// A key of an alert's action (after, repeat): "goes with on" when the action has an `at`.
template <class R>
auto with_on(std::string_view key, R reader) {
    return [key, reader](DiagnosticSink& sink, const Value& v, ActionRead& a, const ActionContext&,
                         const KeysRead& keys) {
        if (!keys.get("on")) {
            sink.error(entry_of(keys.map(), key).key_mark, v.path,
                       fmt::format("{} goes with on (an alert), not with at", key));
            return false;
        }
        return reader(sink, v, a);
    };
}

/// An action whose value names the service it acts on (all but scale, set and stop_fault).
auto on_service(ActionKind kind) {
    return [kind](DiagnosticSink& sink, const Value& v, ActionRead& a, const ActionContext& c) {
        a.kind = kind;
        const auto s = action_service(sink, c.scope, v, a.kind_key);
        if (s) a.target = {TargetKind::Service, *s};
        return s.has_value();
    };
}

const KeyTable<ActionRead, ActionContext> kAction =
    KeyTable<ActionRead, ActionContext>("an action, e.g. {at: 2h, restart: worker}")
        // When.
        .either("at", "on", "expected either at (a time) or on (an alert's name), got both")
        .optional("at", &models::ActionParams::at,
                  [](DiagnosticSink& sink, const Value& at,
                     const ActionContext& c) -> std::optional<SimTime> {
                      const auto t = read_time_point(sink, at, c.run.start);
                      if (!t || !before_end(sink, c.run, at, *t, "it happens")) return std::nullopt;
                      return t;
                  })
        .custom("on",
                [](DiagnosticSink& sink, const Value& on, ActionRead& a, const ActionContext& c) {
                    const auto name = read_string(sink, on);
                    if (!name) return false;
                    if (!c.scope.alerts_known) return true;
                    const auto r = c.scope.find_alert(*name);
                    if (const auto* m = std::get_if<std::string>(&r)) {
                        sink.error(on.mark, on.path, *m);
                        return false;
                    }
                    a.on_alert = std::get<std::uint32_t>(r);
                    return true;
                })
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, ActionRead&, const ActionContext&) {
                if (keys.get("at") || keys.get("on")) return true;
                if (!keys.map().was_suggested("at") && !keys.map().was_suggested("on"))
                    sink.error(keys.self().mark, keys.self().path,
                               "missing required key \"at\" (a time, e.g. at: 2h) or \"on\" (an "
                               "alert's name, e.g. on: HighErrorRate)");
                return false;
            })
        .custom("after", with_on("after",
                                 [](DiagnosticSink& sink, const Value& v, ActionRead& a) {
                                     const auto t =
                                         duration_between(sink, v, SimTime::zero(), kMaxDuration);
                                     if (t) a.after = *t;
                                     return t.has_value();
                                 }))
        .custom("repeat", with_on("repeat",
                                  [](DiagnosticSink& sink, const Value& v, ActionRead& a) {
                                      const auto b = read_bool(sink, v);
                                      if (b) a.repeat = *b;
                                      return b.has_value();
                                  }))
        // What: one kind key; nothing more is read without one.
        .gate([](DiagnosticSink& sink, const KeysRead& keys, ActionRead& a, const ActionContext&) {
            const auto& map = keys.map();
            std::vector<const MapReader::Entry*> kinds;
            for (const auto& e : map.entries())
                if (contains(kActionKinds, e.key)) kinds.push_back(&e);
            if (kinds.empty()) {
                const bool suggested =
                    std::any_of(kActionKinds.begin(), kActionKinds.end(),
                                [&](const auto& k) { return map.was_suggested(k); });
                if (!suggested)
                    sink.error(keys.self().mark, keys.self().path,
                               fmt::format("expected one action ({}), found none",
                                           text::join(kActionKinds)));
                return false;
            }
            if (kinds.size() > 1) {
                std::vector<std::string> found;
                for (const auto* k : kinds)
                    found.push_back(k->key);
                sink.error(kinds[1]->key_mark, keys.self().path,
                           fmt::format("expected exactly one action, found {} (make them "
                                       "separate actions)",
                                       join_and(found)));
                return false;
            }
            a.kind_key = kinds.front()->key;
            // The event log's text, as written: "scale: worker, by: 4".
            for (const auto& e : map.entries()) {
                if (e.key == "at" || e.key == "on" || e.key == "after" || e.key == "repeat")
                    continue;
                if (!a.text.empty()) a.text += ", ";
                a.text += e.key + ": " + (e.value.node.IsScalar() ? e.value.node.Scalar() : "...");
            }
            return true;
        })
        // `to` goes with scale and set, `by` with scale.
        .check_always([](DiagnosticSink& sink, const KeysRead& keys, ActionRead& a,
                         const ActionContext&) {
            bool ok = true;
            const auto misplaced = [&](const char* key, std::string_view goes_with) {
                if (!keys.get(key)) return;
                sink.error(entry_of(keys.map(), key).key_mark, keys.get(key)->path,
                           fmt::format("{} goes with {}, not with {}", key, goes_with, a.kind_key));
                ok = false;
            };
            if (a.kind_key == "scale") return true;
            if (a.kind_key != "set") misplaced("to", "scale or set");
            misplaced("by", "scale");
            return ok;
        })
        .custom("scale",
                [](DiagnosticSink& sink, const Value& v, ActionRead& a, const ActionContext& c) {
                    a.kind = ActionKind::Scale;
                    const auto s = action_service(sink, c.scope, v, "scale");
                    if (s) a.target = {TargetKind::Service, *s};
                    return s.has_value();
                })
        .when(does("scale"))
        .custom("set",
                [](DiagnosticSink& sink, const Value& v, ActionRead& a, const ActionContext& c,
                   const KeysRead& keys) {
                    return read_set(sink, c, v, keys.get("to"), keys.map(), keys.self(), a);
                })
        .when(does("set"))
        .custom("restart", on_service(ActionKind::Restart))
        .when(does("restart"))
        .custom("replace_unhealthy", on_service(ActionKind::ReplaceUnhealthy))
        .when(does("replace_unhealthy"))
        .custom("disable_autoscaler", on_service(ActionKind::DisableAutoscaler))
        .when(does("disable_autoscaler"))
        .custom("repair_autoscaler", on_service(ActionKind::RepairAutoscaler))
        .when(does("repair_autoscaler"))
        .custom("rollback", on_service(ActionKind::Rollback))
        .when(does("rollback"))
        .custom("stop_fault",
                [](DiagnosticSink& sink, const Value& v, ActionRead& a, const ActionContext& c) {
                    a.kind = ActionKind::StopFault;
                    const auto name = read_string(sink, v);
                    if (!name) return false;
                    const auto& faults = c.fault_names;
                    const auto it = std::find(faults.begin(), faults.end(), *name);
                    if (it != faults.end()) {
                        a.fault = static_cast<std::uint32_t>(it - faults.begin());
                        return true;
                    }
                    if (!c.faults_known) return true;
                    std::vector<std::string> names;
                    for (const auto& n : faults)
                        if (!n.empty()) names.push_back(n);
                    std::string message = fmt::format("unknown fault {}", text::quote(*name));
                    const std::string suggestion = text::closest(*name, names);
                    if (names.empty())
                        message += ": no faults are defined (chaos: [...])";
                    else if (!suggestion.empty())
                        message += fmt::format("; did you mean {}?", text::quote(suggestion));
                    else
                        message += fmt::format(" (faults: {})", text::join(names));
                    sink.error(v.mark, v.path, message);
                    return false;
                })
        .when(does("stop_fault"))
        // How much: a scale's count, absolute or relative (a set reads its `to` itself).
        .either("to", "by", "expected either to (a replica count) or by (a change), got both")
        .when(does("scale"))
        .optional("to", &models::ActionParams::count,
                  integer(1, kMaxReplicas, "the limit on workers per service"))
        .when(does("scale"))
        .custom("by",
                [](DiagnosticSink& sink, const Value& by, ActionRead& a, const ActionContext&) {
                    const auto n = read_change(sink, by, kMaxReplicas);
                    if (!n) return false;
                    a.count = *n;
                    a.relative = true;
                    return true;
                })
        .when(does("scale"))
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, ActionRead&, const ActionContext&) {
                if (keys.get("to") || keys.get("by")) return true;
                if (!keys.map().was_suggested("to") && !keys.map().was_suggested("by"))
                    sink.error(keys.self().mark, keys.self().path,
                               "missing required key \"to\" (a replica count, e.g. to: 10) or "
                               "\"by\" (a change, e.g. by: 4 or by: -2)");
                return false;
            })
        .when(does("scale"));

} // namespace

const KeySchema& kActionSchema = kAction;

void Reader::read_action(const Value& v) {
    ActionRead a;
    if (kAction.read_into(sink_, v, a, ActionContext{c_, scope_, fault_names_, faults_known_}))
        out_.actions.push_back(std::move(a));
}

namespace {

/// What an action's `set:` path names.
enum class Setting {
    Workers,
    Capacity,
    QueueCapacity,
    ErrorProbability,
    WorkFactor,
    RateLimit,
    Timeout,
    Breaker,
    CacheHitRatio,
    LinkPayload,
    LinkBandwidth,
};

/// The `to:` of a `set:`, read as the setting it changes.
bool read_set_value(DiagnosticSink& sink, Setting setting, const Value& to,
                    models::ActionParams& a) {
    switch (setting) {
    case Setting::Workers: {
        a.kind = ActionKind::Scale;
        const auto n = read_integer(sink, to, 1, kMaxReplicas, "the limit on workers per service");
        if (n) a.count = static_cast<std::int64_t>(*n);
        return n.has_value();
    }
    case Setting::Capacity:
    case Setting::QueueCapacity: {
        a.kind = ActionKind::SetQueueCapacity;
        if (to.node.IsScalar() && to.node.Scalar() == "unbounded") {
            a.value = std::numeric_limits<double>::infinity();
            return true;
        }
        const auto n =
            read_integer(sink, to, 0, kMaxQueueCapacity, "2^40, the limit on a queue's capacity");
        if (n) a.value = static_cast<double>(*n);
        return n.has_value();
    }
    case Setting::ErrorProbability: {
        a.kind = ActionKind::SetErrorProbability;
        const auto r = read_ratio(sink, to, false);
        if (r) a.value = *r;
        return r.has_value();
    }
    case Setting::WorkFactor: {
        a.kind = ActionKind::SetWorkFactor;
        const auto f = read_number_above(sink, to, 0.0, kMaxFactor, "the limit on a factor");
        if (f) a.value = *f;
        return f.has_value();
    }
    case Setting::RateLimit: {
        a.kind = ActionKind::SetRateLimit;
        if (to.node.IsScalar() && to.node.Scalar() == "unlimited") {
            a.value = 0.0;
            return true;
        }
        const auto r = read_rate(sink, to, true);
        if (r) a.value = *r;
        return r.has_value();
    }
    case Setting::CacheHitRatio: {
        a.kind = ActionKind::SetCacheHitRatio;
        const auto r = read_ratio(sink, to, false);
        if (r) a.value = *r;
        return r.has_value();
    }
    case Setting::LinkPayload: {
        a.kind = ActionKind::SetLinkPayload;
        const auto b = read_size(sink, to, true);
        if (b) a.value = *b;
        return b.has_value();
    }
    case Setting::LinkBandwidth: {
        a.kind = ActionKind::SetLinkBandwidth;
        const auto b = read_data_rate(sink, to, true);
        if (b) a.value = *b;
        return b.has_value();
    }
    case Setting::Timeout: {
        a.kind = ActionKind::SetCallTimeout;
        const auto t = read_timeout(sink, to);
        if (t) a.duration = *t;
        return t.has_value();
    }
    case Setting::Breaker: {
        a.kind = ActionKind::SetBreakerFailureRate;
        const auto r = read_ratio(sink, to, true);
        if (r) a.value = *r;
        return r.has_value();
    }
    }
    return false;
}

/// `set: PATH` with `to: VALUE`.
bool read_set(DiagnosticSink& sink, const ActionContext& context, const Value& path_value,
              const std::optional<Value>& to, const MapReader& map, const Value& item,
              models::ActionParams& a) {
    const OperationsScope& scope = context.scope;
    const OperationsContext& run = context.run;

    const auto path = read_string(sink, path_value);
    if (!path) return false;
    const auto unsupported = [&](std::string why) {
        sink.error(path_value.mark, path_value.path,
                   fmt::format("{}; set supports services.NAME.workers, "
                               "services.NAME.queue.capacity, services.QUEUE.capacity, "
                               "services.NAME.errors.probability, services.NAME.work_factor, "
                               "services.NAME.rate_limit, "
                               "services.NAME.steps[I].timeout, "
                               "services.NAME.steps[I].circuit_breaker.failure_rate_threshold, "
                               "services.NAME.steps[I].cache.hit_ratio (each step one also as "
                               "steps[I].calls[J]...), network.links[I].payload, "
                               "network.links[I].bandwidth",
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
    if (parts.size() == 4 && parts[0] == "network" && parts[1] == "links" && is_index(parts[2]) &&
        (parts[3] == "payload" || parts[3] == "bandwidth")) {
        const auto link = static_cast<std::uint32_t>(std::stoul(parts[2]));
        const Setting setting =
            parts[3] == "payload" ? Setting::LinkPayload : Setting::LinkBandwidth;
        bool ok = true;
        if (scope.links_known && link >= scope.links.size()) {
            sink.error(path_value.mark, path_value.path,
                       scope.links.empty()
                           ? std::string("there are no links (network.links)")
                           : fmt::format("there {} {} link{} (network.links), so there is no "
                                         "link {}",
                                         scope.links.size() == 1 ? "is" : "are", scope.links.size(),
                                         scope.links.size() == 1 ? "" : "s", link));
            ok = false;
        }
        a.target = {TargetKind::Link, link};
        if (!to) {
            if (!map.was_suggested("to"))
                sink.error(item.mark, item.path,
                           "missing required key \"to\" (the new value, e.g. to: 64KiB)");
            return false;
        }
        return read_set_value(sink, setting, *to, a) && ok;
    }
    if (parts.size() < 3 || parts[0] != "services") return unsupported(got);
    const std::string& service = parts[1];
    std::vector<std::string> rest(parts.begin() + 2, parts.end());
    // Which setting: the shape of `rest`.
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
    } else if (rest == std::vector<std::string>{"work_factor"}) {
        setting = Setting::WorkFactor;
    } else if (rest == std::vector<std::string>{"rate_limit"}) {
        setting = Setting::RateLimit;
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
        else if (tail == std::vector<std::string>{"cache", "hit_ratio"})
            setting = Setting::CacheHitRatio;
        else
            return unsupported(got);
    } else {
        return unsupported(got);
    }

    bool ok = true;
    std::optional<std::uint32_t> s;
    if (scope.services_known) {
        const auto r = scope.find_service(service);
        if (const auto* m = std::get_if<std::string>(&r)) {
            sink.error(path_value.mark, path_value.path, *m);
            ok = false;
        } else {
            s = std::get<std::uint32_t>(r);
        }
    }
    const auto at_path = [&](std::string message) {
        sink.error(path_value.mark, path_value.path, std::move(message));
        ok = false;
    };
    if (s) {
        const bool queue = scope.is_queue(*s);
        const bool known = scope.kinds[*s].has_value();
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
    if (ok && step && s && scope.edges_known) {
        const auto& steps = run.model.services[*s].steps;
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
                for (std::uint32_t e = 0; e < scope.edges.size(); ++e) {
                    const auto& edge = scope.edges[e];
                    if (edge.caller == *s && edge.step == *step && edge.call == j)
                        a.target = {TargetKind::Edge, e};
                }
                if (setting == Setting::Breaker && !st.calls[j].circuit_breaker)
                    at_path(fmt::format("the call {} has no circuit_breaker",
                                        scope.edge_texts[a.target.index]));
                if (setting == Setting::CacheHitRatio && !st.calls[j].cache)
                    at_path(fmt::format("the call {} has no cache (give its step one, e.g. "
                                        "cache: {{hit_ratio: 0%, latency: 300us}}, to change "
                                        "it here)",
                                        scope.edge_texts[a.target.index]));
            }
        }
    }
    if (!to) {
        if (!map.was_suggested("to"))
            sink.error(item.mark, item.path,
                       "missing required key \"to\" (the new value, e.g. to: 200ms)");
        return false;
    }
    return read_set_value(sink, setting, *to, a) && ok;
}

} // namespace

void Reader::read_expect(const Value& v) {
    const auto items =
        read_sequence(sink_, v, "a list of expectations, e.g. [\"p99(api) < 100ms after 10m\"]");
    if (!items) return;
    for (const auto& item : *items)
        if (auto e = read_expectation(sink_, item, scope_))
            out_.expectations.push_back(std::move(*e));
}

} // namespace tpssim::scenarios::detail::ops
// The operations reader's section for `chaos` and `--chaos`: faults, their targets and kinds (see
// operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

const KeyTable<models::FaultRamp> kRamp =
    KeyTable<models::FaultRamp>("a ramp, e.g. {from: 0%, to: 50%, step: 10%, every: 1m}")
        .required("from", "a probability, e.g. 0% or 50%", &models::FaultRamp::from, ratio(false))
        .required("to", "a probability, e.g. 0% or 50%", &models::FaultRamp::to, ratio(false))
        .optional("step", &models::FaultRamp::step, ratio(false))
        .optional("every", &models::FaultRamp::every, positive_duration());

const KeyTable<models::FaultParams> kUnhealthy =
    KeyTable<models::FaultParams>("unhealthy replicas, e.g. {count: 1, factor: 5, errors: 50%}")
        .optional("count", &models::FaultParams::count,
                  integer(1, kMaxReplicas, "the limit on workers per service"))
        .optional("factor", &models::FaultParams::factor,
                  number_at_least(1.0, kMaxFactor, "the limit on a factor"))
        .optional("errors", &models::FaultParams::probability, ratio(false))
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& map, models::FaultParams&, const NoContext&) {
                // An unknown key (reported) is likely the misspelt factor or errors.
                if (map.get("factor") || map.get("errors") ||
                    has_unknown_key(map.self(), kUnhealthy.keys()))
                    return true;
                sink.error(map.self().mark, map.self().path,
                           "expected factor (slower replicas, e.g. factor: 5) or errors (failing "
                           "ones, e.g. errors: 50%), got neither");
                return false;
            });

const KeyTable<models::FaultParams> kLeak =
    KeyTable<models::FaultParams>("a leak rate (e.g. 2MiB/min or 10KiB/request) or {per_second: "
                                  "1MiB/min, per_request: 10KiB}")
        .optional("per_second", &models::FaultParams::bytes_per_second,
                  [](DiagnosticSink& sink, const Value& ps) {
                      // A size means that much per second; a data rate (2MiB/min) is converted.
                      return ps.node.IsScalar() && ps.node.Scalar().find('/') == std::string::npos
                                 ? read_size(sink, ps, false)
                                 : read_data_rate(sink, ps, false);
                  })
        .optional("per_request", &models::FaultParams::bytes_per_request, per_request(true))
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, models::FaultParams&, const NoContext&) {
                if (keys.get("per_second") || keys.get("per_request")) return true;
                // An unknown key (reported) is likely the misspelt one: no second message.
                if (!has_unknown_key(keys.self(), kLeak.keys()))
                    sink.error(keys.self().mark, keys.self().path,
                               "missing required key \"per_second\" (e.g. 1MiB/min) or "
                               "\"per_request\" (e.g. 10KiB)");
                return false;
            });

const KeyTable<models::FaultParams> kSlowQuery =
    KeyTable<models::FaultParams>("slow queries, e.g. {fraction: 20%, factor: 10}")
        .required("fraction", "the share of work steps slowed, e.g. 20%",
                  &models::FaultParams::fraction, ratio(true))
        .required("factor", "how many times longer they take, e.g. 10",
                  &models::FaultParams::factor,
                  number_above(0.0, kMaxFactor, "the limit on a factor"));

const KeyTable<models::FaultParams> kFaultErrors =
    KeyTable<models::FaultParams>("an error probability (e.g. 5%), {probability: 5%} or {ramp: "
                                  "{from: 0%, to: 50%, step: 10%, every: 1m}}")
        .either("probability", "ramp", "expected either probability or ramp, got both")
        .optional("probability", &models::FaultParams::probability, ratio(true))
        .custom(
            "ramp",
            [](DiagnosticSink& sink, const Value& r, models::FaultParams& f, const NoContext&) {
                const auto ramp = kRamp.read(sink, r);
                if (!ramp) return false;
                f.ramp = *ramp;
                f.probability = ramp->from;
                return true;
            },
            true)
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, models::FaultParams&, const NoContext&) {
                if (keys.get("probability") || keys.get("ramp")) return true;
                // An unknown key (reported) is likely the misspelt one: no second message.
                if (!has_unknown_key(keys.self(), kFaultErrors.keys()))
                    sink.error(keys.self().mark, keys.self().path,
                               "missing required key \"probability\" (e.g. 5%) or \"ramp\" (e.g. "
                               "{from: 0%, to: 50%, step: 10%, every: 1m})");
                return false;
            });

void Reader::read_chaos(const std::optional<Value>& v, const std::vector<YAML::Node>& flags) {
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

namespace {

/// The target of a fault of kind `kind` (its key `kind_key`), written at `v`; nothing when
/// wrong (reported), or when what it names could not be known (a list not read).
std::optional<models::FaultTarget> fault_target(DiagnosticSink& sink, const OperationsScope& scope,
                                                const Value& v, FaultKind kind,
                                                std::string_view kind_key) {
    const std::string text = v.node.IsScalar() ? v.node.Scalar() : std::string();
    const auto bad = [&](std::string message) -> std::optional<models::FaultTarget> {
        sink.error(v.mark, v.path, std::move(message));
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
            if (!scope.links_known) return std::nullopt;
            const auto l = scope.find_link(a, b);
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
        if (!scope.services_known || !scope.edges_known) return std::nullopt;
        const auto e = scope.find_edge(a, b);
        if (const auto* m = std::get_if<std::string>(&e)) return bad(*m);
        target.index = std::get<std::uint32_t>(e);
        return target;
    }
    if (kind == FaultKind::BandwidthUsed)
        return bad(fmt::format("bandwidth_used hits a network link, written from->to (e.g. "
                               "worker->db); got {}",
                               text::quote(text)));
    target.kind = TargetKind::Service;
    if (!scope.services_known) return std::nullopt;
    const auto s = scope.find_service(text);
    if (const auto* m = std::get_if<std::string>(&s)) return bad(*m);
    target.index = std::get<std::uint32_t>(s);
    const bool queue = scope.is_queue(target.index);
    const bool service =
        scope.kinds[target.index] && *scope.kinds[target.index] == models::ServiceKind::Service;
    if (kind == FaultKind::BackendDown) {
        if (service)
            return bad(fmt::format("backend_down hits a queue (kind: queue); {} is a service",
                                   text::quote(text)));
    } else if (queue) {
        return bad(fmt::format("{} is a queue (kind: queue): {} hits a service's replicas (to "
                               "stop a queue, backend_down: true)",
                               text::quote(text), kind_key));
    }
    if (kind == FaultKind::AutoscalerBroken && !scope.has_autoscaler[target.index])
        return bad(fmt::format("{} has no autoscaler to break (services.{}.autoscaler)",
                               text::quote(text), text));
    if (kind == FaultKind::NodeCrash && service && scope.placement_nodes[target.index] == 0)
        return bad(fmt::format("{} has no nodes: node_crash needs services.{}.placement (e.g. "
                               "{{nodes: 4, replicas_per_node: 2}}); crash: N kills replicas "
                               "without one",
                               text::quote(text), text));
    return target;
}

/// `errors:` of a fault: a probability, or the map of kFaultErrors.
bool read_fault_errors(DiagnosticSink& sink, const Value& v, models::FaultParams& f) {
    if (!v.node.IsMap()) {
        const auto r = read_ratio(sink, v, true);
        if (r) f.probability = *r;
        return r.has_value();
    }
    return kFaultErrors.read_into(sink, v, f);
}

/// `memory_leak:` a data rate, bytes per request, or the map of kLeak.
bool read_leak(DiagnosticSink& sink, const Value& v, models::FaultParams& f) {
    if (v.node.IsScalar()) {
        if (is_per_request(v.node)) {
            const auto b = read_per_request(sink, v, false);
            if (b) f.bytes_per_request = *b;
            return b.has_value();
        }
        const auto r = read_data_rate(sink, v, true);
        if (r) f.bytes_per_second = *r;
        return r.has_value();
    }
    return kLeak.read_into(sink, v, f);
}

/// A fault as read: its parameters, its kind's key ("" when it has none, or several), and
/// what names it (its `name`, else its target and kind).
struct FaultRead : models::FaultParams {
    std::string kind_key;
    bool target_ok = false; ///< `target` named what the kind hits
    std::optional<Value> name_value;
    std::string target_text;
};

/// What a fault is read against: the run (the calendar, the duration, the file's folder) and
/// what its target may name.
struct FaultContext {
    const OperationsContext& run;
    const OperationsScope& scope;
};

/// The fault's kind, from its one kind key; false when it has none, or several.
bool fault_kind(DiagnosticSink& sink, const KeysRead& keys, FaultRead& f, const FaultContext&) {
    std::vector<const MapReader::Entry*> kinds;
    for (const auto& e : keys.map().entries())
        if (contains(kFaultKinds, e.key)) kinds.push_back(&e);
    const Value& v = keys.self();
    if (kinds.empty()) {
        if (!has_unknown_key(v, kFaultSchema.keys()))
            sink.error(
                v.mark, v.path,
                fmt::format("expected one fault kind ({}), found none", text::join(kFaultKinds)));
        return false;
    }
    if (kinds.size() > 1) {
        std::vector<std::string> found;
        for (const auto* k : kinds)
            found.push_back(k->key);
        sink.error(kinds[1]->key_mark, v.path,
                   fmt::format("expected exactly one fault kind, found {}: a fault does one "
                               "thing (make them separate faults)",
                               join_and(found)));
        return false;
    }
    f.kind_key = kinds.front()->key;
    f.kind = static_cast<FaultKind>(std::find(kFaultKinds.begin(), kFaultKinds.end(), f.kind_key) -
                                    kFaultKinds.begin());
    if (f.kind == FaultKind::MonitoringDown) f.target.kind = TargetKind::System;
    return true;
}

/// Whether the fault's one kind is known.
bool kind_known(const KeysRead&, const FaultRead& f) {
    return !f.kind_key.empty();
}

/// Whether the fault's one kind is `k`.
auto kind_is(FaultKind k) {
    return [k](const KeysRead&, const FaultRead& f) { return !f.kind_key.empty() && f.kind == k; };
}

/// `target:` what the fault hits, as its kind allows.
bool read_fault_target(DiagnosticSink& sink, const Value& t, FaultRead& f, const FaultContext& c,
                       const KeysRead& keys) {
    if (f.kind == FaultKind::MonitoringDown) {
        sink.error(entry_of(keys.map(), "target").key_mark, t.path,
                   "monitoring_down hits the whole system: it takes no target");
        return false;
    }
    f.target_text = t.node.IsScalar() ? t.node.Scalar() : "";
    if (const auto got = fault_target(sink, c.scope, t, f.kind, f.kind_key)) {
        f.target = *got;
        f.target_ok = true;
        return true;
    }
    // Nothing names a service when the services are unknown: not this fault's problem.
    return !c.scope.services_known;
}

const KeyTable<FaultRead, FaultContext> kFaultTable =
    KeyTable<FaultRead, FaultContext>(
        "a fault, e.g. {at: 1h, for: 10m, target: service-c, latency: +400ms}")
        .check_always(fault_kind)
        // When.
        .optional("at", &models::FaultParams::start,
                  [](DiagnosticSink& sink, const Value& at,
                     const FaultContext& c) -> std::optional<SimTime> {
                      const auto t = read_time_point(sink, at, c.run.start);
                      if (!t || !before_end(sink, c.run, at, *t, "it starts")) return std::nullopt;
                      return t;
                  })
        .either("for", "until", "expected either for (a duration) or until (a time), got both")
        .custom("for",
                [](DiagnosticSink& sink, const Value& d, FaultRead& f, const FaultContext&) {
                    const auto t = duration_between(sink, d, SimTime::from_ns(1), kMaxDuration);
                    if (t) f.end = f.start + *t;
                    return t.has_value();
                })
        .custom("until",
                [](DiagnosticSink& sink, const Value& u, FaultRead& f, const FaultContext& c) {
                    TimeRules rules;
                    rules.clock_from = f.start;
                    rules.strictly_after = true;
                    const auto t = read_time_point(sink, u, c.run.start, rules);
                    if (!t) return false;
                    if (*t <= f.start) {
                        sink.error(u.mark, u.path,
                                   expected_got(fmt::format("a time after at ({})",
                                                            show_time(f.start, c.run.start)),
                                                u.node));
                        return false;
                    }
                    f.end = *t;
                    return true;
                })
        // Where.
        .custom("target", read_fault_target)
        .when(kind_known)
        .check_always(
            [](DiagnosticSink& sink, const KeysRead& keys, FaultRead& f, const FaultContext&) {
                if (f.kind_key.empty() || f.kind == FaultKind::MonitoringDown ||
                    keys.get("target") || keys.map().was_suggested("target"))
                    return true;
                sink.error(keys.self().mark, keys.self().path,
                           fmt::format("missing required key \"target\" (the {} the fault hits)",
                                       f.kind == FaultKind::BandwidthUsed ? "link, from->to,"
                                       : f.kind == FaultKind::BackendDown ? "queue"
                                       : f.kind == FaultKind::Latency || f.kind == FaultKind::Errors
                                           ? "service, or call (caller->callee),"
                                           : "service"));
                return false;
            })
        // What.
        .custom("restart_after",
                [](DiagnosticSink& sink, const Value& r, FaultRead& f, const FaultContext&,
                   const KeysRead& keys) {
                    if (!f.kind_key.empty() && f.kind != FaultKind::Crash &&
                        f.kind != FaultKind::NodeCrash) {
                        sink.error(entry_of(keys.map(), "restart_after").key_mark, r.path,
                                   fmt::format("restart_after goes with crash or node_crash, not "
                                               "with {}",
                                               f.kind_key));
                        return false;
                    }
                    if (f.kind == FaultKind::NodeCrash && (keys.get("for") || keys.get("until"))) {
                        sink.error(entry_of(keys.map(), "restart_after").key_mark, r.path,
                                   "expected either restart_after or for/until (when the nodes "
                                   "return), got both");
                        return false;
                    }
                    const bool node = f.kind == FaultKind::NodeCrash;
                    const auto t = duration_between(
                        sink, r, node ? SimTime::from_ns(1) : SimTime::zero(), kMaxDuration);
                    if (!t) return false;
                    f.restart_after = *t;
                    // The nodes return then: the fault's end.
                    if (node) f.end = f.start + *t;
                    return true;
                })
        .listed_before("unhealthy")
        .custom("latency",
                [](DiagnosticSink& sink, const Value& v, FaultRead& f, const FaultContext& c) {
                    // `+400ms`: added to each request; the `+` is optional.
                    Value plain = v;
                    if (v.node.IsScalar() && v.node.Scalar().starts_with('+')) {
                        // A new node: `=` on a Node would write through to the document.
                        YAML::Node rest(v.node.Scalar().substr(1));
                        rest.SetTag(v.node.Tag());
                        plain.node.reset(rest);
                    }
                    auto d = read_latency(sink, plain, c.run.base_dir);
                    if (d) f.latency = std::move(*d);
                    return d.has_value();
                })
        .when(kind_is(FaultKind::Latency))
        .custom(
            "errors",
            [](DiagnosticSink& sink, const Value& v, FaultRead& f, const FaultContext&) {
                return read_fault_errors(sink, v, f);
            },
            true)
        .when(kind_is(FaultKind::Errors))
        .optional("crash", &models::FaultParams::count,
                  integer(1, kMaxReplicas, "the limit on workers per service"))
        .when(kind_is(FaultKind::Crash))
        .custom(
            "unhealthy",
            [](DiagnosticSink& sink, const Value& v, FaultRead& f, const FaultContext&) {
                return kUnhealthy.read_into(sink, v, f);
            },
            true)
        .when(kind_is(FaultKind::UnhealthyWorker))
        .custom(
            "slow_query",
            [](DiagnosticSink& sink, const Value& v, FaultRead& f, const FaultContext&) {
                return kSlowQuery.read_into(sink, v, f);
            },
            true)
        .when(kind_is(FaultKind::SlowQuery))
        .custom(
            "memory_leak",
            [](DiagnosticSink& sink, const Value& v, FaultRead& f, const FaultContext&) {
                return read_leak(sink, v, f);
            },
            true)
        .when(kind_is(FaultKind::MemoryLeak))
        .optional("bandwidth_used", &models::FaultParams::fraction, ratio(true))
        .when(kind_is(FaultKind::BandwidthUsed))
        .custom("backend_down",
                [](DiagnosticSink& sink, const Value& v, FaultRead&, const FaultContext&) {
                    return read_true(sink, v, "backend_down");
                })
        .when(kind_is(FaultKind::BackendDown))
        .custom("monitoring_down",
                [](DiagnosticSink& sink, const Value& v, FaultRead&, const FaultContext&) {
                    return read_true(sink, v, "monitoring_down");
                })
        .when(kind_is(FaultKind::MonitoringDown))
        .custom("autoscaler_broken",
                [](DiagnosticSink& sink, const Value& v, FaultRead&, const FaultContext&) {
                    return read_true(sink, v, "autoscaler_broken");
                })
        .when(kind_is(FaultKind::AutoscalerBroken))
        .custom("node_crash",
                [](DiagnosticSink& sink, const Value& v, FaultRead& f, const FaultContext& c) {
                    const auto n =
                        read_integer(sink, v, 1, 100'000, "the limit on a cluster's nodes");
                    if (!n) return false;
                    f.count = static_cast<std::uint32_t>(*n);
                    if (!f.target_ok || f.target.kind != TargetKind::Service) return true;
                    const std::uint32_t nodes = c.scope.placement_nodes[f.target.index];
                    if (nodes == OperationsScope::kUnknownNodes || f.count <= nodes) return true;
                    sink.error(v.mark, v.path,
                               fmt::format("{} has {} node{} (services.{}.placement.nodes), so "
                                           "{} cannot crash",
                                           text::quote(c.scope.services[f.target.index]), nodes,
                                           nodes == 1 ? "" : "s", c.scope.services[f.target.index],
                                           f.count));
                    return false;
                })
        .when(kind_is(FaultKind::NodeCrash))
        // Who: read last, listed first.
        .custom("name",
                [](DiagnosticSink& sink, const Value& n, FaultRead& f, const FaultContext&) {
                    f.name_value = n;
                    auto name = read_string(sink, n);
                    if (name) f.name = std::move(*name);
                    return name.has_value();
                })
        .listed_before("at");

} // namespace

const KeySchema& kFaultSchema = kFaultTable;

void Reader::read_fault(const Value& v) {
    FaultRead f;
    const bool read_ok = kFaultTable.read_into(sink_, v, f, FaultContext{c_, scope_});
    if (!v.node.IsMap()) {
        fault_names_.emplace_back();
        fault_marks_.push_back(v.mark);
        fault_ok_.push_back(false);
        faults_known_ = false;
        return;
    }
    bool ok = read_ok;
    // Who: its name, else its target and kind.
    std::string name = f.name;
    if (!f.name_value && !f.kind_key.empty())
        name = f.kind == FaultKind::MonitoringDown
                   ? std::string("monitoring_down")
                   : fmt::format("{} {}", f.target_text, f.kind_key);
    const YAML::Mark mark = f.name_value ? f.name_value->mark : v.mark;
    if (!name.empty()) {
        const auto first = std::find(fault_names_.begin(), fault_names_.end(), name);
        // Default names of broken faults may collide only because of the breakage.
        if (first != fault_names_.end() &&
            (f.name_value || (ok && fault_ok_[first - fault_names_.begin()]))) {
            sink_.error(mark, f.name_value ? f.name_value->path : v.path,
                        fmt::format("duplicate fault name {}; {}{}", text::quote(name),
                                    first_line(fault_marks_[first - fault_names_.begin()]),
                                    f.name_value ? "" : " (give each a name: ...)"));
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

} // namespace tpssim::scenarios::detail::ops
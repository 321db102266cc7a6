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

std::optional<models::FaultTarget> Reader::fault_target(const Value& v, FaultKind kind,
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
    const bool service =
        scope_.kinds[target.index] && *scope_.kinds[target.index] == models::ServiceKind::Service;
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

bool Reader::read_fault_errors(const Value& v, models::FaultParams& f) {
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
        both(sink_, map, "probability", "ramp", "expected either probability or ramp, got both");
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
    const auto out = kRamp.read(sink_, *ramp);
    if (!out) return false;
    f.ramp = *out;
    f.probability = out->from;
    return true;
}

bool Reader::read_leak(const Value& v, models::FaultParams& f) {
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
    return kLeak.read_into(sink_, v, f);
}

void Reader::read_fault(const Value& v) {
    MapReader map(sink_, v, "a fault, e.g. {at: 1h, for: 10m, target: service-c, latency: +400ms}",
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
            sink_.error(
                v.mark, v.path,
                fmt::format("expected one fault kind ({}), found none", text::join(kFaultKinds)));
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
            t && before_end(sink_, c_, *at, *t, "it starts"))
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
        if (const auto t = duration_between(sink_, *for_value, SimTime::from_ns(1), kMaxDuration))
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
            sink_.error(entry_of(map, "restart_after").key_mark, r->path,
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

bool Reader::read_fault_kind(const MapReader::Entry& e, models::FaultParams& f) {
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
    case FaultKind::UnhealthyWorker:
        return kUnhealthy.read_into(sink_, v, f);
    case FaultKind::SlowQuery:
        return kSlowQuery.read_into(sink_, v, f);
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

} // namespace tpssim::scenarios::detail::ops
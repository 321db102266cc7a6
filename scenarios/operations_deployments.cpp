// The operations reader's `deployments`: versions and canaries (see operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace scenarios::detail::ops {

void Reader::read_deployments(const Value& v) {
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

std::optional<models::VersionParams> Reader::read_version(const Value& v) {
    MapReader map(sink_, v,
                  "a version's settings, e.g. {work_factor: 1.5, errors: {probability: 3%}}",
                  kVersionKeys);
    if (!map.ok()) return std::nullopt;
    models::VersionParams version;
    bool ok = true;
    if (const auto w = map.get("work_factor")) {
        if (const auto x = read_number_above(sink_, *w, 0.0, kMaxFactor, "the limit on a factor"))
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

bool Reader::before_end(const Value& v, SimTime t, std::string_view what) {
    if (!c_.duration || t < *c_.duration) return true;
    sink_.error(v.mark, v.path,
                fmt::format("{} at {}, when the run is over (duration: {}); got {}", what,
                            show_time(t, c_.start), format_duration(*c_.duration),
                            describe(v.node)));
    return false;
}

std::optional<models::CanaryParams> Reader::read_canary(const Value& v, const std::string& service,
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
        sink_.error(at.mark, at.path,
                    expected_got(
                        step
                            ? fmt::format("a weight <= max_weight ({:g}%)", c.max_weight * 100.0)
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
        MapReader gates(sink_, *g, "canary gates, e.g. {success_rate: 99%, p99: 500ms}", kGateKeys);
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

} // namespace scenarios::detail::ops

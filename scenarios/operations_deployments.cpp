// The operations reader's section for `deployments`: versions and canaries (see
// operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

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
                if (auto version = kVersion.read(sink_, ve.value)) {
                    version->name = ve.key;
                    versions.push_back(std::move(*version));
                }
            }
        }
        std::optional<models::CanaryParams> canary;
        if (const auto cv = map.get("canary"))
            canary = kCanary.read(sink_, *cv, CanaryContext{c_, e.key, names});
        if (!s) continue;
        out_.services[*s].versions = std::move(versions);
        out_.services[*s].canary = canary;
        scope_.has_canary[*s] = canary.has_value() || map.get("canary").has_value();
    }
}

const KeyTable<models::VersionParams> kVersion =
    KeyTable<models::VersionParams>(
        "a version's settings, e.g. {work_factor: 1.5, errors: {probability: 3%}}")
        .optional("work_factor", &models::VersionParams::work_factor,
                  number_above(0.0, kMaxFactor, "the limit on a factor"))
        .optional_block("errors", &models::VersionParams::error_probability,
                        [](DiagnosticSink& sink, const Value& v) { return read_errors(sink, v); })
        .optional("memory_leak", &models::VersionParams::memory_leak_bytes_per_request,
                  per_request(false));

const KeyTable<models::CanaryParams, CanaryContext> kGates =
    KeyTable<models::CanaryParams, CanaryContext>(
        "canary gates, e.g. {success_rate: 99%, p99: 500ms}")
        .optional("success_rate", &models::CanaryParams::min_success_rate, ratio(false))
        .optional("p99", &models::CanaryParams::max_p99, positive_duration());

namespace {

/// The canary's `version`: one of the service's versions, by name.
bool read_canary_version(DiagnosticSink& sink, const Value& version, models::CanaryParams& c,
                         const CanaryContext& ctx) {
    const auto name = read_name(sink, version);
    if (!name) return false;
    const auto& versions = ctx.versions;
    const auto it = std::find(versions.begin(), versions.end(), *name);
    if (it != versions.end()) {
        c.version = static_cast<std::uint32_t>(it - versions.begin());
        return true;
    }
    std::string message = fmt::format("unknown version {}", text::quote(*name));
    const std::string suggestion = text::closest(*name, versions);
    if (versions.empty())
        message += fmt::format(": {} has no versions (deployments.{}.versions)",
                               text::quote(ctx.service), ctx.service);
    else if (!suggestion.empty())
        message += fmt::format("; did you mean {}?", text::quote(suggestion));
    else
        message += fmt::format(" (versions: {})", text::join(versions));
    sink.error(version.mark, version.path, message);
    return false;
}

/// A step weight above the largest weight, reported at whichever of the two is given.
bool check_weights(DiagnosticSink& sink, const KeysRead& map, models::CanaryParams& c,
                   const CanaryContext&) {
    if (c.step_weight <= c.max_weight) return true;
    const auto step = map.get("step_weight");
    const Value at = step ? *step : *map.get("max_weight");
    sink.error(
        at.mark, at.path,
        expected_got(step ? fmt::format("a weight <= max_weight ({:g}%)", c.max_weight * 100.0)
                          : fmt::format("a weight >= step_weight ({:g}%)", c.step_weight * 100.0),
                     at.node));
    return false;
}

} // namespace

const KeyTable<models::CanaryParams, CanaryContext> kCanary =
    KeyTable<models::CanaryParams, CanaryContext>(
        "canary settings, e.g. {version: v2, start: 20h, step_weight: 10%, max_weight: 50%}")
        .custom_required("version", "the version to roll out, e.g. v2", read_canary_version)
        .optional("start", &models::CanaryParams::start,
                  [](DiagnosticSink& sink, const Value& v,
                     const CanaryContext& ctx) -> std::optional<SimTime> {
                      const auto t = read_time_point(sink, v, ctx.run.start);
                      if (!t || !before_end(sink, ctx.run, v, *t, "it starts")) return std::nullopt;
                      return t;
                  })
        .optional("interval", &models::CanaryParams::interval, positive_duration())
        .optional("step_weight", &models::CanaryParams::step_weight, ratio(true))
        .optional("max_weight", &models::CanaryParams::max_weight, ratio(true))
        .check(check_weights)
        .optional("threshold", &models::CanaryParams::threshold, integer(1, kMaxThreshold))
        .optional("min_requests", &models::CanaryParams::min_requests, integer(0, kMaxMinRequests))
        .into("gates", kGates);

} // namespace tpssim::scenarios::detail::ops
// The operations reader's section for `deployments`: versions and canaries (see
// operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

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
        "canary gates, e.g. {success_rate: 99%, p99: 500ms, error_rate_increase: 1%, "
        "p99_increase: 20%}")
        .optional("success_rate", &models::CanaryParams::min_success_rate, ratio(false))
        .optional("p99", &models::CanaryParams::max_p99, positive_duration())
        .optional("error_rate_increase", &models::CanaryParams::max_error_rate_increase,
                  ratio(false))
        .optional("p99_increase", &models::CanaryParams::max_p99_increase, ratio(false));

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

namespace {

/// A service's deployment as read: its versions (and their names, for its canary's), and its
/// canary.
struct DeploymentRead {
    std::vector<models::VersionParams> versions;
    std::vector<std::string> names; ///< every version's name, readable or not, in file order
    std::optional<models::CanaryParams> canary;
    bool canary_given = false;
};

/// What a deployment is read against: the run, and whose deployment it is.
struct DeploymentContext {
    const OperationsContext& run;
    const std::string& service;
};

/// `versions:` a map of version names to their settings.
bool read_versions(DiagnosticSink& sink, const Value& vs, DeploymentRead& d,
                   const DeploymentContext&) {
    const auto items = MapReader::named_items(
        sink, vs, "a map of version names to their settings, e.g. {v2: {work_factor: 1.5}}");
    std::size_t read = 0;
    for (const auto& ve : items.entries()) {
        d.names.push_back(ve.key);
        if (!is_valid_name(ve.key))
            sink.error(ve.key_mark, ve.value.path,
                       fmt::format("expected a version name of {}, got {}", kNameRule,
                                   text::quote(ve.key)));
        if (auto version = kVersion.read(sink, ve.value)) {
            version->name = ve.key;
            d.versions.push_back(std::move(*version));
            ++read;
        }
    }
    return items.ok() && read == items.entries().size();
}

/// The versions before the canary: it names one of them.
const KeyTable<DeploymentRead, DeploymentContext> kDeployment =
    KeyTable<DeploymentRead, DeploymentContext>("a deployment: {versions: {...}, canary: {...}}")
        .custom("versions", read_versions, true)
        .custom(
            "canary",
            [](DiagnosticSink& sink, const Value& cv, DeploymentRead& d,
               const DeploymentContext& c) {
                d.canary_given = true;
                d.canary = kCanary.read(sink, cv, CanaryContext{c.run, c.service, d.names});
                return d.canary.has_value();
            },
            true);

} // namespace

const KeySchema& kDeploymentSchema = kDeployment;

void Reader::read_deployments(const Value& v) {
    const auto services = MapReader::named_items(
        sink_, v,
        "a map of service names to their deployments, e.g. {worker: {versions: "
        "{v2: {work_factor: 1.5}}}}");
    if (!services.ok()) return;
    for (const auto& e : services.entries()) {
        const MapReader map(sink_, e.value, kDeployment.what(), kDeployment.keys());
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
        DeploymentRead d;
        kDeployment.read_map(sink_, map, d, DeploymentContext{c_, e.key});
        if (!s || !map.ok()) continue;
        out_.services[*s].versions = std::move(d.versions);
        out_.services[*s].canary = d.canary;
        scope_.has_canary[*s] = d.canary_given;
    }
}

} // namespace tpssim::scenarios::detail::ops
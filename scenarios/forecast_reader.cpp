#include "scenarios/forecast_reader.hpp"

#include "scenarios/scenario.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/yaml_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace tpssim::scenarios {

namespace {

namespace fs = std::filesystem;
using detail::DiagnosticSink;
using detail::MapReader;
using detail::Value;

std::string relative_to(const std::string& file, const std::string& name) {
    const fs::path p(name);
    return p.is_absolute() ? name : (fs::path(file).parent_path() / p).lexically_normal().string();
}

// A bare number or a number with a trailing `x` (`2.5`, `2.5x`), within [min, max].
std::optional<double> read_factor(DiagnosticSink& sink, const Value& v, double min, double max) {
    if (v.node.IsScalar()) {
        std::string s = v.node.Scalar();
        if (!s.empty() && (s.back() == 'x' || s.back() == 'X')) s.pop_back();
        char* end = nullptr;
        const double x = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && x >= min && x <= max) return x;
    }
    sink.error(
        v.mark, v.path,
        detail::expected_got(
            fmt::format("a factor from {:g} to {:g}, such as 2.5 or 2.5x", min, max), v.node));
    return std::nullopt;
}

// A plain number >= 0 (a price).
std::optional<double> read_price(DiagnosticSink& sink, const Value& v) {
    return detail::read_number_at_least(sink, v, 0.0, 1e12, "");
}

void read_growth(DiagnosticSink& sink, const Value& v, ForecastSpec& spec) {
    MapReader r(sink, v, "a stated growth {rate: 100/s, monthly: 20%}", {"rate", "monthly"});
    if (!r.ok()) return;
    StatedGrowth g;
    bool ok = true;
    if (auto rate = r.require("rate", "the rate today, such as 100/s")) {
        if (auto x = detail::read_rate(sink, *rate, true))
            g.rate_per_second = *x;
        else
            ok = false;
    }
    if (auto m = r.require("monthly", "the growth a month: 20% (compound) or 15/s (linear)")) {
        const std::string s = m->node.IsScalar() ? m->node.Scalar() : "";
        if (s.find('/') != std::string::npos) {
            g.model = models::analytic::GrowthModel::linear;
            auto x = parse_rate_per_second(s);
            if (const double* d = std::get_if<double>(&x))
                g.monthly = *d;
            else {
                sink.error(m->mark, m->path,
                           "expected a growth a month: a percentage (20%, compound) or a rate "
                           "added each month (15/s, linear), got " +
                               detail::describe(m->node));
                ok = false;
            }
        } else {
            g.model = models::analytic::GrowthModel::compound;
            auto x = parse_ratio(s, 100.0);
            if (const double* d = std::get_if<double>(&x); d && s.find('%') != std::string::npos)
                g.monthly = *d;
            else {
                sink.error(m->mark, m->path,
                           "expected a growth a month: a percentage (20%, compound) or a rate "
                           "added each month (15/s, linear), got " +
                               detail::describe(m->node));
                ok = false;
            }
        }
    }
    if (ok) spec.growth = g;
}

void read_slo(DiagnosticSink& sink, const Value& v, ForecastSpec& spec) {
    MapReader r(sink, v, "an SLO {p99: 200ms, utilization: 80%}",
                {"p50", "p90", "p99", "utilization", "max_rejected"});
    if (!r.ok()) return;
    int quantiles = 0;
    for (const auto& [key, q] : {std::pair{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}}) {
        if (auto x = r.get(key)) {
            ++quantiles;
            spec.slo_quantile = q;
            if (auto d = detail::read_duration(sink, *x, true)) spec.slo_seconds = d->seconds();
        }
    }
    if (quantiles != 1 && !r.was_suggested("p99"))
        sink.error(
            v.mark, v.path,
            fmt::format("expected one latency quantile (p50, p90 or p99), got {}", quantiles));
    if (auto u = r.get("utilization"))
        if (auto x = detail::read_ratio(sink, *u, true)) spec.max_utilisation = *x;
    if (auto b = r.get("max_rejected"))
        if (auto x = detail::read_ratio(sink, *b, true)) spec.max_blocking = *x;
}

struct KeyAt {
    std::string key_path;
    YAML::Mark mark;
};

void read_scenario(DiagnosticSink& sink, const Value& v, ForecastSpec& spec, KeyAt& workers_at,
                   KeyAt& rate_at) {
    MapReader r(
        sink, v, "the scenario to size {file, service, ...}",
        {"file", "service", "workers_key", "rate_key", "duration", "warmup", "replications"});
    if (!r.ok()) return;
    if (auto f = r.require("file", "the scenario file to size"))
        if (auto s = detail::read_string(sink, *f)) spec.scenario_file = relative_to(spec.file, *s);
    workers_at.mark = v.mark;
    rate_at.mark = v.mark;
    if (auto s = r.require("service", "the service whose workers are sized"))
        if (auto name = detail::read_name(sink, *s)) {
            spec.service = *name;
            spec.workers_key = "services." + *name + ".workers";
            workers_at.mark = s->mark;
        }
    spec.rate_key = "load.0.rate";
    if (auto k = r.get("workers_key"))
        if (auto s = detail::read_string(sink, *k)) {
            spec.workers_key = *s;
            workers_at.mark = k->mark;
        }
    if (auto k = r.get("rate_key"))
        if (auto s = detail::read_string(sink, *k)) {
            spec.rate_key = *s;
            rate_at.mark = k->mark;
        }
    if (auto d = r.get("duration"))
        if (auto t = detail::read_duration(sink, *d, true)) spec.duration = *t;
    if (auto w = r.get("warmup"))
        if (auto t = detail::read_duration(sink, *w, false)) spec.warmup = *t;
    if (auto n = r.get("replications"))
        if (auto x = detail::read_integer(sink, *n, 2, 1000, "(2 at least: intervals need two)"))
            spec.replications = static_cast<std::uint32_t>(*x);
    if (spec.warmup >= spec.duration)
        sink.error(v.mark, v.path,
                   fmt::format("expected a warmup ({}) shorter than the duration ({})",
                               format_duration(spec.warmup), format_duration(spec.duration)));
    workers_at.key_path = spec.workers_key;
    rate_at.key_path = spec.rate_key;
}

void read_replica(DiagnosticSink& sink, const Value& v, ForecastSpec& spec) {
    MapReader r(sink, v, "a replica's resources {cpu: 0.5, memory: 512MiB}", {"cpu", "memory"});
    if (!r.ok()) return;
    if (auto c = r.require("cpu", "CPU cores per replica, such as 0.5"))
        if (auto x = detail::read_number_above(sink, *c, 0.0, 1e6, "")) spec.replica_cpu_cores = *x;
    if (auto m = r.require("memory", "memory per replica, such as 512MiB")) {
        const std::string s = m->node.IsScalar() ? m->node.Scalar() : "";
        auto x = parse_size_bytes(s);
        if (const auto* b = std::get_if<std::uint64_t>(&x); b && *b > 0)
            spec.replica_memory_bytes = *b;
        else
            sink.error(m->mark, m->path,
                       detail::expected_got("a size such as 512MiB or 2GiB", m->node));
    }
}

void read_prices(DiagnosticSink& sink, const Value& v, ForecastSpec& spec) {
    MapReader r(sink, v, "prices per replica-month {on_demand, reserved, spot, ...}",
                {"currency", "on_demand", "reserved", "spot", "spot_interruption", "peak_share"});
    if (!r.ok()) return;
    if (auto c = r.get("currency"))
        if (auto s = detail::read_string(sink, *c)) spec.currency = *s;
    if (auto p = r.require("on_demand", "the on-demand price of a replica-month"))
        if (auto x = read_price(sink, *p)) spec.prices.on_demand = *x;
    if (auto p = r.require("reserved", "the reserved price of a replica-month"))
        if (auto x = read_price(sink, *p)) spec.prices.reserved = *x;
    if (auto p = r.require("spot", "the spot price of a replica-month"))
        if (auto x = read_price(sink, *p)) spec.prices.spot = *x;
    if (auto p = r.get("spot_interruption")) {
        if (auto x = detail::read_ratio(sink, *p, false)) {
            if (*x >= 0.95)
                sink.error(p->mark, p->path,
                           fmt::format("expected a share under 95%, got {:g}%", *x * 100.0));
            else
                spec.prices.spot_interruption = *x;
        }
    }
    if (auto p = r.get("peak_share"))
        if (auto x = detail::read_ratio(sink, *p, true)) spec.prices.peak_share = *x;
}

// Loads the scenario with the workers and rate keys set to their own values (as `--set`
// would), reporting a problem at the key's line in the forecast file.
void check_scenario(ForecastSpec& spec, const KeyAt& workers_at, const KeyAt& rate_at,
                    std::vector<Diagnostic>& out) {
    std::vector<Override> overrides = {{spec.workers_key, "1"}, {spec.rate_key, "1/s"}};
    try {
        (void)load_scenario_file(spec.scenario_file, overrides);
    } catch (const ScenarioError& e) {
        for (auto d : e.diagnostics()) {
            if (d.file == detail::kSetFile) {
                const bool workers = d.key_path.starts_with(spec.workers_key) ||
                                     d.message.find(spec.workers_key) != std::string::npos;
                const YAML::Mark& m = workers ? workers_at.mark : rate_at.mark;
                d.file = spec.file;
                d.line = m.line + 1;
                d.column = m.column + 1;
                d.message =
                    fmt::format("{} (the key {} of {})", d.message,
                                workers ? spec.workers_key : spec.rate_key, spec.scenario_file);
            }
            out.push_back(std::move(d));
        }
        return;
    }
    const Scenario sc = load_scenario_file(spec.scenario_file);
    const auto it = std::find_if(sc.model.services.begin(), sc.model.services.end(),
                                 [&](const auto& s) { return s.name == spec.service; });
    if (it == sc.model.services.end() || it->kind != models::ServiceKind::Service) {
        out.push_back({spec.file, workers_at.mark.line + 1, workers_at.mark.column + 1,
                       "scenario.service",
                       fmt::format("expected a service with workers of {}, got \"{}\"",
                                   spec.scenario_file, spec.service)});
        return;
    }
    spec.current_workers = it->workers;
}

} // namespace

ForecastSpec read_forecast_text(const std::string& text, const std::string& display_name) {
    YAML::Node root;
    try {
        auto docs = detail::load_all_documents(text);
        if (!docs.empty()) root = docs.front();
    } catch (const YAML::ParserException& e) {
        throw ScenarioError({Diagnostic{display_name, e.mark.line + 1, e.mark.column + 1, "",
                                        "invalid YAML: " + e.msg}});
    }
    ForecastSpec spec;
    spec.file = display_name;
    DiagnosticSink sink(display_name);
    MapReader top(sink, detail::root_value(root),
                  "a forecast: a map with history or growth, slo, scenario and more",
                  {"history", "growth", "peak_factor", "plan_on", "slo", "scenario", "replica",
                   "prices", "horizons"});
    if (!top.ok()) throw ScenarioError(sink.sorted());

    std::vector<Diagnostic> problems;
    const auto history = top.get("history");
    const auto growth = top.get("growth");
    if (history && growth) {
        sink.error(growth->mark, growth->path,
                   "expected history or growth, not both (a history's fit is the growth)");
    } else if (history) {
        if (auto s = detail::read_string(sink, *history)) {
            const std::string path = relative_to(display_name, *s);
            spec.history = read_rate_history(path, path, "history", problems);
        }
    } else if (growth) {
        read_growth(sink, *growth, spec);
    } else if (!top.was_suggested("history") && !top.was_suggested("growth")) {
        sink.error(top.self().mark, "",
                   "expected history (a CSV of rates) or growth ({rate: 100/s, monthly: 20%}), "
                   "got neither");
    }
    if (auto p = top.get("peak_factor"))
        if (auto x = read_factor(sink, *p, 1.0, 100.0)) spec.peak_factor = *x;
    if (auto p = top.get("plan_on")) {
        static const std::vector<std::string> choices = {"upper", "fit"};
        if (auto i = detail::read_choice(sink, *p, choices)) spec.plan_on_upper = *i == 0;
    }
    if (auto s = top.require("slo", "the SLO, such as {p99: 200ms}")) read_slo(sink, *s, spec);
    KeyAt workers_at, rate_at;
    if (auto s = top.require("scenario", "the scenario to size {file, service}"))
        read_scenario(sink, *s, spec, workers_at, rate_at);
    if (auto r = top.get("replica")) read_replica(sink, *r, spec);
    if (auto p = top.require("prices", "prices per replica-month {on_demand, reserved, spot}"))
        read_prices(sink, *p, spec);
    if (auto h = top.get("horizons")) {
        if (auto items = detail::read_sequence(sink, *h, "a list of months, such as [3, 6, 12]")) {
            spec.horizons_months.clear();
            for (const auto& item : *items)
                if (auto n = detail::read_integer(sink, item, 1, 120, "(ten years)")) {
                    if (!spec.horizons_months.empty() && *n <= spec.horizons_months.back())
                        sink.error(item.mark, item.path,
                                   fmt::format("expected months in increasing order, got {} "
                                               "after {}",
                                               *n, spec.horizons_months.back()));
                    spec.horizons_months.push_back(static_cast<std::uint32_t>(*n));
                }
            if (items->empty())
                sink.error(h->mark, h->path, "expected at least one month, got an empty list");
        }
    }
    for (auto& d : sink.sorted())
        problems.push_back(std::move(d));
    if (!problems.empty()) throw ScenarioError(std::move(problems));
    check_scenario(spec, workers_at, rate_at, problems);
    if (!problems.empty()) throw ScenarioError(std::move(problems));
    return spec;
}

ForecastSpec read_forecast_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError({Diagnostic{path, 0, 0, "", "cannot open the forecast file"}});
    std::ostringstream ss;
    ss << in.rdbuf();
    return read_forecast_text(ss.str(), path);
}

} // namespace tpssim::scenarios

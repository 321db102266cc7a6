#include "apps/tpssim/forecast_plan.hpp"

#include "models/replications.hpp"
#include "scenarios/scenario.hpp"
#include "sim/confidence_interval.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace tpssim {

namespace analytic = models::analytic;
using scenarios::Diagnostic;
using scenarios::ScenarioError;

const analytic::GrowthFit* ForecastPlan::fit() const {
    if (!linear || !compound) return nullptr;
    return chosen == analytic::GrowthModel::linear ? &*linear : &*compound;
}

double ForecastPlan::rate_at(double months_ahead) const {
    if (const auto* f = fit()) return f->rate_at(now_months + months_ahead);
    const auto& g = *spec.growth;
    return g.model == analytic::GrowthModel::linear
               ? std::max(0.0, g.rate_per_second + g.monthly * months_ahead)
               : g.rate_per_second * std::pow(1.0 + g.monthly, months_ahead);
}

std::pair<double, double> ForecastPlan::band_at(double months_ahead) const {
    if (const auto* f = fit()) {
        const auto i = f->prediction_interval(now_months + months_ahead);
        return {i.low, i.high};
    }
    const double r = rate_at(months_ahead);
    return {r, r};
}

namespace {

[[noreturn]] void fail(const scenarios::ForecastSpec& spec, const std::string& key,
                       const std::string& message) {
    throw ScenarioError({Diagnostic{spec.file, 0, 0, key, message}});
}

const models::ServiceResult& service_of(const models::RunResult& r, const std::string& name) {
    for (const auto& s : r.services)
        if (s.name == name) return s;
    throw std::logic_error("forecast: the sized service is missing from a run");
}

double quantile_of(const models::ServiceResult& s, double q) {
    if (q <= 0.5) return s.latency_seconds.p50;
    if (q <= 0.9) return s.latency_seconds.p90;
    return s.latency_seconds.p99;
}

class Sizer {
public:
    Sizer(const scenarios::ForecastSpec& spec, const ForecastOptions& options, std::uint64_t seed)
        : spec_(spec), options_(options), seed_(seed) {}

    // The scenario with `workers` and `rate` set as `--set` would.
    models::ModelParams model(std::optional<std::uint32_t> workers,
                              std::optional<double> rate) const {
        std::vector<scenarios::Override> o;
        if (workers) o.push_back({spec_.workers_key, std::to_string(*workers)});
        if (rate) o.push_back({spec_.rate_key, fmt::format("{:.9g}/s", *rate)});
        auto sc = scenarios::load_scenario_file(spec_.scenario_file, o);
        sc.model.duration = spec_.duration;
        sc.model.warmup = spec_.warmup;
        return std::move(sc.model);
    }

    std::vector<models::RunResult> run(const models::ModelParams& m) {
        models::ReplicationOptions ro;
        ro.seed = seed_; // common random numbers: replication k has the same seed everywhere
        ro.replications = spec_.replications;
        ro.threads = options_.threads;
        ro.keep_first_event_log = false;
        if (options_.keep_going) ro.keep_going = options_.keep_going;
        auto runs = models::run_replications(m, ro);
        runs_ += runs.size();
        if (runs.size() < spec_.replications) throw Interrupted{};
        return runs;
    }

    double measure_demand() {
        const auto runs = run(model(std::nullopt, std::nullopt));
        double sum = 0.0;
        for (const auto& r : runs) {
            const auto& s = service_of(r, spec_.service);
            if (!(s.throughput_per_second > 0.0))
                fail(spec_, "scenario.service",
                     fmt::format("{} completed no request in a run of {}: no service time to "
                                 "size with",
                                 spec_.service, spec_.scenario_file));
            sum += s.utilization * spec_.current_workers / s.throughput_per_second;
        }
        return sum / static_cast<double>(runs.size());
    }

    SizingProbe probe(std::uint32_t month, std::uint32_t workers, double rate) {
        const auto runs = run(model(workers, rate));
        std::vector<double> q;
        double util = 0.0, rejected = 0.0;
        for (const auto& r : runs) {
            const auto& s = service_of(r, spec_.service);
            q.push_back(quantile_of(s, spec_.slo_quantile));
            util += s.utilization;
            rejected += s.arrivals == 0
                            ? 0.0
                            : static_cast<double>(s.rejected) / static_cast<double>(s.arrivals);
        }
        const auto ci = sim::mean_confidence_interval(q);
        SizingProbe p;
        p.month = month;
        p.workers = workers;
        p.latency_mean = ci.mean;
        p.latency_half_width = ci.half_width;
        p.utilisation = util / static_cast<double>(runs.size());
        p.rejected_share = rejected / static_cast<double>(runs.size());
        p.meets_slo = ci.high() <= spec_.slo_seconds && p.rejected_share <= spec_.max_blocking;
        if (options_.progress)
            options_.progress(fmt::format("month {}: {} workers at {:.1f}/s: p{:g} {:.1f} ms +- "
                                          "{:.1f}{}",
                                          month, workers, rate, spec_.slo_quantile * 100.0,
                                          ci.mean * 1e3, ci.half_width * 1e3,
                                          p.meets_slo ? "" : " (misses the SLO)"));
        return p;
    }

    struct Interrupted {};
    std::uint64_t runs() const { return runs_; }

private:
    const scenarios::ForecastSpec& spec_;
    const ForecastOptions& options_;
    std::uint64_t seed_;
    std::uint64_t runs_ = 0;
};

// The Erlang C guess at `rate`. Erlang C assumes exponential service times, whose quantiles
// are longer than those of most real services: where it finds no count within the SLO, the
// guess is the utilisation floor (for_latency = 0) and the simulation decides.
analytic::WorkerGuess erlang_guess(double rate, double demand,
                                   const scenarios::ForecastSpec& spec) {
    try {
        return analytic::erlang_c_workers(rate, demand, spec.max_utilisation, spec.slo_quantile,
                                          spec.slo_seconds);
    } catch (const std::invalid_argument&) {
        analytic::WorkerGuess g;
        g.for_utilisation = static_cast<std::uint32_t>(
            std::max(1.0, std::ceil(rate * demand / spec.max_utilisation - 1e-9)));
        g.workers = g.for_utilisation;
        g.utilisation = rate * demand / g.workers;
        g.latency_quantile = std::nan("");
        return g;
    }
}

// The fewest workers whose simulated quantile meets the SLO, never under the utilisation
// floor, searched from the guess: when the guess meets it, the floor is tried, then the range
// between them bisected; when it misses, steps up of 1, 2, 4, ... find a count that meets it,
// then the last step is bisected. With common random numbers the latency falls as workers are
// added, so the count below the answer was simulated and missed (or is under the floor).
// Returns the probes in the order tried.
std::vector<SizingProbe> search_workers(Sizer& sizer, std::uint32_t month, double rate,
                                        const analytic::WorkerGuess& guess, std::uint32_t& workers,
                                        bool& confirmed) {
    std::vector<SizingProbe> probes;
    auto meets = [&](std::uint32_t c) {
        for (const auto& p : probes)
            if (p.workers == c) return p.meets_slo;
        probes.push_back(sizer.probe(month, c, rate));
        return probes.back().meets_slo;
    };
    const std::uint32_t floor = guess.for_utilisation;
    const std::uint32_t start = std::max(guess.workers, floor);
    std::uint32_t lo = 0, hi = 0; // lo misses (or is under the floor), hi meets
    if (meets(start)) {
        if (start == floor || meets(floor)) {
            workers = floor;
            confirmed = true;
            return probes;
        }
        lo = floor;
        hi = start;
    } else {
        const std::uint32_t limit = 2 * start + 8;
        lo = start;
        std::uint32_t step = 1;
        for (hi = start + 1; !meets(hi); hi = start + step) {
            lo = hi;
            step *= 2;
            if (start + step > limit) {
                workers = hi;
                confirmed = false;
                return probes;
            }
        }
    }
    while (hi - lo > 1) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        (meets(mid) ? hi : lo) = mid;
    }
    workers = hi;
    confirmed = true;
    return probes;
}

// Workers needed `m` months ahead: the Erlang C guess at the planned peak, shifted by what the
// simulation added or removed at the first horizon at or after m.
std::uint32_t need_at(const ForecastPlan& plan, double m, double demand) {
    const auto& spec = plan.spec;
    const auto band = plan.band_at(m);
    const double peak = spec.peak_factor * (spec.plan_on_upper ? band.second : plan.rate_at(m));
    const auto g = erlang_guess(peak, demand, spec);
    for (const auto& h : plan.horizons)
        if (h.month >= m) {
            const auto shifted = static_cast<std::int64_t>(g.workers) +
                                 static_cast<std::int64_t>(h.workers) -
                                 static_cast<std::int64_t>(h.guess.workers);
            return static_cast<std::uint32_t>(std::max<std::int64_t>(shifted, g.for_utilisation));
        }
    return g.workers;
}

} // namespace

ForecastPlan plan_forecast(const scenarios::ForecastSpec& spec, const ForecastOptions& options) {
    const auto wall_start = std::chrono::steady_clock::now();
    ForecastPlan plan;
    plan.spec = spec;
    if (spec.history) {
        const auto& h = *spec.history;
        try {
            plan.linear =
                analytic::fit_growth(h.t_months, h.rate_per_second, analytic::GrowthModel::linear);
            plan.compound = analytic::fit_growth(h.t_months, h.rate_per_second,
                                                 analytic::GrowthModel::compound);
        } catch (const std::invalid_argument& e) {
            fail(spec, "history", fmt::format("{}: cannot fit a growth: {}", h.file, e.what()));
        }
        plan.chosen = analytic::better_growth_model(*plan.linear, *plan.compound).model;
        plan.now_months = h.t_months.back();
    } else {
        plan.chosen = spec.growth->model;
    }
    plan.current_rate = plan.rate_at(0.0);
    const double last = spec.horizons_months.back();
    for (double t = 0.0; t <= plan.now_months + last + 1e-9; t += 0.25) {
        ForecastCurvePoint p;
        p.t_months = t;
        p.months_ahead = t - plan.now_months;
        p.fit = plan.rate_at(p.months_ahead);
        std::tie(p.low, p.high) = plan.band_at(p.months_ahead);
        p.peak = spec.peak_factor * (spec.plan_on_upper ? p.high : p.fit);
        plan.curve.push_back(p);
    }

    plan.seed =
        options.seed ? *options.seed : scenarios::load_scenario_file(spec.scenario_file).seed;
    Sizer sizer(spec, options, plan.seed);
    try {
        plan.service_demand_seconds = sizer.measure_demand();
        if (options.progress)
            options.progress(fmt::format("{}: {:.2f} ms of worker time per request", spec.service,
                                         plan.service_demand_seconds * 1e3));
        const double s = plan.service_demand_seconds;
        for (std::uint32_t month : spec.horizons_months) {
            HorizonPlan h;
            h.month = month;
            h.average_rate = plan.rate_at(month);
            std::tie(h.average_low, h.average_high) = plan.band_at(month);
            h.planned_peak =
                spec.peak_factor * (spec.plan_on_upper ? h.average_high : h.average_rate);
            h.guess = erlang_guess(h.planned_peak, s, spec);
            h.base_workers = erlang_guess(h.average_rate, s, spec).workers;
            auto probes =
                search_workers(sizer, month, h.planned_peak, h.guess, h.workers, h.confirmed);
            for (const auto& p : probes)
                if (p.workers == h.workers) h.at_workers = p;
            plan.probes.insert(plan.probes.end(), probes.begin(), probes.end());
            h.queue_places = analytic::queue_places_for_blocking(h.planned_peak, s, h.workers,
                                                                 spec.max_blocking);
            h.cpu_cores = h.workers * spec.replica_cpu_cores;
            h.memory_gib = h.workers * static_cast<double>(spec.replica_memory_bytes) /
                           static_cast<double>(1ULL << 30);
            h.mixes = analytic::purchase_mixes(h.workers, h.base_workers, spec.prices);
            plan.horizons.push_back(std::move(h));
        }
    } catch (const Sizer::Interrupted&) {
        plan.interrupted = true;
    }
    plan.runs = sizer.runs();

    // When to scale: month by month, the first month whose need exceeds what is in place, to
    // the size of the horizon that month leads to.
    if (!plan.interrupted) {
        std::uint32_t have = spec.current_workers;
        for (std::uint32_t m = 0; m <= spec.horizons_months.back(); ++m) {
            const std::uint32_t need = need_at(plan, m, plan.service_demand_seconds);
            if (need <= have) continue;
            // To the size of the horizon ahead, but at most double (the lab's "50% or 100%"):
            // a far horizon is bought when it comes closer.
            std::uint32_t to = need;
            for (const auto& h : plan.horizons)
                if (h.month >= m) {
                    to = std::max(need, std::min(h.workers, 2 * have));
                    break;
                }
            plan.scaling.push_back(
                {m, have, to, 100.0 * (static_cast<double>(to) / std::max(1u, have) - 1.0)});
            have = to;
        }
    }
    plan.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return plan;
}

} // namespace tpssim

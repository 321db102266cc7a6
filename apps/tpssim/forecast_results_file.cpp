#include "apps/tpssim/forecast_results_file.hpp"

#include "apps/tpssim/hdf5_table.hpp"

#include <cmath>

namespace tpssim {

namespace {

namespace analytic = models::analytic;

template <class T, class F>
std::vector<double> column(const std::vector<T>& rows, F f) {
    std::vector<double> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(f(r));
    return out;
}

template <class T, class F>
std::vector<std::uint64_t> counts(const std::vector<T>& rows, F f) {
    std::vector<std::uint64_t> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(f(r));
    return out;
}

void write_history(hid_t root, const ForecastPlan& plan) {
    const auto& h = *plan.spec.history;
    const auto* fit = plan.fit();
    h5::Table t(root, "history", h.time.size());
    t.strings("time", h.time);
    t.numbers("t_months", h.t_months, "months");
    t.numbers("rate", h.rate_per_second, "per second");
    std::vector<double> fitted;
    for (double m : h.t_months)
        fitted.push_back(fit->rate_at(m));
    t.numbers("fit", fitted, "per second");
    if (!h.cpu_cores.empty()) t.numbers("cpu_cores", h.cpu_cores, "cores");
    if (!h.memory_gib.empty()) t.numbers("memory_gib", h.memory_gib, "GiB");
    if (!h.queue_depth.empty()) t.numbers("queue_depth", h.queue_depth, "count");
    t.finish();
}

void write_fits(hid_t root, const ForecastPlan& plan) {
    const std::vector<const analytic::GrowthFit*> fits = {&*plan.linear, &*plan.compound};
    h5::Table t(root, "fits", fits.size());
    std::vector<std::string> names;
    std::vector<std::uint8_t> chosen;
    for (const auto* f : fits) {
        names.emplace_back(analytic::growth_model_name(f->model));
        chosen.push_back(f->model == plan.chosen ? 1 : 0);
    }
    t.strings("model", names);
    t.booleans("chosen", chosen);
    t.numbers("intercept", column(fits, [](auto* f) { return f->intercept; }));
    t.numbers("slope", column(fits, [](auto* f) { return f->slope; }));
    t.numbers("monthly_growth", column(fits, [](auto* f) { return f->monthly_growth(); }));
    t.numbers("monthly_growth_low", column(fits, [](auto* f) { return f->monthly_growth_low(); }));
    t.numbers("monthly_growth_high",
              column(fits, [](auto* f) { return f->monthly_growth_high(); }));
    t.numbers("r_squared", column(fits, [](auto* f) { return f->r_squared; }));
    t.numbers("rate_scale_r_squared",
              column(fits, [](auto* f) { return f->rate_scale_r_squared; }));
    t.numbers("residual_standard_error",
              column(fits, [](auto* f) { return f->residual_standard_error; }));
    t.numbers("rate_scale_sse", column(fits, [](auto* f) { return f->rate_scale_sse; }));
    t.integers("points", counts(fits, [](auto* f) { return f->points; }));
    t.finish();
}

} // namespace

void write_forecast_results_file(const std::string& path, const ForecastPlan& plan) {
    const auto& spec = plan.spec;
    h5::write_file_whole(path, [&](hid_t root) {
        h5::set_attribute(root, "format", std::string_view("tpssim-forecast"));
        h5::set_attribute(root, "format_version", std::uint64_t{1});
        h5::set_attribute(root, "forecast_file", spec.file);
        h5::set_attribute(root, "scenario_file", spec.scenario_file);
        h5::set_attribute(root, "service", spec.service);
        h5::set_attribute(root, "growth_model",
                          std::string_view(analytic::growth_model_name(plan.chosen)));
        h5::set_attribute(root, "seed", plan.seed);
        h5::set_attribute(root, "replications", std::uint64_t{spec.replications});
        h5::set_attribute(root, "peak_factor", spec.peak_factor);
        h5::set_attribute(root, "slo_quantile", spec.slo_quantile);
        h5::set_attribute(root, "slo_seconds", spec.slo_seconds);
        h5::set_attribute(root, "max_utilisation", spec.max_utilisation);
        h5::set_attribute(root, "current_workers", std::uint64_t{spec.current_workers});
        h5::set_attribute(root, "current_rate", plan.current_rate);
        h5::set_attribute(root, "service_demand_seconds", plan.service_demand_seconds);
        h5::set_attribute(root, "currency", spec.currency);
        h5::set_attribute(root, "interrupted", plan.interrupted);
        if (spec.history) {
            write_history(root, plan);
            write_fits(root, plan);
        }
        {
            const auto& c = plan.curve;
            h5::Table t(root, "curve", c.size());
            t.numbers("t_months", column(c, [](auto& p) { return p.t_months; }), "months");
            t.numbers("months_ahead", column(c, [](auto& p) { return p.months_ahead; }), "months");
            t.numbers("fit", column(c, [](auto& p) { return p.fit; }), "per second");
            t.numbers("low", column(c, [](auto& p) { return p.low; }), "per second");
            t.numbers("high", column(c, [](auto& p) { return p.high; }), "per second");
            t.numbers("peak", column(c, [](auto& p) { return p.peak; }), "per second");
            t.finish();
        }
        {
            const auto& hs = plan.horizons;
            h5::Table t(root, "horizons", hs.size());
            t.integers("month", counts(hs, [](auto& h) { return h.month; }));
            t.numbers("average", column(hs, [](auto& h) { return h.average_rate; }), "per second");
            t.numbers("low", column(hs, [](auto& h) { return h.average_low; }), "per second");
            t.numbers("high", column(hs, [](auto& h) { return h.average_high; }), "per second");
            t.numbers("planned_peak", column(hs, [](auto& h) { return h.planned_peak; }),
                      "per second");
            t.integers("erlang_c_workers", counts(hs, [](auto& h) { return h.guess.workers; }));
            t.integers("workers", counts(hs, [](auto& h) { return h.workers; }));
            std::vector<std::uint8_t> confirmed;
            for (const auto& h : hs)
                confirmed.push_back(h.confirmed ? 1 : 0);
            t.booleans("confirmed", confirmed);
            t.numbers("latency_quantile",
                      column(hs, [](auto& h) { return h.at_workers.latency_mean; }), "seconds");
            t.numbers("latency_half_width",
                      column(hs, [](auto& h) { return h.at_workers.latency_half_width; }),
                      "seconds");
            t.numbers("utilisation", column(hs, [](auto& h) { return h.at_workers.utilisation; }));
            t.integers("queue_places", counts(hs, [](auto& h) { return h.queue_places; }));
            t.numbers("cpu_cores", column(hs, [](auto& h) { return h.cpu_cores; }), "cores");
            t.numbers("memory_gib", column(hs, [](auto& h) { return h.memory_gib; }), "GiB");
            t.integers("base_workers", counts(hs, [](auto& h) { return h.base_workers; }));
            for (std::size_t m = 0; m < 3; ++m) {
                if (hs.empty()) break;
                const std::string name(hs.front().mixes[m].name);
                t.numbers("cost " + name,
                          column(hs, [&](auto& h) { return h.mixes[m].cost_per_month; }),
                          spec.currency + " per month");
            }
            t.finish();
        }
        {
            const auto& ps = plan.probes;
            h5::Table t(root, "probes", ps.size());
            t.integers("month", counts(ps, [](auto& p) { return p.month; }));
            t.integers("workers", counts(ps, [](auto& p) { return p.workers; }));
            t.numbers("latency_quantile", column(ps, [](auto& p) { return p.latency_mean; }),
                      "seconds");
            t.numbers("latency_half_width",
                      column(ps, [](auto& p) { return p.latency_half_width; }), "seconds");
            t.numbers("utilisation", column(ps, [](auto& p) { return p.utilisation; }));
            t.numbers("rejected_share", column(ps, [](auto& p) { return p.rejected_share; }));
            std::vector<std::uint8_t> meets;
            for (const auto& p : ps)
                meets.push_back(p.meets_slo ? 1 : 0);
            t.booleans("meets_slo", meets);
            t.finish();
        }
        {
            const auto& ss = plan.scaling;
            h5::Table t(root, "scaling", ss.size());
            t.integers("month", counts(ss, [](auto& s) { return s.month; }));
            t.integers("from", counts(ss, [](auto& s) { return s.from; }));
            t.integers("to", counts(ss, [](auto& s) { return s.to; }));
            t.numbers("percent", column(ss, [](auto& s) { return s.percent; }));
            t.finish();
        }
    });
}

} // namespace tpssim

#include "bindings/forecast.hpp"

#include "apps/tpssim/forecast_plan.hpp"
#include "apps/tpssim/forecast_report.hpp"
#include "scenarios/forecast_reader.hpp"

#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <optional>

namespace py = pybind11;

namespace tpssim::python {

namespace {

namespace analytic = models::analytic;

template <class T, class F>
py::list column(const std::vector<T>& rows, F f) {
    py::list out;
    for (const auto& r : rows)
        out.append(f(r));
    return out;
}

py::dict tables(const ForecastPlan& plan) {
    const auto& spec = plan.spec;
    py::dict out;
    py::dict attrs;
    attrs["forecast_file"] = spec.file;
    attrs["scenario_file"] = spec.scenario_file;
    attrs["service"] = spec.service;
    attrs["growth_model"] = std::string(analytic::growth_model_name(plan.chosen));
    attrs["seed"] = plan.seed;
    attrs["peak_factor"] = spec.peak_factor;
    attrs["plan_on"] = spec.plan_on_upper ? "upper" : "fit";
    attrs["slo_quantile"] = spec.slo_quantile;
    attrs["slo_seconds"] = spec.slo_seconds;
    attrs["max_utilisation"] = spec.max_utilisation;
    attrs["current_workers"] = spec.current_workers;
    attrs["current_rate"] = plan.current_rate;
    attrs["now_months"] = plan.now_months;
    attrs["service_demand_seconds"] = plan.service_demand_seconds;
    attrs["currency"] = spec.currency;
    attrs["runs"] = plan.runs;
    attrs["wall_seconds"] = plan.wall_seconds;
    attrs["interrupted"] = plan.interrupted;
    out["attrs"] = attrs;
    out["report"] = format_forecast_report(plan);
    out["csv"] = forecast_horizons_csv(plan);
    if (spec.history) {
        const auto& h = *spec.history;
        py::dict t;
        t["time"] = h.time;
        t["t_months"] = h.t_months;
        t["rate"] = h.rate_per_second;
        std::vector<double> fitted;
        for (double m : h.t_months)
            fitted.push_back(plan.fit()->rate_at(m));
        t["fit"] = fitted;
        if (!h.cpu_cores.empty()) t["cpu_cores"] = h.cpu_cores;
        if (!h.memory_gib.empty()) t["memory_gib"] = h.memory_gib;
        if (!h.queue_depth.empty()) t["queue_depth"] = h.queue_depth;
        out["history"] = t;
        const std::vector<const analytic::GrowthFit*> fits = {&*plan.linear, &*plan.compound};
        py::dict f;
        f["model"] = column(fits, [](auto* g) { return analytic::growth_model_name(g->model); });
        f["chosen"] = column(fits, [&](auto* g) { return g->model == plan.chosen; });
        f["monthly_growth"] = column(fits, [](auto* g) { return g->monthly_growth(); });
        f["monthly_growth_low"] = column(fits, [](auto* g) { return g->monthly_growth_low(); });
        f["monthly_growth_high"] = column(fits, [](auto* g) { return g->monthly_growth_high(); });
        f["intercept"] = column(fits, [](auto* g) { return g->intercept; });
        f["slope"] = column(fits, [](auto* g) { return g->slope; });
        f["r_squared"] = column(fits, [](auto* g) { return g->r_squared; });
        f["rate_scale_r_squared"] = column(fits, [](auto* g) { return g->rate_scale_r_squared; });
        f["residual_standard_error"] =
            column(fits, [](auto* g) { return g->residual_standard_error; });
        f["rate_scale_sse"] = column(fits, [](auto* g) { return g->rate_scale_sse; });
        out["fits"] = f;
    }
    py::dict c;
    c["t_months"] = column(plan.curve, [](auto& p) { return p.t_months; });
    c["months_ahead"] = column(plan.curve, [](auto& p) { return p.months_ahead; });
    c["fit"] = column(plan.curve, [](auto& p) { return p.fit; });
    c["low"] = column(plan.curve, [](auto& p) { return p.low; });
    c["high"] = column(plan.curve, [](auto& p) { return p.high; });
    c["peak"] = column(plan.curve, [](auto& p) { return p.peak; });
    out["curve"] = c;
    const auto& hs = plan.horizons;
    py::dict h;
    h["month"] = column(hs, [](auto& x) { return x.month; });
    h["average"] = column(hs, [](auto& x) { return x.average_rate; });
    h["low"] = column(hs, [](auto& x) { return x.average_low; });
    h["high"] = column(hs, [](auto& x) { return x.average_high; });
    h["planned_peak"] = column(hs, [](auto& x) { return x.planned_peak; });
    h["erlang_c_workers"] = column(hs, [](auto& x) { return x.guess.workers; });
    h["workers"] = column(hs, [](auto& x) { return x.workers; });
    h["confirmed"] = column(hs, [](auto& x) { return x.confirmed; });
    h["latency_quantile"] = column(hs, [](auto& x) { return x.at_workers.latency_mean; });
    h["latency_half_width"] = column(hs, [](auto& x) { return x.at_workers.latency_half_width; });
    h["utilisation"] = column(hs, [](auto& x) { return x.at_workers.utilisation; });
    h["queue_places"] = column(hs, [](auto& x) { return x.queue_places; });
    h["cpu_cores"] = column(hs, [](auto& x) { return x.cpu_cores; });
    h["memory_gib"] = column(hs, [](auto& x) { return x.memory_gib; });
    h["base_workers"] = column(hs, [](auto& x) { return x.base_workers; });
    out["horizons"] = h;
    py::dict costs;
    py::list month, mix, reserved, on_demand, spot, cost;
    for (const auto& x : hs)
        for (const auto& m : x.mixes) {
            month.append(x.month);
            mix.append(std::string(m.name));
            reserved.append(m.reserved);
            on_demand.append(m.on_demand);
            spot.append(m.spot);
            cost.append(m.cost_per_month);
        }
    costs["month"] = month;
    costs["mix"] = mix;
    costs["reserved"] = reserved;
    costs["on_demand"] = on_demand;
    costs["spot"] = spot;
    costs["cost_per_month"] = cost;
    out["costs"] = costs;
    const auto& ps = plan.probes;
    py::dict p;
    p["month"] = column(ps, [](auto& x) { return x.month; });
    p["workers"] = column(ps, [](auto& x) { return x.workers; });
    p["latency_quantile"] = column(ps, [](auto& x) { return x.latency_mean; });
    p["latency_half_width"] = column(ps, [](auto& x) { return x.latency_half_width; });
    p["utilisation"] = column(ps, [](auto& x) { return x.utilisation; });
    p["rejected_share"] = column(ps, [](auto& x) { return x.rejected_share; });
    p["meets_slo"] = column(ps, [](auto& x) { return x.meets_slo; });
    out["probes"] = p;
    py::dict s;
    s["month"] = column(plan.scaling, [](auto& x) { return x.month; });
    s["from"] = column(plan.scaling, [](auto& x) { return x.from; });
    s["to"] = column(plan.scaling, [](auto& x) { return x.to; });
    s["percent"] = column(plan.scaling, [](auto& x) { return x.percent; });
    out["scaling"] = s;
    return out;
}

} // namespace

void bind_forecast(py::module_& m, void (*raise_scenario_error)(const scenarios::ScenarioError&)) {
    m.def(
        "forecast",
        [raise_scenario_error](const std::string& path, std::uint32_t threads,
                               std::optional<std::uint64_t> seed, const py::object& progress,
                               double poll_seconds) {
            try {
                const auto spec = scenarios::read_forecast_file(path);
                std::atomic<bool> stop{false};
                std::mutex lines_mutex;
                std::deque<std::string> lines;
                ForecastOptions options;
                options.threads = threads;
                options.seed = seed;
                options.keep_going = [&] { return !stop.load(std::memory_order_relaxed); };
                options.progress = [&](const std::string& line) {
                    std::lock_guard lock(lines_mutex);
                    lines.push_back(line);
                };
                auto relay = [&] {
                    std::deque<std::string> taken;
                    {
                        std::lock_guard lock(lines_mutex);
                        taken.swap(lines);
                    }
                    if (!progress.is_none())
                        for (const auto& l : taken)
                            progress(l);
                };
                std::optional<ForecastPlan> plan;
                std::exception_ptr error; // raised by Python on this thread
                {
                    py::gil_scoped_release release;
                    auto work = std::async(std::launch::async,
                                           [&] { return plan_forecast(spec, options); });
                    const auto poll = std::chrono::duration<double>(poll_seconds);
                    while (work.wait_for(poll) != std::future_status::ready) {
                        if (stop.load()) continue;
                        py::gil_scoped_acquire acquire;
                        try {
                            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                            relay();
                        } catch (...) {
                            error = std::current_exception();
                            stop.store(true);
                        }
                    }
                    plan = work.get();
                }
                if (error) std::rethrow_exception(error);
                relay();
                return tables(*plan);
            } catch (const scenarios::ScenarioError& e) {
                raise_scenario_error(e);
                throw; // not reached: raise_scenario_error throws
            }
        },
        py::arg("path"), py::arg("threads"), py::arg("seed"), py::arg("progress"),
        py::arg("poll_seconds"));
}

} // namespace tpssim::python

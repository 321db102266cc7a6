#include "apps/tpssim/forecast_report.hpp"

#include <cmath>
#include <fmt/format.h>

namespace tpssim {

namespace {

namespace analytic = models::analytic;

std::string money(const std::string& currency, double v) {
    // Thousands separated by commas, built forwards (no insert: GCC 12's -Wrestrict misfires).
    const auto whole = static_cast<long long>(std::llround(v));
    const std::string digits = std::to_string(whole < 0 ? -whole : whole);
    std::string out = whole < 0 ? "-" : "";
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return currency.empty() ? out : out + " " + currency;
}

std::string quantile_name(double q) {
    return fmt::format("p{:g}", q * 100.0);
}

std::string growth_text(const analytic::GrowthFit& f) {
    if (f.model == analytic::GrowthModel::compound)
        return fmt::format("{:+.1f}% a month [{:.1f}%, {:.1f}%]", f.monthly_growth() * 100.0,
                           f.monthly_growth_low() * 100.0, f.monthly_growth_high() * 100.0);
    return fmt::format("{:+.2f}/s a month [{:.2f}, {:.2f}]", f.monthly_growth(),
                       f.monthly_growth_low(), f.monthly_growth_high());
}

} // namespace

std::string format_forecast_report(const ForecastPlan& plan) {
    const auto& spec = plan.spec;
    std::string out;
    auto line = [&](const std::string& s) { out += s + "\n"; };
    line(fmt::format("tpssim forecast: {} (seed {})", spec.file, plan.seed));
    if (const auto* f = plan.fit()) {
        const auto& h = *spec.history;
        line(fmt::format("  history  {} rows over {:.1f} months ({}): {:.1f}/s to {:.1f}/s",
                         h.time.size(), plan.now_months, h.file, h.rate_per_second.front(),
                         h.rate_per_second.back()));
        for (const auto* g : {&*plan.compound, &*plan.linear}) {
            const bool chosen = g == f;
            line(fmt::format("  {:<8} {} R^2 {:.3f} (rate scale {:.3f}), s.e. {:.3g}{}",
                             chosen ? "growth" : "", analytic::growth_model_name(g->model),
                             g->r_squared, g->rate_scale_r_squared, g->residual_standard_error,
                             chosen ? "  <- chosen: lower SSE" : ""));
            line(fmt::format("  {:<8}   {}", "", growth_text(*g)));
        }
    } else {
        const auto& g = *spec.growth;
        line(fmt::format("  growth   stated: {:.1f}/s now, {}", g.rate_per_second,
                         g.model == analytic::GrowthModel::compound
                             ? fmt::format("{:+.1f}% a month (compound)", g.monthly * 100.0)
                             : fmt::format("{:+.2f}/s a month (linear)", g.monthly)));
    }
    line(fmt::format("  sizing   {}: {:.1f} ms of worker time a request; SLO {} <= {:g} ms, "
                     "utilisation <= {:g}%",
                     spec.service, plan.service_demand_seconds * 1e3,
                     quantile_name(spec.slo_quantile), spec.slo_seconds * 1e3,
                     spec.max_utilisation * 100.0));
    line(fmt::format("           peak {:g}x {}; {} replications a count; {} runs in {:.1f} s",
                     spec.peak_factor,
                     spec.plan_on_upper ? "the 95% band's top" : "the fitted rate",
                     spec.replications, plan.runs, plan.wall_seconds));
    line(fmt::format("  now      {:.1f}/s average, {:.1f}/s at peak, {} workers", plan.current_rate,
                     spec.peak_factor *
                         (spec.plan_on_upper ? plan.band_at(0.0).second : plan.current_rate),
                     spec.current_workers));
    line("");
    const std::string q = quantile_name(spec.slo_quantile);
    line(fmt::format("{:>5} {:>9} {:>15} {:>8} {:>6} {:>7} {:>15} {:>5} {:>6} {:>5} {:>7}", "month",
                     "average/s", "95% band/s", "peak/s", "Erlang", "workers", q + " ms (95% CI)",
                     "util", "queue", "cpu", "mem GiB"));
    for (const auto& h : plan.horizons) {
        const auto& p = h.at_workers;
        line(fmt::format(
            "{:>5} {:>9.1f} {:>15} {:>8.1f} {:>6} {:>7} {:>15} {:>4.0f}% {:>6} {:>5.4g} {:>7.4g}",
            h.month, h.average_rate, fmt::format("{:.1f}-{:.1f}", h.average_low, h.average_high),
            h.planned_peak,
            fmt::format("{}{}", h.guess.workers, h.guess.for_latency == 0 ? "*" : ""),
            fmt::format("{}{}", h.workers, h.confirmed ? "" : "!"),
            fmt::format("{:.1f} +- {:.1f}", p.latency_mean * 1e3, p.latency_half_width * 1e3),
            p.utilisation * 100.0, h.queue_places, h.cpu_cores, h.memory_gib));
    }
    bool unconfirmed = false, no_erlang = false;
    for (const auto& h : plan.horizons) {
        unconfirmed = unconfirmed || !h.confirmed;
        no_erlang = no_erlang || h.guess.for_latency == 0;
    }
    if (no_erlang)
        line(fmt::format("  * Erlang C (exponential service) finds no count within the SLO: "
                         "searched from {:g}% busy",
                         spec.max_utilisation * 100.0));
    if (unconfirmed) line("  ! no count up to the one shown met the SLO in simulation");
    line("");
    line(fmt::format("{:<22} {:>24} {:>24} {:>24}", "cost a month", "on-demand",
                     "reserved+on-demand", "reserved+spot"));
    for (const auto& h : plan.horizons) {
        std::string row = fmt::format("{:<22}", fmt::format("month {}", h.month));
        for (const auto& m : h.mixes) {
            const std::string mix =
                m.name == "on-demand"
                    ? fmt::format("{} od", m.on_demand)
                    : fmt::format("{}r+{}{}", m.reserved,
                                  m.name == "reserved+spot" ? m.spot : m.on_demand,
                                  m.name == "reserved+spot" ? "s" : "od");
            row += fmt::format(" {:>24}",
                               fmt::format("{} ({})", money(spec.currency, m.cost_per_month), mix));
        }
        line(row);
    }
    line("");
    if (plan.interrupted) {
        line("interrupted: the horizons above were sized before the stop");
        return out;
    }
    if (plan.scaling.empty()) {
        line(fmt::format("when to scale: never within {} months: {} workers meet every peak",
                         spec.horizons_months.back(), spec.current_workers));
    } else {
        line(
            fmt::format("when to scale ({}, {} workers now):", spec.service, spec.current_workers));
        for (const auto& s : plan.scaling)
            line(fmt::format("  {:<9} {} -> {} workers ({:+.0f}%)",
                             s.month == 0 ? "now" : fmt::format("month {}", s.month), s.from, s.to,
                             s.percent));
    }
    return out;
}

std::string forecast_horizons_csv(const ForecastPlan& plan) {
    std::string out =
        "month,average_per_second,low_per_second,high_per_second,planned_peak_per_second,"
        "erlang_c_workers,workers,confirmed,latency_quantile_seconds,"
        "latency_half_width_seconds,utilisation,queue_places,cpu_cores,memory_gib,base_workers";
    for (const char* mix : {"on_demand", "reserved_on_demand", "reserved_spot"})
        out += fmt::format(",{0}_reserved,{0}_on_demand,{0}_spot,{0}_cost_per_month", mix);
    out += "\n";
    for (const auto& h : plan.horizons) {
        const auto& p = h.at_workers;
        out += fmt::format("{},{:.6g},{:.6g},{:.6g},{:.6g},{},{},{},{:.6g},{:.6g},{:.6g},{},{:.6g},"
                           "{:.6g},{}",
                           h.month, h.average_rate, h.average_low, h.average_high, h.planned_peak,
                           h.guess.workers, h.workers, h.confirmed ? "true" : "false",
                           p.latency_mean, p.latency_half_width, p.utilisation, h.queue_places,
                           h.cpu_cores, h.memory_gib, h.base_workers);
        for (const auto& m : h.mixes)
            out +=
                fmt::format(",{},{},{},{:.2f}", m.reserved, m.on_demand, m.spot, m.cost_per_month);
        out += "\n";
    }
    return out;
}

} // namespace tpssim

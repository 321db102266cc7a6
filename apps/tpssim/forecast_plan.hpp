#pragma once
/// A capacity forecast (docs/forecasts.md): the growth (fitted to the history, or as stated),
/// the average and peak rates at each horizon with their 95% prediction band, and for each
/// horizon the workers that keep utilisation under the target and the latency SLO (an Erlang C
/// guess, then the scenario simulated at the planned peak to confirm and refine it), the queue
/// places that absorb the peak, CPU and memory, the monthly cost of each purchasing mix, and
/// when to scale and by how much. The command line and the Python package both call
/// `plan_forecast`; the report and the output files only format its result.

#include "models/analytic/capacity_sizing.hpp"
#include "models/analytic/growth_fit.hpp"
#include "models/analytic/purchase_mix.hpp"
#include "scenarios/forecast_reader.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tpssim {

/// One worker count tried at a horizon: the simulated latency quantile over the replications
/// (mean and 95% half-width) and utilisation.
struct SizingProbe {
    std::uint32_t month = 0;
    std::uint32_t workers = 0;
    double latency_mean = 0.0; ///< seconds, the SLO's quantile
    double latency_half_width = 0.0;
    double utilisation = 0.0;
    double rejected_share = 0.0; ///< arrivals rejected at a full queue
    bool meets_slo = false;      ///< latency_mean + half_width <= SLO
};

struct HorizonPlan {
    std::uint32_t month = 0;
    double average_rate = 0.0; ///< the fitted (or stated) rate, per second
    double average_low = 0.0;  ///< the 95% prediction band
    double average_high = 0.0;
    double planned_peak = 0.0; ///< peak_factor x (band's top, or the fit): what is sized for
    models::analytic::WorkerGuess guess; ///< Erlang C at the planned peak
    std::uint32_t workers = 0;           ///< confirmed by simulation (or the guess refined)
    bool confirmed = false;              ///< some count met the SLO in simulation
    SizingProbe at_workers;              ///< the probe of `workers`
    std::uint32_t base_workers = 0;      ///< Erlang C at the average rate (the reserved base)
    std::uint64_t queue_places = 0;      ///< M/M/c/K places for max_rejected at the peak
    double cpu_cores = 0.0;
    double memory_gib = 0.0;
    std::vector<models::analytic::PurchaseMix> mixes;
};

/// "At month M, scale from F to T workers (+P%)": the first month the workers in place no
/// longer meet the need, to the size of the next horizon but at most double what is in place
/// (and never under the month's need).
struct ScaleStep {
    std::uint32_t month = 0;
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    double percent = 0.0;
};

/// The projected curve for plots: one row per quarter month, from the history's start.
struct ForecastCurvePoint {
    double t_months = 0.0;     ///< since the history's first row (or now, stated growth)
    double months_ahead = 0.0; ///< since the last row (negative over the history)
    double fit = 0.0, low = 0.0, high = 0.0, peak = 0.0;
};

struct ForecastPlan {
    scenarios::ForecastSpec spec;
    std::optional<models::analytic::GrowthFit> linear, compound; ///< with a history
    models::analytic::GrowthModel chosen = models::analytic::GrowthModel::compound;
    double now_months = 0.0; ///< the last history row's time (0 for stated growth)
    double current_rate = 0.0;
    double service_demand_seconds = 0.0; ///< busy time per request, measured by a run
    std::vector<ForecastCurvePoint> curve;
    std::vector<HorizonPlan> horizons;
    std::vector<SizingProbe> probes;
    std::vector<ScaleStep> scaling;
    std::uint64_t seed = 1;
    std::uint64_t runs = 0; ///< simulations run
    double wall_seconds = 0.0;
    bool interrupted = false;

    /// The chosen fit (with a history).
    const models::analytic::GrowthFit* fit() const;
    /// The fitted or stated rate `months_ahead` from now, its band, at any month.
    double rate_at(double months_ahead) const;
    std::pair<double, double> band_at(double months_ahead) const;
};

struct ForecastOptions {
    std::uint32_t threads = 0;         ///< 0: every hardware thread
    std::optional<std::uint64_t> seed; ///< the scenario's when absent
    /// Called after each simulation batch with a line saying what was done.
    std::function<void(const std::string&)> progress;
    /// Polled by running simulations (thread-safe); false stops the plan (interrupted).
    std::function<bool()> keep_going;
};

/// Plans `spec`. Throws scenarios::ScenarioError for a problem of the inputs found on the way
/// (a scenario that cannot meet the SLO at any size, a history that cannot be fitted).
ForecastPlan plan_forecast(const scenarios::ForecastSpec& spec, const ForecastOptions& options);

} // namespace tpssim

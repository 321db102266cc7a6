#pragma once
/// A forecast file (`tpssim forecast FORECAST.yaml`, docs/forecasts.md): where the growth comes
/// from (a history CSV or a stated growth), the peak factor, the SLO, the scenario and service
/// to size, the per-replica resources, the prices and the horizons. Read with the scenario
/// layer's diagnostics (file:line:column: key path: expected vs found, every problem at once);
/// the sized scenario is loaded with the workers and rate keys set as `--set` would, so a key
/// path that does not exist is reported at its line in the forecast file.

#include "models/analytic/growth_fit.hpp"
#include "models/analytic/purchase_mix.hpp"
#include "scenarios/rate_history.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpssim::scenarios {

/// `growth: {rate: 100/s, monthly: 20%}` (compound) or `{rate: 100/s, monthly: 15/s}`
/// (linear: the rate added each month).
struct StatedGrowth {
    double rate_per_second = 0.0;
    models::analytic::GrowthModel model = models::analytic::GrowthModel::compound;
    double monthly = 0.0; ///< compound: the growth ratio (0.2); linear: per second per month
};

struct ForecastSpec {
    std::string file; ///< the forecast file as given
    std::optional<RateHistory> history;
    std::optional<StatedGrowth> growth;
    double peak_factor = 2.0;
    double slo_quantile = 0.99; ///< p50, p90 or p99
    double slo_seconds = 0.2;
    double max_utilisation = 0.8;
    double max_blocking = 0.001; ///< the queue's share of arrivals it may reject at the peak
    bool plan_on_upper = true;   ///< size for the 95% band's top (true) or the fitted rate

    std::string scenario_file; ///< resolved against the forecast file's folder
    std::string service;
    std::string workers_key;           ///< default services.SERVICE.workers
    std::string rate_key;              ///< default load.0.rate
    std::uint32_t current_workers = 0; ///< the scenario's, at the workers key
    sim::SimTime duration = sim::SimTime::from_seconds(300.0); ///< of each confirming run
    sim::SimTime warmup = sim::SimTime::from_seconds(60.0);
    std::uint32_t replications = 3;

    double replica_cpu_cores = 1.0;
    std::uint64_t replica_memory_bytes = 1ULL << 30;
    models::analytic::ReplicaPrices prices;
    std::string currency = "$";
    std::vector<std::uint32_t> horizons_months = {3, 6, 12};
};

/// Reads and checks `path`; throws ScenarioError listing every problem.
ForecastSpec read_forecast_file(const std::string& path);
/// The same from text; `display_name` stands for the file (its folder anchors relative paths).
ForecastSpec read_forecast_text(const std::string& text, const std::string& display_name);

} // namespace tpssim::scenarios

#pragma once
/// A forecast's terminal report (at most 100 columns: the growth and its fit, a row per
/// horizon with the rates, the workers guessed and confirmed, the simulated latency, queue,
/// CPU and memory; the cost of each purchasing mix; when to scale) and its CSV (one row per
/// horizon, every figure).

#include "apps/tpssim/forecast_plan.hpp"

#include <string>

namespace tpssim {

std::string format_forecast_report(const ForecastPlan& plan);

/// One row per horizon: month, rates, band, planned peak, workers (Erlang C, confirmed),
/// latency, utilisation, queue places, CPU, memory, then each purchasing mix's replicas and
/// cost, and the month the workers in place stop sufficing.
std::string forecast_horizons_csv(const ForecastPlan& plan);

} // namespace tpssim

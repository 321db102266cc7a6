#pragma once
/// A forecast's HDF5 file (`tpssim forecast --out FILE.h5`, docs/forecasts.md), written whole
/// or not at all (h5::write_file_whole): root attributes (format "tpssim-forecast", the chosen
/// growth model, the SLO, the service demand), and the tables `history`, `fits`, `curve`,
/// `horizons`, `probes` and `scaling`, in the results file's table layout (a group of columns).

#include "apps/tpssim/forecast_plan.hpp"

#include <string>

namespace tpssim {

/// Throws std::runtime_error ("PATH: cannot write: WHY") on failure; `path` is then untouched.
void write_forecast_results_file(const std::string& path, const ForecastPlan& plan);

} // namespace tpssim

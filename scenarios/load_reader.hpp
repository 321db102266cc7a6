#pragma once
/// Reading what makes a load source's rate vary over time (`multiplier`, `steps`, `trace`)
/// (internal to scenarios/); the load source that holds them is read in scenario.cpp; points in
/// time are time_reader.hpp's.

#include "models/load_profile.hpp"
#include "scenarios/time_reader.hpp"
#include "scenarios/yaml_reader.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace tpssim::scenarios::detail {

/// `multiplier:` the daily, weekly and holiday factors of an open load source's rate, into
/// `profile`. False when wrong (reported).
bool read_multiplier(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                     models::LoadProfileParams& profile);

/// `steps:` the steps and ramps of an open load source's base rate, which must not overlap,
/// into `profile`. False when wrong (reported).
bool read_changes(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                  models::LoadProfileParams& profile);

/// `trace: {file: rates.csv, interpolation: linear}`: the series of a CSV file (read_rate_csv)
/// into `series` (trace_reader.cpp). False when wrong (reported).
bool read_trace(DiagnosticSink& sink, const Value& v, const std::filesystem::path& base_dir,
                models::RateSeries& series);
class KeySchema;
/// The keys of `trace:` (for load_schemas).
const KeySchema& trace_schema();

/// A rate series from a CSV file: a header naming two columns with their units
/// (`time_seconds,rate_per_second`; times in `_seconds`, `_ms`, `_us`, `_ns`, `_minutes` or
/// `_hours`, rates `_per_second`, `_per_minute` or `_per_hour`), then one `TIME,RATE` line per
/// point, times strictly increasing. Problems are reported against `display` and its line,
/// sorted where `anchor` is.
std::optional<models::RateSeries> read_rate_csv(DiagnosticSink& sink,
                                                const std::filesystem::path& csv,
                                                const std::string& display, const Value& anchor);

} // namespace tpssim::scenarios::detail
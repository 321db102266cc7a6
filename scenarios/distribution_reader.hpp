#pragma once
/// Reading `{dist: ..., ...}` maps into sim::Distribution, including the CSV files of
/// `empirical` distributions (internal to scenarios/).

#include "scenarios/yaml_reader.hpp"
#include "sim/distribution.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tpssim::scenarios::detail {

/// A distribution map: `exponential {mean}`, `constant {value}`, `uniform {min, max}`,
/// `lognormal {mean, cv}`, `gamma {mean, cv}`, `empirical {file}`. `base_dir` is the folder
/// that relative `file` paths start from (the scenario file's folder).
std::optional<sim::Distribution> read_distribution(DiagnosticSink& sink, const Value& v,
                                                   const std::filesystem::path& base_dir);

/// The samples of an empirical CSV, in seconds: a header naming the column with its unit as a
/// suffix (`latency_seconds`, `latency_ms`, `latency_us`, `latency_ns`), then one non-negative
/// number per line (blank lines are skipped). Problems are reported against `display` (the
/// CSV's path as shown to the user) and its line, and sorted where `anchor` is.
std::optional<std::vector<double>> read_samples_csv(DiagnosticSink& sink,
                                                    const std::filesystem::path& csv,
                                                    const std::string& display,
                                                    const Value& anchor);

} // namespace tpssim::scenarios::detail
#pragma once
/// A scenario file turned into a validated model: parse (collecting every error), then build
/// (resolve names into indices, check references). Nothing here runs the model.

#include "models/params.hpp"
#include "scenarios/diagnostic.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tpssim::scenarios {

/// One `--set PATH=VALUE`: replaces (or adds) the scalar at PATH before validation. Sequence
/// items are addressed by index (`load.0.rate`, `load[0].rate`) or by their `name`
/// (`load.users.rate`). VALUE is read as YAML. A missing final key is added; a missing settings
/// block on the way (`queue`, `service_time`, `errors`, `retry`, `circuit_breaker`, ...: see
/// kSettingsBlocks in overrides.cpp) is created; any other missing step is an error naming
/// "<--set>". Problems with an overridden value are reported against "<--set>".
struct Override {
    std::string path;
    std::string value;
};

/// Parses `PATH=VALUE`; throws ScenarioError naming "<--set>" when malformed.
Override parse_override(std::string_view text);

/// A validated scenario, ready to run.
struct Scenario {
    std::string name;          ///< the file's `name:`
    std::string file;          ///< path as given
    std::uint64_t seed = 1;    ///< the file's `seed:` (the command line may replace it)
    models::ModelParams model; ///< duration, warm-up, services, load, operations
    std::string resolved_yaml; ///< the document after overrides (for provenance)
};

/// Reads, overrides, validates and builds `path`. Throws ScenarioError listing every problem,
/// sorted: those about `--set` values and `--chaos` faults first, then the file's by line and
/// column. Relative CSV paths (`empirical` samples, rate `trace`s) start from the folder of
/// `path`. Each of `chaos` is one more fault, `key=value,key=value` with the keys of a `chaos:`
/// entry (e.g. `target=service-c,latency=5000ms,at=10m`), appended to the file's; problems with
/// one are reported against "<--chaos>".
Scenario load_scenario_file(const std::string& path, std::span<const Override> overrides = {},
                            std::span<const std::string> chaos = {});

/// The same from text in memory; `display_name` stands for the file in messages, and its folder
/// (if it has one) is where relative CSV paths start, else the working directory.
Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            std::span<const Override> overrides = {},
                            std::span<const std::string> chaos = {});

} // namespace tpssim::scenarios
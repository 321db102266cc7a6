#pragma once
/// A scenario file turned into a validated model: parse (collecting every error), then build
/// (resolve names into indices, check references). Nothing here runs the model.

#include "models/params.hpp"
#include "scenarios/diagnostic.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace scenarios {

/// One `--set PATH=VALUE`: replaces (or adds) the scalar at PATH before validation. Sequence
/// items are addressed by index (`load.0.rate`) or by their `name` (`load.users.rate`).
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
    models::ModelParams model; ///< duration, warm-up, services, load
    std::string resolved_yaml; ///< the document after overrides (for provenance)
};

/// Reads, overrides, validates and builds `path`. Throws ScenarioError listing every problem.
Scenario load_scenario_file(const std::string& path, std::span<const Override> overrides = {});

/// The same from text in memory; `display_name` stands for the file in messages.
Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            std::span<const Override> overrides = {});

} // namespace scenarios

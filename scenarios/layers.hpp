#pragma once
/// Layers: files merged over a scenario after its `extends:` and before `--set`, each allowed
/// only some top-level keys. `tpssim exam` builds an exam's run from three files this way: the
/// exam (what the trainee reads), the grader's key (the faults and the grader's checks) and the
/// trainee's playbook (alert rules and actions only). Problems point into whichever file holds
/// the bad value, as with `extends:`.

#include "scenarios/scenario.hpp"

#include <functional>
#include <span>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace tpssim::scenarios {

/// Reports a problem at `mark` of a layer's document (`key_path` dotted, from its top).
using LayerError =
    std::function<void(const YAML::Mark& mark, const std::string& key_path, std::string message)>;

/// One file merged over the scenario.
struct Layer {
    std::string path;                      ///< the file, as given
    std::string role;                      ///< what it is, for messages: "playbook", "exam key"
    std::vector<std::string> allowed_keys; ///< the top-level keys it may hold
    /// Called on the layer's document (a map) before its keys are checked and merged; it may
    /// take keys out (a block the caller reads itself) or add to them (nodes keep their marks,
    /// so later problems still point into the layer's file).
    std::function<void(YAML::Node& root, const LayerError& error)> transform;
};

/// Reads `path` (with its `extends:`), merges each layer in order, applies `overrides`, then
/// validates and builds as load_scenario_file does. A layer's key that is not allowed is an
/// error at that key; a layer's list (`alerts`, `actions`, `chaos`, `expect`) extends the
/// scenario's, any other value merges as `extends:` does.
Scenario load_scenario_layers(const std::string& path, std::span<const Layer> layers,
                              std::span<const Override> overrides = {});

} // namespace tpssim::scenarios

namespace tpssim::scenarios::detail {

class DiagnosticSink;

/// What load_scenario_layers hooks into the load (internal): called on the merged document
/// after `extends:` and before `--set`, with the sink that collects the file's problems.
using BeforeOverrides = std::function<void(DiagnosticSink& sink, YAML::Node& root)>;

/// load_scenario_file with `before_overrides` run on the document (internal; scenario.cpp).
Scenario load_scenario_file_with(const std::string& path, std::span<const Override> overrides,
                                 const BeforeOverrides& before_overrides);

} // namespace tpssim::scenarios::detail

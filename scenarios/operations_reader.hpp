#pragma once
/// Reading a scenario's operations into models::OperationsParams (internal to scenarios/):
/// each service's `autoscaler`, `startup`, `resources` and `health_check`, and the top-level
/// `deployments`, `network`, `monitoring`, `alerts`, `chaos`, `actions` and `expect`, plus the
/// faults of `--chaos`. Runs once the model is built, since operations name its services, call
/// edges and links; every problem is collected, and names are only checked against lists
/// that were read without a problem.

#include "models/params.hpp"
#include "scenarios/load_reader.hpp"
#include "scenarios/yaml_reader.hpp"

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace tpssim::scenarios::detail {

/// A service's operations keys as found in its map (not yet read).
struct ServiceOpsValues {
    std::optional<Value> autoscaler;
    std::optional<Value> startup;
    std::optional<Value> resources;
    std::optional<Value> health_check;
    std::optional<Value> placement;
};

/// Every operations block as found in the document (not yet read).
struct OperationsValues {
    std::vector<ServiceOpsValues> services; ///< one per service, in file order
    std::optional<Value> deployments;
    std::optional<Value> network;
    std::optional<Value> monitoring;
    std::optional<Value> alerts;
    std::optional<Value> chaos;
    std::optional<Value> actions;
    std::optional<Value> expect;
    /// The `--chaos` faults, as maps without marks (see parse_chaos_flag), appended to `chaos`.
    std::vector<YAML::Node> command_line_chaos;
};

/// What the operations refer to.
struct OperationsContext {
    const models::ModelParams& model; ///< services (names, kinds, steps) and edges
    bool services_known = false;      ///< the `services` map was readable
    std::vector<std::optional<models::ServiceKind>> kinds; ///< per service; empty if unreadable
    bool calls_resolved = false; ///< every step and call read and resolved: edges are final
    const CalendarStart& start;
    std::optional<sim::SimTime> duration; ///< the run's, when readable
    std::filesystem::path base_dir;       ///< for distributions' CSV files
};

/// Reads every operations block; problems go to `sink`.
models::OperationsParams read_operations(DiagnosticSink& sink, const OperationsValues& values,
                                         const OperationsContext& context);

/// One `--chaos` value, `key=value,key=value` (values read as YAML; commas inside {...},
/// [...] or quotes do not separate), as a map without marks; nothing when malformed (reported
/// against "<--chaos>").
std::optional<YAML::Node> parse_chaos_flag(DiagnosticSink& sink, std::string_view text);

} // namespace tpssim::scenarios::detail
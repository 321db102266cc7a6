#pragma once
/// `--set PATH=VALUE` overrides applied to the YAML tree before validation (internal to
/// scenarios/; `parse_override` is public in scenario.hpp).

#include "scenarios/scenario.hpp"
#include "scenarios/yaml_reader.hpp"

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tpssim::scenarios::detail {

/// `services.api.queue.capacity` -> {services, api, queue, capacity}; `steps[1]` is read as
/// `steps.1`. Returns an error message instead when the path is malformed.
std::variant<std::vector<std::string>, std::string> split_override_path(std::string_view path);

/// Keys whose value is a block of settings, from the readers' schemas (key_table.hpp): `--set`
/// creates such a block when it is missing (`services.api.queue.capacity=5` on a service
/// without `queue:`). Other missing keys in the middle of a path are errors:
/// `services.nope.workers` must not invent a service.
const std::vector<std::string>& settings_blocks();

/// Applies each override in order to `root` (a map). Nodes an override makes carry no mark, so
/// later diagnostics about them name "<--set>" rather than a line holding the old value.
/// Problems with a path or value are reported against "<--set>"; that override is skipped.
void apply_overrides(YAML::Node& root, std::span<const Override> overrides, DiagnosticSink& sink);

/// A copy of `node` without marks, so diagnostics about it name the command line (a quoted
/// scalar stays quoted, a plain one plain).
YAML::Node without_marks(const YAML::Node& node);

} // namespace tpssim::scenarios::detail
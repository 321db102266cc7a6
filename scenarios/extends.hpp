#pragma once
/// `extends: PATH`: a scenario file built on a base file (internal to scenarios/). The base is
/// read first (with its own `extends:`, so chains work); the file's own values then apply over
/// it as `--set` does: maps merge key by key, anything else (a scalar, a list) replaces the
/// base's value, and an empty value (`key: ~`) removes the base's key. See
/// docs/scenario-format.md#extends.

#include "scenarios/yaml_reader.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace tpssim::scenarios::detail {

/// Parses `text` (a whole file) into its one document, registering it with `sink` so that
/// diagnostics at its nodes name `file`. Problems that stop the read (not UTF-8, invalid YAML,
/// an empty file) throw ScenarioError naming `file`.
YAML::Node read_document(DiagnosticSink& sink, std::string_view text, const std::string& file);

/// When `root` (the document of `file`, in folder `dir`) has `extends:`, reads the base file(s)
/// and returns the merged document, without `extends`; otherwise returns `root`. A cycle, a
/// missing or unreadable base, or a base that is not a map is reported at the `extends` value.
YAML::Node resolve_extends(DiagnosticSink& sink, YAML::Node root, const std::string& file,
                           const std::filesystem::path& dir);

/// Merges `overlay` into `base` in place (both maps): maps merge key by key, recursively; any
/// other value of `overlay` replaces the base's, keeping the base's key order (new keys go
/// last); an empty value (`key: ~`) removes the base's key. The overlay's nodes keep their marks,
/// so diagnostics point into its file.
void merge_into(YAML::Node base, const YAML::Node& overlay);

} // namespace tpssim::scenarios::detail

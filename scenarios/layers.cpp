#include "scenarios/layers.hpp"

#include "scenarios/extends.hpp"
#include "scenarios/text.hpp"
#include "scenarios/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace tpssim::scenarios {

namespace {

std::string read_layer_text(const Layer& layer) {
    std::ifstream in(layer.path, std::ios::binary);
    if (!in || std::filesystem::is_directory(layer.path))
        throw ScenarioError({Diagnostic{layer.path, 0, 0, "",
                                        fmt::format("cannot read the {}: {}", layer.role,
                                                    std::filesystem::is_directory(layer.path)
                                                        ? "it is a directory, not a file"
                                                        : std::strerror(errno))}});
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string allowed_list(const Layer& layer) {
    std::string list;
    for (const auto& k : layer.allowed_keys)
        list += (list.empty() ? "" : ", ") + k;
    return list;
}

// Merges one layer's document into `root`: lists extend the scenario's, the rest as
// `extends:` merges.
void merge_layer(detail::DiagnosticSink& sink, YAML::Node& root, const Layer& layer) {
    YAML::Node doc = detail::read_document(sink, read_layer_text(layer), layer.path);
    if (!doc.IsMap()) {
        sink.error(doc.Mark(), "",
                   fmt::format("expected the {}: a map with {}, got {}", layer.role,
                               allowed_list(layer), detail::describe(doc)));
        return;
    }
    if (layer.transform)
        layer.transform(
            doc, [&](const YAML::Mark& mark, const std::string& key_path, std::string message) {
                sink.error(mark, key_path, std::move(message));
            });
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs;
    for (auto it = doc.begin(); it != doc.end(); ++it)
        pairs.emplace_back(it->first, it->second);
    for (const auto& [key_node, value] : pairs) {
        const std::string key = key_node.IsScalar() ? key_node.Scalar() : std::string();
        if (std::find(layer.allowed_keys.begin(), layer.allowed_keys.end(), key) ==
            layer.allowed_keys.end()) {
            sink.error(key_node.Mark(), key,
                       fmt::format("a {} may not hold {} (the exam forbids it); expected one of: "
                                   "{}",
                                   layer.role, text::quote(key), allowed_list(layer)));
            continue;
        }
        // A const lookup: yaml-cpp's non-const operator[] leaves an undefined pair behind for a
        // missing key, which the merge below would not see and a later lookup would find.
        YAML::Node existing = std::as_const(root)[key];
        if (existing.IsDefined() && existing.IsSequence() && value.IsSequence()) {
            for (std::size_t i = 0; i < value.size(); ++i)
                existing.push_back(value[i]);
            continue;
        }
        YAML::Node one(YAML::NodeType::Map);
        one.force_insert(key_node, value);
        detail::merge_into(root, one);
    }
}

} // namespace

Scenario load_scenario_layers(const std::string& path, std::span<const Layer> layers,
                              std::span<const Override> overrides) {
    return detail::load_scenario_file_with(path, overrides,
                                           [&](detail::DiagnosticSink& sink, YAML::Node& root) {
                                               if (!root.IsMap()) return; // reported by the reader
                                               for (const auto& layer : layers)
                                                   merge_layer(sink, root, layer);
                                           });
}

} // namespace tpssim::scenarios

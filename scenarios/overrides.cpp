#include "scenarios/overrides.hpp"

#include "scenarios/key_table.hpp"
#include "scenarios/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace tpssim::scenarios {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

[[noreturn]] void bad_override(std::string key_path, std::string message) {
    throw ScenarioError(
        {Diagnostic{std::string(detail::kSetFile), 0, 0, std::move(key_path), std::move(message)}});
}

} // namespace

Override parse_override(std::string_view text) {
    // Files are checked for this before YAML sees them; a --set must not bring in what a file
    // cannot hold (invalid UTF-8 would reach the report and the summary JSON).
    if (const auto bad = text::first_non_text(text))
        bad_override(
            "", fmt::format("expected UTF-8 text, got {}: {}", text::quote(text), bad->reason));
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos || trim(text.substr(0, eq)).empty())
        bad_override("", fmt::format("expected PATH=VALUE, e.g. services.api.workers=8, got {}",
                                     text::quote(text)));
    Override o{std::string(trim(text.substr(0, eq))), std::string(text.substr(eq + 1))};
    const auto split = detail::split_override_path(o.path);
    if (const auto* message = std::get_if<std::string>(&split)) bad_override(o.path, *message);
    return o;
}

namespace detail {

const std::vector<std::string>& settings_blocks() {
    // Built on first use, when every reader's schema (a global of its own file) is made.
    static const std::vector<std::string> blocks = [] {
        std::vector<std::string> names;
        for (const auto& schemas :
             {scenario_schemas(), load_schemas(), step_schemas(), operations_schemas()})
            for (const KeySchema* schema : schemas)
                for (auto& block : schema->blocks())
                    if (std::find(names.begin(), names.end(), block) == names.end())
                        names.push_back(std::move(block));
        return names;
    }();
    return blocks;
}

std::variant<std::vector<std::string>, std::string> split_override_path(std::string_view path) {
    const auto malformed = [&] {
        return fmt::format("expected a dotted key path such as services.api.workers or "
                           "load.0.rate, got {}",
                           text::quote(path));
    };
    std::vector<std::string> parts;
    std::string current;
    bool after_bracket = false; // just closed `[N]`: only `.`, `[` or the end may follow
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '.') {
            if (current.empty() && !after_bracket) return malformed();
            if (!current.empty()) parts.push_back(std::move(current));
            current.clear();
            after_bracket = false;
        } else if (c == '[') {
            if (current.empty() && !after_bracket) return malformed();
            if (!current.empty()) parts.push_back(std::move(current));
            current.clear();
            const std::size_t close = path.find(']', i);
            if (close == std::string_view::npos || close == i + 1) return malformed();
            const std::string_view index = path.substr(i + 1, close - i - 1);
            if (!std::all_of(index.begin(), index.end(),
                             [](char d) { return d >= '0' && d <= '9'; }))
                return malformed();
            parts.emplace_back(index);
            i = close;
            after_bracket = true;
        } else if (c == ']' || c == ' ' || c == '\t' || c == '=') {
            return malformed();
        } else {
            if (after_bracket) return malformed();
            current += c;
        }
    }
    if (!current.empty())
        parts.push_back(std::move(current));
    else if (!after_bracket)
        return malformed();
    return parts;
}

namespace {

std::string where(std::string_view walked) {
    return walked.empty() ? std::string("the document") : text::quote(walked);
}

std::string not_found(std::string_view walked, std::string_view what, std::string_view part,
                      const std::vector<std::string>& existing) {
    std::string message =
        fmt::format("cannot set: {} has no {}{}", where(walked), what, text::quote(part));
    const std::string suggestion = text::closest(part, existing);
    if (!suggestion.empty())
        message += fmt::format("; did you mean {}?", text::quote(suggestion));
    else if (!existing.empty())
        message += fmt::format(" (it has: {})", text::join(existing));
    return message;
}

bool is_index(std::string_view s) {
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Applies one override; returns an error message, or nothing on success.
std::optional<std::string> apply_one(YAML::Node& root, const std::vector<std::string>& parts,
                                     const YAML::Node& value) {
    // Note: `Node::operator=` writes through to the tree; `reset` moves the handle.
    YAML::Node cursor;
    cursor.reset(root);
    std::string walked;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        const bool last = i + 1 == parts.size();
        if (cursor.IsNull() && !walked.empty()) {
            // `queue:` left empty in the file: the override fills it in as a map.
            cursor = YAML::Node(YAML::NodeType::Map);
        }
        if (cursor.IsMap()) {
            std::vector<std::string> keys;
            YAML::Node child;
            bool found = false;
            for (auto it = cursor.begin(); it != cursor.end(); ++it) {
                if (!it->first.IsScalar()) continue;
                keys.push_back(it->first.Scalar());
                if (!found && it->first.Scalar() == part) {
                    child.reset(it->second);
                    found = true;
                }
            }
            if (!found) {
                if (last) {
                    cursor[part] = value; // a new key: validation reports it if unknown
                    return std::nullopt;
                }
                const auto& blocks = settings_blocks();
                if (std::find(blocks.begin(), blocks.end(), part) == blocks.end())
                    return not_found(walked, "", part, keys);
                YAML::Node block(YAML::NodeType::Map);
                cursor[part] = block;
                child.reset(block);
            } else if (last) {
                child = value;
                return std::nullopt;
            }
            cursor.reset(child);
        } else if (cursor.IsSequence()) {
            std::size_t index = 0;
            if (is_index(part)) {
                index = std::stoul(part);
                if (index >= cursor.size())
                    return fmt::format("cannot set: {} has {} item{}, so there is no item {}",
                                       where(walked), cursor.size(), cursor.size() == 1 ? "" : "s",
                                       part);
            } else {
                // Items are found by their `name:`, e.g. load.users.rate.
                std::vector<std::string> names;
                bool found = false;
                for (std::size_t k = 0; k < cursor.size(); ++k) {
                    const YAML::Node item = cursor[k];
                    if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) continue;
                    names.push_back(item["name"].Scalar());
                    if (!found && names.back() == part) {
                        index = k;
                        found = true;
                    }
                }
                if (!found) return not_found(walked, "item named ", part, names);
            }
            if (last) {
                cursor[index] = value;
                return std::nullopt;
            }
            YAML::Node child = cursor[index];
            cursor.reset(child);
        } else {
            return fmt::format("cannot set: {} is {}, not a map or a sequence", where(walked),
                               describe(cursor));
        }
        walked = join_path(walked, part);
    }
    return std::nullopt;
}

} // namespace

// Recursion depth is bounded by yaml-cpp's parser, which refuses deeper nesting.
YAML::Node without_marks(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Scalar: {
        YAML::Node copy(node.Scalar());
        copy.SetTag(node.Tag()); // keeps quoted ("!") apart from plain ("?") scalars
        return copy;
    }
    case YAML::NodeType::Sequence: {
        YAML::Node copy(YAML::NodeType::Sequence);
        for (const auto& item : node)
            copy.push_back(without_marks(item));
        copy.SetStyle(node.Style());
        return copy;
    }
    case YAML::NodeType::Map: {
        YAML::Node copy(YAML::NodeType::Map);
        for (auto it = node.begin(); it != node.end(); ++it)
            copy.force_insert(without_marks(it->first), without_marks(it->second));
        copy.SetStyle(node.Style());
        return copy;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return YAML::Node(YAML::NodeType::Null);
}

void apply_overrides(YAML::Node& root, std::span<const Override> overrides, DiagnosticSink& sink) {
    for (const auto& o : overrides) {
        const auto split = split_override_path(o.path);
        if (const auto* message = std::get_if<std::string>(&split)) {
            sink.error_in_set(o.path, *message);
            continue;
        }
        YAML::Node value;
        try {
            // The value is YAML: `8` is a number, `100ms` text, `{capacity: 5}` a map.
            value = without_marks(YAML::Load(o.value));
        } catch (const YAML::Exception& e) {
            sink.error_in_set(o.path, fmt::format("the value {} is not valid YAML: {}",
                                                  text::quote(o.value), e.msg));
            continue;
        }
        if (!root.IsMap()) return; // already reported: nothing to override in
        if (auto message = apply_one(root, std::get<std::vector<std::string>>(split), value))
            sink.error_in_set(o.path, std::move(*message));
    }
}

} // namespace detail
} // namespace tpssim::scenarios
#include "scenarios/extends.hpp"

#include "scenarios/diagnostic.hpp"
#include "scenarios/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>
#include <yaml-cpp/depthguard.h>

namespace tpssim::scenarios::detail {

namespace fs = std::filesystem;

namespace {

/// The position and reason of the first byte that makes `text` not UTF-8 text (binary files,
/// other encodings, control characters YAML forbids), if any.
std::optional<Diagnostic> check_utf8_text(std::string_view text, const std::string& file) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3); // a byte order mark is allowed
    const auto bad = text::first_non_text(text);
    if (!bad) return std::nullopt;
    // Everything before the bad byte is valid UTF-8: count lines, and characters on its line.
    const std::string_view before = text.substr(0, bad->offset);
    const std::size_t newline = before.rfind('\n');
    const std::string_view on_line =
        newline == std::string_view::npos ? before : before.substr(newline + 1);
    const auto characters = std::count_if(on_line.begin(), on_line.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80; // not a continuation byte
    });
    return Diagnostic{file, static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1,
                      static_cast<int>(characters) + 1, "",
                      "the file is not UTF-8 text: " + bad->reason +
                          " (a binary file, or text in another encoding?)"};
}

/// The text of a base file, or why it cannot be read.
std::optional<std::string> read_base(const fs::path& path, std::string& why) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        why = "no such file";
        return std::nullopt;
    }
    if (fs::is_directory(path, ec)) {
        why = "it is a directory, not a file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        why = std::strerror(errno);
        return std::nullopt;
    }
    return text.str();
}

/// Where `extends` sits in `root`, if it does.
std::optional<Value> find_extends(const YAML::Node& root) {
    for (auto it = root.begin(); it != root.end(); ++it)
        if (it->first.IsScalar() && it->first.Scalar() == "extends")
            return child_value(root_value(root), "extends", it->first, it->second);
    return std::nullopt;
}

YAML::Node resolve(DiagnosticSink& sink, YAML::Node root, const fs::path& dir,
                   std::vector<fs::path>& chain, std::vector<std::string>& names) {
    if (!root.IsMap()) return root; // reported by the reader
    const auto extends = find_extends(root);
    if (!extends) return root;
    root.remove("extends");
    if (!extends->node.IsScalar() || extends->node.Scalar().empty()) {
        sink.error(extends->mark, "extends",
                   expected_got("the path of a base scenario file, relative to this file, e.g. "
                                "../reference-system.yaml",
                                extends->node));
        return root;
    }
    const fs::path given(extends->node.Scalar());
    const fs::path base_path = (given.is_absolute() ? given : dir / given).lexically_normal();
    const std::string base_file = base_path.string();
    std::error_code ec;
    fs::path identity = fs::weakly_canonical(base_path, ec);
    if (ec) identity = base_path;
    if (std::find(chain.begin(), chain.end(), identity) != chain.end()) {
        std::string cycle;
        for (const auto& name : names)
            cycle += text::quote(name) + " extends ";
        sink.error(extends->mark, "extends",
                   fmt::format("a cycle of extends: {}{}", cycle, text::quote(base_file)));
        return root;
    }
    std::string why;
    const auto text = read_base(base_path, why);
    if (!text) {
        sink.error(
            extends->mark, "extends",
            fmt::format("cannot read the base scenario {}: {}", text::quote(base_file), why));
        return root;
    }
    YAML::Node base = read_document(sink, *text, base_file);
    chain.push_back(identity);
    names.push_back(base_file);
    base = resolve(sink, base, base_path.parent_path(), chain, names);
    if (!base.IsMap()) {
        sink.error(extends->mark, "extends",
                   fmt::format("the base scenario {} is {}, not a map of settings",
                               text::quote(base_file), describe(base)));
        return root;
    }
    merge_into(base, root);
    return base;
}

} // namespace

YAML::Node read_document(DiagnosticSink& sink, std::string_view text, const std::string& file) {
    if (auto d = check_utf8_text(text, file)) throw ScenarioError({std::move(*d)});
    std::string_view body = text;
    // A base file is parsed behind a comment line (see DiagnosticSink::add_text); its byte
    // order mark, allowed only at the very start, goes.
    const std::size_t prefix = sink.add_text(file, text.size());
    if (prefix > 0 && body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    const int line_offset = prefix > 0 ? 1 : 0;
    std::string parsed;
    if (prefix > 0) {
        parsed.reserve(prefix + body.size());
        parsed += '#';
        parsed.append(prefix - 2, ' ');
        parsed += '\n';
    }
    parsed.append(body);

    std::vector<YAML::Node> documents;
    try {
        documents = load_all_documents(parsed);
    } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp's own message for this case is "bad file", which helps nobody.
        throw ScenarioError({Diagnostic{file, e.mark.line + 1 - line_offset, e.mark.column + 1, "",
                                        "invalid YAML: nested too deeply for the YAML parser"}});
    } catch (const YAML::ParserException& e) {
        throw ScenarioError({Diagnostic{file, e.mark.line + 1 - line_offset, e.mark.column + 1, "",
                                        "invalid YAML: " + e.msg}});
    }
    if (documents.empty())
        throw ScenarioError({Diagnostic{file, 0, 0, "",
                                        "the file is empty; expected a scenario: a map with "
                                        "name, duration, load and services"}});
    // A trailing `---` makes an empty second document: harmless, so only real ones count.
    const auto extra = std::find_if(documents.begin() + 1, documents.end(),
                                    [](const YAML::Node& d) { return !d.IsNull(); });
    if (extra != documents.end()) {
        sink.error(extra->Mark(), "",
                   "expected one YAML document, got more: a scenario file holds one (remove "
                   "the extra ---)");
    }
    return documents.front();
}

YAML::Node resolve_extends(DiagnosticSink& sink, YAML::Node root, const std::string& file,
                           const fs::path& dir) {
    std::error_code ec;
    fs::path identity = fs::weakly_canonical(fs::path(file), ec);
    if (ec) identity = fs::path(file);
    std::vector<fs::path> chain{identity};
    std::vector<std::string> names{file};
    return resolve(sink, std::move(root), dir, chain, names);
}

// Recursion depth is bounded by yaml-cpp's parser, which refuses deeper nesting.
void merge_into(YAML::Node base, const YAML::Node& overlay) {
    for (auto from = overlay.begin(); from != overlay.end(); ++from) {
        if (!from->first.IsScalar()) {
            base.force_insert(from->first, from->second); // the reader reports the bad key
            continue;
        }
        bool found = false;
        for (auto to = base.begin(); to != base.end(); ++to) {
            if (!to->first.IsScalar() || to->first.Scalar() != from->first.Scalar()) continue;
            found = true;
            if (from->second.IsNull()) {
                // `key: ~` takes the base's key away (e.g. a service given `steps:` in place
                // of the base's `service_time:`).
                base.remove(from->first.Scalar());
            } else if (to->second.IsMap() && from->second.IsMap()) {
                merge_into(to->second, from->second);
            } else {
                // `=` on a node of the tree writes through: the pair now holds the overlay's
                // key and value, marks included.
                YAML::Node key = to->first;
                YAML::Node value = to->second;
                key = from->first;
                value = from->second;
            }
            break;
        }
        if (!found) base.force_insert(from->first, from->second);
    }
}

} // namespace tpssim::scenarios::detail

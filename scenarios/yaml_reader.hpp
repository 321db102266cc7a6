#pragma once
/// Reading a YAML tree against the scenario schema while collecting every problem (internal to
/// scenarios/). Each `read_*` reports a Diagnostic and returns nothing when the value is bad, so
/// the caller carries on and the user sees all problems of a file at once.
///
/// A new key plugs in with one line: add its name to the map's allowed keys and read it with
/// the `read_*` function of its type.

#include "scenarios/diagnostic.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace tpssim::scenarios::detail {

/// YAML::LoadAll(text), but never stuck: yaml-cpp 0.7 (Debian 12) loops forever, allocating a
/// null document per turn, when a document starts with a token no node can start with, e.g. a
/// `,` outside [...] or {...} (jbeder/yaml-cpp#1040, fixed upstream by PR #1319). A first pass
/// over the parser's events notices a document starting where the previous one did and throws
/// YAML::ParserException there instead. Other yaml-cpp exceptions pass through.
std::vector<YAML::Node> load_all_documents(const std::string& text);

/// The file name used for anything that came from a `--set` override.
inline constexpr std::string_view kSetFile = "<--set>";
/// The file name used for anything that came from a `--chaos` fault.
inline constexpr std::string_view kChaosFile = "<--chaos>";

/// Collects diagnostics and hands them out in the order the user should read them: those about
/// `--set` overrides first (in the order given), then those about the file by line and column.
class DiagnosticSink {
public:
    explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

    const std::string& file() const { return file_; }

    /// Registers the text of a file about to be parsed: the scenario file itself first, then
    /// each base of `extends:`. Returns how many bytes of prefix (a comment line, or nothing
    /// for the first file) to parse the text behind, so that its marks' positions follow every
    /// earlier file's: a mark's position then says which file it is in (see extends.hpp).
    std::size_t add_text(std::string file, std::size_t text_size);
    /// The file a mark is in, and its 1-based line there.
    const std::string& file_of(const YAML::Mark& mark) const;
    int line_of(const YAML::Mark& mark) const;

    /// A problem at `mark` in the scenario file; a null mark means the node was made by a
    /// `--set` override, so the problem is reported against "<--set>" with no line.
    void error(const YAML::Mark& mark, std::string key_path, std::string message);
    /// A problem in another file (an empirical CSV), sorted where `anchor` is in the scenario.
    void error_in_file(std::string file, int line, const YAML::Mark& anchor, std::string key_path,
                       std::string message);
    /// A problem with a `--set` override itself (no position), or with whatever command-line
    /// value is being read (see set_command_line_origin).
    void error_in_set(std::string key_path, std::string message);
    /// What problems at null marks (nodes made from the command line) name as their file:
    /// kSetFile (the default) or kChaosFile while `--chaos` faults are read.
    void set_command_line_origin(std::string_view file) { command_line_file_ = file; }

    bool empty() const { return entries_.empty(); }
    std::vector<Diagnostic> sorted() const;

private:
    struct Entry {
        Diagnostic diagnostic;
        bool from_set = false;
        int sort_line = 0;
        int sort_column = 0;
        std::size_t sort_file = 0; ///< the scenario file first, then its bases
    };
    struct Source {
        std::string file;
        std::size_t first_pos = 0; ///< marks at or after this position are in this file
        int line_offset = 0;       ///< lines of prefix before the file's first line
    };
    const Source& source_of(const YAML::Mark& mark, std::size_t* index = nullptr) const;

    std::string file_;
    std::vector<Source> sources_;
    std::size_t next_pos_ = 0;
    std::string command_line_file_{kSetFile};
    std::vector<Entry> entries_;
};

/// A node of the document with its dotted key path and the position to report for it.
struct Value {
    YAML::Node node;
    std::string path;
    /// The value's mark; for an empty value its key's (yaml-cpp marks an empty value at the
    /// next line); null when the node came from `--set`.
    YAML::Mark mark;
};

/// The root of a document.
Value root_value(const YAML::Node& root);
/// The value of one pair of the map `parent`.
Value child_value(const Value& parent, std::string_view key, const YAML::Node& key_node,
                  const YAML::Node& value);

/// "-3", "\"ten\"", "a map", "a sequence", "an empty value": what was found, for "got ...".
std::string describe(const YAML::Node& node);

/// "expected `expected`, got `describe(found)`".
std::string expected_got(std::string_view expected, const YAML::Node& found);

/// `parent.child`, or `child` at the top.
std::string join_path(std::string_view parent, std::string_view child);

/// A map of settings or of named items. Checks keys as it is built: unknown keys are errors
/// with a did-you-mean, duplicate keys are errors (yaml-cpp 0.7 keeps both pairs of a
/// duplicated key in the map's pair list, so they are visible when iterating).
class MapReader {
public:
    struct Entry {
        std::string key;
        YAML::Mark key_mark;
        Value value;
    };

    /// Settings: `allowed` lists every key this map may hold, in the order to suggest them.
    /// `what` says what the map is ("a map of service settings") for "expected ..., got".
    MapReader(DiagnosticSink& sink, Value map, std::string_view what,
              std::vector<std::string> allowed);
    /// A map of named items (`services`): any key is allowed; the caller checks the names.
    static MapReader named_items(DiagnosticSink& sink, Value map, std::string_view what);

    /// False when the node is not a map (already reported).
    bool ok() const { return ok_; }
    const Value& self() const { return map_; }
    const std::vector<Entry>& entries() const { return entries_; }

    /// The value of `key`, if present.
    std::optional<Value> get(std::string_view key) const;
    /// The value of `key`; when missing, reports it at the map's position, saying `expected`
    /// (unless a misspelt key was already reported with this key as its did-you-mean).
    std::optional<Value> require(std::string_view key, std::string_view expected) const;
    /// Whether an unknown key was reported with `key` as its did-you-mean: a check that `key`
    /// is missing should then stay silent.
    bool was_suggested(std::string_view key) const;

private:
    MapReader(DiagnosticSink& sink, Value map) : sink_(sink), map_(std::move(map)) {}
    void read_entries(std::string_view what, bool check_keys);

    DiagnosticSink& sink_;
    Value map_;
    std::vector<std::string> allowed_;
    std::vector<Entry> entries_;
    std::vector<std::string> suggested_; ///< did-you-mean targets already reported
    bool ok_ = false;
};

/// The items of a sequence, each with path `parent.INDEX`; reports "expected `what`, got ..."
/// when the node is not a sequence.
std::optional<std::vector<Value>> read_sequence(DiagnosticSink& sink, const Value& v,
                                                std::string_view what);

/// Any text (a scalar; not empty unless `allow_empty`).
std::optional<std::string> read_string(DiagnosticSink& sink, const Value& v,
                                       bool allow_empty = false);
/// The rule for names of services, load sources and other components: they appear in paths,
/// reports, JSON keys and random-stream names, so they are kept plain.
inline constexpr std::string_view kNameRule =
    "lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 63 "
    "characters";
/// True when `name` follows kNameRule.
bool is_valid_name(std::string_view name);
/// A component name following kNameRule.
std::optional<std::string> read_name(DiagnosticSink& sink, const Value& v);

/// A whole number from `min` to `max`; `max_note` says why there is a maximum ("the limit on
/// workers per service"), shown when the maximum is exceeded.
std::optional<std::uint64_t> read_integer(DiagnosticSink& sink, const Value& v, std::uint64_t min,
                                          std::uint64_t max, std::string_view max_note = {});
/// A finite number > `above` and <= `max`; written plainly (`0.5`, `2`, `1e-3`).
std::optional<double> read_number_above(DiagnosticSink& sink, const Value& v, double above,
                                        double max, std::string_view max_note);
/// A finite number >= `min` and <= `max`; written plainly (`0`, `0.8`, `1e-3`).
std::optional<double> read_number_at_least(DiagnosticSink& sink, const Value& v, double min,
                                           double max, std::string_view max_note);
/// A ratio (see units.hpp), `80%` or `0.8`, from 0 to 1; `positive` requires > 0.
std::optional<double> read_ratio(DiagnosticSink& sink, const Value& v, bool positive);
/// `true` or `false` (YAML 1.2 core schema: also `True`, `TRUE`, `False`, `FALSE`); a quoted
/// value is text, not a boolean.
std::optional<bool> read_bool(DiagnosticSink& sink, const Value& v);
/// One of `choices`, with a did-you-mean; returns its index.
std::optional<std::size_t> read_choice(DiagnosticSink& sink, const Value& v,
                                       std::span<const std::string> choices);
/// A duration (see units.hpp); `positive` requires > 0.
std::optional<sim::SimTime> read_duration(DiagnosticSink& sink, const Value& v, bool positive);
/// A rate in events per second (see units.hpp); `positive` requires > 0.
std::optional<double> read_rate(DiagnosticSink& sink, const Value& v, bool positive);

} // namespace tpssim::scenarios::detail
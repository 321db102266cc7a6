#include "scenarios/yaml_reader.hpp"

#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <sstream>
#include <yaml-cpp/eventhandler.h>

namespace tpssim::scenarios::detail {

// --- parsing ------------------------------------------------------------------------------

namespace {

/// Ignores every event but the start of a document, whose position it checks.
class StallDetector : public YAML::EventHandler {
public:
    bool stalled = false;
    YAML::Mark at;

    void OnDocumentStart(const YAML::Mark& mark) override {
        stalled = started_ && mark.pos == at.pos;
        started_ = true;
        at = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

private:
    bool started_ = false;
};

} // namespace

std::vector<YAML::Node> load_all_documents(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    StallDetector detector;
    while (parser.HandleNextDocument(detector)) {
        if (!detector.stalled) continue;
        // yaml-cpp counts bytes after a byte order mark.
        const std::size_t pos =
            static_cast<std::size_t>(detector.at.pos) + (text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
        if (pos < text.size() && text[pos] == ',')
            throw YAML::ParserException(
                detector.at,
                "unexpected \",\"; a comma separates items only inside [...] or {...}");
        throw YAML::ParserException(
            detector.at, pos < text.size() ? fmt::format("unexpected {}: no value can start here",
                                                         text::quote(text.substr(pos, 1)))
                                           : "unexpected end of the file");
    }
    return YAML::LoadAll(text);
}

// --- diagnostics --------------------------------------------------------------------------

std::size_t DiagnosticSink::add_text(std::string file, std::size_t text_size) {
    // The first file is parsed as it is; each later one behind a comment line long enough to
    // push its positions past everything before (the comment line's newline is its one line).
    const std::size_t prefix = sources_.empty() ? 0 : next_pos_;
    sources_.push_back(Source{std::move(file), prefix, prefix == 0 ? 0 : 1});
    next_pos_ = prefix + text_size + 2;
    return prefix;
}

const DiagnosticSink::Source& DiagnosticSink::source_of(const YAML::Mark& mark,
                                                        std::size_t* index) const {
    static const Source unregistered;
    std::size_t found = sources_.size();
    for (std::size_t i = 0; i < sources_.size(); ++i)
        if (mark.pos >= 0 && static_cast<std::size_t>(mark.pos) >= sources_[i].first_pos) found = i;
    if (index) *index = found == sources_.size() ? 0 : found;
    return found == sources_.size() ? unregistered : sources_[found];
}

const std::string& DiagnosticSink::file_of(const YAML::Mark& mark) const {
    const Source& source = source_of(mark);
    return source.file.empty() ? file_ : source.file;
}

int DiagnosticSink::line_of(const YAML::Mark& mark) const {
    // yaml-cpp counts from 0; people and editors count from 1.
    return mark.line + 1 - source_of(mark).line_offset;
}

void DiagnosticSink::error(const YAML::Mark& mark, std::string key_path, std::string message) {
    if (mark.is_null()) {
        error_in_set(std::move(key_path), std::move(message));
        return;
    }
    std::size_t index = 0;
    source_of(mark, &index);
    const int line = line_of(mark);
    Entry e{
        Diagnostic{file_of(mark), line, mark.column + 1, std::move(key_path), std::move(message)},
        false, line, mark.column + 1, index};
    entries_.push_back(std::move(e));
}

void DiagnosticSink::error_in_file(std::string file, int line, const YAML::Mark& anchor,
                                   std::string key_path, std::string message) {
    std::size_t index = 0;
    source_of(anchor, &index);
    Entry e{Diagnostic{std::move(file), line, 0, std::move(key_path), std::move(message)},
            anchor.is_null(), line_of(anchor), anchor.column + 1, index};
    entries_.push_back(std::move(e));
}

void DiagnosticSink::error_in_set(std::string key_path, std::string message) {
    entries_.push_back(
        Entry{Diagnostic{command_line_file_, 0, 0, std::move(key_path), std::move(message)}, true});
}

std::vector<Diagnostic> DiagnosticSink::sorted() const {
    std::vector<Entry> entries = entries_;
    // Stable, so problems at one position (or all --set ones) keep the order they were found.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.from_set != b.from_set) return a.from_set;
        if (a.from_set) return false;
        if (a.sort_file != b.sort_file) return a.sort_file < b.sort_file;
        if (a.sort_line != b.sort_line) return a.sort_line < b.sort_line;
        return a.sort_column < b.sort_column;
    });
    std::vector<Diagnostic> out;
    out.reserve(entries.size());
    for (auto& e : entries)
        out.push_back(std::move(e.diagnostic));
    return out;
}

// --- values -------------------------------------------------------------------------------

Value root_value(const YAML::Node& root) {
    return Value{root, "", root.Mark()};
}

std::string join_path(std::string_view parent, std::string_view child) {
    if (parent.empty()) return std::string(child);
    return fmt::format("{}.{}", parent, child);
}

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// YAML 1.2 core-schema integer: `[-+]?[0-9]+`.
bool is_integer_syntax(std::string_view s) {
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

/// YAML 1.2 core-schema float, finite forms: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
bool is_finite_float_syntax(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t digits = 0;
    while (i < s.size() && is_digit(s[i])) {
        ++i;
        ++digits;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && is_digit(s[i])) {
            ++i;
            ++digits;
        }
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        const std::size_t exponent_start = i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        if (i == exponent_start) return false;
    }
    return i == s.size();
}

/// Whether a plain scalar reads as a number in YAML 1.2 (so it is shown without quotes).
bool looks_numeric(std::string_view s) {
    if (is_finite_float_syntax(s)) return true;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

/// A quoted scalar ('x' or "x") is tagged "!" by yaml-cpp, a plain one "?": YAML says a
/// quoted scalar is a string, so `workers: "8"` is not a number.
bool is_quoted(const YAML::Node& node) {
    return node.Tag() == "!";
}

bool is_plain_scalar(const YAML::Node& node) {
    return node.IsScalar() && !is_quoted(node);
}

} // namespace

std::string describe(const YAML::Node& node) {
    if (!node.IsDefined()) return "nothing";
    switch (node.Type()) {
    case YAML::NodeType::Null:
        return "an empty value";
    case YAML::NodeType::Sequence:
        return "a sequence";
    case YAML::NodeType::Map:
        return "a map";
    case YAML::NodeType::Scalar:
        break;
    case YAML::NodeType::Undefined:
        return "nothing";
    }
    const std::string& s = node.Scalar();
    if (is_quoted(node))
        return looks_numeric(s) ? text::quote(s) + " (quoted, so a string)" : text::quote(s);
    if (looks_numeric(s) && s.size() <= 40) return s;
    return text::quote(s);
}

Value child_value(const Value& parent, std::string_view key, const YAML::Node& key_node,
                  const YAML::Node& value) {
    YAML::Mark mark = value.Mark();
    if (!mark.is_null() && value.IsNull()) mark = key_node.Mark();
    return Value{value, join_path(parent.path, key), mark};
}

std::string expected_got(std::string_view expected, const YAML::Node& found) {
    return fmt::format("expected {}, got {}", expected, describe(found));
}

// --- maps ---------------------------------------------------------------------------------

MapReader::MapReader(DiagnosticSink& sink, Value map, std::string_view what,
                     std::vector<std::string> allowed)
    : sink_(sink), map_(std::move(map)), allowed_(std::move(allowed)) {
    read_entries(what, true);
}

MapReader MapReader::named_items(DiagnosticSink& sink, Value map, std::string_view what) {
    MapReader r(sink, std::move(map));
    r.read_entries(what, false);
    return r;
}

void MapReader::read_entries(std::string_view what, bool check_keys) {
    if (!map_.node.IsMap()) {
        sink_.error(map_.mark, map_.path, expected_got(what, map_.node));
        return;
    }
    ok_ = true;
    for (auto it = map_.node.begin(); it != map_.node.end(); ++it) {
        // Copies: `it->` yields a temporary proxy, so a reference to its member would dangle.
        const YAML::Node key_node = it->first;
        const YAML::Node value_node = it->second;
        if (!key_node.IsScalar()) {
            sink_.error(key_node.Mark(), map_.path, expected_got("a key (a plain name)", key_node));
            continue;
        }
        const std::string key = key_node.Scalar();
        const std::string path = join_path(map_.path, key);
        const auto first = std::find_if(entries_.begin(), entries_.end(),
                                        [&](const Entry& e) { return e.key == key; });
        if (first != entries_.end()) {
            // The first occurrence stays in effect; the repeat is an error, never a silent win.
            const std::string where =
                first->key_mark.is_null()
                    ? std::string("the first was set by --set")
                    : fmt::format("the first is at line {}", sink_.line_of(first->key_mark));
            sink_.error(key_node.Mark(), path,
                        fmt::format("duplicate key {}; {}", text::quote(key), where));
            continue;
        }
        if (check_keys && std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end()) {
            std::string message = fmt::format("unknown key {}", text::quote(key));
            const std::string suggestion = text::closest(key, allowed_);
            if (key == "<<")
                message += " (YAML merge keys are not supported)";
            else if (!suggestion.empty()) {
                message += fmt::format("; did you mean {}?", text::quote(suggestion));
                suggested_.push_back(suggestion);
            } else
                message += fmt::format("; expected one of: {}", text::join(allowed_));
            sink_.error(key_node.Mark(), path, std::move(message));
            continue;
        }
        entries_.push_back(
            Entry{key, key_node.Mark(), child_value(map_, key, key_node, value_node)});
    }
}

std::optional<Value> MapReader::get(std::string_view key) const {
    for (const auto& e : entries_)
        if (e.key == key) return e.value;
    return std::nullopt;
}

std::optional<Value> MapReader::require(std::string_view key, std::string_view expected) const {
    auto v = get(key);
    if (!v && ok_ && std::find(suggested_.begin(), suggested_.end(), key) == suggested_.end()) {
        sink_.error(map_.mark, map_.path,
                    fmt::format("missing required key {} ({})", text::quote(key), expected));
    }
    return v;
}

bool MapReader::was_suggested(std::string_view key) const {
    return std::find(suggested_.begin(), suggested_.end(), key) != suggested_.end();
}

// --- sequences ----------------------------------------------------------------------------

std::optional<std::vector<Value>> read_sequence(DiagnosticSink& sink, const Value& v,
                                                std::string_view what) {
    if (!v.node.IsSequence()) {
        sink.error(v.mark, v.path, expected_got(what, v.node));
        return std::nullopt;
    }
    std::vector<Value> items;
    items.reserve(v.node.size());
    std::size_t index = 0;
    for (const auto& item : v.node) {
        // An empty item's own mark is on the next line; the sequence's is more useful then.
        YAML::Mark mark = item.Mark();
        if (!mark.is_null() && item.IsNull()) mark = v.mark;
        items.push_back(Value{item, join_path(v.path, std::to_string(index)), mark});
        ++index;
    }
    return items;
}

// --- scalars ------------------------------------------------------------------------------

std::optional<std::string> read_string(DiagnosticSink& sink, const Value& v, bool allow_empty) {
    if (!v.node.IsScalar() || (!allow_empty && v.node.Scalar().empty())) {
        sink.error(v.mark, v.path, expected_got(allow_empty ? "text" : "non-empty text", v.node));
        return std::nullopt;
    }
    return v.node.Scalar();
}

bool is_valid_name(std::string_view name) {
    if (name.empty() || name.size() > 63) return false;
    const auto ok = [](char c) {
        return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
    };
    return std::all_of(name.begin(), name.end(), ok) && name.front() != '-' && name.front() != '_';
}

std::optional<std::string> read_name(DiagnosticSink& sink, const Value& v) {
    if (!v.node.IsScalar() || !is_valid_name(v.node.Scalar())) {
        sink.error(v.mark, v.path, expected_got(fmt::format("a name of {}", kNameRule), v.node));
        return std::nullopt;
    }
    return v.node.Scalar();
}

std::optional<std::uint64_t> read_integer(DiagnosticSink& sink, const Value& v, std::uint64_t min,
                                          std::uint64_t max, std::string_view max_note) {
    const std::string low = fmt::format("an integer >= {}", min);
    if (!is_plain_scalar(v.node) || !is_integer_syntax(v.node.Scalar())) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    std::string_view s = v.node.Scalar();
    if (s.front() == '-') {
        // Only "-0" is a non-negative integer; every minimum here is >= 0.
        if (std::all_of(s.begin() + 1, s.end(), [](char c) { return c == '0'; }) && min == 0)
            return 0;
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    if (s.front() == '+') s.remove_prefix(1);
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    const bool too_big = ec == std::errc::result_out_of_range || value > max;
    if (too_big) {
        const std::string note = max_note.empty() ? "" : fmt::format(" ({})", max_note);
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("an integer <= {}{}", max, note), v.node));
        return std::nullopt;
    }
    if (ec != std::errc() || end != s.data() + s.size() || value < min) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    return value;
}

std::optional<double> read_number_above(DiagnosticSink& sink, const Value& v, double above,
                                        double max, std::string_view max_note) {
    const std::string low = fmt::format("a number > {:g}", above);
    if (!is_plain_scalar(v.node) || !is_finite_float_syntax(v.node.Scalar())) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    std::string_view s = v.node.Scalar();
    if (s.front() == '+') s.remove_prefix(1); // from_chars does not take a plus sign
    double value = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc::result_out_of_range) {
        // Out of double's range: 1e400 is too large, 1e-400 too small (both have an exponent,
        // the syntax check above guarantees it).
        const bool tiny =
            s.find("e-") != std::string_view::npos || s.find("E-") != std::string_view::npos;
        value = (tiny ? 0.0 : HUGE_VAL) * (s.front() == '-' ? -1.0 : 1.0);
    } else if (ec != std::errc() || end != s.data() + s.size()) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    if (!(value > above)) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    if (!(value <= max)) {
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("a number <= {:g} ({})", max, max_note), v.node));
        return std::nullopt;
    }
    return value;
}

std::optional<double> read_number_at_least(DiagnosticSink& sink, const Value& v, double min,
                                           double max, std::string_view max_note) {
    const std::string low = fmt::format("a number >= {:g}", min);
    if (!is_plain_scalar(v.node) || !is_finite_float_syntax(v.node.Scalar())) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    std::string_view s = v.node.Scalar();
    if (s.front() == '+') s.remove_prefix(1); // from_chars does not take a plus sign
    double value = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc::result_out_of_range) {
        const bool tiny =
            s.find("e-") != std::string_view::npos || s.find("E-") != std::string_view::npos;
        value = (tiny ? 0.0 : HUGE_VAL) * (s.front() == '-' ? -1.0 : 1.0);
    } else if (ec != std::errc() || end != s.data() + s.size()) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    if (!(value >= min)) {
        sink.error(v.mark, v.path, expected_got(low, v.node));
        return std::nullopt;
    }
    if (!(value <= max)) {
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("a number <= {:g} ({})", max, max_note), v.node));
        return std::nullopt;
    }
    return value + 0.0; // -0 reads as 0
}

std::optional<double> read_ratio(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kRatioExpected, v.node));
        return std::nullopt;
    }
    auto parsed = parse_ratio(v.node.Scalar());
    if (auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, std::move(*message));
        return std::nullopt;
    }
    const double ratio = std::get<double>(parsed);
    if (positive && ratio == 0.0) {
        sink.error(v.mark, v.path, expected_got("a ratio > 0% and at most 100%", v.node));
        return std::nullopt;
    }
    return ratio;
}

std::optional<bool> read_bool(DiagnosticSink& sink, const Value& v) {
    if (is_plain_scalar(v.node)) {
        const std::string& s = v.node.Scalar();
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
    }
    sink.error(v.mark, v.path, expected_got("true or false", v.node));
    return std::nullopt;
}

std::optional<std::size_t> read_choice(DiagnosticSink& sink, const Value& v,
                                       std::span<const std::string> choices) {
    if (v.node.IsScalar()) {
        const auto it = std::find(choices.begin(), choices.end(), v.node.Scalar());
        if (it != choices.end()) return static_cast<std::size_t>(it - choices.begin());
    }
    std::string message = expected_got(fmt::format("one of {}", text::join(choices)), v.node);
    if (v.node.IsScalar()) {
        const std::string suggestion = text::closest(v.node.Scalar(), choices);
        if (!suggestion.empty())
            message += fmt::format("; did you mean {}?", text::quote(suggestion));
    }
    sink.error(v.mark, v.path, std::move(message));
    return std::nullopt;
}

std::optional<sim::SimTime> read_duration(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kDurationExpected, v.node));
        return std::nullopt;
    }
    auto parsed = parse_duration(v.node.Scalar());
    if (auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, std::move(*message));
        return std::nullopt;
    }
    const auto t = std::get<sim::SimTime>(parsed);
    if (positive && t == sim::SimTime::zero()) {
        sink.error(v.mark, v.path, expected_got("a duration > 0", v.node));
        return std::nullopt;
    }
    return t;
}

std::optional<double> read_rate(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kRateExpected, v.node));
        return std::nullopt;
    }
    auto parsed = parse_rate_per_second(v.node.Scalar());
    if (auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, std::move(*message));
        return std::nullopt;
    }
    const double rate = std::get<double>(parsed);
    if (positive && rate == 0.0) {
        sink.error(v.mark, v.path, expected_got("a rate > 0", v.node));
        return std::nullopt;
    }
    return rate;
}

} // namespace tpssim::scenarios::detail
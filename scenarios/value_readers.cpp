#include "scenarios/value_readers.hpp"

#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <stdexcept>

namespace tpssim::scenarios::detail {

using sim::SimTime;

bool contains(const std::vector<std::string>& list, std::string_view key) {
    return std::find(list.begin(), list.end(), key) != list.end();
}

/// A duration in [min, max].
std::optional<SimTime> duration_between(DiagnosticSink& sink, const Value& v, SimTime min,
                                        SimTime max) {
    const auto t = read_duration(sink, v, min > SimTime::zero());
    if (!t) return std::nullopt;
    if (*t < min) {
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("a duration >= {}", format_duration(min)), v.node));
        return std::nullopt;
    }
    if (*t > max) {
        sink.error(v.mark, v.path,
                   expected_got(fmt::format("a duration <= {}", format_duration(max)), v.node));
        return std::nullopt;
    }
    return t;
}

/// A size in bytes (see units.hpp); `positive` requires > 0.
std::optional<double> read_size(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kSizeExpected, v.node));
        return std::nullopt;
    }
    const auto parsed = parse_size_bytes(v.node.Scalar());
    if (const auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, *message);
        return std::nullopt;
    }
    const auto bytes = std::get<std::uint64_t>(parsed);
    if (positive && bytes == 0) {
        sink.error(v.mark, v.path, expected_got("a size > 0", v.node));
        return std::nullopt;
    }
    return static_cast<double>(bytes);
}

/// A data rate in bytes per second (see units.hpp); `positive` requires > 0.
std::optional<double> read_data_rate(DiagnosticSink& sink, const Value& v, bool positive) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kDataRateExpected, v.node));
        return std::nullopt;
    }
    const auto parsed = parse_data_rate(v.node.Scalar());
    if (const auto* message = std::get_if<std::string>(&parsed)) {
        sink.error(v.mark, v.path, *message);
        return std::nullopt;
    }
    const double rate = std::get<double>(parsed);
    if (positive && rate == 0.0) {
        sink.error(v.mark, v.path, expected_got("a data rate > 0", v.node));
        return std::nullopt;
    }
    return rate;
}

constexpr std::string_view kPerRequestSuffix = "/request";

bool is_per_request(const YAML::Node& node) {
    return node.IsScalar() && std::string_view(node.Scalar()).ends_with(kPerRequestSuffix);
}

/// `10KiB/request` (or, when `bare_ok`, `10KiB`): bytes per request.
std::optional<double> read_per_request(DiagnosticSink& sink, const Value& v, bool bare_ok) {
    if (!v.node.IsScalar() || (!bare_ok && !is_per_request(v.node))) {
        sink.error(v.mark, v.path, expected_got("a size per request, e.g. 10KiB/request", v.node));
        return std::nullopt;
    }
    std::string_view s = v.node.Scalar();
    if (s.ends_with(kPerRequestSuffix)) s.remove_suffix(kPerRequestSuffix.size());
    const auto parsed = parse_size_bytes(s);
    if (std::holds_alternative<std::string>(parsed)) {
        sink.error(v.mark, v.path,
                   expected_got(bare_ok ? "a size (per request), e.g. 10KiB or 10KiB/request"
                                        : "a size per request, e.g. 10KiB/request",
                                v.node));
        return std::nullopt;
    }
    return static_cast<double>(std::get<std::uint64_t>(parsed));
}

/// A whole number, possibly negative, non-zero, of magnitude at most `max`.
std::optional<std::int64_t> read_change(DiagnosticSink& sink, const Value& v, std::int64_t max) {
    const auto bad = [&] {
        sink.error(
            v.mark, v.path,
            expected_got(fmt::format("a non-zero integer from -{} to {}, e.g. 4 or -2", max, max),
                         v.node));
        return std::nullopt;
    };
    if (!v.node.IsScalar() || v.node.Tag() == "!") return bad();
    std::string_view s = v.node.Scalar();
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value == 0 || value > max ||
        value < -max)
        return bad();
    return value;
}

/// `true`; `false` is an error (a fault that does nothing).
bool read_true(DiagnosticSink& sink, const Value& v, std::string_view key) {
    const auto b = read_bool(sink, v);
    if (!b) return false;
    if (!*b) {
        sink.error(v.mark, v.path,
                   fmt::format("expected true ({}: false would do nothing: remove the fault "
                               "instead)",
                               key));
        return false;
    }
    return true;
}

/// Whether the map at `v` has a key outside `allowed` (reported by its MapReader): a check
/// that a required key is missing then stays silent, the unknown key being the likely cause.
bool has_unknown_key(const Value& v, const std::vector<std::string>& allowed) {
    if (!v.node.IsMap()) return false;
    for (auto it = v.node.begin(); it != v.node.end(); ++it)
        if (it->first.IsScalar() && !contains(allowed, it->first.Scalar())) return true;
    return false;
}

/// The entry of `key` in `map` (which has it).
const MapReader::Entry& entry_of(const MapReader& map, std::string_view key) {
    for (const auto& e : map.entries())
        if (e.key == key) return e;
    throw std::logic_error("entry_of: missing key");
}

const MapReader::Entry& second_of(const MapReader& map, std::string_view a, std::string_view b) {
    const MapReader::Entry* first = nullptr;
    for (const auto& e : map.entries()) {
        if (e.key != a && e.key != b) continue;
        if (first != nullptr && e.key != first->key) return e;
        if (first == nullptr) first = &e;
    }
    throw std::logic_error("second_of: the map lacks one of the keys");
}

/// Reports "expected either A or B, got both" at whichever comes second.
void both(DiagnosticSink& sink, const MapReader& map, std::string_view a, std::string_view b,
          std::string_view message) {
    const auto& second = second_of(map, a, b);
    sink.error(second.key_mark, second.value.path, std::string(message));
}

std::string join_and(const std::vector<std::string>& items) {
    if (items.size() <= 1) return items.empty() ? "" : items[0];
    return fmt::format("{} and {}",
                       text::join(std::span<const std::string>(items).first(items.size() - 1)),
                       items.back());
}

} // namespace tpssim::scenarios::detail
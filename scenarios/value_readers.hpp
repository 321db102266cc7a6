#pragma once
/// Readers of single values beyond yaml_reader.hpp's (internal to scenarios/): sizes, data
/// rates, per-request sizes, bounded durations, signed changes; and, for KeyTable entries, the
/// same readers as small callables with their bounds bound in (`duration_in(0s, 1h)`).

#include "models/enum_names.hpp"
#include "scenarios/yaml_reader.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::scenarios::detail {

bool contains(const std::vector<std::string>& list, std::string_view key);

/// A duration in [min, max].
std::optional<sim::SimTime> duration_between(DiagnosticSink& sink, const Value& v, sim::SimTime min,
                                             sim::SimTime max);
/// A size in bytes (see units.hpp); `positive` requires > 0.
std::optional<double> read_size(DiagnosticSink& sink, const Value& v, bool positive);
/// A data rate in bytes per second (see units.hpp); `positive` requires > 0.
std::optional<double> read_data_rate(DiagnosticSink& sink, const Value& v, bool positive);
/// Whether the value is written `SIZE/request`.
bool is_per_request(const YAML::Node& node);
/// `10KiB/request` (or, when `bare_ok`, `10KiB`): bytes per request.
std::optional<double> read_per_request(DiagnosticSink& sink, const Value& v, bool bare_ok);
/// A whole number, possibly negative, non-zero, of magnitude at most `max`.
std::optional<std::int64_t> read_change(DiagnosticSink& sink, const Value& v, std::int64_t max);
/// `true`; `false` is an error (a fault that does nothing).
bool read_true(DiagnosticSink& sink, const Value& v, std::string_view key);
/// Whether the map at `v` has a key outside `allowed` (reported by its MapReader): a check
/// that a required key is missing then stays silent, the unknown key being the likely cause.
bool has_unknown_key(const Value& v, const std::vector<std::string>& allowed);
/// The entry of `key` in `map` (which has it).
const MapReader::Entry& entry_of(const MapReader& map, std::string_view key);
/// The entry of whichever of `a`, `b` comes second in `map` (which has both).
const MapReader::Entry& second_of(const MapReader& map, std::string_view a, std::string_view b);
/// Reports `message` ("expected either A or B, got both") at whichever of `a`, `b` comes
/// second.
void both(DiagnosticSink& sink, const MapReader& map, std::string_view a, std::string_view b,
          std::string_view message);
/// "a, b and c".
std::string join_and(const std::vector<std::string>& items);

/// One of the names of enum `E` (models/enum_names.hpp), with a did-you-mean.
template <class E>
std::optional<E> read_enum(DiagnosticSink& sink, const Value& v) {
    static const std::vector<std::string> names = models::names_of<E>();
    const auto index = read_choice(sink, v, names);
    if (!index) return std::nullopt;
    return models::enum_table<E>()[*index].value;
}

// --- the same, as KeyTable readers ----------------------------------------------------------

/// A duration in [min, max].
inline auto duration_in(sim::SimTime min, sim::SimTime max) {
    return
        [=](DiagnosticSink& sink, const Value& v) { return duration_between(sink, v, min, max); };
}
/// A duration > 0.
inline auto positive_duration() {
    return [](DiagnosticSink& sink, const Value& v) { return read_duration(sink, v, true); };
}
/// A whole number in [min, max]; `max_note` says why there is a maximum.
inline auto integer(std::uint64_t min, std::uint64_t max, std::string_view max_note = {}) {
    return [=](DiagnosticSink& sink, const Value& v) {
        return read_integer(sink, v, min, max, max_note);
    };
}
/// A ratio from 0 to 1; `positive` requires > 0.
inline auto ratio(bool positive) {
    return [=](DiagnosticSink& sink, const Value& v) { return read_ratio(sink, v, positive); };
}
/// A number > `above` and <= `max`.
inline auto number_above(double above, double max, std::string_view max_note) {
    return [=](DiagnosticSink& sink, const Value& v) {
        return read_number_above(sink, v, above, max, max_note);
    };
}
/// A number >= `min` and <= `max`.
inline auto number_at_least(double min, double max, std::string_view max_note) {
    return [=](DiagnosticSink& sink, const Value& v) {
        return read_number_at_least(sink, v, min, max, max_note);
    };
}
/// A size in bytes; `positive` requires > 0.
inline auto size_bytes(bool positive) {
    return [=](DiagnosticSink& sink, const Value& v) { return read_size(sink, v, positive); };
}
/// A data rate in bytes per second; `positive` requires > 0.
inline auto data_rate(bool positive) {
    return [=](DiagnosticSink& sink, const Value& v) { return read_data_rate(sink, v, positive); };
}
/// Bytes per request (`10KiB/request`; also `10KiB` when `bare_ok`).
inline auto per_request(bool bare_ok) {
    return [=](DiagnosticSink& sink, const Value& v) { return read_per_request(sink, v, bare_ok); };
}
/// One of the names of enum `E`.
template <class E>
auto enum_choice() {
    return [](DiagnosticSink& sink, const Value& v) { return read_enum<E>(sink, v); };
}

} // namespace tpssim::scenarios::detail
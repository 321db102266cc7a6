#pragma once
/// Values with units, as written in scenario files and on the command line.
///
/// Durations `250ms`, `30s`, `5m`, `2h`, `3d` (also `ns`, `us`, and decimals: `1.5s`);
/// rates `100/s`, `6000/m`, `10/h`; sizes `512MiB`, `2GiB`, `20KiB`, `100B`, `1GB`;
/// ratios `80%` or `0.8`. A bare number where a unit is needed is an error, never a guess.
/// Each parser returns the value, or a message saying what was expected (for a Diagnostic).

#include "sim/sim_time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace scenarios {

/// A parsed value or the reason it could not be parsed.
template <class T>
using Parsed = std::variant<T, std::string>;

/// Duration >= 0 in exact ticks; the message names the accepted units.
Parsed<sim::SimTime> parse_duration(std::string_view text);
/// Rate >= 0 in events per second.
Parsed<double> parse_rate_per_second(std::string_view text);
/// Ratio as a fraction: "80%" -> 0.8, "0.8" -> 0.8.
Parsed<double> parse_ratio(std::string_view text);
/// Size in bytes.
Parsed<std::uint64_t> parse_size_bytes(std::string_view text);

/// Human-readable duration for reports: "250ms", "1.5s", "2h".
std::string format_duration(sim::SimTime t);

} // namespace scenarios

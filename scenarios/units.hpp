#pragma once
/// Values with units, as written in scenario files and on the command line.
///
/// Durations `250ms`, `30s`, `5m`, `2h`, `3d` (also `ns`, `us`, and decimals: `1.5s`);
/// rates `100/s`, `6000/m`, `10/h`; sizes `512MiB`, `2GiB`, `20KiB`, `100B`, `1GB`;
/// data rates `1Gbit/s`, `100MiB/s`, `2MiB/min`; ratios `80%` or `0.8`. A bare number where a unit
/// is needed is an error, never a guess. Each parser returns the value, or a message saying what
/// was expected (for a Diagnostic).

#include "sim/sim_time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace tpssim::scenarios {

/// A parsed value or the reason it could not be parsed.
template <class T>
using Parsed = std::variant<T, std::string>;

/// The longest duration accepted anywhere: 100 years of 365 days (36500d). int64 nanoseconds
/// span 292 years, so any two accepted durations add up without overflow.
inline constexpr sim::SimTime kMaxDuration = sim::SimTime::from_s(100LL * 365 * 86'400);
/// The fastest rate accepted: one event per nanosecond, the clock's resolution.
inline constexpr double kMaxRatePerSecond = 1e9;

/// What each parser expects, as its messages say it ("expected <this>, got ..."); for callers
/// that report a value of the wrong shape (a map where a duration belongs) in the same words.
inline constexpr std::string_view kDurationExpected =
    "a duration with a unit (ns, us, ms, s, m, h, d)";
inline constexpr std::string_view kRateExpected =
    "a rate with a unit (/ns, /us, /ms, /s, /m, /h, /d), e.g. 100/s";
inline constexpr std::string_view kRatioExpected = "a ratio from 0% to 100% (as 80% or 0.8)";
inline constexpr std::string_view kSizeExpected =
    "a size with a unit (B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB)";
inline constexpr std::string_view kDataRateExpected =
    "a data rate with a unit: bits (bit/s, kbit/s, Mbit/s, Gbit/s) or a size per time (B/s, "
    "KiB/s, MiB/s, 2MiB/min, ...)";
/// The fastest data rate accepted: 1 PB/s (10^15 bytes per second).
inline constexpr double kMaxBytesPerSecond = 1e15;

/// Duration >= 0 in exact ticks; the message names the accepted units. Units: ns, us (or µs),
/// ms, s, m (or min), h, d; components may be combined (`1h30m`); decimals are exact and are
/// rounded to the nearest nanosecond (half up); at most kMaxDuration.
Parsed<sim::SimTime> parse_duration(std::string_view text);
/// Rate >= 0 in events per second: `100/s`, `6000/m`, `10/h`, `5/ms` (any duration unit after
/// the slash); at most kMaxRatePerSecond.
Parsed<double> parse_rate_per_second(std::string_view text);
/// Ratio as a fraction: "80%" -> 0.8, "0.8" -> 0.8; from 0 to `max_fraction` inclusive (1 unless
/// a key allows more, e.g. a multiplier of 150%).
Parsed<double> parse_ratio(std::string_view text, double max_fraction = 1.0);
/// Size in bytes: B; decimal KB, MB, GB, TB, PB (powers of 1000; `kB` too); binary KiB, MiB,
/// GiB, TiB, PiB (powers of 1024). Decimals are rounded to the nearest byte (half up).
Parsed<std::uint64_t> parse_size_bytes(std::string_view text);

/// Data rate in bytes per second: a size per duration unit (`100MiB/s`, `2MiB/min`, `10KiB/h`;
/// any size unit of parse_size_bytes, any duration unit after the slash) or bits per second
/// (`bit`, `kbit`, `Mbit`, `Gbit`, `Tbit`, powers of 1000: `1Gbit/s` is 125000000 B/s); at most
/// kMaxBytesPerSecond.
Parsed<double> parse_data_rate(std::string_view text);

/// Human-readable duration for reports: "250ms", "1.5s", "2h", "1h1m1s". Exact: the shortest
/// text that parse_duration reads back as the same number of ticks (ties go to the larger
/// unit). Negative durations get a leading "-".
std::string format_duration(sim::SimTime t);

} // namespace tpssim::scenarios
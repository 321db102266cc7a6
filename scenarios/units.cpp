#include "scenarios/units.hpp"

#include "scenarios/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <optional>
#include <span>

namespace tpssim::scenarios {

namespace {

// 128-bit arithmetic keeps every decimal conversion exact: the largest product formed below
// (20 significant digits times a day in ns, or 18 fraction digits times a day) is < 2^113.
// `__extension__` keeps -Wpedantic quiet about the GCC/Clang builtin type.
__extension__ using u128 = unsigned __int128;

struct Unit {
    std::string_view name;
    std::uint64_t factor; // nanoseconds or bytes
};

constexpr std::uint64_t kNsPerS = 1'000'000'000;
constexpr std::array kTimeUnits{
    Unit{"ns", 1},
    Unit{"us", 1'000},
    Unit{"\u00b5s", 1'000}, // micro sign
    Unit{"\u03bcs", 1'000}, // Greek mu
    Unit{"ms", 1'000'000},
    Unit{"s", kNsPerS},
    Unit{"m", 60 * kNsPerS},
    Unit{"min", 60 * kNsPerS},
    Unit{"h", 3'600 * kNsPerS},
    Unit{"d", 86'400 * kNsPerS},
};
constexpr std::array kSizeUnits{
    Unit{"B", 1},
    Unit{"KB", 1'000},
    Unit{"kB", 1'000},
    Unit{"MB", 1'000'000},
    Unit{"GB", 1'000'000'000},
    Unit{"TB", 1'000'000'000'000},
    Unit{"PB", 1'000'000'000'000'000},
    Unit{"KiB", 1ULL << 10},
    Unit{"MiB", 1ULL << 20},
    Unit{"GiB", 1ULL << 30},
    Unit{"TiB", 1ULL << 40},
    Unit{"PiB", 1ULL << 50},
};

// Bits, for data rates (network bandwidth is quoted in bits per second).
constexpr std::array kBitUnits{
    Unit{"bit", 1},          Unit{"kbit", 1'000},         Unit{"Kbit", 1'000},
    Unit{"Mbit", 1'000'000}, Unit{"Gbit", 1'000'000'000}, Unit{"Tbit", 1'000'000'000'000},
};

// Beyond these, a number is rejected rather than silently rounded or overflowed.
constexpr int kMaxWholeDigits = 20;
constexpr int kMaxFractionDigits = 18;

/// A non-negative decimal number read exactly: whole + frac / 10^frac_digits.
struct Decimal {
    u128 whole = 0;
    u128 frac = 0;
    int frac_digits = 0;
    bool too_large = false;   ///< more than kMaxWholeDigits significant digits
    bool too_precise = false; ///< more than kMaxFractionDigits digits after the point
    std::string_view text;    ///< the characters read
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

void skip_spaces(std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
}

/// Reads `[0-9]+(\.[0-9]+)?` or `\.[0-9]+` from the front of `s`. Exponents are not accepted:
/// units already scale the number, and `1e3ms` would hide a typo.
bool read_decimal(std::string_view& s, Decimal& d) {
    std::size_t i = 0;
    int significant = 0;
    while (i < s.size() && is_digit(s[i])) {
        const auto digit = static_cast<unsigned>(s[i] - '0');
        if (significant > 0 || digit != 0) ++significant;
        if (significant > kMaxWholeDigits)
            d.too_large = true;
        else
            d.whole = d.whole * 10 + digit;
        ++i;
    }
    const bool had_whole = i > 0;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_digit(s[i])) {
            if (d.frac_digits == kMaxFractionDigits) {
                d.too_precise = true;
            } else {
                d.frac = d.frac * 10 + static_cast<unsigned>(s[i] - '0');
                ++d.frac_digits;
            }
            ++i;
        }
    } else if (!had_whole) {
        return false;
    }
    d.text = s.substr(0, i);
    s.remove_prefix(i);
    return true;
}

u128 pow10(int k) {
    u128 p = 1;
    for (int i = 0; i < k; ++i)
        p *= 10;
    return p;
}

/// d * factor, rounded to the nearest integer (half up). Exact.
u128 scale(const Decimal& d, std::uint64_t factor) {
    u128 result = d.whole * factor;
    if (d.frac_digits > 0) {
        const u128 denominator = pow10(d.frac_digits);
        result += (d.frac * factor + denominator / 2) / denominator;
    }
    return result;
}

double to_double(const Decimal& d) {
    double v = 0.0;
    std::from_chars(d.text.data(), d.text.data() + d.text.size(), v);
    return v;
}

/// A unit token: the characters up to the next digit, point, space or slash.
std::string_view read_unit(std::string_view& s) {
    std::size_t i = 0;
    while (i < s.size() && !is_digit(s[i]) && s[i] != '.' && s[i] != ' ' && s[i] != '\t' &&
           s[i] != '/')
        ++i;
    const std::string_view unit = s.substr(0, i);
    s.remove_prefix(i);
    return unit;
}

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
    for (const auto& u : units)
        if (u.name == name) return &u;
    return nullptr;
}

std::string unknown_unit_hint(std::string_view unit) {
    return unit.empty() ? std::string() : fmt::format(" (unknown unit {})", text::quote(unit));
}

std::string duration_syntax_error(std::string_view text, std::string_view unit = {}) {
    return fmt::format("expected {}, got {}{}", kDurationExpected, text::quote(text),
                       unknown_unit_hint(unit));
}

} // namespace

Parsed<sim::SimTime> parse_duration(std::string_view text) {
    std::string_view rest = trim(text);
    if (!rest.empty() && rest.front() == '-')
        return fmt::format("expected a duration >= 0, got {}", text::quote(text));
    if (rest.empty()) return duration_syntax_error(text);
    u128 total = 0;
    const auto max_ns = static_cast<u128>(kMaxDuration.ns());
    while (!rest.empty()) {
        Decimal d;
        if (!read_decimal(rest, d)) return duration_syntax_error(text);
        skip_spaces(rest);
        const std::string_view unit_name = read_unit(rest);
        const Unit* unit = find_unit(kTimeUnits, unit_name);
        if (unit == nullptr) return duration_syntax_error(text, unit_name);
        if (d.too_precise)
            return fmt::format("expected a duration with at most {} digits after the decimal "
                               "point, got {}",
                               kMaxFractionDigits, text::quote(text));
        if (!d.too_large) total += scale(d, unit->factor);
        if (d.too_large || total > max_ns)
            return fmt::format("expected a duration of at most 100 years (36500d), got {}",
                               text::quote(text));
        skip_spaces(rest);
    }
    return sim::SimTime::from_ns(static_cast<sim::SimTime::Rep>(total));
}

Parsed<double> parse_rate_per_second(std::string_view text) {
    const std::string_view t = trim(text);
    const auto syntax_error = [&](std::string_view unit = {}) {
        return fmt::format("expected {}, got {}{}", kRateExpected, text::quote(text),
                           unknown_unit_hint(unit));
    };
    if (!t.empty() && t.front() == '-')
        return fmt::format("expected a rate >= 0, got {}", text::quote(text));
    const std::size_t slash = t.find('/');
    if (slash == std::string_view::npos) return syntax_error();
    std::string_view number = trim(t.substr(0, slash));
    Decimal d;
    if (!read_decimal(number, d) || !number.empty()) return syntax_error();
    std::string_view per = trim(t.substr(slash + 1));
    const Unit* unit = find_unit(kTimeUnits, per);
    if (unit == nullptr) return syntax_error(per);
    const double rate = d.too_large ? HUGE_VAL
                                    : to_double(d) * static_cast<double>(kNsPerS) /
                                          static_cast<double>(unit->factor);
    if (rate > kMaxRatePerSecond)
        return fmt::format("expected a rate of at most 1000000000/s (one event per nanosecond, "
                           "the clock's resolution), got {}",
                           text::quote(text));
    return rate;
}

Parsed<double> parse_ratio(std::string_view text, double max_fraction) {
    const std::string expected =
        max_fraction == 1.0
            ? fmt::format("expected {}", kRatioExpected)
            : fmt::format("expected a ratio from 0% to {:g}% (as 80% or 0.8)", max_fraction * 100);
    std::string_view t = trim(text);
    const bool percent = !t.empty() && t.back() == '%';
    if (percent) t = trim(t.substr(0, t.size() - 1));
    Decimal d;
    std::string_view rest = t;
    if (!read_decimal(rest, d) || !rest.empty())
        return fmt::format("{}, got {}", expected, text::quote(text));
    const double value = d.too_large ? HUGE_VAL : (percent ? to_double(d) / 100.0 : to_double(d));
    if (value > max_fraction) {
        // "80" is almost surely a percentage without its sign: say so.
        const bool looks_like_percent = !percent && value <= 100.0 && value * 0.01 <= max_fraction;
        return fmt::format(
            "{}, got {}{}", expected, text::quote(text),
            looks_like_percent ? " (a bare number is a fraction: write 80% for a percentage)" : "");
    }
    return value;
}

Parsed<std::uint64_t> parse_size_bytes(std::string_view text) {
    std::string_view rest = trim(text);
    const auto syntax_error = [&](std::string_view unit = {}) {
        return fmt::format("expected {}, got {}{}", kSizeExpected, text::quote(text),
                           unknown_unit_hint(unit));
    };
    if (!rest.empty() && rest.front() == '-')
        return fmt::format("expected a size >= 0, got {}", text::quote(text));
    Decimal d;
    if (!read_decimal(rest, d)) return syntax_error();
    skip_spaces(rest);
    const std::string_view unit_name = read_unit(rest);
    const Unit* unit = find_unit(kSizeUnits, unit_name);
    if (unit == nullptr || !trim(rest).empty())
        return syntax_error(unit != nullptr ? std::string_view() : unit_name);
    if (d.too_precise)
        return fmt::format("expected a size with at most {} digits after the decimal point, "
                           "got {}",
                           kMaxFractionDigits, text::quote(text));
    const u128 bytes = d.too_large ? ~u128{0} : scale(d, unit->factor);
    if (bytes > std::numeric_limits<std::uint64_t>::max())
        return fmt::format("expected a size below 16EiB (2^64 bytes), got {}", text::quote(text));
    return static_cast<std::uint64_t>(bytes);
}

Parsed<double> parse_data_rate(std::string_view text) {
    const std::string_view t = trim(text);
    const auto syntax_error = [&](std::string_view unit = {}) {
        return fmt::format("expected {}, got {}{}", kDataRateExpected, text::quote(text),
                           unknown_unit_hint(unit));
    };
    if (!t.empty() && t.front() == '-')
        return fmt::format("expected a data rate >= 0, got {}", text::quote(text));
    const std::size_t slash = t.find('/');
    if (slash == std::string_view::npos) return syntax_error();
    std::string_view amount = trim(t.substr(0, slash));
    Decimal d;
    if (!read_decimal(amount, d)) return syntax_error();
    skip_spaces(amount);
    const std::string_view size_name = read_unit(amount);
    if (!trim(amount).empty()) return syntax_error();
    double bytes_per_unit = 0.0;
    if (const Unit* size = find_unit(kSizeUnits, size_name))
        bytes_per_unit = static_cast<double>(size->factor);
    else if (const Unit* bits = find_unit(kBitUnits, size_name))
        bytes_per_unit = static_cast<double>(bits->factor) / 8.0;
    else
        return syntax_error(size_name);
    const std::string_view per = trim(t.substr(slash + 1));
    const Unit* unit = find_unit(kTimeUnits, per);
    if (unit == nullptr) return syntax_error(per);
    const double rate = d.too_large ? HUGE_VAL
                                    : to_double(d) * bytes_per_unit * static_cast<double>(kNsPerS) /
                                          static_cast<double>(unit->factor);
    if (!(rate <= kMaxBytesPerSecond))
        return fmt::format("expected a data rate of at most 1PB/s, got {}", text::quote(text));
    return rate;
}

namespace {

/// `ns` in `unit` as an exact decimal ("1.5"), or nothing when the decimal does not end within
/// 12 digits (e.g. 1s in minutes).
std::optional<std::string> exact_decimal(std::uint64_t ns, std::uint64_t unit) {
    std::string out = fmt::format("{}", ns / unit);
    std::uint64_t r = ns % unit;
    if (r == 0) return out;
    out += '.';
    for (int i = 0; i < 12 && r != 0; ++i) {
        r *= 10; // r < unit <= 8.64e13, so r * 10 fits easily
        out += static_cast<char>('0' + r / unit);
        r %= unit;
    }
    if (r != 0) return std::nullopt;
    return out;
}

/// The shortest single-unit text of `ns` > 0, preferring the larger unit on ties and a whole
/// part >= 1 ("250ms" rather than "0.25s").
std::string shortest_single_unit(std::uint64_t ns) {
    // Largest first; each name is the canonical one (us, not µs; m, not min).
    static constexpr std::array<Unit, 7> kUnits{Unit{"d", 86'400 * kNsPerS},
                                                Unit{"h", 3'600 * kNsPerS},
                                                Unit{"m", 60 * kNsPerS},
                                                Unit{"s", kNsPerS},
                                                Unit{"ms", 1'000'000},
                                                Unit{"us", 1'000},
                                                Unit{"ns", 1}};
    std::string best;
    for (const auto& u : kUnits) {
        if (ns < u.factor) continue;
        const auto digits = exact_decimal(ns, u.factor);
        if (!digits) continue;
        std::string candidate = *digits + std::string(u.name);
        if (best.empty() || candidate.size() < best.size()) best = std::move(candidate);
    }
    return best;
}

} // namespace

std::string format_duration(sim::SimTime t) {
    if (t.ns() == 0) return "0s";
    const bool negative = t.ns() < 0;
    // Magnitude via unsigned arithmetic so INT64_MIN does not overflow.
    const std::uint64_t ns =
        negative ? 0 - static_cast<std::uint64_t>(t.ns()) : static_cast<std::uint64_t>(t.ns());
    std::string best = shortest_single_unit(ns);

    // Compound form, e.g. "1h1s" for 3601s: whole days, hours and minutes, then the rest.
    std::string compound;
    std::uint64_t rest = ns;
    int parts = 0;
    for (const auto& [name, factor] :
         {std::pair{"d", 86'400 * kNsPerS}, std::pair{"h", 3'600 * kNsPerS},
          std::pair{"m", 60 * kNsPerS}}) {
        if (rest >= factor) {
            compound += fmt::format("{}{}", rest / factor, name);
            rest %= factor;
            ++parts;
        }
    }
    if (rest > 0) {
        compound += shortest_single_unit(rest);
        ++parts;
    }
    if (parts > 1 && compound.size() < best.size()) best = std::move(compound);
    return negative ? "-" + best : best;
}

} // namespace tpssim::scenarios
// Values with units (scenarios/units.hpp): every unit, exact conversion, every error message.
#include "scenarios/units.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

using namespace tpssim;

using scenarios::format_duration;
using scenarios::parse_duration;
using scenarios::parse_rate_per_second;
using scenarios::parse_ratio;
using scenarios::parse_size_bytes;
using sim::SimTime;

namespace {

// The value, failing the test (with the parser's message) when there is none.
template <class T>
T ok(const scenarios::Parsed<T>& p) {
    if (const auto* message = std::get_if<std::string>(&p)) FAIL("unexpected error: " << *message);
    return std::get<T>(p);
}

template <class T>
std::string error(const scenarios::Parsed<T>& p) {
    const auto* message = std::get_if<std::string>(&p);
    REQUIRE_MESSAGE(message != nullptr, "expected an error");
    return *message;
}

std::int64_t ns(std::string_view text) {
    return ok(parse_duration(text)).ns();
}

} // namespace

TEST_CASE("durations: every unit converts exactly to nanoseconds") {
    CHECK(ns("7ns") == 7);
    CHECK(ns("7us") == 7'000);
    CHECK(ns("7\u00b5s") == 7'000); // micro sign
    CHECK(ns("7\u03bcs") == 7'000); // Greek mu
    CHECK(ns("250ms") == 250'000'000);
    CHECK(ns("30s") == 30'000'000'000);
    CHECK(ns("5m") == 300'000'000'000);
    CHECK(ns("5min") == 300'000'000'000);
    CHECK(ns("2h") == 7'200'000'000'000);
    CHECK(ns("3d") == 259'200'000'000'000);
    CHECK(ns("0s") == 0);
    CHECK(ns("0ns") == 0);
}

TEST_CASE("durations: decimals are exact, not rounded through a double") {
    CHECK(ns("1.5s") == 1'500'000'000);
    CHECK(ns("0.1s") == 100'000'000);
    CHECK(ns(".5s") == 500'000'000);
    CHECK(ns("0.3s") == 300'000'000); // 0.3 is not a double; the decimal text is exact
    CHECK(ns("1.000000001s") == 1'000'000'001);
    CHECK(ns("31535999.123456789s") == 31'535'999'123'456'789); // a double would give ...788
    CHECK(ns("2.5us") == 2'500);
    CHECK(ns("0.001ms") == 1'000);
    CHECK(ns("1.25h") == 4'500'000'000'000);
    CHECK(ns("0.1m") == 6'000'000'000);
    CHECK(ns("36499.5d") == 364'995LL * 8'640'000'000'000LL); // near the limit: no overflow
}

TEST_CASE("durations: below a nanosecond rounds to the nearest, half up") {
    CHECK(ns("1.4ns") == 1);
    CHECK(ns("1.5ns") == 2);
    CHECK(ns("0.4ns") == 0);
    CHECK(ns("0.0000000015s") == 2);
    CHECK(ns("0.0000000014999s") == 1);
    CHECK(ns("1.0000000005s") == 1'000'000'001);
}

TEST_CASE("durations: compound forms and spaces") {
    CHECK(ns("1h30m") == 5'400'000'000'000);
    CHECK(ns("1h10m") == 4'200'000'000'000);
    CHECK(ns("1m30.5s") == 90'500'000'000);
    CHECK(ns("1h 30m") == 5'400'000'000'000);
    CHECK(ns("250 ms") == 250'000'000);
    CHECK(ns("  2h  ") == 7'200'000'000'000);
    CHECK(ns("1d2h3m4s5ms6us7ns") == 93'784'005'006'007);
}

TEST_CASE("durations: the limit is 100 years") {
    CHECK(ok(parse_duration("36500d")) == scenarios::kMaxDuration);
    CHECK(ok(parse_duration("876000h")) == scenarios::kMaxDuration);
    const std::string too_long = "expected a duration of at most 100 years (36500d), got ";
    CHECK(error(parse_duration("36501d")) == too_long + "\"36501d\"");
    CHECK(error(parse_duration("36500d1ns")) == too_long + "\"36500d1ns\"");
    CHECK(error(parse_duration("1000000000000000000000000000000s")) ==
          too_long + "\"1000000000000000000000000000000s\"");
    CHECK(error(parse_duration("9223372036854775808ns")) == too_long + "\"9223372036854775808ns\"");
    // Leading zeros do not count as digits.
    CHECK(ns("000000000000000000000000000001s") == 1'000'000'000);
}

TEST_CASE("durations: errors say what was expected and what was found") {
    const std::string expected = "expected a duration with a unit (ns, us, ms, s, m, h, d), got ";
    CHECK(error(parse_duration("250")) == expected + "\"250\"");
    CHECK(error(parse_duration("")) == expected + "\"\"");
    CHECK(error(parse_duration("ms")) == expected + "\"ms\"");
    CHECK(error(parse_duration("fast")) == expected + "\"fast\"");
    CHECK(error(parse_duration("5 sec")) == expected + "\"5 sec\" (unknown unit \"sec\")");
    CHECK(error(parse_duration("5S")) == expected + "\"5S\" (unknown unit \"S\")");
    CHECK(error(parse_duration("1e3ms")) == expected + "\"1e3ms\" (unknown unit \"e\")");
    CHECK(error(parse_duration("1.s")) == expected + "\"1.s\"");
    CHECK(error(parse_duration("1h30")) == expected + "\"1h30\"");
    CHECK(error(parse_duration("1,5s")) == expected + "\"1,5s\" (unknown unit \",\")");
    CHECK(error(parse_duration("-5s")) == "expected a duration >= 0, got \"-5s\"");
    CHECK(error(parse_duration("0.1234567890123456789s")) ==
          "expected a duration with at most 18 digits after the decimal point, got "
          "\"0.1234567890123456789s\"");
}

TEST_CASE("rates: every unit, in events per second") {
    CHECK(ok(parse_rate_per_second("100/s")) == 100.0);
    CHECK(ok(parse_rate_per_second("6000/m")) == 100.0);
    CHECK(ok(parse_rate_per_second("6000/min")) == 100.0);
    CHECK(ok(parse_rate_per_second("3600/h")) == 1.0);
    CHECK(ok(parse_rate_per_second("10/h")) == doctest::Approx(10.0 / 3600.0));
    CHECK(ok(parse_rate_per_second("86400/d")) == 1.0);
    CHECK(ok(parse_rate_per_second("5/ms")) == 5000.0);
    CHECK(ok(parse_rate_per_second("5/us")) == 5'000'000.0);
    CHECK(ok(parse_rate_per_second("1/ns")) == 1e9);
    CHECK(ok(parse_rate_per_second("0.5/s")) == 0.5);
    CHECK(ok(parse_rate_per_second("0/s")) == 0.0);
    CHECK(ok(parse_rate_per_second(" 90 / s ")) == 90.0);
}

TEST_CASE("rates: errors") {
    const std::string expected =
        "expected a rate with a unit (/ns, /us, /ms, /s, /m, /h, /d), e.g. 100/s, got ";
    CHECK(error(parse_rate_per_second("90")) == expected + "\"90\"");
    CHECK(error(parse_rate_per_second("90/")) == expected + "\"90/\"");
    CHECK(error(parse_rate_per_second("/s")) == expected + "\"/s\"");
    CHECK(error(parse_rate_per_second("90/sec")) == expected + "\"90/sec\" (unknown unit \"sec\")");
    CHECK(error(parse_rate_per_second("90 rps")) == expected + "\"90 rps\"");
    CHECK(error(parse_rate_per_second("1e3/s")) == expected + "\"1e3/s\"");
    CHECK(error(parse_rate_per_second("-1/s")) == "expected a rate >= 0, got \"-1/s\"");
    CHECK(error(parse_rate_per_second("2/ns")) ==
          "expected a rate of at most 1000000000/s (one event per nanosecond, the clock's "
          "resolution), got \"2/ns\"");
    CHECK(error(parse_rate_per_second("99999999999999999999999999/s"))
              .starts_with("expected a rate of at most 1000000000/s"));
}

TEST_CASE("ratios: percentages and fractions from 0 to 1") {
    CHECK(ok(parse_ratio("80%")) == 0.8);
    CHECK(ok(parse_ratio("0.8")) == 0.8);
    CHECK(ok(parse_ratio("0.1%")) == doctest::Approx(0.001));
    CHECK(ok(parse_ratio("100%")) == 1.0);
    CHECK(ok(parse_ratio("1")) == 1.0);
    CHECK(ok(parse_ratio("0")) == 0.0);
    CHECK(ok(parse_ratio("0%")) == 0.0);
    CHECK(ok(parse_ratio("50 %")) == 0.5);
    CHECK(ok(parse_ratio("150%", 2.0)) == 1.5);
    const std::string expected = "expected a ratio from 0% to 100% (as 80% or 0.8), got ";
    CHECK(error(parse_ratio("80")) ==
          expected + "\"80\" (a bare number is a fraction: write 80% for a percentage)");
    CHECK(error(parse_ratio("101%")) == expected + "\"101%\"");
    CHECK(error(parse_ratio("1.01")) ==
          expected + "\"1.01\" (a bare number is a fraction: write 80% for a percentage)");
    CHECK(error(parse_ratio("1000")) == expected + "\"1000\"");
    CHECK(error(parse_ratio("-5%")) == expected + "\"-5%\"");
    CHECK(error(parse_ratio("half")) == expected + "\"half\"");
    CHECK(error(parse_ratio("%")) == expected + "\"%\"");
    CHECK(error(parse_ratio("")) == expected + "\"\"");
    CHECK(error(parse_ratio("300%", 2.0)) ==
          "expected a ratio from 0% to 200% (as 80% or 0.8), got \"300%\"");
}

TEST_CASE("sizes: decimal and binary units, exact bytes") {
    CHECK(ok(parse_size_bytes("100B")) == 100);
    CHECK(ok(parse_size_bytes("20KiB")) == 20 * 1024);
    CHECK(ok(parse_size_bytes("512MiB")) == 512ULL << 20);
    CHECK(ok(parse_size_bytes("2GiB")) == 2ULL << 30);
    CHECK(ok(parse_size_bytes("1TiB")) == 1ULL << 40);
    CHECK(ok(parse_size_bytes("1PiB")) == 1ULL << 50);
    CHECK(ok(parse_size_bytes("1KB")) == 1'000);
    CHECK(ok(parse_size_bytes("1kB")) == 1'000);
    CHECK(ok(parse_size_bytes("1MB")) == 1'000'000);
    CHECK(ok(parse_size_bytes("1GB")) == 1'000'000'000);
    CHECK(ok(parse_size_bytes("1TB")) == 1'000'000'000'000);
    CHECK(ok(parse_size_bytes("1PB")) == 1'000'000'000'000'000);
    CHECK(ok(parse_size_bytes("1.5GiB")) == 3ULL << 29);
    CHECK(ok(parse_size_bytes("0.3KiB")) == 307); // 307.2 rounds to the nearest byte
    CHECK(ok(parse_size_bytes("0.5B")) == 1);     // half up
    CHECK(ok(parse_size_bytes("512 MiB")) == 512ULL << 20);
    CHECK(ok(parse_size_bytes("0B")) == 0);
    CHECK(ok(parse_size_bytes("16383PiB")) == 16383ULL << 50);
}

TEST_CASE("sizes: errors") {
    const std::string expected =
        "expected a size with a unit (B, KB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB), got ";
    CHECK(error(parse_size_bytes("512")) == expected + "\"512\"");
    CHECK(error(parse_size_bytes("512mb")) == expected + "\"512mb\" (unknown unit \"mb\")");
    CHECK(error(parse_size_bytes("2Gi")) == expected + "\"2Gi\" (unknown unit \"Gi\")");
    CHECK(error(parse_size_bytes("2GiB5")) == expected + "\"2GiB5\"");
    CHECK(error(parse_size_bytes("")) == expected + "\"\"");
    CHECK(error(parse_size_bytes("-1KiB")) == "expected a size >= 0, got \"-1KiB\"");
    CHECK(error(parse_size_bytes("16384PiB")) ==
          "expected a size below 16EiB (2^64 bytes), got \"16384PiB\"");
    CHECK(error(parse_size_bytes("99999999999999999999999B")) ==
          "expected a size below 16EiB (2^64 bytes), got \"99999999999999999999999B\"");
}

TEST_CASE("format_duration: the shortest exact text") {
    CHECK(format_duration(SimTime::zero()) == "0s");
    CHECK(format_duration(SimTime::from_ms(250)) == "250ms");
    CHECK(format_duration(SimTime::from_ms(100)) == "100ms");
    CHECK(format_duration(SimTime::from_ms(1500)) == "1.5s");
    CHECK(format_duration(SimTime::from_s(30)) == "30s");
    CHECK(format_duration(SimTime::from_s(90)) == "90s");
    CHECK(format_duration(SimTime::from_s(300)) == "5m");
    CHECK(format_duration(SimTime::from_s(7200)) == "2h");
    CHECK(format_duration(SimTime::from_s(5400)) == "90m");
    CHECK(format_duration(SimTime::from_s(3 * 86400)) == "3d");
    CHECK(format_duration(SimTime::from_s(36 * 3600)) == "36h");
    CHECK(format_duration(SimTime::from_s(3601)) == "1h1s");
    CHECK(format_duration(SimTime::from_s(3661)) == "3661s");
    CHECK(format_duration(SimTime::from_ns(1)) == "1ns");
    CHECK(format_duration(SimTime::from_ns(1500)) == "1.5us");
    CHECK(format_duration(SimTime::from_ns(1'000'000'001)) == "1.000000001s");
    CHECK(format_duration(SimTime::from_ms(-250)) == "-250ms");
    CHECK(format_duration(scenarios::kMaxDuration) == "36500d");
    // Even the extremes format without overflow.
    CHECK(format_duration(SimTime::max()) == "9223372036.854775807s");
    CHECK(format_duration(SimTime::from_ns(std::numeric_limits<std::int64_t>::min())) ==
          "-9223372036.854775808s");
}

TEST_CASE("format_duration and parse_duration round-trip") {
    // Values of every magnitude, including awkward ones (primes, one tick off a unit).
    const std::int64_t values[] = {1,
                                   7,
                                   999,
                                   1'001,
                                   999'999'999,
                                   1'000'000'007,
                                   59'999'999'999,
                                   60'000'000'001,
                                   3'599'000'000'000,
                                   86'399'999'999'999,
                                   123'456'789'012'345,
                                   scenarios::kMaxDuration.ns() - 1,
                                   scenarios::kMaxDuration.ns()};
    for (const auto v : values) {
        const std::string text = format_duration(SimTime::from_ns(v));
        CAPTURE(text);
        CHECK(ns(text) == v);
    }
    // And a deterministic sweep over many magnitudes.
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const auto v = static_cast<std::int64_t>(
            x % static_cast<std::uint64_t>(scenarios::kMaxDuration.ns() >> (i % 60)));
        const std::string text = format_duration(SimTime::from_ns(v));
        CAPTURE(text);
        CHECK(ns(text) == v);
    }
}

#include "scenarios/time_reader.hpp"

#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <cstdlib>
#include <fmt/format.h>

namespace tpssim::scenarios::detail {

namespace {

namespace chr = std::chrono;
using sim::SimTime;

constexpr std::int64_t kDaySeconds = 86'400;
constexpr std::int64_t kDayNs = kDaySeconds * SimTime::ticks_per_second;

constexpr std::string_view kTimeExpected =
    "a duration from the start (e.g. 90m), or with start: a clock time (e.g. \"15:00\") or a "
    "date and time (e.g. 2026-12-25T15:00)";

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
    const std::int64_t r = a % b;
    return r < 0 ? r + b : r;
}

// --- clock times and dates ------------------------------------------------------------------

/// Between `min` and `max` digits at the front of `s`, as a number; removes them.
std::optional<int> take_digits(std::string_view& s, std::size_t min, std::size_t max) {
    std::size_t i = 0;
    int value = 0;
    while (i < s.size() && i < max && s[i] >= '0' && s[i] <= '9') {
        value = value * 10 + (s[i] - '0');
        ++i;
    }
    if (i < min) return std::nullopt;
    s.remove_prefix(i);
    return value;
}

/// `YYYY-MM-DD`, optionally followed by `T` (or a space) and a clock time.
struct DateTime {
    bool shape = false;
    bool valid = false; ///< a real date, a valid clock time, years 1900 to 2200
    chr::local_seconds value{};
};

DateTime parse_date_time(std::string_view s) {
    DateTime d;
    const auto y = take_digits(s, 4, 4);
    if (!y || s.empty() || s.front() != '-') return d;
    s.remove_prefix(1);
    const auto mo = take_digits(s, 2, 2);
    if (!mo || s.empty() || s.front() != '-') return d;
    s.remove_prefix(1);
    const auto da = take_digits(s, 2, 2);
    if (!da) return d;
    Clock clock{true, true, 0};
    if (!s.empty()) {
        if (s.front() != 'T' && s.front() != ' ') return d;
        s.remove_prefix(1);
        clock = parse_clock(s);
        if (!clock.shape) return d;
    }
    d.shape = true;
    const chr::year_month_day ymd{chr::year{*y}, chr::month{static_cast<unsigned>(*mo)},
                                  chr::day{static_cast<unsigned>(*da)}};
    d.valid = ymd.ok() && clock.valid && *y >= 1900 && *y <= 2200;
    if (d.valid) d.value = chr::local_days{ymd} + chr::seconds{clock.seconds};
    return d;
}

} // namespace

Clock parse_clock(std::string_view s) {
    Clock c;
    const auto h = take_digits(s, 1, 2);
    if (!h || s.empty() || s.front() != ':') return c;
    s.remove_prefix(1);
    const auto m = take_digits(s, 2, 2);
    if (!m) return c;
    int sec = 0;
    if (!s.empty() && s.front() == ':') {
        s.remove_prefix(1);
        const auto ss = take_digits(s, 2, 2);
        if (!ss) return c;
        sec = *ss;
    }
    if (!s.empty()) return c;
    c.shape = true;
    c.valid = *h < 24 && *m < 60 && sec < 60;
    c.seconds = *h * 3600LL + *m * 60LL + sec;
    return c;
}

std::variant<SimTime, std::string> parse_time_point(std::string_view written, std::string_view got,
                                                    const CalendarStart& start,
                                                    const TimeRules& rules) {
    const auto bad = [&](std::string_view expected) -> std::variant<SimTime, std::string> {
        return fmt::format("expected {}, got {}", expected, got);
    };
    const std::string_view text = text::trim(written);
    if (text.empty()) return bad(kTimeExpected);
    const auto duration = parse_duration(text);
    if (const auto* t = std::get_if<SimTime>(&duration)) return *t;
    const Clock clock = parse_clock(text);
    const DateTime date = clock.shape ? DateTime{} : parse_date_time(text);
    if (!clock.shape && !date.shape) return bad(kTimeExpected);
    if (clock.shape && !clock.valid) return bad("a clock time from 00:00 to 23:59:59");
    if (date.shape && !date.valid) return bad("a valid date and time in the years 1900 to 2200");
    if (!start.given)
        return fmt::format("a {} needs a calendar start: add one at the top (e.g. start: "
                           "2026-12-25T14:00), or give a duration from the start (e.g. "
                           "15h); got {}",
                           clock.shape ? "clock time" : "date", got);
    if (!start.start) return std::string(); // an unreadable start, already reported
    if (clock.shape) {
        // The first such time at (or strictly after) rules.clock_from.
        const std::int64_t start_tod =
            floor_mod(start.start->time_since_epoch().count(), kDaySeconds) *
            SimTime::ticks_per_second;
        const std::int64_t from = rules.clock_from.ns();
        const std::int64_t tod = floor_mod(start_tod + from, kDayNs);
        std::int64_t delta = floor_mod(clock.seconds * SimTime::ticks_per_second - tod, kDayNs);
        if (delta == 0 && rules.strictly_after) delta = kDayNs;
        if (from + delta > kMaxDuration.ns()) return bad("a time within 100 years of start");
        return SimTime::from_ns(from + delta);
    }
    const std::int64_t diff = (date.value - *start.start).count();
    if (diff < 0 && !rules.before_start_ok)
        return bad(fmt::format("a time at or after start ({})", format_local(*start.start)));
    if (std::abs(diff) > kMaxDuration.ns() / SimTime::ticks_per_second)
        return bad("a time within 100 years of start");
    return SimTime::from_s(diff);
}

std::optional<SimTime> read_time_point(DiagnosticSink& sink, const Value& v,
                                       const CalendarStart& start, const TimeRules& rules) {
    if (!v.node.IsScalar() || v.node.Scalar().empty()) {
        sink.error(v.mark, v.path, expected_got(kTimeExpected, v.node));
        return std::nullopt;
    }
    auto parsed = parse_time_point(v.node.Scalar(), describe(v.node), start, rules);
    if (auto* message = std::get_if<std::string>(&parsed)) {
        if (!message->empty()) sink.error(v.mark, v.path, std::move(*message));
        return std::nullopt;
    }
    return std::get<SimTime>(parsed);
}

std::string show_time(SimTime t, const CalendarStart& start) {
    if (start.start)
        return format_local(*start.start +
                            chr::seconds{t.ns() >= 0 ? t.ns() / SimTime::ticks_per_second
                                                     : -((-t.ns()) / SimTime::ticks_per_second)});
    return format_duration(t);
}

std::string format_local(chr::local_seconds t) {
    const auto day = chr::floor<chr::days>(t);
    const chr::year_month_day ymd{day};
    const chr::hh_mm_ss hms{t - day};
    std::string out =
        fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}", static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    hms.hours().count(), hms.minutes().count());
    if (hms.seconds().count() != 0) out += fmt::format(":{:02}", hms.seconds().count());
    return out;
}

std::optional<chr::local_seconds> read_start(DiagnosticSink& sink, const Value& v) {
    constexpr std::string_view expected =
        "a local date and time such as 2026-12-25T14:00 (or a date alone, 2026-12-25, for "
        "midnight)";
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(expected, v.node));
        return std::nullopt;
    }
    const DateTime d = parse_date_time(text::trim(v.node.Scalar()));
    if (!d.shape) {
        sink.error(v.mark, v.path, expected_got(expected, v.node));
        return std::nullopt;
    }
    if (!d.valid) {
        sink.error(v.mark, v.path,
                   expected_got("a valid date and time in the years 1900 to 2200", v.node));
        return std::nullopt;
    }
    return d.value;
}

} // namespace tpssim::scenarios::detail

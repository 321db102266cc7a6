#include "scenarios/load_reader.hpp"

#include "scenarios/key_table.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/value_readers.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <vector>

namespace tpssim::scenarios::detail {

namespace {

namespace fs = std::filesystem;
namespace chr = std::chrono;
using sim::SimTime;

// --- the schema ---------------------------------------------------------------------------
// Every key each map may hold, in the order the documentation lists them.

// Index order: ISO weekday - 1, as models::LoadProfileParams::weekly.
const std::vector<std::string> kWeekdays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const KeySchema kHolidaySchema({"factor", "periods"});
const std::vector<std::string> kHolidayKeys = kHolidaySchema.keys();
const KeySchema kPeriodSchema({"from", "to"});
const std::vector<std::string> kPeriodKeys = kPeriodSchema.keys();
const KeySchema kChangeSchema({"at", "rate", "from", "to", "ramp_to"});
const std::vector<std::string> kChangeKeys = kChangeSchema.keys();
const KeySchema kTraceSchema({"file", "interpolation"});
const std::vector<std::string> kTraceKeys = kTraceSchema.keys();

/// The largest multiplier a factor may be (docs/scenario-format.md#limits).
constexpr double kMaxFactor = 1000.0;
constexpr std::int64_t kDaySeconds = 86'400;
constexpr std::int64_t kDayNs = kDaySeconds * SimTime::ticks_per_second;

constexpr std::string_view kTimeExpected =
    "a duration from the start (e.g. 90m), or with start: a clock time (e.g. \"15:00\") or a "
    "date and time (e.g. 2026-12-25T15:00)";
constexpr std::string_view kFactorExpected =
    "a factor >= 0: a number such as 0.6 or 2, or a percentage such as 60%";

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
    const std::int64_t r = a % b;
    return r < 0 ? r + b : r;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
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

/// `H:MM`, `HH:MM` or `HH:MM:SS`: `shape` says the text has that form, `valid` that its fields
/// are in range (hours below 24).
struct Clock {
    bool shape = false;
    bool valid = false;
    std::int64_t seconds = 0; ///< since midnight
};

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

std::variant<SimTime, std::string> parse_time_point(std::string_view written, std::string_view got,
                                                    const CalendarStart& start,
                                                    const TimeRules& rules) {
    const auto bad = [&](std::string_view expected) -> std::variant<SimTime, std::string> {
        return fmt::format("expected {}, got {}", expected, got);
    };
    const std::string_view text = trim(written);
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

namespace {

// --- factors and multipliers --------------------------------------------------------------

std::optional<double> read_factor(DiagnosticSink& sink, const Value& v) {
    if (!v.node.IsScalar()) {
        sink.error(v.mark, v.path, expected_got(kFactorExpected, v.node));
        return std::nullopt;
    }
    const auto parsed = parse_ratio(v.node.Scalar(), std::numeric_limits<double>::infinity());
    const double* value = std::get_if<double>(&parsed);
    if (value == nullptr) {
        sink.error(v.mark, v.path, expected_got(kFactorExpected, v.node));
        return std::nullopt;
    }
    if (!(*value <= kMaxFactor)) {
        sink.error(v.mark, v.path, expected_got("a factor of at most 1000", v.node));
        return std::nullopt;
    }
    return *value;
}

bool read_daily(DiagnosticSink& sink, const Value& v, std::vector<models::DailyPoint>& out) {
    const auto map = MapReader::named_items(
        sink, v, "a map from times of day to factors, e.g. {\"00:00\": 0.4, \"08:00\": 1.0}");
    if (!map.ok()) return false;
    if (map.entries().empty()) {
        sink.error(v.mark, v.path, "expected at least one time of day, got an empty map");
        return false;
    }
    struct Point {
        std::int64_t seconds;
        double factor;
        const MapReader::Entry* entry;
    };
    std::vector<Point> points;
    bool ok = true;
    for (const auto& e : map.entries()) {
        const Clock c = parse_clock(trim(e.key));
        const auto factor = read_factor(sink, e.value);
        if (!c.shape || !c.valid) {
            sink.error(e.key_mark, e.value.path,
                       fmt::format("expected a time of day from \"00:00\" to \"23:59:59\" as the "
                                   "key, got {}",
                                   text::quote(e.key)));
            ok = false;
            continue;
        }
        if (!factor) {
            ok = false;
            continue;
        }
        points.push_back({c.seconds, *factor, &e});
    }
    // Any order in the file; the same time twice ("8:00" and "08:00") is an error.
    std::stable_sort(points.begin(), points.end(),
                     [](const Point& a, const Point& b) { return a.seconds < b.seconds; });
    for (std::size_t i = 1; i < points.size(); ++i) {
        if (points[i].seconds != points[i - 1].seconds) continue;
        const auto* first = points[i - 1].entry;
        const auto* second = points[i].entry;
        if (second->key_mark.line < first->key_mark.line ||
            (second->key_mark.line == first->key_mark.line &&
             second->key_mark.column < first->key_mark.column))
            std::swap(first, second);
        sink.error(second->key_mark, second->value.path,
                   fmt::format("the same time of day as {}{}", text::quote(first->key),
                               first->key_mark.is_null()
                                   ? std::string()
                                   : fmt::format(" (line {})", first->key_mark.line + 1)));
        ok = false;
    }
    if (!ok) return false;
    out.clear();
    for (const Point& p : points)
        out.push_back({SimTime::from_s(p.seconds), p.factor});
    return true;
}

bool read_weekly(DiagnosticSink& sink, const Value& v, std::array<double, 7>& weekly) {
    MapReader map(sink, v, "a map from weekdays to factors, e.g. {sat: 0.6, sun: 0.6}", kWeekdays);
    if (!map.ok()) return false;
    bool ok = true;
    for (std::size_t d = 0; d < kWeekdays.size(); ++d) {
        if (const auto f = map.get(kWeekdays[d])) {
            if (const auto factor = read_factor(sink, *f))
                weekly[d] = *factor;
            else
                ok = false;
        }
    }
    return ok;
}

/// `holiday: 2` (throughout) or `holiday: {factor: 2, periods: [{from: ..., to: ...}]}`.
/// `throughout` receives the factor when it applies to the whole run.
bool read_holiday(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                  models::LoadProfileParams& profile, double& throughout) {
    if (v.node.IsScalar()) {
        const auto f = read_factor(sink, v);
        if (f) throughout = *f;
        return f.has_value();
    }
    MapReader map(sink, v,
                  "a holiday factor (e.g. 2, for the whole run) or {factor: 2, periods: [{from: "
                  "2026-12-24, to: 2026-12-27}]}",
                  kHolidayKeys);
    if (!map.ok()) return false;
    bool ok = true;
    std::optional<double> factor;
    if (const auto f = map.require("factor", "the factor during the holiday periods, e.g. 2")) {
        factor = read_factor(sink, *f);
        ok = ok && factor.has_value();
    } else {
        ok = false;
    }
    const auto periods = map.get("periods");
    if (!periods) {
        if (factor) throughout = *factor;
        return ok;
    }
    const auto items = read_sequence(
        sink, *periods, "a list of periods, e.g. [{from: 2026-12-24, to: 2026-12-27}]");
    if (!items) return false;
    if (items->empty()) {
        sink.error(periods->mark, periods->path, "expected at least one period, got an empty list");
        return false;
    }
    for (const Value& item : *items) {
        MapReader p(sink, item, "a period, e.g. {from: 2026-12-24, to: 2026-12-27}", kPeriodKeys);
        if (!p.ok()) {
            ok = false;
            continue;
        }
        const auto from_value = p.require("from", "when the holiday begins, e.g. 2026-12-24");
        const auto to_value = p.require("to", "the end of the holiday, excluded, e.g. 2026-12-27");
        if (!from_value || !to_value) {
            ok = false;
            continue;
        }
        TimeRules rules;
        rules.before_start_ok = true;
        const auto from = read_time_point(sink, *from_value, start, rules);
        rules.clock_from = from.value_or(SimTime::zero());
        rules.strictly_after = true;
        const auto to = read_time_point(sink, *to_value, start, rules);
        if (!from || !to) {
            ok = false;
            continue;
        }
        if (*to <= *from) {
            sink.error(to_value->mark, to_value->path,
                       expected_got(fmt::format("a time after from ({})", show_time(*from, start)),
                                    to_value->node));
            ok = false;
            continue;
        }
        profile.holidays.push_back({*from, *to});
    }
    if (ok && factor) profile.holiday_factor = *factor;
    return ok;
}

const KeyTable<models::LoadProfileParams, CalendarStart> kMultiplier =
    KeyTable<models::LoadProfileParams, CalendarStart>(
        "multipliers of the rate, e.g. {daily: {\"08:00\": 1.0, \"12:00\": 1.6}, weekly: {sat: "
        "0.6, sun: 0.6}, holiday: 2}")
        .custom(
            "daily",
            [](DiagnosticSink& sink, const Value& d, models::LoadProfileParams& p,
               const CalendarStart&) { return read_daily(sink, d, p.daily); },
            true)
        .read_by_check("interpolation")
        .check_always([](DiagnosticSink& sink, const KeysRead& keys, models::LoadProfileParams& p,
                         const CalendarStart&) {
            const auto i = keys.get("interpolation");
            if (!i) return true;
            if (!keys.get("daily")) {
                sink.error(entry_of(keys.map(), "interpolation").key_mark, i->path,
                           "\"interpolation\" says how the daily pattern is read between its "
                           "points, but there is no daily pattern");
                return false;
            }
            const auto k = read_enum<models::Interpolation>(sink, *i);
            if (k) p.daily_interpolation = *k;
            return k.has_value();
        })
        .custom(
            "weekly",
            [](DiagnosticSink& sink, const Value& w, models::LoadProfileParams& p,
               const CalendarStart&) { return read_weekly(sink, w, p.weekly); },
            true)
        .custom(
            "holiday",
            [](DiagnosticSink& sink, const Value& h, models::LoadProfileParams& p,
               const CalendarStart& start) {
                double throughout = 1.0;
                const bool ok = read_holiday(sink, h, start, p, throughout);
                // A factor for the whole run multiplies every day alike: it rides on the weekly
                // factors, so no period (and no piece boundary) is added for it.
                for (double& w : p.weekly)
                    w *= throughout;
                return ok;
            },
            true);

bool read_multiplier(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                     models::LoadProfileParams& profile) {
    return kMultiplier.read_into(sink, v, profile, start);
}

// --- steps and ramps ------------------------------------------------------------------------

/// A step or ramp as read, for the overlap checks.
struct Change {
    SimTime at;
    SimTime to;        ///< == at for a step
    double rate = 0.0; ///< a step's rate, a ramp's ramp_to
    bool ramp = false;
    Value value;
};

std::optional<Change> read_change(DiagnosticSink& sink, const Value& item,
                                  const CalendarStart& start) {
    MapReader m(sink, item,
                "a rate change: a step {at: 2m, rate: 0/s} or a ramp {from: 1h, to: 1h10m, "
                "ramp_to: 500/s}",
                kChangeKeys);
    if (!m.ok()) return std::nullopt;
    const auto key_of = [&](std::string_view key) -> const MapReader::Entry& {
        return *std::find_if(m.entries().begin(), m.entries().end(),
                             [&](const auto& e) { return e.key == key; });
    };
    const auto at = m.get("at");
    const auto from = m.get("from");
    if (at && from) {
        const auto& second = key_of("at").key_mark.line > key_of("from").key_mark.line ||
                                     (key_of("at").key_mark.line == key_of("from").key_mark.line &&
                                      key_of("at").key_mark.column > key_of("from").key_mark.column)
                                 ? key_of("at")
                                 : key_of("from");
        sink.error(second.key_mark, second.value.path,
                   "expected either at (a step) or from (a ramp), got both");
        return std::nullopt;
    }
    bool ok = true;
    Change c;
    c.value = item;
    if (at) {
        for (const char* key : {"to", "ramp_to"}) {
            if (!m.get(key)) continue;
            const auto& e = key_of(key);
            sink.error(e.key_mark, e.value.path,
                       fmt::format("{} belongs to a ramp {{from, to, ramp_to}}, not to a step "
                                   "{{at, rate}}",
                                   text::quote(key)));
            ok = false;
        }
        const auto rate = m.require("rate", "the rate from then on, e.g. 0/s");
        const auto t = read_time_point(sink, *at, start, {});
        const auto r = rate ? read_rate(sink, *rate, false) : std::nullopt;
        if (!t || !r || !ok) return std::nullopt;
        c.at = c.to = *t;
        c.rate = *r;
        return c;
    }
    if (from) {
        if (m.get("rate")) {
            const auto& e = key_of("rate");
            sink.error(e.key_mark, e.value.path,
                       "\"rate\" belongs to a step {at, rate}; a ramp ends at its ramp_to rate");
            ok = false;
        }
        const auto to = m.require("to", "when the ramp ends, e.g. 1h10m");
        const auto ramp_to = m.require("ramp_to", "the rate the ramp reaches, e.g. 500/s");
        const auto f = read_time_point(sink, *from, start, {});
        TimeRules rules;
        rules.clock_from = f.value_or(SimTime::zero());
        rules.strictly_after = true;
        const auto t = to ? read_time_point(sink, *to, start, rules) : std::nullopt;
        const auto r = ramp_to ? read_rate(sink, *ramp_to, false) : std::nullopt;
        if (f && t && *t <= *f) {
            sink.error(to->mark, to->path,
                       expected_got(fmt::format("a time after from ({})", show_time(*f, start)),
                                    to->node));
            return std::nullopt;
        }
        if (!f || !t || !r || !ok) return std::nullopt;
        c.at = *f;
        c.to = *t;
        c.rate = *r;
        c.ramp = true;
        return c;
    }
    if (!m.was_suggested("at") && !m.was_suggested("from"))
        sink.error(item.mark, item.path,
                   "missing required key \"at\" (a step: {at: 2m, rate: 0/s}) or \"from\" (a "
                   "ramp: {from: 1h, to: 1h10m, ramp_to: 500/s})");
    return std::nullopt;
}

bool read_changes(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                  models::LoadProfileParams& profile) {
    const auto items = read_sequence(
        sink, v,
        "a list of rate changes, e.g. [{at: 2m, rate: 0/s}, {from: 1h, to: 1h10m, ramp_to: "
        "500/s}]");
    if (!items) return false;
    if (items->empty()) {
        sink.error(v.mark, v.path, "expected at least one rate change, got an empty list");
        return false;
    }
    bool ok = true;
    std::vector<Change> changes;
    for (const Value& item : *items) {
        if (auto c = read_change(sink, item, start))
            changes.push_back(std::move(*c));
        else
            ok = false;
    }
    // Overlaps, as models::LoadProfile defines them: in time order (a step before a ramp at
    // the same instant), nothing may start inside a ramp, and two steps may not share an
    // instant. Each is reported at the change that comes later in time.
    std::vector<const Change*> order;
    for (const Change& c : changes)
        order.push_back(&c);
    std::stable_sort(order.begin(), order.end(), [](const Change* a, const Change* b) {
        return a->at != b->at ? a->at < b->at : (!a->ramp && b->ramp);
    });
    const Change* ramp = nullptr;
    const Change* step = nullptr;
    for (const Change* c : order) {
        const char* kind = c->ramp ? "ramp" : "step";
        if (ramp && c->at < ramp->to) {
            sink.error(c->value.mark, c->value.path,
                       fmt::format("this {} at {} falls inside the ramp {} (from {} to {}); rate "
                                   "changes must not overlap",
                                   kind, show_time(c->at, start), ramp->value.path,
                                   show_time(ramp->at, start), show_time(ramp->to, start)));
            ok = false;
            continue;
        }
        if (c->ramp) {
            ramp = c;
        } else {
            if (step && step->at == c->at) {
                sink.error(c->value.mark, c->value.path,
                           fmt::format("this step at {} changes the rate at the same time as {}",
                                       show_time(c->at, start), step->value.path));
                ok = false;
                continue;
            }
            step = c;
        }
    }
    if (!ok) return false;
    for (const Change& c : changes) {
        if (c.ramp)
            profile.ramps.push_back({c.at, c.to, c.rate});
        else
            profile.steps.push_back({c.at, c.rate});
    }
    return true;
}

// --- trace ----------------------------------------------------------------------------------

struct CsvUnit {
    std::string_view suffix;
    std::string_view word;
    double factor; ///< to seconds (times) or to per second (rates)
};
constexpr std::array kTimeUnits{
    CsvUnit{"_seconds", "seconds", 1.0},  CsvUnit{"_ms", "milliseconds", 1e-3},
    CsvUnit{"_us", "microseconds", 1e-6}, CsvUnit{"_ns", "nanoseconds", 1e-9},
    CsvUnit{"_minutes", "minutes", 60.0}, CsvUnit{"_hours", "hours", 3600.0},
};
constexpr std::array kRateUnits{
    CsvUnit{"_per_second", "per second", 1.0},
    CsvUnit{"_per_minute", "per minute", 1.0 / 60.0},
    CsvUnit{"_per_hour", "per hour", 1.0 / 3600.0},
};
constexpr int kMaxCsvProblems = 10;

template <std::size_t N>
const CsvUnit* unit_of(std::string_view column, const std::array<CsvUnit, N>& units) {
    for (const auto& u : units)
        if (column.size() > u.suffix.size() && column.ends_with(u.suffix)) return &u;
    return nullptr;
}

std::optional<double> number_in(std::string_view cell) {
    if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
    double value = 0.0;
    const auto [end, err] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (err != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

bool read_trace(DiagnosticSink& sink, const Value& v, const fs::path& base_dir,
                models::RateSeries& series) {
    MapReader map(sink, v, "a rate trace, e.g. {file: rates.csv}", kTraceKeys);
    if (!map.ok()) return false;
    bool ok = true;
    if (const auto i = map.get("interpolation")) {
        if (const auto k = read_enum<models::Interpolation>(sink, *i))
            series.interpolation = *k;
        else
            ok = false;
    }
    const auto file = map.require("file", "a CSV file of TIME,RATE lines, relative to the "
                                          "scenario file's folder");
    if (!file) return false;
    const auto name = read_string(sink, *file);
    if (!name) return false;
    const fs::path given(*name);
    const fs::path csv = given.is_absolute() ? given : (base_dir / given).lexically_normal();
    auto read = read_rate_csv(sink, csv, csv.generic_string(), *file);
    if (!read) return false;
    read->interpolation = series.interpolation;
    series = std::move(*read);
    return ok;
}

} // namespace

// --- public ---------------------------------------------------------------------------------

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
    const DateTime d = parse_date_time(trim(v.node.Scalar()));
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

bool read_rate_profile(DiagnosticSink& sink, const MapReader& source, const CalendarStart& start,
                       const fs::path& base_dir, models::LoadProfileParams& profile) {
    bool ok = true;
    if (const auto m = source.get("multiplier"))
        ok = read_multiplier(sink, *m, start, profile) && ok;
    const auto steps = source.get("steps");
    const auto trace = source.get("trace");
    if (steps && trace) {
        const MapReader::Entry* second = nullptr;
        for (const auto& e : source.entries())
            if (e.key == "steps" || e.key == "trace") second = &e;
        sink.error(second->key_mark, second->value.path,
                   "expected either steps or trace (a trace is the whole base rate), got both");
        return false;
    }
    if (steps) ok = read_changes(sink, *steps, start, profile) && ok;
    if (trace) ok = read_trace(sink, *trace, base_dir, profile.series) && ok;
    return ok;
}

std::optional<models::RateSeries> read_rate_csv(DiagnosticSink& sink, const fs::path& csv,
                                                const std::string& display, const Value& anchor) {
    std::error_code ec;
    if (fs::is_directory(csv, ec)) {
        sink.error(
            anchor.mark, anchor.path,
            fmt::format("cannot read {}: it is a directory, not a CSV file", text::quote(display)));
        return std::nullopt;
    }
    std::ifstream in(csv, std::ios::binary);
    if (!in) {
        sink.error(anchor.mark, anchor.path,
                   fmt::format("cannot read {}: {}", text::quote(display), std::strerror(errno)));
        return std::nullopt;
    }
    const auto problem = [&](int line, std::string message) {
        sink.error_in_file(display, line, anchor.mark, anchor.path, std::move(message));
    };

    std::string line;
    int line_no = 0;
    const CsvUnit* time_unit = nullptr;
    const CsvUnit* rate_unit = nullptr;
    models::RateSeries series;
    int problems = 0;
    double previous = -1.0; // the previous line's time in its unit
    const double max_seconds = kMaxDuration.seconds();
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back(); // files written on Windows
        std::string_view text = trim(line);
        if (line_no == 1) {
            if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3); // a UTF-8 byte order mark
            const std::size_t comma = text.find(',');
            if (comma != std::string_view::npos &&
                text.find(',', comma + 1) == std::string_view::npos) {
                time_unit = unit_of(trim(text.substr(0, comma)), kTimeUnits);
                rate_unit = unit_of(trim(text.substr(comma + 1)), kRateUnits);
            }
            if (time_unit == nullptr || rate_unit == nullptr) {
                problem(line_no, fmt::format("expected a header naming the two columns with their "
                                             "units, e.g. time_seconds,rate_per_second or "
                                             "time_minutes,requests_per_hour; got {}",
                                             text::quote(text)));
                return std::nullopt;
            }
            continue;
        }
        if (text.empty()) continue;
        const auto complain = [&](std::string message) {
            if (++problems <= kMaxCsvProblems) problem(line_no, std::move(message));
        };
        const std::size_t comma = text.find(',');
        if (comma == std::string_view::npos ||
            text.find(',', comma + 1) != std::string_view::npos) {
            complain(fmt::format("expected two numbers, TIME,RATE; got {}", text::quote(text)));
            continue;
        }
        const std::string_view time_cell = trim(text.substr(0, comma));
        const std::string_view rate_cell = trim(text.substr(comma + 1));
        const auto time = number_in(time_cell);
        const auto rate = number_in(rate_cell);
        if (!time || *time < 0.0 || *time * time_unit->factor > max_seconds) {
            complain(fmt::format("expected a time >= 0 in {}{}, got {}", time_unit->word,
                                 time && *time >= 0.0 ? " up to 100 years" : "",
                                 text::quote(time_cell)));
            continue;
        }
        if (!rate || *rate < 0.0 || *rate * rate_unit->factor > kMaxRatePerSecond) {
            complain(fmt::format("expected a rate >= 0 {}{}, got {}", rate_unit->word,
                                 rate && *rate >= 0.0 ? " up to 1000000000/s" : "",
                                 text::quote(rate_cell)));
            continue;
        }
        const auto ns = static_cast<SimTime::Rep>(std::llround(
            *time * time_unit->factor * static_cast<double>(SimTime::ticks_per_second)));
        if (*time <= previous ||
            (!series.times.empty() && SimTime::from_ns(ns) <= series.times.back())) {
            complain(fmt::format("expected a time after the previous line's ({:g} {}), got {}",
                                 previous, time_unit->word, text::quote(time_cell)));
            continue;
        }
        previous = *time;
        series.times.push_back(SimTime::from_ns(ns));
        series.rates.push_back(*rate * rate_unit->factor);
    }
    if (line_no == 0) {
        problem(1, "the file is empty; expected a header such as time_seconds,rate_per_second, "
                   "then one TIME,RATE line per point");
        return std::nullopt;
    }
    if (problems > kMaxCsvProblems)
        problem(line_no, fmt::format("{} more lines are not valid points (not listed)",
                                     problems - kMaxCsvProblems));
    if (problems > 0) return std::nullopt;
    if (series.times.empty()) {
        problem(line_no, "no points: expected TIME,RATE lines after the header");
        return std::nullopt;
    }
    return series;
}

std::vector<const KeySchema*> load_schemas() {
    return {&kMultiplier, &kHolidaySchema, &kPeriodSchema, &kChangeSchema, &kTraceSchema};
}

} // namespace tpssim::scenarios::detail
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
using sim::SimTime;

// --- the schema ---------------------------------------------------------------------------
// Every key each map may hold, in the order the documentation lists them.

// Index order: ISO weekday - 1, as models::LoadProfileParams::weekly.
const std::vector<std::string> kWeekdays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/// The largest multiplier a factor may be (docs/scenario-format.md#limits).
constexpr double kMaxFactor = 1000.0;
constexpr std::string_view kFactorExpected =
    "a factor >= 0: a number such as 0.6 or 2, or a percentage such as 60%";

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
        const Clock c = parse_clock(text::trim(e.key));
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

/// `weekly:` a factor per weekday, each key a day.
KeyTable<std::array<double, 7>> weekly_table() {
    KeyTable<std::array<double, 7>> table(
        "a map from weekdays to factors, e.g. {sat: 0.6, sun: 0.6}");
    for (std::size_t d = 0; d < kWeekdays.size(); ++d)
        table.custom(kWeekdays[d], [d](DiagnosticSink& sink, const Value& v,
                                       std::array<double, 7>& weekly, const NoContext&) {
            const auto factor = read_factor(sink, v);
            if (factor) weekly[d] = *factor;
            return factor.has_value();
        });
    return table;
}

const KeyTable<std::array<double, 7>> kWeekly = weekly_table();

/// A holiday period, `{from: 2026-12-24, to: 2026-12-27}`: both required (without both, neither
/// is read), `to` after `from`.
const KeyTable<models::HolidayPeriod, CalendarStart> kPeriod =
    KeyTable<models::HolidayPeriod, CalendarStart>(
        "a period, e.g. {from: 2026-12-24, to: 2026-12-27}")
        .gate([](DiagnosticSink&, const KeysRead& keys, models::HolidayPeriod&,
                 const CalendarStart&) {
            const bool from =
                keys.map().require("from", "when the holiday begins, e.g. 2026-12-24").has_value();
            const bool to = keys.map()
                                .require("to", "the end of the holiday, excluded, e.g. 2026-12-27")
                                .has_value();
            return from && to;
        })
        .optional("from", &models::HolidayPeriod::begin,
                  [](DiagnosticSink& sink, const Value& from, const CalendarStart& start) {
                      TimeRules rules;
                      rules.before_start_ok = true;
                      return read_time_point(sink, from, start, rules);
                  })
        .custom("to",
                [](DiagnosticSink& sink, const Value& to, models::HolidayPeriod& p,
                   const CalendarStart& start, const KeysRead& keys) {
                    TimeRules rules;
                    rules.before_start_ok = true;
                    rules.clock_from = keys.wrong("from") ? SimTime::zero() : p.begin;
                    rules.strictly_after = true;
                    const auto t = read_time_point(sink, to, start, rules);
                    if (t) p.end = *t;
                    return t.has_value();
                })
        .check([](DiagnosticSink& sink, const KeysRead& keys, models::HolidayPeriod& p,
                  const CalendarStart& start) {
            if (p.end > p.begin) return true;
            const auto to = keys.get("to");
            sink.error(
                to->mark, to->path,
                expected_got(fmt::format("a time after from ({})", show_time(p.begin, start)),
                             to->node));
            return false;
        });

/// A holiday with its periods: the factor, and the periods when given (else the factor holds
/// throughout).
struct HolidayRead {
    double factor = 1.0;
    std::optional<std::vector<models::HolidayPeriod>> periods;
};

const KeyTable<HolidayRead, CalendarStart> kHoliday =
    KeyTable<HolidayRead, CalendarStart>(
        "a holiday factor (e.g. 2, for the whole run) or {factor: 2, periods: [{from: "
        "2026-12-24, to: 2026-12-27}]}")
        .required("factor", "the factor during the holiday periods, e.g. 2", &HolidayRead::factor,
                  read_factor)
        .optional("periods", &HolidayRead::periods,
                  each(kPeriod, "a list of periods, e.g. [{from: 2026-12-24, to: 2026-12-27}]",
                       "expected at least one period, got an empty list"));

/// `holiday: 2` (throughout) or `holiday: {factor: 2, periods: [{from: ..., to: ...}]}`.
/// `throughout` receives the factor when it applies to the whole run.
bool read_holiday(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                  models::LoadProfileParams& profile, double& throughout) {
    if (v.node.IsScalar()) {
        const auto f = read_factor(sink, v);
        if (f) throughout = *f;
        return f.has_value();
    }
    const auto h = kHoliday.read(sink, v, start);
    if (!h) return false;
    if (!h->periods) {
        throughout = h->factor;
        return true;
    }
    profile.holidays.insert(profile.holidays.end(), h->periods->begin(), h->periods->end());
    profile.holiday_factor = h->factor;
    return true;
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
               const CalendarStart&) { return kWeekly.read_into(sink, w, p.weekly); },
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

} // namespace

bool read_multiplier(DiagnosticSink& sink, const Value& v, const CalendarStart& start,
                     models::LoadProfileParams& profile) {
    return kMultiplier.read_into(sink, v, profile, start);
}

namespace {

// --- steps and ramps ------------------------------------------------------------------------

/// A step or ramp as read, for the overlap checks.
struct Change {
    SimTime at;
    SimTime to;        ///< == at for a step
    double rate = 0.0; ///< a step's rate, a ramp's ramp_to
    bool ramp = false;
    Value value;
};

/// Reports each of `keys` given in a change of the other kind; false when any.
bool none_of(DiagnosticSink& sink, const MapReader& m, std::initializer_list<const char*> keys,
             std::string_view why) {
    bool none = true;
    for (const char* key : keys) {
        if (!m.get(key)) continue;
        const auto& e = entry_of(m, key);
        sink.error(e.key_mark, e.value.path, fmt::format("{} {}", text::quote(key), why));
        none = false;
    }
    return none;
}

/// A step: `at` with its `rate` (which `at` reads: both or nothing).
bool read_step(DiagnosticSink& sink, const Value& at, Change& c, const CalendarStart& start,
               const KeysRead& keys) {
    const auto& m = keys.map();
    const bool placed = none_of(sink, m, {"to", "ramp_to"},
                                "belongs to a ramp {from, to, ramp_to}, not to a step {at, rate}");
    const auto rate = m.require("rate", "the rate from then on, e.g. 0/s");
    const auto t = read_time_point(sink, at, start, {});
    const auto r = rate ? read_rate(sink, *rate, false) : std::nullopt;
    if (!t || !r || !placed) return false;
    c.at = c.to = *t;
    c.rate = *r;
    return true;
}

/// A ramp: `from` with its `to` and `ramp_to` (which `from` reads: all or nothing).
bool read_ramp(DiagnosticSink& sink, const Value& from, Change& c, const CalendarStart& start,
               const KeysRead& keys) {
    const auto& m = keys.map();
    const bool placed =
        none_of(sink, m, {"rate"}, "belongs to a step {at, rate}; a ramp ends at its ramp_to rate");
    const auto to = m.require("to", "when the ramp ends, e.g. 1h10m");
    const auto ramp_to = m.require("ramp_to", "the rate the ramp reaches, e.g. 500/s");
    const auto f = read_time_point(sink, from, start, {});
    TimeRules rules;
    rules.clock_from = f.value_or(SimTime::zero());
    rules.strictly_after = true;
    const auto t = to ? read_time_point(sink, *to, start, rules) : std::nullopt;
    const auto r = ramp_to ? read_rate(sink, *ramp_to, false) : std::nullopt;
    if (f && t && *t <= *f) {
        sink.error(
            to->mark, to->path,
            expected_got(fmt::format("a time after from ({})", show_time(*f, start)), to->node));
        return false;
    }
    if (!f || !t || !r || !placed) return false;
    c.at = *f;
    c.to = *t;
    c.rate = *r;
    c.ramp = true;
    return true;
}

/// A rate change: a step `{at, rate}` or a ramp `{from, to, ramp_to}`; its first key says
/// which, and reads the others.
const KeyTable<Change, CalendarStart> kChange =
    KeyTable<Change, CalendarStart>("a rate change: a step {at: 2m, rate: 0/s} or a ramp {from: "
                                    "1h, to: 1h10m, ramp_to: 500/s}")
        .gate([](DiagnosticSink& sink, const KeysRead& keys, Change& c, const CalendarStart&) {
            const auto& m = keys.map();
            c.value = keys.self();
            const auto at = m.get("at");
            const auto from = m.get("from");
            if (at && from) {
                // At whichever is later in the file.
                const auto& a = entry_of(m, "at");
                const auto& f = entry_of(m, "from");
                const bool at_later =
                    a.key_mark.line > f.key_mark.line ||
                    (a.key_mark.line == f.key_mark.line && a.key_mark.column > f.key_mark.column);
                const auto& second = at_later ? a : f;
                sink.error(second.key_mark, second.value.path,
                           "expected either at (a step) or from (a ramp), got both");
                return false;
            }
            if (at || from) return true;
            if (!m.was_suggested("at") && !m.was_suggested("from"))
                sink.error(keys.self().mark, keys.self().path,
                           "missing required key \"at\" (a step: {at: 2m, rate: 0/s}) or "
                           "\"from\" (a ramp: {from: 1h, to: 1h10m, ramp_to: 500/s})");
            return false;
        })
        .custom("at", read_step)
        .read_by_check("rate")
        .custom("from", read_ramp)
        .read_by_check("to")
        .read_by_check("ramp_to");

} // namespace

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
    std::vector<Change> changes;
    for (const Value& item : *items)
        if (auto c = kChange.read(sink, item, start)) changes.push_back(std::move(*c));
    // The changes read right are checked against each other all the same.
    std::size_t problems = items->size() - changes.size();
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
            ++problems;
            continue;
        }
        if (c->ramp) {
            ramp = c;
        } else {
            if (step && step->at == c->at) {
                sink.error(c->value.mark, c->value.path,
                           fmt::format("this step at {} changes the rate at the same time as {}",
                                       show_time(c->at, start), step->value.path));
                ++problems;
                continue;
            }
            step = c;
        }
    }
    if (problems > 0) return false;
    for (const Change& c : changes) {
        if (c.ramp)
            profile.ramps.push_back({c.at, c.to, c.rate});
        else
            profile.steps.push_back({c.at, c.rate});
    }
    return true;
}

std::vector<const KeySchema*> load_schemas() {
    return {&kMultiplier, &kWeekly, &kHoliday, &kPeriod, &kChange, &trace_schema()};
}

} // namespace tpssim::scenarios::detail
#include "models/load_profile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace tpssim::models {

namespace {

constexpr std::int64_t kSecond = SimTime::ticks_per_second;
constexpr std::int64_t kDay = 86'400 * kSecond;
constexpr std::int64_t kWeek = 7 * kDay;
constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();
// Every time in a profile stays below this (about 146 years), so table arithmetic (a time plus
// a week or a day) cannot overflow.
constexpr std::int64_t kMaxTime = kForever / 2;

[[noreturn]] void fail(const std::string& what) {
    throw std::invalid_argument("load_profile: " + what);
}

bool valid_number(double x) {
    return std::isfinite(x) && x >= 0.0;
}

std::string show(SimTime t) {
    return fmt::format("{}s", t.seconds());
}

double seconds(std::int64_t ns) {
    return static_cast<double>(ns) / static_cast<double>(kSecond);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
    return a - floor_div(a, b) * b;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    return a > kForever - b ? kForever : a + b;
}

// `origin` plus `dx` seconds, to the nearest nanosecond, saturating at kForever.
SimTime offset(std::int64_t origin, double dx) {
    const double ns = std::round(dx * static_cast<double>(kSecond));
    if (ns >= static_cast<double>(kForever - origin)) return SimTime::max();
    return SimTime::from_ns(origin + static_cast<std::int64_t>(ns));
}

// A change of the base rate, in time order; steps sort before ramps at the same instant.
struct Change {
    std::int64_t at;
    std::int64_t to; // ramps: the end; steps: == at
    double rate;
    bool ramp;
    const char* field;
    std::size_t index;

    std::string name() const { return fmt::format("{}[{}]", field, index); }
};

// Every step, ramp and series point as a change, in order; throws on conflicts.
std::vector<Change> sorted_changes(const LoadProfileParams& p) {
    std::vector<Change> changes;
    for (std::size_t i = 0; i < p.steps.size(); ++i)
        changes.push_back(
            {p.steps[i].at.ns(), p.steps[i].at.ns(), p.steps[i].rate, false, "steps", i});
    for (std::size_t i = 0; i < p.ramps.size(); ++i)
        changes.push_back(
            {p.ramps[i].from.ns(), p.ramps[i].to.ns(), p.ramps[i].rate, true, "ramps", i});
    const auto& s = p.series;
    for (std::size_t i = 0; i < s.times.size(); ++i) {
        if (s.interpolation == Interpolation::Step || i == 0)
            changes.push_back({s.times[i].ns(), s.times[i].ns(), s.rates[i], false, "series", i});
        if (s.interpolation == Interpolation::Linear && i + 1 < s.times.size())
            changes.push_back(
                {s.times[i].ns(), s.times[i + 1].ns(), s.rates[i + 1], true, "series", i});
    }
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
        return a.at != b.at ? a.at < b.at : (!a.ramp && b.ramp);
    });

    const Change* ramp = nullptr; // the latest ramp
    const Change* step = nullptr; // the latest step
    for (const Change& c : changes) {
        if (ramp && c.at < ramp->to)
            fail(fmt::format("{} at {} falls inside {} ({} to {})", c.name(),
                             show(SimTime::from_ns(c.at)), ramp->name(),
                             show(SimTime::from_ns(ramp->at)), show(SimTime::from_ns(ramp->to))));
        if (c.ramp) {
            ramp = &c;
        } else {
            if (step && step->at == c.at)
                fail(fmt::format("{} and {} both change the rate at {}", step->name(), c.name(),
                                 show(SimTime::from_ns(c.at))));
            step = &c;
        }
    }
    return changes;
}

// The daily factor at a time of day and its slope per second.
std::pair<double, double> daily_at(const std::vector<DailyPoint>& daily, Interpolation mode,
                                   std::int64_t tod) {
    if (daily.empty()) return {1.0, 0.0};
    const auto it =
        std::upper_bound(daily.begin(), daily.end(), tod, [](std::int64_t t, const DailyPoint& d) {
            return t < d.time_of_day.ns();
        });
    // The point in force (the last one at or before tod, else the previous day's last one).
    const std::size_t n = daily.size();
    const std::size_t i =
        it == daily.begin() ? n - 1 : static_cast<std::size_t>(it - daily.begin()) - 1;
    if (mode == Interpolation::Step || n == 1) return {daily[i].factor, 0.0};
    const std::size_t j = (i + 1) % n;
    std::int64_t ta = daily[i].time_of_day.ns();
    std::int64_t tb = daily[j].time_of_day.ns();
    if (tb <= ta) tb += kDay; // the segment from the last point to the next day's first
    if (tod < ta) {           // tod is before the first point: the segment began yesterday
        ta -= kDay;
        tb -= kDay;
    }
    const double slope = (daily[j].factor - daily[i].factor) / seconds(tb - ta);
    return {daily[i].factor + slope * seconds(tod - ta), slope};
}

} // namespace

// ---- Calendar ------------------------------------------------------------------------------

std::chrono::local_time<std::chrono::nanoseconds> Calendar::local_time_at(SimTime t) const {
    return std::chrono::local_time<std::chrono::nanoseconds>{start} +
           std::chrono::nanoseconds{t.ns()};
}

std::chrono::weekday Calendar::weekday_at(SimTime t) const {
    return std::chrono::weekday{std::chrono::floor<std::chrono::days>(local_time_at(t))};
}

SimTime Calendar::time_of_day_at(SimTime t) const {
    const auto local = local_time_at(t);
    return SimTime::from_ns((local - std::chrono::floor<std::chrono::days>(local)).count());
}

SimTime Calendar::sim_time_of(std::chrono::local_seconds when) const {
    return SimTime::from_ns(
        std::chrono::duration_cast<std::chrono::nanoseconds>(when - start).count());
}

// ---- LoadProfileParams ---------------------------------------------------------------------

void LoadProfileParams::validate() const {
    auto time_ok = [](SimTime t) { return t >= SimTime::zero() && t.ns() <= kMaxTime; };
    if (!valid_number(rate)) fail("rate must be a finite number >= 0");
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (!time_ok(steps[i].at)) fail(fmt::format("steps[{}].at must be >= 0", i));
        if (!valid_number(steps[i].rate))
            fail(fmt::format("steps[{}].rate must be a finite number >= 0", i));
    }
    for (std::size_t i = 0; i < ramps.size(); ++i) {
        if (!time_ok(ramps[i].from)) fail(fmt::format("ramps[{}].from must be >= 0", i));
        if (!time_ok(ramps[i].to) || ramps[i].to <= ramps[i].from)
            fail(fmt::format("ramps[{}].to must be after ramps[{}].from", i, i));
        if (!valid_number(ramps[i].rate))
            fail(fmt::format("ramps[{}].rate must be a finite number >= 0", i));
    }
    if (series.times.size() != series.rates.size())
        fail(fmt::format("series has {} times but {} rates", series.times.size(),
                         series.rates.size()));
    for (std::size_t i = 0; i < series.times.size(); ++i) {
        if (!time_ok(series.times[i])) fail(fmt::format("series[{}].time must be >= 0", i));
        if (i > 0 && series.times[i] <= series.times[i - 1])
            fail(fmt::format("series[{}].time must be after series[{}].time", i, i - 1));
        if (!valid_number(series.rates[i]))
            fail(fmt::format("series[{}].rate must be a finite number >= 0", i));
    }
    for (std::size_t i = 0; i < daily.size(); ++i) {
        const SimTime tod = daily[i].time_of_day;
        if (tod < SimTime::zero() || tod.ns() >= kDay)
            fail(fmt::format("daily[{}].time_of_day must be in [00:00, 24:00)", i));
        if (i > 0 && tod <= daily[i - 1].time_of_day)
            fail(fmt::format("daily[{}].time_of_day must be after daily[{}]'s", i, i - 1));
        if (!valid_number(daily[i].factor))
            fail(fmt::format("daily[{}].factor must be a finite number >= 0", i));
    }
    for (std::size_t i = 0; i < weekly.size(); ++i)
        if (!valid_number(weekly[i]))
            fail(fmt::format("weekly[{}] must be a finite number >= 0", i));
    if (!valid_number(holiday_factor)) fail("holiday_factor must be a finite number >= 0");
    for (std::size_t i = 0; i < holidays.size(); ++i) {
        if (holidays[i].begin.ns() < -kMaxTime || holidays[i].end.ns() > kMaxTime)
            fail(fmt::format("holidays[{}] is out of range", i));
        if (holidays[i].end <= holidays[i].begin)
            fail(fmt::format("holidays[{}].end must be after its begin", i));
    }
    const std::chrono::year year =
        std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(calendar.start)}.year();
    if (year < std::chrono::year{1900} || year > std::chrono::year{2200})
        fail("calendar.start must be in the years 1900 to 2200");
    (void)sorted_changes(*this);
}

// ---- LoadProfile: compilation --------------------------------------------------------------

LoadProfile::LoadProfile(const LoadProfileParams& params) : params_(params) {
    params_.validate();
    compile();
}

std::optional<LoadProfile> LoadProfile::compile_unless_constant(const LoadProfileParams& shape,
                                                                double rate,
                                                                const Calendar& calendar,
                                                                double& constant_rate) {
    LoadProfileParams p = shape;
    p.rate = rate;
    p.calendar = calendar;
    LoadProfile profile(p);
    constant_rate = profile.rate_at(SimTime::zero());
    if (profile.is_constant() && constant_rate > 0.0) return std::nullopt;
    return profile;
}

void LoadProfile::compile() {
    const LoadProfileParams& p = params_;

    // The base curve as knots: from `at` until the next knot, value + slope x (t - at).
    struct Knot {
        std::int64_t at;
        double value;
        double slope;
    };
    std::vector<Knot> knots{{0, p.rate, 0.0}};
    auto put = [&knots](Knot k) {
        if (knots.back().at == k.at)
            knots.back() = k;
        else
            knots.push_back(k);
    };
    for (const Change& c : sorted_changes(p)) {
        if (!c.ramp) {
            put({c.at, c.rate, 0.0});
        } else {
            // No overlap: the last knot is constant (a step, a ramp's end, or the start).
            const double from = knots.back().value;
            put({c.at, from, (c.rate - from) / seconds(c.to - c.at)});
            put({c.to, c.rate, 0.0});
        }
    }

    // Holidays: clipped to t >= 0, sorted, overlapping or touching periods merged.
    std::vector<std::pair<std::int64_t, std::int64_t>> holidays;
    if (p.holiday_factor != 1.0) {
        for (const HolidayPeriod& h : p.holidays)
            if (h.end.ns() > 0)
                holidays.emplace_back(std::max<std::int64_t>(h.begin.ns(), 0), h.end.ns());
        std::sort(holidays.begin(), holidays.end());
        std::vector<std::pair<std::int64_t, std::int64_t>> merged;
        for (const auto& h : holidays) {
            if (!merged.empty() && h.first <= merged.back().second)
                merged.back().second = std::max(merged.back().second, h.second);
            else
                merged.push_back(h);
        }
        holidays.swap(merged);
    }

    // Periodic patterns and the calendar phase of t = 0.
    const bool daily_varies = std::any_of(p.daily.begin(), p.daily.end(), [&](const DailyPoint& d) {
        return d.factor != p.daily.front().factor;
    });
    const bool weekly_varies = std::any_of(p.weekly.begin(), p.weekly.end(),
                                           [&](double w) { return w != p.weekly.front(); });
    period_ = weekly_varies ? kWeek : daily_varies ? kDay : 0;
    const std::int64_t start_s = p.calendar.start.time_since_epoch().count();
    const std::int64_t phase = floor_mod(start_s, 86'400) * kSecond; // time of day at t = 0
    const unsigned first_weekday =
        std::chrono::weekday{std::chrono::floor<std::chrono::days>(p.calendar.start)}
            .iso_encoding() -
        1;

    tail_begin_ = std::max(knots.back().at, holidays.empty() ? 0 : holidays.back().second);
    const std::int64_t table_end = tail_begin_ + period_;

    // Piece boundaries: every knot, holiday edge, midnight and daily point before table_end.
    std::vector<std::int64_t> cuts{0, tail_begin_};
    for (const Knot& k : knots)
        cuts.push_back(k.at);
    for (const auto& h : holidays) {
        cuts.push_back(h.first);
        cuts.push_back(h.second);
    }
    if (period_ > 0) {
        for (std::int64_t midnight = -phase; midnight < table_end; midnight += kDay) {
            cuts.push_back(midnight);
            if (daily_varies)
                for (const DailyPoint& d : p.daily)
                    cuts.push_back(midnight + d.time_of_day.ns());
        }
    }
    const std::int64_t last_cut = period_ > 0 ? table_end - 1 : tail_begin_;
    std::erase_if(cuts, [&](std::int64_t c) { return c < 0 || c > last_cut; });
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    auto multiplier_scale = [&](std::int64_t t) {
        const auto day = floor_div(t + phase, kDay);
        double scale = p.weekly[static_cast<std::size_t>(floor_mod(first_weekday + day, 7))];
        const auto it =
            std::upper_bound(holidays.begin(), holidays.end(), t,
                             [](std::int64_t x, const std::pair<std::int64_t, std::int64_t>& h) {
                                 return x < h.first;
                             });
        if (it != holidays.begin() && t < std::prev(it)->second) scale *= p.holiday_factor;
        return scale;
    };

    pieces_.clear();
    pieces_.reserve(cuts.size());
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        const std::int64_t a = cuts[i];
        const std::int64_t b =
            i + 1 < cuts.size() ? cuts[i + 1] : (period_ > 0 ? table_end : kForever);
        const Knot& k =
            *std::prev(std::upper_bound(knots.begin(), knots.end(), a,
                                        [](std::int64_t t, const Knot& kn) { return t < kn.at; }));
        const double scale = multiplier_scale(a);
        const auto [daily, daily_slope] =
            daily_at(p.daily, p.daily_interpolation, floor_mod(a + phase, kDay));
        Piece pc;
        pc.begin = a;
        pc.base = k.value + k.slope * seconds(a - k.at);
        pc.base_slope = k.slope;
        pc.factor = scale * daily;
        pc.factor_slope = scale * daily_slope;
        pc.constant = pc.base_slope == 0.0 && pc.factor_slope == 0.0;
        assert(b != kForever || pc.constant);
        pc.max_rate = pc.constant ? rate_in(pc, 0.0) : max_in(pc, 0.0, seconds(b - a));
        // Merge equal constant neighbours (a midnight with no weekly change, a step to the same
        // rate); the tail's first piece stays separate, it anchors the period.
        if (!pieces_.empty() && a != tail_begin_ && pc.constant && pieces_.back().constant &&
            pc.max_rate == pieces_.back().max_rate)
            continue;
        pieces_.push_back(pc);
    }

    double sum = 0.0;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        pieces_[i].cumulative = sum;
        if (pieces_[i].begin == tail_begin_) tail_first_ = i;
        const std::int64_t end = piece_end(i);
        if (end != kForever) sum += integral_in(pieces_[i], seconds(end - pieces_[i].begin));
    }
    tail_cumulative_ = period_ > 0 ? sum - pieces_[tail_first_].cumulative : 0.0;

    // Zero for ever from the start of the trailing run of zero pieces, if the tail is zero.
    zero_from_ns_ = kForever;
    const bool tail_zero =
        std::all_of(pieces_.begin() + static_cast<std::ptrdiff_t>(tail_first_), pieces_.end(),
                    [](const Piece& pc) { return pc.max_rate == 0.0; });
    if (tail_zero) {
        std::size_t j = pieces_.size();
        while (j > 0 && pieces_[j - 1].max_rate == 0.0)
            --j;
        zero_from_ns_ = pieces_[j].begin;
    }
}

// ---- LoadProfile: piece arithmetic ---------------------------------------------------------

double LoadProfile::rate_in(const Piece& p, double x) {
    return std::max(0.0, p.base + p.base_slope * x) * std::max(0.0, p.factor + p.factor_slope * x);
}

double LoadProfile::integral_in(const Piece& p, double x) {
    // The integral of (b0 + b1 s)(m0 + m1 s) over [0, x].
    const double b0 = p.base, b1 = p.base_slope, m0 = p.factor, m1 = p.factor_slope;
    return x * (b0 * m0 + x * ((b0 * m1 + b1 * m0) / 2.0 + x * (b1 * m1 / 3.0)));
}

double LoadProfile::max_in(const Piece& p, double x0, double x1) {
    double m = std::max(rate_in(p, x0), rate_in(p, x1));
    // A concave product peaks at its vertex.
    const double a = p.base_slope * p.factor_slope;
    if (a < 0.0) {
        const double vertex = -(p.base * p.factor_slope + p.base_slope * p.factor) / (2.0 * a);
        if (vertex > x0 && vertex < x1) m = std::max(m, rate_in(p, vertex));
    }
    return m;
}

double LoadProfile::solve_in(const Piece& p, double amount, double length) {
    if (p.constant) return amount / (p.base * p.factor);
    // The integral is increasing (the rate is >= 0): Newton's method kept inside a bracket,
    // falling back to bisection when a step leaves it.
    double lo = 0.0, hi = length;
    const double whole = integral_in(p, length);
    double x = whole > 0.0 ? length * std::min(1.0, amount / whole) : 0.5 * length;
    for (int i = 0; i < 200; ++i) {
        const double f = integral_in(p, x) - amount;
        if (f == 0.0) return x;
        (f > 0.0 ? hi : lo) = x;
        const double d = rate_in(p, x);
        double next = d > 0.0 ? x - f / d : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (std::fabs(next - x) <= 1e-12 * std::max(1.0, x) || hi - lo <= 1e-12 * std::max(1.0, x))
            return next;
        x = next;
    }
    return x;
}

LoadProfile::Location LoadProfile::locate(std::int64_t t) const {
    t = std::max<std::int64_t>(t, 0);
    std::int64_t shift = 0;
    if (period_ > 0 && t >= tail_begin_ + period_) {
        shift = (t - tail_begin_) / period_ * period_;
        t -= shift;
    }
    const auto it = std::upper_bound(pieces_.begin(), pieces_.end(), t,
                                     [](std::int64_t x, const Piece& pc) { return x < pc.begin; });
    return {static_cast<std::size_t>(it - pieces_.begin()) - 1, shift};
}

std::int64_t LoadProfile::piece_end(std::size_t index) const {
    if (index + 1 < pieces_.size()) return pieces_[index + 1].begin;
    return period_ > 0 ? tail_begin_ + period_ : kForever;
}

LoadProfile::Location LoadProfile::next_piece(Location at) const {
    if (at.index + 1 < pieces_.size()) return {at.index + 1, at.shift};
    return {tail_first_, saturating_add(at.shift, period_)};
}

// ---- LoadProfile: queries ------------------------------------------------------------------

double LoadProfile::rate_at(SimTime t) const {
    const std::int64_t ns = std::max<std::int64_t>(t.ns(), 0);
    const Location at = locate(ns);
    const Piece& p = pieces_[at.index];
    return rate_in(p, seconds(ns - at.shift - p.begin));
}

double LoadProfile::max_rate_over(SimTime from, SimTime to) const {
    const std::int64_t a = std::max<std::int64_t>(from.ns(), 0);
    const std::int64_t b = to.ns();
    if (b <= a) return rate_at(SimTime::from_ns(a));
    Location at = locate(a);
    double m = 0.0;
    // Past one whole table every piece has been seen (the tail repeats): stop there.
    for (std::size_t seen = 0; seen <= pieces_.size(); ++seen) {
        const Piece& p = pieces_[at.index];
        const std::int64_t begin = saturating_add(p.begin, at.shift);
        const std::int64_t end_table = piece_end(at.index);
        const std::int64_t end =
            end_table == kForever ? kForever : saturating_add(end_table, at.shift);
        if (p.constant) {
            m = std::max(m, p.max_rate);
        } else {
            m = std::max(m, max_in(p, seconds(std::max(a, begin) - begin),
                                   seconds(std::min(b, end) - begin)));
        }
        if (end >= b || end == kForever) break;
        at = next_piece(at);
    }
    return m;
}

double LoadProfile::cumulative(SimTime t) const {
    if (t <= SimTime::zero()) return 0.0;
    const Location at = locate(t.ns());
    const Piece& p = pieces_[at.index];
    const double periods = period_ > 0 ? static_cast<double>(at.shift / period_) : 0.0;
    return p.cumulative + integral_in(p, seconds(t.ns() - at.shift - p.begin)) +
           periods * tail_cumulative_;
}

SimTime LoadProfile::next_arrival(SimTime now, sim::RandomStream& rng) const {
    std::int64_t origin = std::max<std::int64_t>(now.ns(), 0);
    if (origin >= zero_from_ns_) return SimTime::max();
    Location at = locate(origin);
    double dx = 0.0; // seconds after origin
    for (;;) {
        const Piece& p = pieces_[at.index];
        const std::int64_t begin = saturating_add(p.begin, at.shift);
        const std::int64_t end_table = piece_end(at.index);
        const std::int64_t end =
            end_table == kForever ? kForever : saturating_add(end_table, at.shift);
        if (p.max_rate > 0.0) {
            const double room = seconds(end - origin);
            for (;;) {
                dx += -std::log(rng.next_open01()) / p.max_rate;
                if (dx >= room) break;
                // Accept with probability rate / majorant; a constant piece always accepts.
                if (p.constant ||
                    rng.next_open01() * p.max_rate <= rate_in(p, seconds(origin - begin) + dx))
                    return offset(origin, dx);
            }
        }
        // Nothing before this piece ends: the exponential is memoryless, start afresh there.
        if (end == kForever || end >= zero_from_ns_) return SimTime::max();
        at = next_piece(at);
        origin = end;
        dx = 0.0;
    }
}

SimTime LoadProfile::constant_arrival(std::uint64_t k) const {
    if (k == 0) return SimTime::zero();
    double goal = static_cast<double>(k);
    if (zero_from_ns_ != kForever && goal > cumulative(SimTime::from_ns(zero_from_ns_)))
        return SimTime::max();
    std::int64_t shift = 0;
    if (period_ > 0) {
        const double head = pieces_[tail_first_].cumulative;
        const double table_total = head + tail_cumulative_;
        if (goal > table_total) {
            // Whole tail periods first, then the remainder inside the table's tail.
            double n = std::ceil((goal - table_total) / tail_cumulative_);
            goal -= n * tail_cumulative_;
            // Guard the floating-point division: the goal must land in (head, table_total].
            while (goal > table_total) {
                goal -= tail_cumulative_;
                n += 1.0;
            }
            while (goal <= head && n > 0.0) {
                goal += tail_cumulative_;
                n -= 1.0;
            }
            if (n * static_cast<double>(period_) >= static_cast<double>(kMaxTime))
                return SimTime::max();
            shift = static_cast<std::int64_t>(n) * period_;
        }
    }
    // The last piece whose cumulative start is below the goal holds the crossing.
    const auto it = std::lower_bound(pieces_.begin(), pieces_.end(), goal,
                                     [](const Piece& pc, double g) { return pc.cumulative < g; });
    const std::size_t index = static_cast<std::size_t>(it - pieces_.begin()) - 1;
    const Piece& p = pieces_[index];
    const std::int64_t end = piece_end(index);
    const double length =
        end == kForever ? std::numeric_limits<double>::infinity() : seconds(end - p.begin);
    const double x = std::min(solve_in(p, goal - p.cumulative, length), length);
    return offset(p.begin + shift, x);
}

SimTime LoadProfile::next_constant_arrival(SimTime now) const {
    const SimTime from = std::max(now, SimTime::zero());
    const double k = std::floor(cumulative(from)) + 1.0;
    if (k >= 9.0e18) return SimTime::max();
    const auto kk = static_cast<std::uint64_t>(k);
    SimTime t = constant_arrival(kk);
    // Rounding to whole nanoseconds may put the crossing just below `now`'s cumulative value.
    if (t != SimTime::max() && t <= now) t = constant_arrival(kk + 1);
    return t;
}

} // namespace tpssim::models
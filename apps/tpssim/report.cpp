#include "apps/tpssim/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>

namespace tpssim {

std::string human_seconds(double s) {
    if (std::isnan(s)) return "no data";
    const double a = std::fabs(s);
    if (a == 0.0) return "0";
    if (a < 1e-6) return fmt::format("{:.3g}ns", s * 1e9);
    if (a < 1e-3) return fmt::format("{:.3g}us", s * 1e6);
    if (a < 1.0) return fmt::format("{:.3g}ms", s * 1e3);
    if (a < 120.0) return fmt::format("{:.3g}s", s);
    if (a < 7200.0) return fmt::format("{:.3g}m", s / 60.0);
    if (a < 172800.0) return fmt::format("{:.3g}h", s / 3600.0);
    return fmt::format("{:.3g}d", s / 86400.0);
}

std::string clock_seconds(double s) {
    return elapsed_text(s);
}

std::string thousands(double value) {
    const auto v = static_cast<long long>(std::llround(value));
    std::string digits = fmt::format("{}", v < 0 ? -v : v);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}

namespace {

std::string pct(double x) {
    return fmt::format("{:.1f}%", x * 100.0);
}
std::string num(double x) {
    return fmt::format("{:.3g}", x);
}
std::string count(double x) {
    return thousands(x);
}

// Columns of a UTF-8 text (one per code point: what a terminal shows for these reports).
std::size_t columns(const std::string& text) {
    std::size_t n = 0;
    for (const char c : text)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

// `text` cut to `width` columns, "..." marking the cut (never inside a UTF-8 sequence).
std::string fit(const std::string& text, std::size_t width) {
    if (columns(text) <= width) return text;
    std::string out;
    std::size_t n = 0;
    for (const char c : text) {
        const bool starts = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (starts && ++n > width - 3) break;
        out += c;
    }
    return out + "...";
}

// One table row: the values, and with replications a second row of their half-widths.
struct Cell {
    const Figure& figure;
    std::string (*format)(double);
};

std::string rows(const std::string& name, int name_w, std::initializer_list<Cell> cells,
                 bool replicated) {
    constexpr int w = 11;
    const auto width = static_cast<std::size_t>(name_w);
    std::string out = fit(name, width - 1);
    out += std::string(width - std::min(width, columns(out)), ' ');
    for (const auto& c : cells)
        out += fmt::format("{:>{}}", c.format(c.figure.value), w);
    out += '\n';
    if (!replicated) return out;
    out += fmt::format("{:<{}}", "", name_w);
    for (const auto& c : cells)
        out += fmt::format("{:>{}}", "\u00b1" + c.format(c.figure.half_width), w);
    out += '\n';
    return out;
}

std::string ratio_or_dash(double part, double whole) {
    return whole > 0 ? pct(part / whole) : std::string("-");
}

// The calls between services, when there are any: one row per call site, then a line per
// circuit breaker with its transitions (the first few).
std::string calls_table(const RunSummary& s) {
    const bool rep = s.replications > 1;
    int name_w = 16;
    bool any = false;
    for (const auto& f : s.services)
        for (const auto& c : f.calls) {
            any = true;
            name_w = std::max(name_w, static_cast<int>(f.name.size() + c.key.size()) + 6);
        }
    if (!any) return {};
    constexpr int w = 10;
    std::string out = fmt::format("\n{:<{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}\n",
                                  "call", name_w, "calls", w, "errors", w, "timeouts", w, "retries",
                                  w, "fail-fast", w, "fallback", w, "cache hit", w, "opened", w);
    for (const auto& f : s.services)
        for (const auto& c : f.calls) {
            out += fmt::format("{:<{}}", f.name + " -> " + c.key, name_w);
            const double lookups = c.cache_hits.value + c.cache_misses.value;
            for (const Figure* x :
                 {&c.calls, &c.errors, &c.timeouts, &c.retries, &c.not_permitted, &c.fallbacks})
                out += fmt::format("{:>{}}", count(x->value), w);
            out += fmt::format("{:>{}}", ratio_or_dash(c.cache_hits.value, lookups), w);
            out += fmt::format("{:>{}}\n",
                               c.has_circuit_breaker ? num(c.breaker_opened.value) : "-", w);
        }
    if (rep) return out;
    for (const auto& f : s.services)
        for (const auto& c : f.calls) {
            if (!c.has_circuit_breaker) continue;
            std::string line =
                fmt::format("  breaker {} -> {}: {} at the end", f.name, c.key, c.breaker_state);
            // The first few transitions, as many as leave room for the count within 100
            // columns (clock times with a weekday are longer than elapsed ones).
            const auto total = c.breaker_transitions.size() + c.breaker_transitions_dropped;
            const std::string tail = fmt::format(", ... ({} transitions)", total);
            constexpr std::size_t kShown = 4;
            std::size_t shown = 0;
            for (; shown < c.breaker_transitions.size() && shown < kShown; ++shown) {
                const auto& t = c.breaker_transitions[shown];
                const std::string piece = fmt::format(
                    "{} {} at {}", shown == 0 ? ";" : ",", t.to,
                    s.clock.has_calendar() ? s.clock(t.at_seconds) : human_seconds(t.at_seconds));
                const std::size_t room = shown + 1 < total ? columns(tail) : 0;
                if (columns(line) + columns(piece) + room > 100) break;
                line += piece;
            }
            if (total > shown) line += tail;
            out += fit(line, 100) + '\n';
        }
    return out;
}

// A count: whole for one run, three significant digits for a mean over replications.
std::string amount(double x) {
    return x == std::floor(x) ? thousands(x) : num(x);
}

// The flow table: one row per service (and with replications one of half-widths). Each
// column is as wide as its header or its widest cell needs, and the name column gives way
// (cut with "...") when the whole would pass 100 columns.
std::string flow_table(const RunSummary& s) {
    const bool rep = s.replications > 1;
    struct Column {
        const char* header;
        const Figure ServiceFigures::*figure;
        std::string (*format)(double);
    };
    static const Column kColumns[] = {
        {"arrivals", &ServiceFigures::arrivals, count},
        {"completed", &ServiceFigures::completed, count},
        {"rejected", &ServiceFigures::rejected, count},
        {"failed", &ServiceFigures::failed, count},
        {"dead-lettered", &ServiceFigures::dead_lettered, count},
        {"thru/s", &ServiceFigures::throughput_per_second, num},
        {"util", &ServiceFigures::utilization, pct},
        {"in system", &ServiceFigures::mean_in_system, num},
    };
    constexpr std::size_t n = std::size(kColumns);
    // cells[row][column], rows in print order: a service's values, then its half-widths.
    std::vector<std::pair<std::string, std::array<std::string, n>>> cells;
    for (const auto& f : s.services) {
        auto& values = cells.emplace_back(f.name, std::array<std::string, n>{}).second;
        for (std::size_t c = 0; c < n; ++c)
            values[c] = kColumns[c].format((f.*kColumns[c].figure).value);
        if (!rep) continue;
        auto& halves = cells.emplace_back(std::string(), std::array<std::string, n>{}).second;
        for (std::size_t c = 0; c < n; ++c)
            halves[c] = "\u00b1" + kColumns[c].format((f.*kColumns[c].figure).half_width);
    }
    std::array<std::size_t, n> width{};
    std::size_t values_w = 0;
    for (std::size_t c = 0; c < n; ++c) {
        width[c] = std::max<std::size_t>(9, std::string_view(kColumns[c].header).size() + 2);
        for (const auto& row : cells)
            width[c] = std::max(width[c], columns(row.second[c]) + 1);
        values_w += width[c];
    }
    std::size_t name_w = 12;
    for (const auto& f : s.services)
        name_w = std::max(name_w, f.name.size() + 2);
    name_w = std::min(name_w, values_w + 8 <= 100 ? 100 - values_w : std::size_t{8});
    const auto line = [&](const std::string& name, const auto& texts) {
        std::string out = name.empty() ? std::string() : fit(name, name_w - 1);
        out += std::string(name_w - columns(out), ' ');
        for (std::size_t c = 0; c < n; ++c)
            out += std::string(width[c] - std::min(width[c], columns(texts[c])), ' ') + texts[c];
        return out + '\n';
    };
    std::array<std::string, n> headers;
    for (std::size_t c = 0; c < n; ++c)
        headers[c] = kColumns[c].header;
    std::string out(1, '\n');
    out += line("service", headers);
    for (const auto& row : cells)
        out += line(row.first, row.second);
    return out;
}

// Services with operations: replicas, scalings, replica deaths, duplicates, canary.
std::string operations_table(const RunSummary& s) {
    int name_w = 12;
    bool any = false;
    for (const auto& f : s.services)
        if (f.has_operations()) {
            any = true;
            name_w = std::max(name_w, static_cast<int>(f.name.size()) + 2);
        }
    if (!any) return {};
    constexpr int w = 9;
    std::string out = fmt::format("\n{:<{}}{:>16}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}  {}\n",
                                  "operations", name_w, "replicas", "ups", w, "downs", w, "crashes",
                                  w, "OOM", w, "replaced", w, "dups", w, "canary");
    for (const auto& f : s.services) {
        if (!f.has_operations()) continue;
        const std::string replicas =
            fmt::format("{}/{}/{}", num(f.replicas_min.value), num(f.replicas_time_mean.value),
                        num(f.replicas_max.value));
        std::string line = fmt::format("{:<{}}{:>16}", f.name, name_w, replicas);
        for (const Figure* x :
             {&f.scale_ups, &f.scale_downs, &f.crashes, &f.oom_kills, &f.replaced, &f.duplicates})
            line += fmt::format("{:>{}}", amount(x->value), w);
        line += "  ";
        line += f.has_canary() ? fmt::format("{} {}", f.canary_phase, pct(f.canary_weight)) : "-";
        out += fit(line, 100) + '\n';
    }
    out += "  replicas: min/time-weighted mean/max\n";
    for (const auto& f : s.services)
        if (f.placement && f.unschedulable.value > 0.0)
            out += fmt::format("  {}: {} replicas asked for found no room on the cluster's nodes "
                               "(pending, unschedulable)\n",
                               f.name, amount(f.unschedulable.value));
    return out;
}

// Alert rules: severity, firings, first firing (first run), condition.
std::string alerts_table(const RunSummary& s) {
    if (s.alerts.empty()) return {};
    int name_w = 12;
    for (const auto& a : s.alerts)
        name_w = std::max(name_w, static_cast<int>(a.name.size()) + 2);
    // Wide enough for the clock style's times ("Sat 03:00:00", "2026-12-26 03:00:00").
    const int first_w = std::max(12, static_cast<int>(columns(s.clock(0.0))) + 2);
    std::string out = fmt::format("\n{:<{}}{:<10}{:>8}{:>{}}  {}\n", "alert", name_w, "severity",
                                  "firings", "first fired", first_w, "condition");
    for (const auto& a : s.alerts) {
        const std::string first = a.first_run_firings.empty()
                                      ? std::string("-")
                                      : s.clock(a.first_run_firings.front().fired_seconds);
        out += fit(fmt::format("{:<{}}{:<10}{:>8}{:>{}}  {}", a.name, name_w, a.severity,
                               amount(a.firings.value), first, first_w, a.condition),
                   100) +
               '\n';
    }
    return out;
}

// A metric's value in its unit: "412ms", "31.2%", "12.5/s", "1.5 GiB", "3", "4,242".
std::string metric_value(double value, const std::string& unit) {
    if (std::isnan(value)) return "no data";
    if (unit == "seconds") return human_seconds(value);
    if (unit == "ratio") return pct(value);
    // Three significant digits, or whole with separators from a thousand up (no exponent).
    const auto plain = [](double x) { return std::fabs(x) >= 1000.0 ? thousands(x) : num(x); };
    if (unit == "1/s") return plain(value) + "/s";
    if (unit == "bytes") {
        const double a = std::fabs(value);
        if (a >= 1024.0 * 1024 * 1024) return num(value / (1024.0 * 1024 * 1024)) + " GiB";
        if (a >= 1024.0 * 1024) return num(value / (1024.0 * 1024)) + " MiB";
        if (a >= 1024.0) return num(value / 1024.0) + " KiB";
        return num(value) + " B";
    }
    return plain(value);
}

// How far a peak is past a threshold, as a multiple of it ("856x", "6.93x", "0.375x"); "-" where
// a multiple means nothing (an equality, a threshold of 0 or below).
std::string times_threshold(const models::ThresholdCrossings& a) {
    const bool bound = a.op != models::Comparison::Equal && a.op != models::Comparison::NotEqual;
    if (!bound || !(a.threshold > 0.0) || !std::isfinite(a.peak)) return "-";
    const double x = a.peak / a.threshold;
    return x >= 10.0 ? fmt::format("{:.0f}x", x) : fmt::format("{:.3g}x", x);
}

// What was abnormal (first run): one row per metric that crossed an alert rule's threshold:
// its condition, when it first crossed, how many times, how long in all, its peak (the lowest
// value for a `<` rule), how far that is past the threshold, and when. The condition column
// gives way (cut) before a figure does.
std::string abnormal_list(const RunSummary& s) {
    if (s.abnormal.empty()) return {};
    const std::size_t clock_w = std::max<std::size_t>(9, columns(s.clock(0.0)) + 2);
    constexpr std::size_t times_w = 7, for_w = 9, peak_w = 11, ratio_w = 8;
    const std::size_t rest = clock_w + times_w + for_w + peak_w + ratio_w + clock_w;
    std::size_t cond_w = 19;
    for (const auto& a : s.abnormal)
        cond_w = std::max(cond_w, columns(a.condition) + 2);
    cond_w = std::min(cond_w, rest + 12 <= 100 ? 100 - rest : std::size_t{12});
    const auto row = [&](const std::string& condition, const std::string& from,
                         const std::string& times, const std::string& total,
                         const std::string& peak, const std::string& ratio, const std::string& at) {
        std::string cut = fit(condition, cond_w - 1);
        cut += std::string(cond_w - columns(cut), ' ');
        return cut + fmt::format("{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}\n", from, clock_w, times,
                                 times_w, total, for_w, peak, peak_w, ratio, ratio_w, at, clock_w);
    };
    std::string out =
        "\n" + row("what was abnormal", "from", "times", "for", "peak", "x thr", "peak at");
    bool ongoing = false;
    for (const auto& a : s.abnormal) {
        const bool still = a.crossings.back().ongoing && a.crossings.size() == a.count;
        ongoing = ongoing || still;
        out += row(a.condition, s.clock(a.crossings.front().from_seconds),
                   thousands(static_cast<double>(a.count)),
                   human_seconds(a.total_seconds) + (still ? "*" : ""),
                   metric_value(a.peak, a.unit), times_threshold(a), s.clock(a.peak_seconds));
    }
    out += "  from: first crossed; for: time past the threshold in all";
    out += ongoing ? " (*: still past it at the end)" : "";
    out += s.replications > 1 ? "; the first run\n" : "\n";
    return out;
}

// `expect:` checks: one line each, what was observed when it failed, then the tally.
std::string expectations_list(const RunSummary& s) {
    if (s.expectations.empty()) return {};
    const bool rep = s.replications > 1;
    std::string out = "\nexpectations\n";
    std::size_t passed = 0;
    for (const auto& e : s.expectations) {
        passed += e.passed ? 1 : 0;
        std::string line = fmt::format("  {} {}", e.passed ? "\u2713" : "\u2717", e.text);
        if (rep && !e.passed)
            line += fmt::format(" (passed {} of {})", e.passed_replications, s.replications);
        const std::string observed = fmt::format("observed: {}", e.observed);
        if (e.passed || e.observed.empty())
            out += fit(line, 100) + '\n';
        else if (columns(line) + 2 + columns(observed) <= 100)
            out += line + "; " + observed + '\n';
        else
            out += fit(line, 100) + '\n' + fit("      " + observed, 100) + '\n';
    }
    out +=
        fmt::format("expectations: {} passed, {} failed\n", passed, s.expectations.size() - passed);
    return out;
}

} // namespace

std::string format_report(const RunSummary& s) {
    const bool rep = s.replications > 1;
    std::string out;
    const double speed =
        s.wall_seconds > 0 ? s.simulated_seconds * s.replications / s.wall_seconds : 0.0;
    out += fmt::format("tpssim: {} (seed {}{})\n", s.scenario, s.seed,
                       rep ? fmt::format(", {} replications, 95% intervals", s.replications)
                           : std::string());
    out += fmt::format("  simulated {} (warm-up {}), {} events in {:.2f} s wall, {} simulated "
                       "s per wall s\n",
                       human_seconds(s.simulated_seconds), human_seconds(s.warmup_seconds),
                       thousands(static_cast<double>(s.events)), s.wall_seconds, thousands(speed));
    if (s.start)
        out += fmt::format("  from {} to {}\n", calendar_text(0.0, *s.start),
                           calendar_text(s.simulated_seconds, *s.start));
    // How much of the monitoring record the outputs hold (a long run keeps every stride-th).
    if (s.scrapes > 0)
        out += fmt::format("  monitoring: {} scrapes, {} rows kept ({})\n",
                           thousands(static_cast<double>(s.scrapes)),
                           thousands(static_cast<double>(s.rows_kept)),
                           s.stride == 1 ? std::string("every scrape")
                                         : fmt::format("a row every {} scrapes", s.stride));
    if (s.interrupted)
        out += fmt::format("  INTERRUPTED: figures cover only the {} simulated before the stop\n",
                           human_seconds(s.simulated_seconds));

    int name_w = 12;
    for (const auto& f : s.services)
        name_w = std::max(name_w, static_cast<int>(f.name.size()) + 2);
    constexpr int w = 11;
    name_w = std::min(name_w, 100 - 6 * w); // a long name gives way (cut), never a figure
    out += flow_table(s);
    out += fmt::format("\n{:<{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}{:>{}}\n", "service", name_w,
                       "wait mean", w, "wait p99", w, "latency", w, "p50", w, "p90", w, "p99", w);
    for (const auto& f : s.services)
        out += rows(f.name, name_w,
                    {{f.wait_seconds.mean, human_seconds},
                     {f.wait_seconds.p99, human_seconds},
                     {f.latency_seconds.mean, human_seconds},
                     {f.latency_seconds.p50, human_seconds},
                     {f.latency_seconds.p90, human_seconds},
                     {f.latency_seconds.p99, human_seconds}},
                    rep);
    out += calls_table(s);
    out += operations_table(s);
    out += alerts_table(s);
    out += abnormal_list(s);
    out += expectations_list(s);
    return out;
}

std::string format_bottleneck(const RunSummary& s, std::size_t n) {
    const std::size_t shown = std::min(n, s.slowest_traces.size());
    const auto shares = models::bottleneck_shares(
        s.spans, std::span<const models::TraceSummary>(s.slowest_traces).first(shown));
    if (shares.empty()) return {};
    auto label = [&](const models::BottleneckShare& b) {
        return fmt::format("{} {}", s.services[b.service].name, s.spans.operations[b.operation]);
    };
    auto percent = [](double share) { return fmt::format("{:.0f}%", 100.0 * share); };
    double total_seconds = 0.0;
    for (std::size_t t = 0; t < shown; ++t)
        total_seconds += s.slowest_traces[t].duration_seconds;
    const auto& top = shares.front();
    std::string out = fmt::format(
        "  bottleneck: {}: {} of the {} time ({} of {})\n", label(top), percent(top.share),
        shown == 1 ? std::string("slowest trace's") : fmt::format("slowest {} traces'", shown),
        human_seconds(top.self_seconds), human_seconds(total_seconds));
    std::string rest;
    for (std::size_t i = 1; i < shares.size() && i < 4; ++i)
        if (shares[i].share >= 0.005)
            rest += fmt::format("{}{} {}", rest.empty() ? "" : ", ", label(shares[i]),
                                percent(shares[i].share));
    if (!rest.empty()) out += fmt::format("  then: {}\n", rest);
    return out;
}

std::string format_slowest(const RunSummary& s, std::size_t n) {
    const auto& sp = s.spans;
    const bool by_service = !s.traces_ranked_by.empty();
    std::string out =
        fmt::format("\nslowest requests {} ({} shown of {} traced)\n",
                    by_service ? fmt::format("by {}'s longest span", s.traces_ranked_by)
                               : std::string("end to end"),
                    std::min(n, s.slowest_traces.size()), thousands(static_cast<double>(s.traced)));
    if (s.traced == 0) {
        out += "  no request was traced (tracing.sample is 0)\n";
        return out;
    }
    if (s.slowest_traces.empty()) {
        out += by_service ? fmt::format("  no traced request reached {}\n", s.traces_ranked_by)
                          : std::string("  no traced request has ended yet\n");
        return out;
    }
    out += format_bottleneck(s, n);
    bool follows = false;
    for (std::size_t t = 0; t < s.slowest_traces.size() && t < n; ++t) {
        const auto& tr = s.slowest_traces[t];
        out += fmt::format("\n#{} trace {} at {}: {}{} end to end, entry span {}\n", t + 1,
                           tr.trace_id, s.clock(tr.start_seconds),
                           by_service ? fmt::format("{} {}, ", s.traces_ranked_by,
                                                    human_seconds(tr.ranked_seconds))
                                      : std::string(),
                           human_seconds(tr.duration_seconds), human_seconds(tr.entry_seconds));
        out += fmt::format("  {:<36}{:>9}{:>9}{:>9}{:>9}{:>8}  {}\n", "span", "start", "duration",
                           "wait", "self", "replica", "outcome");
        std::vector<int> depth(tr.rows, 0);
        for (std::uint32_t k = 0; k < tr.rows; ++k) {
            const std::uint32_t row = tr.first_row + k;
            const std::uint32_t parent = sp.parent_id[row];
            if (parent != models::SpanColumns::kNoParent) depth[k] = depth[parent] + 1;
            // "~" marks a span that follows from its parent (a queue item's delivery).
            const bool follows_from = sp.ref[row] == models::SpanRef::FollowsFrom;
            follows |= follows_from;
            const std::string name = fmt::format(
                "{:{}}{}{} {}{}", "", 2 * depth[k], follows_from ? "~" : "",
                s.services[sp.service[row]].name, sp.operations[sp.operation[row]],
                sp.delivery[row] > 1 ? fmt::format(" (delivery {})", sp.delivery[row]) : "");
            const double start = sp.start_seconds[row] - tr.start_seconds;
            out += fmt::format(
                "  {:<36}{:>9}{:>9}{:>9}{:>9}{:>8}  {}{}\n", name,
                fmt::format("+{}", human_seconds(start)), human_seconds(sp.duration_seconds[row]),
                sp.wait_seconds[row] > 0 ? human_seconds(sp.wait_seconds[row]) : std::string(),
                sp.self_seconds[row] > 0 ? human_seconds(sp.self_seconds[row]) : std::string(),
                sp.replica[row] != models::SpanColumns::kNoReplica
                    ? fmt::format("{}", sp.replica[row])
                    : std::string(),
                models::to_string(sp.outcome[row]),
                row == tr.bottleneck_row ? " <- bottleneck" : "");
        }
    }
    if (follows)
        out += "\n  ~ follows from its parent: a queue item's delivery, which its publisher does "
               "not wait for\n";
    return out;
}

} // namespace tpssim

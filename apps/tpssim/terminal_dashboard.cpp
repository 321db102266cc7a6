#include "apps/tpssim/terminal_dashboard.hpp"

#include "apps/tpssim/clock_format.hpp"
#include "apps/tpssim/metric_table.hpp"
#include "apps/tpssim/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <limits>
#include <string_view>
#include <vector>

namespace tpssim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::array<std::string_view, 8> kBlocks = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

/// One sparkline of a panel: a metric, the word after the subject's name, and whether a
/// bucket shows its minimum (replicas: a lost replica is a dip) rather than its maximum.
struct Line {
    std::string_view metric;
    std::string_view suffix;
    bool minimum = false;
};
struct Panel {
    std::string_view title;
    std::vector<Line> lines;
};

// The seven panels of the program's dashboard, as the Grafana dashboard has them.
const std::vector<Panel>& panels() {
    static const std::vector<Panel> all = {
        {"circuit breaker state (0 closed, 1 half-open, 2 open)", {{"tps_breaker_state", ""}}},
        {"queue depth (requests waiting)", {{"tps_queue_depth", ""}}},
        {"worker utilisation and replicas",
         {{"tps_utilization", "util"}, {"tps_replicas", "replicas", true}}},
        {"error rate", {{"tps_error_ratio", ""}}},
        {"latency p50 / p90 / p99",
         {{"tps_latency_p50_seconds", "p50"},
          {"tps_latency_p90_seconds", "p90"},
          {"tps_latency_p99_seconds", "p99"}}},
        {"throughput (completed per second)", {{"tps_throughput", ""}}},
        {"CPU (cores) and memory (per replica)",
         {{"tps_cpu_cores", "cpu"}, {"tps_memory_bytes", "memory"}}},
    };
    return all;
}

// `text` cut to `width` columns with "..." (ASCII: names and figures are).
std::string fit(std::string text, std::size_t width) {
    if (text.size() <= width) return text;
    if (width <= 3) return text.substr(0, width);
    return text.substr(0, width - 3) + "...";
}

// Three significant digits, never an exponent below a million: "0.25", "85.6", "2000".
std::string number_text(double v) {
    if (std::abs(v) >= 1000.0 && std::abs(v) < 1e6) return fmt::format("{:.0f}", v);
    return fmt::format("{:.3g}", v);
}

std::string value_text(double v, std::string_view unit) {
    if (std::isnan(v)) return "no data";
    if (v == 0.0) return "0";
    if (unit == "seconds") return human_seconds(v);
    if (unit == "ratio") return number_text(v * 100.0) + "%";
    if (unit == "bytes") {
        if (std::abs(v) >= 1024.0 * 1024.0 * 1024.0)
            return number_text(v / (1024.0 * 1024.0 * 1024.0)) + "GiB";
        return number_text(v / (1024.0 * 1024.0)) + "MiB";
    }
    return number_text(v);
}

// The tick labels of the time axis: clock times to the minute with a calendar, else h:mm.
std::string tick_text(double t, const ClockFormat& clock) {
    if (clock.has_calendar()) {
        const std::string text = clock(t);
        return text.substr(0, text.size() - 3); // "Sat 03:00:00" -> "Sat 03:00"
    }
    const auto minutes = static_cast<long long>(std::floor(t / 60.0 + 1e-9));
    return fmt::format("{}:{:02}", minutes / 60, minutes % 60);
}

std::string time_axis(const DashboardLayout& layout, double span,
                      const std::optional<std::chrono::local_seconds>& start) {
    const ClockFormat clock(start, span);
    // Ticks on whole clock steps (local time), as far apart as the labels need.
    const double offset = start ? static_cast<double>(start->time_since_epoch().count()) : 0.0;
    const std::size_t label_size = tick_text(0.0, clock).size() + 2;
    static constexpr double kSteps[] = {60,    300,   600,   900,   1800,   3600,   7200,
                                        10800, 21600, 43200, 86400, 172800, 604800, 2592000};
    double step = 0.0;
    for (const double s : kSteps)
        if (s / span * static_cast<double>(layout.columns) >= static_cast<double>(label_size)) {
            step = s;
            break;
        }
    std::string axis = fit("time", layout.label_width - 1);
    axis.resize(layout.label_width, ' ');
    if (step == 0.0) return axis;
    std::string ticks(layout.columns, ' ');
    for (double t = std::ceil(offset / step) * step - offset; t < span; t += step) {
        const auto col = dashboard_column(t, span, layout.columns);
        const std::string text = tick_text(t, clock);
        if (col + text.size() > layout.columns) break;
        ticks.replace(col, text.size(), text);
    }
    std::string line = axis + ticks;
    line.erase(line.find_last_not_of(' ') + 1);
    return line;
}

// The sparkline of `values` (one per row at `times`), and the figure after it.
std::string sparkline(const std::vector<double>& times, const std::vector<double>& values,
                      double span, const DashboardLayout& layout, bool minimum,
                      std::string_view unit) {
    std::vector<double> bucket(layout.columns, kNaN);
    double lo = 0.0, hi = kNaN, extreme = kNaN;
    for (std::size_t r = 0; r < values.size(); ++r) {
        const double v = values[r];
        if (std::isnan(v)) continue;
        double& b = bucket[dashboard_column(times[r], span, layout.columns)];
        b = std::isnan(b) ? v : minimum ? std::min(b, v) : std::max(b, v);
        lo = std::min(lo, v);
        hi = std::isnan(hi) ? v : std::max(hi, v);
        extreme = std::isnan(extreme) ? v : minimum ? std::min(extreme, v) : std::max(extreme, v);
    }
    std::string out;
    for (const double b : bucket) {
        if (std::isnan(b)) {
            out += ' ';
            continue;
        }
        const double level = hi > lo ? (b - lo) / (hi - lo) * 7.0 : 0.0;
        out += kBlocks[static_cast<std::size_t>(std::clamp(std::lround(level), 0L, 7L))];
    }
    const std::string figure = std::isnan(extreme) ? "no data"
                                                   : fmt::format("{} {}", minimum ? "min" : "max",
                                                                 value_text(extreme, unit));
    return out + ' ' + fit(figure, DashboardLayout::kValueWidth - 1);
}

std::string label(std::string_view subject, std::string_view suffix, std::size_t width) {
    const std::string text =
        suffix.empty() ? fmt::format("  {}", subject) : fmt::format("  {} {}", subject, suffix);
    std::string out = fit(text, width - 1);
    out.resize(width, ' ');
    return out;
}

} // namespace

DashboardLayout dashboard_layout(std::size_t width, std::size_t rows) {
    DashboardLayout l;
    l.width = std::max(width, DashboardLayout::kMinWidth);
    l.label_width = l.width >= 80 ? 24 : 16;
    l.columns =
        std::clamp<std::size_t>(rows, 1, l.width - l.label_width - DashboardLayout::kValueWidth);
    return l;
}

std::size_t dashboard_column(double t_seconds, double span_seconds, std::size_t columns) {
    if (!(span_seconds > 0.0) || columns == 0) return 0;
    const double c = std::floor(t_seconds / span_seconds * static_cast<double>(columns));
    return static_cast<std::size_t>(std::clamp(c, 0.0, static_cast<double>(columns - 1)));
}

std::string format_dashboard(const models::RunResult& run,
                             const std::optional<std::chrono::local_seconds>& start,
                             std::size_t width) {
    const auto& times = run.metric_times_seconds;
    const DashboardLayout layout = dashboard_layout(width, times.size());
    const double span = run.simulated_seconds;
    std::string out;
    const double bucket_seconds = span / static_cast<double>(layout.columns);
    out += fit(fmt::format("dashboard: {} {}, a column every {} (its max; min for replicas)",
                           human_seconds(span),
                           start ? "from " + calendar_text(0.0, *start) : "simulated",
                           human_seconds(bucket_seconds)),
               layout.width) +
           '\n';
    out += time_axis(layout, span, start) + '\n';

    if (!run.alerts.empty()) {
        out += "alerts (█ firing)\n";
        for (const auto& alert : run.alerts) {
            std::string marks;
            std::vector<bool> firing(layout.columns, false);
            for (const auto& f : alert.firings) {
                const double until = std::isnan(f.resolved_seconds) ? span : f.resolved_seconds;
                const auto from = dashboard_column(f.fired_seconds, span, layout.columns);
                // The bucket the resolution falls in shows it firing only if it fired there.
                const auto to = std::max(
                    from, dashboard_column(std::nextafter(until, 0.0), span, layout.columns));
                for (auto c = from; c <= to; ++c)
                    firing[c] = true;
            }
            for (const bool f : firing)
                marks += f ? "█" : "·";
            const auto n = alert.firings.size();
            out += label(alert.name, "", layout.label_width) + marks + ' ' +
                   fit(n == 0 ? "never" : fmt::format("fired {}x", n),
                       DashboardLayout::kValueWidth - 1) +
                   '\n';
        }
    }

    const MetricTable table(run.metrics);
    for (const auto& panel : panels()) {
        std::string body;
        for (std::size_t s = 0; s < table.subjects.size(); ++s)
            for (const auto& line : panel.lines) {
                const auto m = static_cast<std::size_t>(
                    std::find_if(table.metrics.begin(), table.metrics.end(),
                                 [&](const auto* info) { return info->name == line.metric; }) -
                    table.metrics.begin());
                if (m == table.metrics.size()) continue;
                const auto c = table.column(m, s);
                if (c == MetricTable::npos) continue;
                body += label(table.subjects[s], line.suffix, layout.label_width) +
                        sparkline(times, run.metrics[c].values, span, layout, line.minimum,
                                  table.metrics[m]->unit) +
                        '\n';
            }
        out += fit(std::string(panel.title), layout.width) + '\n';
        out += body.empty() ? "  (not recorded in this run)\n" : body;
    }
    return out;
}

std::size_t terminal_width_from_environment() {
    const char* columns = std::getenv("COLUMNS");
    if (columns == nullptr) return 100;
    char* end = nullptr;
    const long n = std::strtol(columns, &end, 10);
    return (end != columns && *end == '\0' && n > 0) ? static_cast<std::size_t>(n) : 100;
}

} // namespace tpssim

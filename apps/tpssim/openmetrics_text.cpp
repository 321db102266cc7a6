#include "apps/tpssim/openmetrics_text.hpp"

#include "apps/tpssim/metric_table.hpp"
#include "apps/tpssim/openmetrics_labels.hpp"

#include <cmath>
#include <fmt/format.h>
#include <iterator>

namespace tpssim {

std::string_view openmetrics_unit(const models::MetricInfo& info) {
    for (const std::string_view unit : {"seconds", "bytes", "ratio"}) {
        const auto& name = info.name;
        if (info.unit == unit && name.size() > unit.size() && name.ends_with(unit) &&
            name[name.size() - unit.size() - 1] == '_')
            return unit;
    }
    return {};
}

bool is_counter(const models::MetricInfo& info) {
    return info.name.ends_with("_total");
}

namespace {

// An OpenMetrics number: the shortest text that reads back as the same double; NaN and the
// infinities as the format spells them.
void append_number(std::string& out, double v) {
    if (std::isnan(v))
        out += "NaN";
    else if (std::isinf(v))
        out += v > 0 ? "+Inf" : "-Inf";
    else
        fmt::format_to(std::back_inserter(out), "{}", v);
}

} // namespace

void write_openmetrics(const models::RunResult& run,
                       const std::optional<std::chrono::local_seconds>& start,
                       const std::function<void(std::string_view)>& sink) {
    constexpr std::size_t kPiece = 1 << 20;
    const MetricTable table(run.metrics);
    const double epoch = prometheus_epoch_seconds(start);
    // Timestamps are the same for every series: formatted once.
    std::vector<std::string> stamps;
    stamps.reserve(run.metric_times_seconds.size());
    for (const double t : run.metric_times_seconds)
        stamps.push_back(fmt::format(" {}\n", epoch + t));
    std::string out;
    for (std::size_t m = 0; m < table.metrics.size(); ++m) {
        const auto& info = *table.metrics[m];
        const bool counter = is_counter(info);
        const std::string_view family =
            counter ? info.name.substr(0, info.name.size() - 6) : info.name;
        fmt::format_to(std::back_inserter(out), "# TYPE {} {}\n", family,
                       counter ? "counter" : "gauge");
        if (const auto unit = openmetrics_unit(info); !unit.empty())
            fmt::format_to(std::back_inserter(out), "# UNIT {} {}\n", family, unit);
        fmt::format_to(std::back_inserter(out), "# HELP {} {} ({})\n", family,
                       escape_label_value(info.help), info.unit);
        for (std::size_t s = 0; s < table.subjects.size(); ++s) {
            const auto c = table.column(m, s);
            if (c == MetricTable::npos) continue;
            const std::string series =
                std::string(info.name) + prometheus_labels(info.subject, table.subjects[s]) + ' ';
            const auto& values = run.metrics[c].values;
            for (std::size_t row = 0; row < values.size(); ++row) {
                out += series;
                append_number(out, values[row]);
                out += stamps[row];
                if (out.size() >= kPiece) {
                    sink(out);
                    out.clear();
                }
            }
        }
    }
    out += "# EOF\n";
    sink(out);
}

std::string openmetrics_text(const models::RunResult& run,
                             const std::optional<std::chrono::local_seconds>& start) {
    std::string out;
    write_openmetrics(run, start, [&](std::string_view piece) { out += piece; });
    return out;
}

} // namespace tpssim

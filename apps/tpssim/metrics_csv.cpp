#include "apps/tpssim/metrics_csv.hpp"

#include "apps/tpssim/metric_table.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <cmath>
#include <fmt/format.h>

namespace tpssim {

namespace {
// A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180).
void append_field(std::string& out, std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += text;
        return;
    }
    out += '"';
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}
} // namespace

void write_metrics_csv(const models::RunResult& run,
                       const std::optional<std::chrono::local_seconds>& start,
                       const std::function<void(std::string_view)>& sink) {
    constexpr std::size_t kPiece = 1 << 20;
    const MetricTable table(run.metrics);
    std::string out = start ? "time_seconds,time,subject" : "time_seconds,subject";
    for (const auto* m : table.metrics) {
        out += ',';
        out += m->name;
    }
    out += '\n';
    for (std::size_t row = 0; row < run.metric_times_seconds.size(); ++row) {
        const double t = run.metric_times_seconds[row];
        // The same text for every subject of the scrape.
        std::string time = fmt::format("{}", t);
        if (start) {
            time += ',';
            time += local_time_text(t, *start);
        }
        for (std::size_t s = 0; s < table.subjects.size(); ++s) {
            out += time;
            out += ',';
            append_field(out, table.subjects[s]);
            for (std::size_t m = 0; m < table.metrics.size(); ++m) {
                out += ',';
                const auto c = table.column(m, s);
                if (c == MetricTable::npos) continue;
                const double v = run.metrics[c].values[row];
                if (!std::isnan(v)) fmt::format_to(std::back_inserter(out), "{}", v);
            }
            out += '\n';
        }
        if (out.size() >= kPiece) {
            sink(out);
            out.clear();
        }
    }
    if (!out.empty()) sink(out);
}

std::string metrics_csv(const models::RunResult& run,
                        const std::optional<std::chrono::local_seconds>& start) {
    std::string out;
    write_metrics_csv(run, start, [&](std::string_view piece) { out += piece; });
    return out;
}

} // namespace tpssim

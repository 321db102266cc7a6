#include "apps/tpssim/openmetrics_labels.hpp"

namespace tpssim {

std::string escape_label_value(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string prometheus_labels(models::MetricSubject kind, std::string_view subject) {
    using S = models::MetricSubject;
    const auto label = [](std::string_view name, std::string_view value) {
        return std::string(name) + "=\"" + escape_label_value(value) + '"';
    };
    const auto arrow = subject.find("->");
    if (kind == S::Edge && arrow != std::string_view::npos)
        return '{' + label("service", subject.substr(0, arrow)) + ',' +
               label("call", subject.substr(arrow + 2)) + '}';
    if (kind == S::Link) return '{' + label("link", subject) + '}';
    return '{' + label("service", subject) + '}';
}

double prometheus_epoch_seconds(const std::optional<std::chrono::local_seconds>& start) {
    // local_seconds counts from 1970-01-01 00:00 local time: read as UTC, that is Unix time.
    // Without a start: Monday 1970-01-05 00:00 UTC, the instant the model reads t = 0 as for
    // daily and weekly patterns, and the traces' epoch (trace_export.hpp), so that a run's
    // metrics and traces line up in Prometheus, Grafana and Jaeger.
    constexpr double kMondayJanuary5th1970 = 4 * 86400.0;
    return start ? static_cast<double>(start->time_since_epoch().count()) : kMondayJanuary5th1970;
}

} // namespace tpssim

#include "apps/tpssim/html_dashboard.hpp"

#include "apps/tpssim/dashboard_assets.hpp"
#include "apps/tpssim/summary_json.hpp"
#include "apps/tpssim/trace_export.hpp"
#include "models/params.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace tpssim {

std::vector<std::size_t> bucket_ends(std::size_t rows, std::size_t max_buckets) {
    const std::size_t buckets = std::min(rows, std::max<std::size_t>(1, max_buckets));
    std::vector<std::size_t> ends(buckets);
    for (std::size_t b = 0; b < buckets; ++b)
        ends[b] = (b + 1) * rows / buckets - 1; // the last row of bucket b
    return ends;
}

BucketedSeries bucket_series(std::span<const double> values, std::span<const std::size_t> ends) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    BucketedSeries out;
    out.min.assign(ends.size(), kNaN);
    out.mean.assign(ends.size(), kNaN);
    out.max.assign(ends.size(), kNaN);
    std::size_t row = 0;
    for (std::size_t b = 0; b < ends.size(); ++b) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0.0;
        std::size_t n = 0;
        for (; row <= ends[b]; ++row) {
            const double v = values[row];
            if (std::isnan(v)) continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            sum += v;
            ++n;
        }
        if (n == 0) continue;
        out.min[b] = lo;
        out.mean[b] = sum / static_cast<double>(n);
        out.max[b] = hi;
    }
    return out;
}

namespace {

using trace_export::json_string;

// A number for the page: 4 significant digits are more than a chart can show (the full
// resolution is in the results file); null when it is not a finite number.
void append_number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    fmt::format_to(std::back_inserter(out), "{:.4g}", v);
}

void append_numbers(std::string& out, const std::vector<double>& values) {
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ',';
        append_number(out, values[i]);
    }
    out += ']';
}

// One metric of a panel: its Prometheus name, what its series' labels add to the subject, and
// whether it reads on the right-hand axis.
struct PanelMetric {
    std::string_view name;
    std::string_view suffix;
    bool right_axis = false;
};

struct Panel {
    std::string_view id;
    std::string_view title;
    std::string_view unit;       ///< the left axis: "ratio", "seconds", "count", "1/s", ...
    std::string_view right_unit; ///< the right axis, if any metric reads on it
    std::vector<PanelMetric> metrics;
    bool step = false;          ///< a state: drawn as steps
    bool skip_all_zero = false; ///< leave out series that never leave 0 (CPU of a queue)
    std::string_view when_empty;
};

// The certification program's seven dashboard panels, in its order.
const std::vector<Panel>& panels() {
    static const std::vector<Panel> list = {
        {"breakers",
         "Circuit breakers (0 closed, 1 half-open, 2 open)",
         "state",
         "",
         {{"tps_breaker_state", "", false}},
         true,
         false,
         "no call in this scenario has a circuit breaker"},
        {"queue_depth",
         "Queue depth",
         "count",
         "",
         {{"tps_queue_depth", "", false}},
         false,
         false,
         "no queue depth recorded"},
        {"utilization",
         "Worker utilisation (left) and ready replicas (right)",
         "ratio",
         "count",
         {{"tps_utilization", "", false}, {"tps_replicas", " replicas", true}},
         false,
         false,
         "no utilisation recorded"},
        {"error_rate",
         "Error rate",
         "ratio",
         "",
         {{"tps_error_ratio", "", false}},
         false,
         false,
         "no error rate recorded"},
        {"latency",
         "Latency p50, p90, p99",
         "seconds",
         "",
         {{"tps_latency_p50_seconds", " p50", false},
          {"tps_latency_p90_seconds", " p90", false},
          {"tps_latency_p99_seconds", " p99", false}},
         false,
         false,
         "no request ended"},
        {"throughput",
         "Throughput",
         "1/s",
         "",
         {{"tps_throughput", "", false}},
         false,
         false,
         "no throughput recorded"},
        {"resources",
         "CPU (left) and memory per replica (right)",
         "cores",
         "bytes",
         {{"tps_cpu_cores", " cpu", false}, {"tps_memory_bytes", " memory", true}},
         false,
         true,
         "no service declares resources (cpu_per_request, memory)"},
    };
    return list;
}

bool has_breaker(const models::RunResult& run, const std::string& edge) {
    for (const auto& s : run.services)
        for (const auto& c : s.calls)
            if (c.has_circuit_breaker && models::call_label(s.name, c.key) == edge) return true;
    return false;
}

void append_panels(std::string& out, const models::RunResult& run,
                   std::span<const std::size_t> ends) {
    out += "\"panels\":[";
    bool first_panel = true;
    for (const Panel& p : panels()) {
        out += fmt::format("{}\n{{\"id\":\"{}\",\"title\":{},\"unit\":\"{}\",\"right_unit\":\"{}\","
                           "\"step\":{},\"when_empty\":{},\"series\":[",
                           first_panel ? "" : ",", p.id, json_string(p.title), p.unit, p.right_unit,
                           p.step, json_string(p.when_empty));
        first_panel = false;
        bool first_series = true;
        for (const PanelMetric& m : p.metrics) {
            for (const auto& column : run.metrics) {
                if (column.name != m.name) continue;
                if (p.id == "breakers" && !has_breaker(run, column.subject)) continue;
                const auto numbers = std::count_if(column.values.begin(), column.values.end(),
                                                   [](double v) { return !std::isnan(v); });
                if (numbers == 0) continue;
                if (p.skip_all_zero &&
                    std::all_of(column.values.begin(), column.values.end(),
                                [](double v) { return v == 0.0 || std::isnan(v); }))
                    continue;
                const BucketedSeries b = bucket_series(column.values, ends);
                out += fmt::format("{}\n{{\"label\":{},\"subject\":{},\"metric\":\"{}\","
                                   "\"right\":{},\"min\":",
                                   first_series ? "" : ",",
                                   json_string(column.subject + std::string(m.suffix)),
                                   json_string(column.subject), m.name, m.right_axis);
                first_series = false;
                append_numbers(out, b.min);
                out += ",\"mean\":";
                append_numbers(out, b.mean);
                out += ",\"max\":";
                append_numbers(out, b.max);
                out += '}';
            }
        }
        out += "]}";
    }
    out += "]";
}

// One band on the time axis: a lane (what it is about), from and to (seconds; equal for an
// instant such as an action), its kind (alert, fault, action, breaker) and a label.
struct Band {
    std::string lane;
    std::string kind;
    std::string label;
    double from = 0.0;
    double to = 0.0;
};

std::vector<Band> bands(const models::RunResult& run) {
    std::vector<Band> out;
    const double end = run.simulated_seconds;
    for (const auto& a : run.alerts)
        for (const auto& f : a.firings)
            out.push_back({"alert " + a.name, "alert", a.condition, f.fired_seconds,
                           std::isnan(f.resolved_seconds) ? end : f.resolved_seconds});
    // Faults and actions come from the event log (kept for the page).
    std::vector<std::size_t> open; // indices into `out` of faults not ended yet
    for (const auto e : run.event_log) {
        if (e.type == "fault_start") {
            std::string kind = "fault";
            if (const auto k = e.find("kind"); k && std::holds_alternative<std::string_view>(*k))
                kind = std::string(std::get<std::string_view>(*k));
            open.push_back(out.size());
            out.push_back({"fault " + std::string(e.subject), "fault", kind, e.at_seconds, end});
        } else if (e.type == "fault_end") {
            const std::string lane = "fault " + std::string(e.subject);
            for (auto it = open.begin(); it != open.end(); ++it)
                if (out[*it].lane == lane) {
                    out[*it].to = e.at_seconds;
                    open.erase(it);
                    break;
                }
        } else if (e.type == "action") {
            std::string what;
            if (const auto a = e.find("action"); a && std::holds_alternative<std::string_view>(*a))
                what = std::string(std::get<std::string_view>(*a));
            out.push_back({"actions", "action", std::string(e.subject) + ": " + what, e.at_seconds,
                           e.at_seconds});
        }
    }
    // Breakers: every stretch out of the closed state.
    for (const auto& s : run.services)
        for (const auto& c : s.calls) {
            if (!c.has_circuit_breaker) continue;
            const std::string lane = "breaker " + models::call_label(s.name, c.key);
            for (std::size_t i = 0; i < c.breaker_transitions.size(); ++i) {
                const auto& t = c.breaker_transitions[i];
                if (t.to == "closed") continue;
                const double to = i + 1 < c.breaker_transitions.size()
                                      ? c.breaker_transitions[i + 1].at_seconds
                                      : end;
                out.push_back({lane, "breaker", t.to, t.at_seconds, to});
            }
        }
    return out;
}

void append_bands(std::string& out, const models::RunResult& run) {
    out += ",\n\"bands\":[";
    const auto list = bands(run);
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Band& b = list[i];
        out += fmt::format("{}\n{{\"lane\":{},\"kind\":\"{}\",\"label\":{},\"from\":{},\"to\":{}}}",
                           i == 0 ? "" : ",", json_string(b.lane), b.kind, json_string(b.label),
                           b.from, b.to);
    }
    out += "]";
}

// The event log: the lines `--events` writes, as an array (at most kMaxEventRows of them),
// without their "time" text: the page writes clock times from "t" (a sixth of the bytes).
constexpr std::size_t kMaxEventRows = 20'000;

void append_events(std::string& out, const models::RunResult& run) {
    out += ",\n\"events\":[";
    std::size_t rows = 0;
    bool first = true;
    write_event_log_jsonl(run.event_log, std::nullopt, [&](std::string_view lines) {
        while (!lines.empty() && rows < kMaxEventRows) {
            const auto nl = lines.find('\n');
            const std::string_view line = lines.substr(0, nl);
            lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
            if (line.empty()) continue;
            if (!first) out += ",\n";
            out += line;
            first = false;
            ++rows;
        }
    });
    out += fmt::format("],\n\"events_total\":{},\"events_shown\":{}", run.event_log.events(), rows);
}

// The slowest traces (at most kMaxTraces): each span's depth in its tree, start from the
// request's arrival, duration, and what the report says of it.
constexpr std::size_t kMaxTraces = 10;

void append_traces(std::string& out, const models::RunResult& run) {
    const auto& spans = run.spans;
    out += fmt::format(",\n\"traced\":{},\"traces\":[", run.traced);
    const std::size_t n = std::min(kMaxTraces, run.slowest_traces.size());
    for (std::size_t t = 0; t < n; ++t) {
        const auto& trace = run.slowest_traces[t];
        out += fmt::format("{}\n{{\"id\":{},\"start\":{},\"duration\":{},\"entry\":{},\"spans\":[",
                           t == 0 ? "" : ",", trace.trace_id, trace.start_seconds,
                           trace.duration_seconds, trace.entry_seconds);
        std::vector<std::uint32_t> depth(trace.rows, 0);
        for (std::uint32_t i = 0; i < trace.rows; ++i) {
            const std::uint32_t r = trace.first_row + i;
            if (spans.parent_id[r] != models::SpanColumns::kNoParent)
                depth[i] = depth[spans.parent_id[r]] + 1;
            out += fmt::format(
                "{}{{\"name\":{},\"depth\":{},\"start\":{},\"duration\":{},\"self\":{},"
                "\"outcome\":\"{}\",\"follows\":{},\"bottleneck\":{},\"replica\":{}}}",
                i == 0 ? "" : ",",
                json_string(run.services[spans.service[r]].name + " " +
                            spans.operations[spans.operation[r]]),
                depth[i], spans.start_seconds[r] - trace.start_seconds, spans.duration_seconds[r],
                spans.self_seconds[r], models::to_string(spans.outcome[r]),
                spans.ref[r] == models::SpanRef::FollowsFrom, r == trace.bottleneck_row,
                spans.replica[r] == models::SpanColumns::kNoReplica
                    ? std::string("null")
                    : fmt::format("{}", spans.replica[r]));
        }
        out += "]}";
    }
    out += "]";
}

std::string page_data(const models::RunResult& run, const RunSummary& summary) {
    std::string out;
    out.reserve(1 << 20);
    const auto ends = bucket_ends(run.metric_times_seconds.size());
    out += fmt::format("{{\"scenario\":{},\"file\":{},\"seed\":{},\"calendar\":{},\"epoch_ms\":{},"
                       "\"simulated_seconds\":{},\"warmup_seconds\":{},\"scrapes\":{},",
                       json_string(summary.scenario), json_string(summary.file), summary.seed,
                       run.start.has_value(), trace_export::epoch_unix_nanos(run.start) / 1'000'000,
                       run.simulated_seconds, run.warmup_seconds, run.metric_scrapes);
    out += "\"times\":";
    std::vector<double> times;
    for (const std::size_t e : ends)
        times.push_back(run.metric_times_seconds[e]);
    // Times keep every digit: they are the shared axis.
    out += '[';
    for (std::size_t i = 0; i < times.size(); ++i)
        out += fmt::format("{}{}", i == 0 ? "" : ",", times[i]);
    out += "],\n";
    append_panels(out, run, ends);
    append_bands(out, run);
    append_events(out, run);
    append_traces(out, run);
    out += "}";
    // Inside <script>, "</" could close the element: JSON allows "<\/" for it.
    std::string safe;
    safe.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '<' && i + 1 < out.size() && out[i + 1] == '/') {
            safe += "<\\/";
            ++i;
        } else {
            safe += out[i];
        }
    }
    return safe;
}

std::string html_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

std::string html_dashboard(const models::RunResult& run, const RunSummary& summary) {
    namespace a = dashboard_assets;
    const std::string data = page_data(run, summary);
    // The template's markers, <!--tpssim:NAME-->, each replaced by its content.
    auto content = [&](std::string_view name) -> std::string {
        if (name == "title") return html_escape(summary.scenario);
        if (name == "dygraph-css") return std::string(a::kDygraphCss);
        if (name == "page-css") return std::string(a::kPageCss);
        if (name == "data") return data;
        if (name == "dygraph-js") return std::string(a::kDygraphJs);
        if (name == "synchronizer-js") return std::string(a::kSynchronizerJs);
        if (name == "page-js") return std::string(a::kPageJs);
        throw std::logic_error(fmt::format("dashboard template: unknown marker {}", name));
    };
    constexpr std::string_view kOpen = "<!--tpssim:", kClose = "-->";
    const std::string_view page = a::kPageHtml;
    std::string out;
    out.reserve(data.size() + a::kDygraphJs.size() + 65536);
    std::size_t at = 0;
    while (true) {
        const std::size_t open = page.find(kOpen, at);
        if (open == std::string_view::npos) break;
        const std::size_t close = page.find(kClose, open);
        out += page.substr(at, open - at);
        out += content(page.substr(open + kOpen.size(), close - open - kOpen.size()));
        at = close + kClose.size();
    }
    out += page.substr(at);
    return out;
}

} // namespace tpssim

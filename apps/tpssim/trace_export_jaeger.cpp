// Jaeger's JSON, as its query service returns traces and its UI uploads them (the structs of
// jaegertracing/jaeger model/json/model.go): {"data": [{traceID, spans: [{traceID, spanID,
// operationName, references: [{refType, traceID, spanID}], startTime and duration in
// microseconds, tags: [{key, type, value}], processID}], processes: {id: {serviceName, tags}}}]}.
#include "apps/tpssim/trace_export.hpp"

#include <fmt/format.h>

namespace tpssim {

using namespace trace_export;

std::string jaeger_traces_json(const models::RunResult& run, const TraceExportContext& context) {
    const auto& spans = run.spans;
    const std::int64_t epoch = epoch_unix_nanos(run.start);
    const std::uint64_t high = trace_id_high(context.scenario, context.seed);
    const std::vector<SpanKind> kinds = span_kinds(spans);
    std::string out = "{\"data\":[";
    std::vector<std::uint32_t> process_of(run.services.size());
    for (std::size_t t = 0; t < run.slowest_traces.size(); ++t) {
        const auto& trace = run.slowest_traces[t];
        const std::string trace_id = trace_id_hex(high, trace.trace_id);
        // The trace's processes: one per service it visits, numbered in the services' order.
        std::vector<bool> visits(run.services.size(), false);
        for (std::uint32_t r = trace.first_row; r < trace.first_row + trace.rows; ++r)
            visits[spans.service[r]] = true;
        std::uint32_t processes = 0;
        for (std::size_t s = 0; s < visits.size(); ++s)
            process_of[s] = visits[s] ? ++processes : 0;
        out += fmt::format("{}\n{{\"traceID\":\"{}\",\"spans\":[", t == 0 ? "" : ",", trace_id);
        for (std::uint32_t r = trace.first_row; r < trace.first_row + trace.rows; ++r) {
            const SpanTimes times = span_times(spans, r, epoch);
            // Microseconds, both ends rounded down: a child stays inside its parent.
            const std::int64_t start_us = times.start_unix_nanos / 1000;
            const std::int64_t end_us = times.end_unix_nanos / 1000;
            out += fmt::format("{}\n{{\"traceID\":\"{}\",\"spanID\":\"{}\",\"operationName\":{},",
                               r == trace.first_row ? "" : ",", trace_id,
                               span_id_hex(trace.trace_id, spans.span_id[r]),
                               json_string(spans.operations[spans.operation[r]]));
            out += "\"references\":[";
            if (spans.parent_id[r] != models::SpanColumns::kNoParent)
                out += fmt::format("{{\"refType\":\"{}\",\"traceID\":\"{}\",\"spanID\":\"{}\"}}",
                                   spans.ref[r] == models::SpanRef::FollowsFrom ? "FOLLOWS_FROM"
                                                                                : "CHILD_OF",
                                   trace_id, span_id_hex(trace.trace_id, spans.parent_id[r]));
            out += fmt::format("],\"startTime\":{},\"duration\":{},\"tags\":[", start_us,
                               end_us - start_us);
            out += fmt::format("{{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"{}\"}}",
                               to_string(kinds[r]));
            out +=
                fmt::format(",{{\"key\":\"tpssim.outcome\",\"type\":\"string\",\"value\":\"{}\"}}",
                            models::to_string(spans.outcome[r]));
            if (is_error(spans.outcome[r]))
                out += ",{\"key\":\"error\",\"type\":\"bool\",\"value\":true}";
            if (spans.replica[r] != models::SpanColumns::kNoReplica)
                out +=
                    fmt::format(",{{\"key\":\"tpssim.replica\",\"type\":\"int64\",\"value\":{}}}",
                                spans.replica[r]);
            if (spans.delivery[r] > 0)
                out +=
                    fmt::format(",{{\"key\":\"tpssim.delivery\",\"type\":\"int64\",\"value\":{}}}",
                                spans.delivery[r]);
            if (spans.wait_seconds[r] > 0.0)
                out += fmt::format(
                    ",{{\"key\":\"tpssim.wait_seconds\",\"type\":\"float64\",\"value\":{}}}",
                    spans.wait_seconds[r]);
            out += fmt::format(
                ",{{\"key\":\"tpssim.self_seconds\",\"type\":\"float64\",\"value\":{}}}",
                spans.self_seconds[r]);
            out += fmt::format("],\"processID\":\"p{}\"}}", process_of[spans.service[r]]);
        }
        out += "],\"processes\":{";
        bool first = true;
        for (std::size_t s = 0; s < visits.size(); ++s) {
            if (!visits[s]) continue;
            out +=
                fmt::format("{}\"p{}\":{{\"serviceName\":{},\"tags\":["
                            "{{\"key\":\"tpssim.scenario\",\"type\":\"string\",\"value\":{}}},"
                            "{{\"key\":\"tpssim.seed\",\"type\":\"string\",\"value\":\"{}\"}}]}}",
                            first ? "" : ",", process_of[s], json_string(run.services[s].name),
                            json_string(context.scenario), context.seed);
            first = false;
        }
        out += "}}";
    }
    out += "\n]}\n";
    return out;
}

} // namespace tpssim

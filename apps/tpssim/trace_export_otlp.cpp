// OTLP JSON (opentelemetry-proto's TracesData in the JSON encoding of the OTLP specification:
// lowerCamelCase keys, ids as hex strings, 64-bit integers as decimal strings, enums as
// numbers): {"resourceSpans": [{resource: {attributes}, scopeSpans: [{scope, spans: [{traceId,
// spanId, parentSpanId, name, kind, startTimeUnixNano, endTimeUnixNano, attributes, links,
// status}]}]}]}, one resource per service (`service.name`).
//
// A span that follows from its parent (a queue item's delivery) has no parentSpanId but a link
// to the publishing span with `opentracing.ref_type: follows_from` (OpenTelemetry's convention
// for OpenTracing's references): what Jaeger's OTLP receiver turns back into a FOLLOWS_FROM
// reference.
#include "apps/tpssim/trace_export.hpp"

#include <fmt/format.h>

namespace tpssim {

using namespace trace_export;

namespace {

std::string string_attribute(std::string_view key, std::string_view value) {
    return fmt::format("{{\"key\":\"{}\",\"value\":{{\"stringValue\":{}}}}}", key,
                       json_string(value));
}

} // namespace

std::string otlp_traces_json(const models::RunResult& run, const TraceExportContext& context) {
    const auto& spans = run.spans;
    const std::int64_t epoch = epoch_unix_nanos(run.start);
    const std::uint64_t high = trace_id_high(context.scenario, context.seed);
    const std::vector<SpanKind> kinds = span_kinds(spans);
    // The rows of each service, in the kept traces' order (slowest first), then span order.
    std::vector<std::vector<std::uint32_t>> rows_of(run.services.size());
    for (const auto& trace : run.slowest_traces)
        for (std::uint32_t r = trace.first_row; r < trace.first_row + trace.rows; ++r)
            rows_of[spans.service[r]].push_back(r);
    std::string out = "{\"resourceSpans\":[";
    bool first_resource = true;
    for (std::size_t s = 0; s < rows_of.size(); ++s) {
        if (rows_of[s].empty()) continue;
        out += fmt::format("{}\n{{\"resource\":{{\"attributes\":[{},{},{}]}},",
                           first_resource ? "" : ",",
                           string_attribute("service.name", run.services[s].name),
                           string_attribute("tpssim.scenario", context.scenario),
                           string_attribute("tpssim.seed", fmt::format("{}", context.seed)));
        first_resource = false;
        out += fmt::format("\"scopeSpans\":[{{\"scope\":{{\"name\":\"tpssim\",\"version\":{}}},"
                           "\"spans\":[",
                           json_string(context.tpssim_version));
        bool first_span = true;
        for (const std::uint32_t r : rows_of[s]) {
            const std::uint64_t trace = spans.trace_id[r];
            const std::string trace_id = trace_id_hex(high, trace);
            const SpanTimes times = span_times(spans, r, epoch);
            out += fmt::format("{}\n{{\"traceId\":\"{}\",\"spanId\":\"{}\",", first_span ? "" : ",",
                               trace_id, span_id_hex(trace, spans.span_id[r]));
            first_span = false;
            const bool has_parent = spans.parent_id[r] != models::SpanColumns::kNoParent;
            const bool follows = spans.ref[r] == models::SpanRef::FollowsFrom;
            if (has_parent && !follows)
                out +=
                    fmt::format("\"parentSpanId\":\"{}\",", span_id_hex(trace, spans.parent_id[r]));
            out += fmt::format(
                "\"name\":{},\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\","
                "\"attributes\":[{}",
                json_string(spans.operations[spans.operation[r]]), static_cast<int>(kinds[r]),
                times.start_unix_nanos, times.end_unix_nanos,
                string_attribute("tpssim.outcome", models::to_string(spans.outcome[r])));
            // Integers are strings in OTLP JSON (int64), doubles numbers.
            if (spans.replica[r] != models::SpanColumns::kNoReplica)
                out +=
                    fmt::format(",{{\"key\":\"tpssim.replica\",\"value\":{{\"intValue\":\"{}\"}}}}",
                                spans.replica[r]);
            if (spans.delivery[r] > 0)
                out += fmt::format(
                    ",{{\"key\":\"tpssim.delivery\",\"value\":{{\"intValue\":\"{}\"}}}}",
                    spans.delivery[r]);
            if (spans.wait_seconds[r] > 0.0)
                out += fmt::format(
                    ",{{\"key\":\"tpssim.wait_seconds\",\"value\":{{\"doubleValue\":{}}}}}",
                    spans.wait_seconds[r]);
            out += fmt::format(
                ",{{\"key\":\"tpssim.self_seconds\",\"value\":{{\"doubleValue\":{}}}}}]",
                spans.self_seconds[r]);
            if (has_parent && follows)
                out += fmt::format(",\"links\":[{{\"traceId\":\"{}\",\"spanId\":\"{}\","
                                   "\"attributes\":[{}]}}]",
                                   trace_id, span_id_hex(trace, spans.parent_id[r]),
                                   string_attribute("opentracing.ref_type", "follows_from"));
            // Status: ERROR (2) with the outcome for a failed span; unset otherwise.
            if (is_error(spans.outcome[r]))
                out += fmt::format(",\"status\":{{\"code\":2,\"message\":\"{}\"}}",
                                   models::to_string(spans.outcome[r]));
            out += "}";
        }
        out += "]}]}";
    }
    out += "\n]}\n";
    return out;
}

} // namespace tpssim

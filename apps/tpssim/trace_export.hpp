#pragma once
/// The sampled end-to-end traces of a run (`tpssim run --traces FILE`) in the formats that
/// tracing tools read: Jaeger's JSON (what its UI's "JSON File" upload takes) or OTLP JSON
/// (OpenTelemetry's protocol in its JSON encoding, what a collector's OTLP/HTTP receiver
/// takes). Both carry the same spans, ids and times; this header holds what they share.
///
/// Ids: a trace id is 16 bytes (32 hex digits): 8 derived from the scenario's name and seed,
/// so that the traces of different runs loaded together stay apart, then the trace's number as
/// the report prints it (`trace 2861` ends in `0000000000000b2d`). A span id is 8 bytes: the
/// low 4 bytes of the trace's number, then the span's index in its trace plus 1 (never 0, which
/// both formats reserve for "no span"), so span ids are unique in the whole file.
///
/// Times: the run's simulated nanoseconds from an epoch: the scenario's calendar `start:` read
/// as UTC, else Monday 1970-01-05 00:00 UTC, the instant the model reads t = 0 as for daily and
/// weekly load patterns (models::Calendar).

#include "models/run_result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim {

/// The format of `--traces`.
enum class TraceFormat : std::uint8_t { Jaeger, Otlp };

/// "jaeger" or "otlp"; nullopt for anything else.
std::optional<TraceFormat> parse_trace_format(std::string_view name);

/// What a traces file says about the run besides its spans.
struct TraceExportContext {
    std::string scenario;       ///< the scenario's name
    std::uint64_t seed = 0;     ///< the run's seed
    std::string tpssim_version; ///< the instrumentation scope's version (OTLP)
};

/// The kept traces of `run` (its `slowest_traces`, slowest first) as one JSON document in
/// `format`, ending with a newline. Same run, same bytes.
std::string traces_json(TraceFormat format, const models::RunResult& run,
                        const TraceExportContext& context);

/// Jaeger's JSON: {"data": [one trace: {traceID, spans, processes}]}.
std::string jaeger_traces_json(const models::RunResult& run, const TraceExportContext& context);
/// OTLP JSON: {"resourceSpans": [one per service: {resource, scopeSpans: [{scope, spans}]}]}.
std::string otlp_traces_json(const models::RunResult& run, const TraceExportContext& context);

namespace trace_export {

/// OpenTelemetry's SpanKind (its enum values, as OTLP writes them).
enum class SpanKind : std::uint8_t {
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5
};
/// "internal", "server", "client", "producer", "consumer": Jaeger's `span.kind` tag.
std::string_view to_string(SpanKind kind);

/// Each span's kind (one per row of `spans`), from its place in its trace: a span that follows
/// from its parent (a queue item's delivery) is a consumer; else a service's own span
/// (operation "handle") a server; else a span with a delivery following from it a producer;
/// one with another service's span under it (a call) a client; any other (a work step)
/// internal.
std::vector<SpanKind> span_kinds(const models::SpanColumns& spans);

/// Whether a span with this outcome failed (Jaeger's `error` tag, OTLP's error status): an
/// error, a timeout, a rejection, a dead letter.
bool is_error(models::SpanOutcome outcome);

/// Nanoseconds since the Unix epoch of simulated t = 0 (see the file comment).
std::int64_t epoch_unix_nanos(const std::optional<std::chrono::local_seconds>& start);

/// A span's start and end in nanoseconds since the Unix epoch.
struct SpanTimes {
    std::int64_t start_unix_nanos = 0;
    std::int64_t end_unix_nanos = 0;
};
SpanTimes span_times(const models::SpanColumns& spans, std::size_t row, std::int64_t epoch_nanos);

/// The high 8 bytes of every trace id of a run: a hash of its scenario's name and seed, never 0.
std::uint64_t trace_id_high(std::string_view scenario, std::uint64_t seed);
/// 32 lowercase hex digits.
std::string trace_id_hex(std::uint64_t high, std::uint64_t trace);
/// 16 lowercase hex digits, never all zeros.
std::string span_id_hex(std::uint64_t trace, std::uint32_t span);

/// `text` as a JSON string, quotes included.
std::string json_string(std::string_view text);

} // namespace trace_export
} // namespace tpssim

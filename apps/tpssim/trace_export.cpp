#include "apps/tpssim/trace_export.hpp"

#include "models/load_profile.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tpssim {

std::optional<TraceFormat> parse_trace_format(std::string_view name) {
    if (name == "jaeger") return TraceFormat::Jaeger;
    if (name == "otlp") return TraceFormat::Otlp;
    return std::nullopt;
}

std::string traces_json(TraceFormat format, const models::RunResult& run,
                        const TraceExportContext& context) {
    return format == TraceFormat::Jaeger ? jaeger_traces_json(run, context)
                                         : otlp_traces_json(run, context);
}

namespace trace_export {

std::string_view to_string(SpanKind kind) {
    switch (kind) {
    case SpanKind::Server:
        return "server";
    case SpanKind::Client:
        return "client";
    case SpanKind::Producer:
        return "producer";
    case SpanKind::Consumer:
        return "consumer";
    case SpanKind::Internal:
        break;
    }
    return "internal";
}

std::vector<SpanKind> span_kinds(const models::SpanColumns& spans) {
    using models::SpanColumns;
    using models::SpanRef;
    // A span's row is its trace's first row plus its index (Tracer::export_kept), so a parent's
    // row is this row minus the difference of the indices.
    std::vector<bool> has_follower(spans.size(), false), has_callee(spans.size(), false);
    for (std::size_t row = 0; row < spans.size(); ++row) {
        if (spans.parent_id[row] == SpanColumns::kNoParent) continue;
        const std::size_t parent = row - (spans.span_id[row] - spans.parent_id[row]);
        if (spans.ref[row] == SpanRef::FollowsFrom)
            has_follower[parent] = true;
        else if (spans.service[row] != spans.service[parent])
            has_callee[parent] = true;
    }
    std::vector<SpanKind> kinds(spans.size(), SpanKind::Internal);
    for (std::size_t row = 0; row < spans.size(); ++row) {
        if (spans.ref[row] == SpanRef::FollowsFrom)
            kinds[row] = SpanKind::Consumer;
        else if (spans.operations[spans.operation[row]] == "handle")
            kinds[row] = SpanKind::Server;
        else if (has_follower[row])
            kinds[row] = SpanKind::Producer;
        else if (has_callee[row])
            kinds[row] = SpanKind::Client;
    }
    return kinds;
}

bool is_error(models::SpanOutcome outcome) {
    using models::SpanOutcome;
    return outcome == SpanOutcome::Error || outcome == SpanOutcome::TimedOut ||
           outcome == SpanOutcome::Rejected || outcome == SpanOutcome::DeadLettered;
}

std::int64_t epoch_unix_nanos(const std::optional<std::chrono::local_seconds>& start) {
    const std::chrono::local_seconds t0 = start.value_or(models::Calendar{}.start);
    return static_cast<std::int64_t>(t0.time_since_epoch().count()) * 1'000'000'000LL;
}

SpanTimes span_times(const models::SpanColumns& spans, std::size_t row, std::int64_t epoch_nanos) {
    // The columns hold seconds converted from integer nanoseconds; rounding recovers them exactly
    // (a run's times stay far below 2^53 ns).
    const std::int64_t start = std::llround(spans.start_seconds[row] * 1e9);
    const std::int64_t duration = std::llround(spans.duration_seconds[row] * 1e9);
    return {epoch_nanos + start, epoch_nanos + start + duration};
}

std::uint64_t trace_id_high(std::string_view scenario, std::uint64_t seed) {
    // FNV-1a over the name, a separator and the seed's decimal digits: stable across platforms.
    std::uint64_t h = 14695981039346656037ULL;
    auto add = [&](std::string_view bytes) {
        for (const char c : bytes) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ULL;
        }
    };
    add(scenario);
    add(std::string_view("\0", 1));
    add(fmt::format("{}", seed));
    return h == 0 ? 1 : h;
}

std::string trace_id_hex(std::uint64_t high, std::uint64_t trace) {
    return fmt::format("{:016x}{:016x}", high, trace);
}

std::string span_id_hex(std::uint64_t trace, std::uint32_t span) {
    return fmt::format("{:08x}{:08x}", static_cast<std::uint32_t>(trace), span + 1U);
}

std::string json_string(std::string_view text) {
    return nlohmann::json(std::string(text)).dump();
}

} // namespace trace_export
} // namespace tpssim

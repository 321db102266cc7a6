#include "models/metrics.hpp"

namespace models {

const std::vector<MetricInfo>& metric_catalogue() {
    using S = MetricSubject;
    static const std::vector<MetricInfo> catalogue = {
        // Per service or queue.
        {"tps_request_rate", "request_rate", S::Service, "1/s", "requests arriving per second"},
        {"tps_throughput", "throughput", S::Service, "1/s", "requests completed per second"},
        {"tps_error_ratio", "error_rate", S::Service, "ratio",
         "share of the requests ended in the interval that failed, were rejected or timed out"},
        {"tps_rejected_rate", "rejected_rate", S::Service, "1/s",
         "requests turned away by a full queue per second"},
        {"tps_queue_depth", "queue_depth", S::Service, "count", "requests waiting"},
        {"tps_queue_fill_ratio", "queue_fill", S::Service, "ratio",
         "requests waiting (stored, for a queue) over the capacity; 0 when unbounded"},
        {"tps_utilization", "utilization", S::Service, "ratio",
         "busy worker time over ready worker time in the interval"},
        {"tps_replicas", "replicas", S::Service, "count", "ready replicas (workers)"},
        {"tps_replicas_desired", "desired_replicas", S::Service, "count",
         "replicas asked for (ready or starting)"},
        {"tps_latency_p50_seconds", "p50", S::Service, "seconds",
         "median latency of the requests ended in the interval"},
        {"tps_latency_p90_seconds", "p90", S::Service, "seconds",
         "90th percentile latency of the requests ended in the interval"},
        {"tps_latency_p99_seconds", "p99", S::Service, "seconds",
         "99th percentile latency of the requests ended in the interval"},
        {"tps_cpu_cores", "cpu", S::Service, "cores", "CPU in use (cpu_per_request x rate)"},
        {"tps_memory_bytes", "memory", S::Service, "bytes", "mean memory of a ready replica"},
        {"tps_dead_lettered_total", "dead_lettered", S::Service, "count",
         "items sent to the dead-letter queue so far"},
        {"tps_redelivered_total", "redelivered", S::Service, "count",
         "items delivered again after a failure so far"},
        {"tps_duplicates_total", "duplicates", S::Service, "count",
         "items processed again after a queue backend outage so far"},
        // Per call edge.
        {"tps_call_rate", "call_rate", S::Edge, "1/s", "calls made per second"},
        {"tps_call_error_ratio", "call_error_rate", S::Edge, "ratio",
         "failed attempts over attempts in the interval"},
        {"tps_call_timeout_rate", "timeouts", S::Edge, "1/s", "attempts timed out per second"},
        {"tps_retry_rate", "retries", S::Edge, "1/s", "retries started per second"},
        {"tps_not_permitted_rate", "not_permitted", S::Edge, "1/s",
         "attempts refused by an open breaker per second"},
        {"tps_fallback_rate", "fallbacks", S::Edge, "1/s", "fallbacks served per second"},
        {"tps_cache_hit_ratio", "cache_hit_ratio", S::Edge, "ratio",
         "cache hits over lookups in the interval; 0 without lookups"},
        {"tps_breaker_state", "breaker_state", S::Edge, "state",
         "circuit breaker: 0 closed, 1 half-open, 2 open"},
        // Per network link.
        {"tps_link_utilization", "link_utilization", S::Link, "ratio",
         "share of the link's bandwidth in use (own traffic and background)"},
        {"tps_link_bytes_rate", "link_bytes_rate", S::Link, "bytes/s",
         "bytes sent over the link per second"},
    };
    return catalogue;
}

const MetricInfo* find_metric(std::string_view name) {
    for (const auto& m : metric_catalogue())
        if (m.name == name || m.alias == name) return &m;
    return nullptr;
}

} // namespace models

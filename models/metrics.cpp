#include "models/metrics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace tpssim::models {

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

namespace {

// What the recorder computes for each catalogue entry. The catalogue is the single list of
// names; this table maps each name to its formula once, so `record` switches on a small enum
// instead of comparing strings at every scrape.
enum class Formula : std::uint8_t {
    RequestRate,
    Throughput,
    ErrorRatio,
    RejectedRate,
    QueueDepth,
    QueueFill,
    Utilization,
    Replicas,
    ReplicasDesired,
    LatencyP50,
    LatencyP90,
    LatencyP99,
    CpuCores,
    MemoryBytes,
    DeadLetteredTotal,
    RedeliveredTotal,
    DuplicatesTotal,
    CallRate,
    CallErrorRatio,
    CallTimeoutRate,
    RetryRate,
    NotPermittedRate,
    FallbackRate,
    CacheHitRatio,
    BreakerState,
    LinkUtilization,
    LinkBytesRate,
};

Formula formula_of(std::string_view name) {
    static const std::pair<std::string_view, Formula> table[] = {
        {"tps_request_rate", Formula::RequestRate},
        {"tps_throughput", Formula::Throughput},
        {"tps_error_ratio", Formula::ErrorRatio},
        {"tps_rejected_rate", Formula::RejectedRate},
        {"tps_queue_depth", Formula::QueueDepth},
        {"tps_queue_fill_ratio", Formula::QueueFill},
        {"tps_utilization", Formula::Utilization},
        {"tps_replicas", Formula::Replicas},
        {"tps_replicas_desired", Formula::ReplicasDesired},
        {"tps_latency_p50_seconds", Formula::LatencyP50},
        {"tps_latency_p90_seconds", Formula::LatencyP90},
        {"tps_latency_p99_seconds", Formula::LatencyP99},
        {"tps_cpu_cores", Formula::CpuCores},
        {"tps_memory_bytes", Formula::MemoryBytes},
        {"tps_dead_lettered_total", Formula::DeadLetteredTotal},
        {"tps_redelivered_total", Formula::RedeliveredTotal},
        {"tps_duplicates_total", Formula::DuplicatesTotal},
        {"tps_call_rate", Formula::CallRate},
        {"tps_call_error_ratio", Formula::CallErrorRatio},
        {"tps_call_timeout_rate", Formula::CallTimeoutRate},
        {"tps_retry_rate", Formula::RetryRate},
        {"tps_not_permitted_rate", Formula::NotPermittedRate},
        {"tps_fallback_rate", Formula::FallbackRate},
        {"tps_cache_hit_ratio", Formula::CacheHitRatio},
        {"tps_breaker_state", Formula::BreakerState},
        {"tps_link_utilization", Formula::LinkUtilization},
        {"tps_link_bytes_rate", Formula::LinkBytesRate},
    };
    for (const auto& [n, f] : table)
        if (n == name) return f;
    // A catalogue entry without a formula is a programming error caught by the first test.
    throw std::logic_error("metrics: no formula for catalogue entry " + std::string(name));
}

struct SubjectFormulas {
    std::vector<const MetricInfo*> info;
    std::vector<Formula> formula;
};

// The catalogue's entries about `subject`, in catalogue order (the column order).
const SubjectFormulas& formulas(MetricSubject subject) {
    static const auto all = [] {
        std::vector<SubjectFormulas> by_subject(3);
        for (const auto& m : metric_catalogue()) {
            auto& f = by_subject[static_cast<std::size_t>(m.subject)];
            f.info.push_back(&m);
            f.formula.push_back(formula_of(m.name));
        }
        return by_subject;
    }();
    return all[static_cast<std::size_t>(subject)];
}

// Counter increments as doubles (a counter that went backwards gives a negative delta rather
// than a wrapped 1.8e19).
double delta(std::uint64_t now, std::uint64_t before) {
    return static_cast<double>(now) - static_cast<double>(before);
}
// `part / whole`, 0 when there is nothing to divide (no request ended, no ready worker).
double ratio(double part, double whole) {
    return whole > 0.0 ? part / whole : 0.0;
}

double service_value(Formula f, const ServiceReading& now, const ServiceReading& before,
                     double dt_seconds) {
    const auto rate = [&](double d) { return ratio(d, dt_seconds); };
    switch (f) {
    case Formula::RequestRate:
        return rate(delta(now.arrivals, before.arrivals));
    case Formula::Throughput:
        return rate(delta(now.completed, before.completed));
    case Formula::ErrorRatio: {
        const double bad = delta(now.failed, before.failed) + delta(now.rejected, before.rejected) +
                           delta(now.timed_out, before.timed_out);
        return ratio(bad, bad + delta(now.completed, before.completed));
    }
    case Formula::RejectedRate:
        return rate(delta(now.rejected, before.rejected));
    case Formula::QueueDepth:
        return now.queue_depth;
    case Formula::QueueFill:
        return std::isfinite(now.queue_capacity) ? ratio(now.queue_depth, now.queue_capacity) : 0.0;
    case Formula::Utilization:
        return ratio(now.busy_worker_seconds - before.busy_worker_seconds,
                     now.ready_worker_seconds - before.ready_worker_seconds);
    case Formula::Replicas:
        return now.replicas_ready;
    case Formula::ReplicasDesired:
        return now.replicas_desired;
    case Formula::LatencyP50:
        return now.interval_latency_p50_p90_p99[0];
    case Formula::LatencyP90:
        return now.interval_latency_p50_p90_p99[1];
    case Formula::LatencyP99:
        return now.interval_latency_p50_p90_p99[2];
    case Formula::CpuCores:
        return rate(now.cpu_seconds - before.cpu_seconds);
    case Formula::MemoryBytes:
        return now.memory_bytes;
    case Formula::DeadLetteredTotal:
        return static_cast<double>(now.dead_lettered);
    case Formula::RedeliveredTotal:
        return static_cast<double>(now.redelivered);
    case Formula::DuplicatesTotal:
        return static_cast<double>(now.duplicates);
    default:
        break;
    }
    throw std::logic_error("metrics: not a service formula");
}

double edge_value(Formula f, const EdgeReading& now, const EdgeReading& before, double dt_seconds) {
    const auto rate = [&](double d) { return ratio(d, dt_seconds); };
    switch (f) {
    case Formula::CallRate:
        return rate(delta(now.calls, before.calls));
    case Formula::CallErrorRatio:
        return ratio(delta(now.errors, before.errors), delta(now.attempts, before.attempts));
    case Formula::CallTimeoutRate:
        return rate(delta(now.timeouts, before.timeouts));
    case Formula::RetryRate:
        return rate(delta(now.retries, before.retries));
    case Formula::NotPermittedRate:
        return rate(delta(now.not_permitted, before.not_permitted));
    case Formula::FallbackRate:
        return rate(delta(now.fallbacks, before.fallbacks));
    case Formula::CacheHitRatio: {
        const double hits = delta(now.cache_hits, before.cache_hits);
        return ratio(hits, hits + delta(now.cache_misses, before.cache_misses));
    }
    case Formula::BreakerState:
        return now.breaker_state;
    default:
        break;
    }
    throw std::logic_error("metrics: not an edge formula");
}

double link_value(Formula f, const LinkReading& now, const LinkReading& before, double dt_seconds) {
    switch (f) {
    case Formula::LinkUtilization:
        return now.utilization;
    case Formula::LinkBytesRate:
        return ratio(now.bytes - before.bytes, dt_seconds);
    default:
        break;
    }
    throw std::logic_error("metrics: not a link formula");
}

} // namespace

std::array<double, 3> interval_latency_quantiles(const sim::QuantileSketch& interval) {
    std::array<double, 3> p50_p90_p99;
    p50_p90_p99.fill(std::numeric_limits<double>::quiet_NaN());
    static constexpr std::array<double, 3> kQs = {0.50, 0.90, 0.99};
    if (interval.count() > 0) interval.quantiles_seconds(kQs, p50_p90_p99);
    return p50_p90_p99;
}

MetricsRecorder::MetricsRecorder(std::vector<std::string> services, std::vector<std::string> edges,
                                 std::vector<std::string> links)
    : n_services_(services.size()), n_edges_(edges.size()), n_links_(links.size()) {
    const auto add = [this](MetricSubject subject, const std::vector<std::string>& names) {
        for (const auto& name : names)
            for (const MetricInfo* m : formulas(subject).info)
                columns_.push_back(Column{std::string(m->name), name, std::string(m->unit), {}});
    };
    add(MetricSubject::Service, services);
    add(MetricSubject::Edge, edges);
    add(MetricSubject::Link, links);
    // Up to 16 scrapes staged (a block of 16 values is two cache lines of a column, written at
    // once), in at most 2 MiB: 11 scrapes of 1,000 services' 23,000 columns, 1 of 100,000.
    constexpr std::size_t kStageRows = 16, kStageBytes = std::size_t{2} << 20;
    const std::size_t row_bytes = std::max<std::size_t>(1, columns_.size()) * sizeof(double);
    stage_capacity_rows_ = std::clamp<std::size_t>(kStageBytes / row_bytes, 1, kStageRows);
    staged_.resize(stage_capacity_rows_ * columns_.size());
    staged_kept_.resize(stage_capacity_rows_);
    latest_.assign(columns_.size(), std::numeric_limits<double>::quiet_NaN());
    totals_.resize(columns_.size());
    // Counters start at 0 at t = 0, so the first row's rates are since the start.
    previous_.services.resize(n_services_);
    previous_.edges.resize(n_edges_);
    previous_.links.resize(n_links_);
}

void MetricsRecorder::record(SimTime now, const std::vector<ServiceReading>& services,
                             const std::vector<EdgeReading>& edges,
                             const std::vector<LinkReading>& links) {
    if (services.size() != n_services_ || edges.size() != n_edges_ || links.size() != n_links_)
        throw std::invalid_argument("metrics: readings do not match the recorder's subjects");
    const double now_seconds = now.seconds();
    const double dt_seconds = now_seconds - previous_.t;

    // The stage is flushed when full before a row is added, so that after `record` the latest
    // scrape is always its last row (what `latest` reads).
    if (staged_rows_ == stage_capacity_rows_) flush();
    double* const row = staged_.data() + staged_rows_ * columns_.size();
    std::size_t c = 0;
    const auto& sf = formulas(MetricSubject::Service).formula;
    for (std::size_t i = 0; i < n_services_; ++i) {
        for (Formula f : sf)
            row[c++] = service_value(f, services[i], previous_.services[i], dt_seconds);
    }
    const auto& ef = formulas(MetricSubject::Edge).formula;
    for (std::size_t i = 0; i < n_edges_; ++i)
        for (Formula f : ef)
            row[c++] = edge_value(f, edges[i], previous_.edges[i], dt_seconds);
    const auto& lf = formulas(MetricSubject::Link).formula;
    for (std::size_t i = 0; i < n_links_; ++i)
        for (Formula f : lf)
            row[c++] = link_value(f, links[i], previous_.links[i], dt_seconds);
    // Keep every stride-th scrape; when the record is full, keep every other row and double
    // the stride: the whole run stays covered, at a coarser resolution, in bounded memory.
    const bool kept = scrapes_ % stride_ == 0;
    staged_kept_[staged_rows_++] = kept ? 1 : 0;
    if (kept) {
        times_.push_back(now_seconds);
        if (times_.size() >= max_rows_) {
            flush();
            auto halve = [](std::vector<double>& v) {
                std::size_t w = 0;
                for (std::size_t r = 0; r < v.size(); r += 2)
                    v[w++] = v[r];
                v.resize(w);
            };
            halve(times_);
            for (auto& col : columns_)
                halve(col.values);
            stride_ *= 2;
        }
    }
    ++scrapes_;

    previous_.t = now_seconds;
    previous_.services = services;
    previous_.edges = edges;
    previous_.links = links;
}

std::size_t MetricsRecorder::find(std::string_view metric, std::string_view subject) const {
    const MetricInfo* info = find_metric(metric);
    if (info == nullptr) return npos;
    for (std::size_t c = 0; c < columns_.size(); ++c)
        if (columns_[c].name == info->name && columns_[c].subject == subject) return c;
    return npos;
}

void MetricsRecorder::SeriesTotals::add(double value) {
    if (std::isnan(value)) return;
    if (samples == 0 || value < min) min = value;
    if (samples == 0 || value > max) max = value;
    sum += value;
    last = value;
    ++samples;
}

double MetricsRecorder::latest(std::size_t c) const {
    if (c >= columns_.size()) return std::numeric_limits<double>::quiet_NaN();
    if (staged_rows_ > 0) return staged_[(staged_rows_ - 1) * columns_.size() + c];
    return latest_[c];
}

void MetricsRecorder::flush() const {
    if (staged_rows_ == 0) return;
    const std::size_t n = columns_.size();
    std::size_t kept_rows = 0;
    for (std::size_t r = 0; r < staged_rows_; ++r)
        kept_rows += staged_kept_[r];
    // Column by column, in order: each column's totals see its values in scrape order, as
    // they did one scrape at a time (the same sums, bit for bit).
    for (std::size_t k = 0; k < n; ++k) {
        auto& totals = totals_[k];
        auto& values = columns_[k].values;
        const std::size_t end = values.size();
        values.resize(end + kept_rows);
        std::size_t w = end;
        for (std::size_t r = 0; r < staged_rows_; ++r) {
            const double v = staged_[r * n + k];
            totals.add(v);
            if (staged_kept_[r] != 0) values[w++] = v;
        }
    }
    const double* last = staged_.data() + (staged_rows_ - 1) * n;
    std::copy(last, last + n, latest_.begin());
    staged_rows_ = 0;
}

} // namespace tpssim::models
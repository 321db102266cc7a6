#pragma once
/// Monitoring (Andon): what a Prometheus scraping the system every `scrape_interval` would
/// hold, as columns in memory. The model hands the recorder raw readings (cumulative counters,
/// integrals and instantaneous values) at each scrape; the recorder turns them into the
/// dashboard's series: rates and ratios over the last interval, gauges as read. Names follow
/// Prometheus conventions (`tps_` prefix, base units: seconds, bytes, ratios in [0, 1]).
///
/// Memory: one double per column per kept scrape (a 66 h run at 15 s with 6 services is about
/// 2 MB), bounded: beyond kMaxRows rows the record keeps every 2nd, then every 4th, ... scrape,
/// so a simulated year holds the whole run at a coarser resolution in the same memory. Alert
/// rules and `expect:` checks still see every scrape (`latest`), and each column's totals
/// (min, max, mean, last) are kept over every scrape.

#include "sim/quantile_sketch.hpp"
#include "sim/sim_time.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::models {

using sim::SimTime;

/// What a metric is about.
enum class MetricSubject : std::uint8_t { Service, Edge, Link };

/// One metric of the catalogue: its Prometheus name, the short name rules use
/// (`error_rate(api)`), what it is about, its unit and what it means.
struct MetricInfo {
    std::string_view name;  ///< "tps_error_ratio"
    std::string_view alias; ///< "error_rate"
    MetricSubject subject;
    std::string_view unit; ///< "ratio", "seconds", "bytes", "1/s", "count", "cores", "state"
    std::string_view help;
};

/// Every metric the recorder writes, in column order within one subject.
const std::vector<MetricInfo>& metric_catalogue();
/// The catalogue entry whose name or alias is `name`; nullptr if none.
const MetricInfo* find_metric(std::string_view name);

/// One scrape's raw readings of a service or queue. Counters and integrals are cumulative from
/// t = 0 (never reset by the warm-up); the recorder differences them.
struct ServiceReading {
    std::uint64_t arrivals = 0;
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t dead_lettered = 0;
    std::uint64_t redelivered = 0;
    std::uint64_t duplicates = 0;      ///< queue: items processed again after a backend outage
    double busy_worker_seconds = 0.0;  ///< integral of busy workers
    double ready_worker_seconds = 0.0; ///< integral of ready replicas
    double cpu_seconds = 0.0;          ///< CPU time used
    double queue_depth = 0.0;          ///< waiting now (a queue: items waiting at its consumer)
    double queue_capacity = std::numeric_limits<double>::infinity();
    double replicas_ready = 0.0;
    double replicas_desired = 0.0;
    double memory_bytes = 0.0; ///< mean over ready replicas
    /// p50, p90 and p99 of the latencies of the requests that ended at this service since the
    /// last scrape, in seconds (interval_latency_quantiles); NaN: none ended.
    std::array<double, 3> interval_latency_p50_p90_p99 = {std::numeric_limits<double>::quiet_NaN(),
                                                          std::numeric_limits<double>::quiet_NaN(),
                                                          std::numeric_limits<double>::quiet_NaN()};
};

/// The p50, p90 and p99 of `interval` in seconds, in one scan (NaN when it is empty): what a
/// scrape reads of a service's interval sketch, just before the model resets it (while its
/// buckets are still in the cache).
std::array<double, 3> interval_latency_quantiles(const sim::QuantileSketch& interval);

/// One scrape's raw readings of a call edge (cumulative, like ServiceReading).
struct EdgeReading {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0; ///< failed attempts
    std::uint64_t attempts = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t retries = 0;
    std::uint64_t not_permitted = 0;
    std::uint64_t fallbacks = 0;
    std::uint64_t cache_hits = 0;
    std::uint64_t cache_misses = 0;
    double breaker_state = 0.0; ///< 0 closed, 1 half-open, 2 open; 0 without a breaker
};

/// One scrape's raw readings of a network link.
struct LinkReading {
    double bytes = 0.0;       ///< cumulative bytes sent
    double utilization = 0.0; ///< now: own traffic plus background, in [0, 1)
};

/// The monitoring record: one time column and one column per (metric, subject).
class MetricsRecorder {
public:
    /// Columns for every service metric of each service, every edge metric of each edge
    /// ("worker->db"), every link metric of each link ("worker->db" too), in that order.
    MetricsRecorder(std::vector<std::string> services, std::vector<std::string> edges,
                    std::vector<std::string> links);

    /// Appends one row at `now`, from readings in the constructor's order. Rates and ratios are
    /// over [previous row, now] (since t = 0 for the first row); a ratio with nothing to divide
    /// (no request ended) is 0, a latency quantile with no request is NaN.
    void record(SimTime now, const std::vector<ServiceReading>& services,
                const std::vector<EdgeReading>& edges, const std::vector<LinkReading>& links);

    /// The column of `metric` (a name or alias) about `subject`; npos if none.
    std::size_t find(std::string_view metric, std::string_view subject) const;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    struct Column {
        std::string name;    ///< Prometheus name
        std::string subject; ///< service, queue, edge or link
        std::string unit;
        std::vector<double> values; ///< one per row
    };
    /// A column's figures over every scrape made, kept as a row or not: its values that are
    /// numbers (NaN is "no data") counted, summed, and their extremes, and its last value.
    struct SeriesTotals {
        std::uint64_t samples = 0; ///< values that are numbers
        double sum = 0.0;
        double min = std::numeric_limits<double>::quiet_NaN();
        double max = std::numeric_limits<double>::quiet_NaN();
        double last = std::numeric_limits<double>::quiet_NaN(); ///< the last number
        void add(double value);
        double mean() const {
            return samples > 0 ? sum / static_cast<double>(samples)
                               : std::numeric_limits<double>::quiet_NaN();
        }
    };
    /// One per column, in column order.
    const std::vector<SeriesTotals>& totals() const {
        flush();
        return totals_;
    }

    const std::vector<double>& times_seconds() const { return times_; }
    const std::vector<Column>& columns() const {
        flush();
        return columns_;
    }
    /// Moves the columns out, at the end of a run: the record is the largest thing a run of
    /// many services keeps, and a copy would double the peak. Nothing may be recorded after.
    std::vector<Column> take_columns() {
        flush();
        return std::move(columns_);
    }
    std::size_t rows() const { return times_.size(); }
    /// The subjects named at construction: services, edges, links.
    std::size_t service_count() const { return n_services_; }
    std::size_t edge_count() const { return n_edges_; }
    std::size_t link_count() const { return n_links_; }
    /// The value of column `c` at the latest scrape (NaN before the first), kept or not.
    double latest(std::size_t c) const;
    /// Scrapes recorded so far (kept as rows or not).
    std::uint64_t scrapes() const { return scrapes_; }
    /// Rows are kept for every stride-th scrape: 1 until the record first fills up.
    std::uint64_t stride() const { return stride_; }
    /// At most this many rows are kept (an even number >= 2); when full, every other row is
    /// dropped and the stride doubles. Default kMaxRows.
    void set_max_rows(std::size_t rows) { max_rows_ = std::max<std::size_t>(2, rows & ~1ULL); }
    static constexpr std::size_t kMaxRows = 65'536;

private:
    struct Previous {
        double t = 0.0;
        std::vector<ServiceReading> services;
        std::vector<EdgeReading> edges;
        std::vector<LinkReading> links;
    };
    /// Moves the staged scrapes into the columns and totals (a cache: logically const).
    void flush() const;

    std::size_t n_services_, n_edges_, n_links_;
    std::vector<double> times_;
    // The latest scrapes, staged row by row (one contiguous row of every column per scrape)
    // and moved into the columns a block at a time: appending one value to each of 20,000
    // columns at every scrape of 1,000 services missed the cache twice a column (its vector's
    // header and its end), a fifth of the run's misses (bench/README.md, History).
    mutable std::vector<double> staged_;            ///< staged_rows_ rows of columns_.size() values
    mutable std::vector<std::uint8_t> staged_kept_; ///< per staged row: kept as a row
    mutable std::size_t staged_rows_ = 0;
    std::size_t stage_capacity_rows_ = 1;
    mutable std::vector<Column> columns_;
    mutable std::vector<double> latest_; ///< the latest scrape's values once flushed
    mutable std::vector<SeriesTotals> totals_;
    std::uint64_t scrapes_ = 0;
    std::uint64_t stride_ = 1;
    std::size_t max_rows_ = kMaxRows;
    Previous previous_;
};

} // namespace tpssim::models
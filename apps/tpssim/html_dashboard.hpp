#pragma once
/// The dashboard page (`tpssim run --html FILE`): one self-contained HTML file, opened in any
/// browser without a network, that shows a run as an operator's dashboard: the seven panels of
/// the certification program (breaker state, queue depth, worker utilisation and replicas,
/// error rate, latency p50/p90/p99, throughput, CPU and memory) as zoomable time series over the
/// whole run, zoomed together; alerts, faults, operator actions and breaker states as bands on
/// the same time axis; the event log as a table; the slowest traces as span waterfalls. Charts
/// are drawn by dygraphs, embedded (apps/tpssim/dashboard_assets.hpp).
///
/// A page series needs no more points than a screen has pixels: each is cut into at most
/// kMaxBuckets buckets of consecutive scrapes, each bucket drawn as its min-max band and its
/// mean (as Grafana's "max data points" consolidates); the full resolution stays in the results
/// file (`--out`).

#include "apps/tpssim/run_summary.hpp"
#include "models/run_result.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace tpssim {

/// The page for the first run of `summary` (`run`: that run's own record, its metrics, event
/// log and traces). Same run, same bytes.
std::string html_dashboard(const models::RunResult& run, const RunSummary& summary);

/// A series cut into buckets: per bucket, the min, mean and max of its values that are numbers
/// (NaN where it has none).
struct BucketedSeries {
    std::vector<double> min, mean, max;
};

/// At most this many buckets per page series: about the width in pixels of a panel on a large
/// screen (two panels side by side). Each bucket is drawn as a filled min-max band, the costly
/// part of drawing: 2,000 took the holiday weekend's page twice as long to draw.
inline constexpr std::size_t kMaxBuckets = 1000;

/// The rows of `rows` rows that close each of at most `max_buckets` buckets of consecutive
/// rows (as even as whole rows allow; every row in exactly one bucket): bucket b is
/// (ends[b-1], ends[b]], the first starting at row 0.
std::vector<std::size_t> bucket_ends(std::size_t rows, std::size_t max_buckets = kMaxBuckets);

/// `values` (one per row) summarised over the buckets that `ends` closes.
BucketedSeries bucket_series(std::span<const double> values, std::span<const std::size_t> ends);

} // namespace tpssim

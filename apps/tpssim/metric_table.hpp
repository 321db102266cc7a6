#pragma once
/// The monitoring record of a run read as one long table, as the metrics CSV (`--metrics`) and
/// the results file's `metrics/` group write it: a row per kept scrape and subject, a column per
/// metric (Prometheus name). A subject is a service, a queue, a call edge or a link; an edge
/// and a link between the same services share their label ("worker->db") and so share a row.
/// A metric that does not apply to a subject has no column in the record: its cell is empty.

#include "models/metrics.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace tpssim {

struct MetricTable {
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    /// Subjects in the record's order (first appearance).
    std::vector<std::string> subjects;
    /// Metrics present in the record, in the catalogue's order.
    std::vector<const models::MetricInfo*> metrics;
    /// The record's column of metric m about subject s at [m * subjects.size() + s]; npos
    /// where the metric does not apply.
    std::vector<std::size_t> columns;

    /// The layout of a record's columns.
    explicit MetricTable(const std::vector<models::MetricsRecorder::Column>& record);

    std::size_t column(std::size_t metric, std::size_t subject) const {
        return columns[metric * subjects.size() + subject];
    }
};

} // namespace tpssim

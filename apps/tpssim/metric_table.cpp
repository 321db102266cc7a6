#include "apps/tpssim/metric_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpssim {

MetricTable::MetricTable(const std::vector<models::MetricsRecorder::Column>& record) {
    std::vector<std::size_t> subject_of(record.size());
    for (std::size_t c = 0; c < record.size(); ++c) {
        const auto it = std::find(subjects.begin(), subjects.end(), record[c].subject);
        subject_of[c] = static_cast<std::size_t>(it - subjects.begin());
        if (it == subjects.end()) subjects.push_back(record[c].subject);
    }
    for (const auto& info : models::metric_catalogue()) {
        const bool present = std::any_of(record.begin(), record.end(),
                                         [&](const auto& c) { return c.name == info.name; });
        if (present) metrics.push_back(&info);
    }
    columns.assign(metrics.size() * subjects.size(), npos);
    for (std::size_t c = 0; c < record.size(); ++c) {
        const auto m = static_cast<std::size_t>(
            std::find_if(metrics.begin(), metrics.end(),
                         [&](const auto* info) { return info->name == record[c].name; }) -
            metrics.begin());
        // Every recorded metric is in the catalogue (the recorder writes only those).
        if (m == metrics.size())
            throw std::logic_error("metric " + record[c].name + " is not in the catalogue");
        columns[m * subjects.size() + subject_of[c]] = c;
    }
}

} // namespace tpssim

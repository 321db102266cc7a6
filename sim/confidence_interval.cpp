#include "sim/confidence_interval.hpp"

#include "sim/tally.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <stdexcept>
#include <vector>

namespace tpssim::sim {

ConfidenceInterval mean_confidence_interval(std::span<const double> xs, double level) {
    Tally t;
    for (double x : xs)
        t.add(x);
    ConfidenceInterval ci{t.mean(), 0.0};
    if (t.count() < 2) return ci;
    const boost::math::students_t dist(static_cast<double>(t.count() - 1));
    const double q = boost::math::quantile(dist, 0.5 + level / 2.0);
    ci.half_width = q * t.stddev() / std::sqrt(static_cast<double>(t.count()));
    return ci;
}

ConfidenceInterval batch_means_interval(std::span<const double> series, std::size_t batches,
                                        double level) {
    if (batches < 2 || series.size() < batches)
        throw std::invalid_argument("batch_means_interval: need at least 2 batches of 1");
    const std::size_t per = series.size() / batches;
    std::vector<double> means;
    means.reserve(batches);
    for (std::size_t b = 0; b < batches; ++b) {
        double s = 0.0;
        for (std::size_t i = b * per; i < (b + 1) * per; ++i)
            s += series[i];
        means.push_back(s / static_cast<double>(per));
    }
    return mean_confidence_interval(means, level);
}

} // namespace tpssim::sim
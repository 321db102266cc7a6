#pragma once
/// Confidence intervals for the mean of independent replications (Student's t).

#include <span>

namespace tpssim::sim {

struct ConfidenceInterval {
    double mean = 0.0;
    double half_width = 0.0; ///< 0 when fewer than two observations
    double low() const { return mean - half_width; }
    double high() const { return mean + half_width; }
    bool contains(double x) const { return x >= low() && x <= high(); }
};

/// The two-sided `level` (e.g. 0.95) t-interval for the mean of `xs`.
ConfidenceInterval mean_confidence_interval(std::span<const double> xs, double level = 0.95);

/// Batch means: splits a long, autocorrelated series into `batches` contiguous batches and
/// returns the t-interval over the batch means (the classic steady-state output analysis).
ConfidenceInterval batch_means_interval(std::span<const double> series, std::size_t batches,
                                        double level = 0.95);

} // namespace tpssim::sim
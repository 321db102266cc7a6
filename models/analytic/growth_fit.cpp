#include "models/analytic/growth_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>

namespace tpssim::models::analytic {

std::string_view growth_model_name(GrowthModel m) {
    return m == GrowthModel::linear ? "linear" : "compound";
}

double GrowthFit::rate_at(double t_months) const {
    const double y = intercept + slope * t_months;
    return model == GrowthModel::linear ? y : std::exp(y);
}

double GrowthFit::monthly_growth() const {
    return model == GrowthModel::linear ? slope : std::exp(slope) - 1.0;
}

double GrowthFit::monthly_growth_low() const {
    const double b = slope - t_quantile * slope_standard_error;
    return model == GrowthModel::linear ? b : std::exp(b) - 1.0;
}

double GrowthFit::monthly_growth_high() const {
    const double b = slope + t_quantile * slope_standard_error;
    return model == GrowthModel::linear ? b : std::exp(b) - 1.0;
}

GrowthFit::Interval GrowthFit::prediction_interval(double t_months) const {
    const double n = static_cast<double>(points);
    const double d = t_months - t_mean;
    const double half =
        t_quantile * residual_standard_error * std::sqrt(1.0 + 1.0 / n + d * d / t_sxx);
    const double y = intercept + slope * t_months;
    if (model == GrowthModel::compound) return {std::exp(y - half), std::exp(y + half)};
    return {std::max(0.0, y - half), y + half};
}

GrowthFit fit_growth(std::span<const double> t_months, std::span<const double> rate,
                     GrowthModel model) {
    if (t_months.size() != rate.size())
        throw std::invalid_argument("fit_growth: times and rates differ in length");
    const auto n = static_cast<Eigen::Index>(t_months.size());
    if (n < 3)
        throw std::invalid_argument("fit_growth: expected 3 points at least (a residual error "
                                    "needs n - 2 >= 1 degrees of freedom)");
    Eigen::MatrixXd x(n, 2);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        x(i, 0) = 1.0;
        x(i, 1) = t_months[k];
        if (model == GrowthModel::compound) {
            if (!(rate[k] > 0.0))
                throw std::invalid_argument("fit_growth: compound growth needs rates > 0");
            y(i) = std::log(rate[k]);
        } else {
            y(i) = rate[k];
        }
    }
    GrowthFit f;
    f.model = model;
    f.points = t_months.size();
    f.t_mean = x.col(1).mean();
    f.t_sxx = (x.col(1).array() - f.t_mean).square().sum();
    if (!(f.t_sxx > 0.0)) throw std::invalid_argument("fit_growth: expected two distinct times");
    // Least squares through a QR decomposition (stable when the times are large numbers).
    const Eigen::Vector2d beta = x.colPivHouseholderQr().solve(y);
    f.intercept = beta(0);
    f.slope = beta(1);
    const Eigen::VectorXd residual = y - x * beta;
    const double sse = residual.squaredNorm();
    const double sst = (y.array() - y.mean()).square().sum();
    f.r_squared = sst > 0.0 ? 1.0 - sse / sst : 1.0;
    const double dof = static_cast<double>(n - 2);
    f.residual_standard_error = std::sqrt(sse / dof);
    f.slope_standard_error = f.residual_standard_error / std::sqrt(f.t_sxx);
    f.t_quantile = boost::math::quantile(boost::math::students_t(dof), 0.975);

    double rate_mean = 0.0;
    for (double r : rate)
        rate_mean += r;
    rate_mean /= static_cast<double>(rate.size());
    double rate_sse = 0.0, rate_sst = 0.0;
    for (std::size_t i = 0; i < rate.size(); ++i) {
        const double e = rate[i] - f.rate_at(t_months[i]);
        rate_sse += e * e;
        rate_sst += (rate[i] - rate_mean) * (rate[i] - rate_mean);
    }
    f.rate_scale_sse = rate_sse;
    f.rate_scale_r_squared = rate_sst > 0.0 ? 1.0 - rate_sse / rate_sst : 1.0;
    return f;
}

const GrowthFit& better_growth_model(const GrowthFit& linear, const GrowthFit& compound) {
    return compound.rate_scale_sse < linear.rate_scale_sse ? compound : linear;
}

} // namespace tpssim::models::analytic

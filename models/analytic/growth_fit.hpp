#pragma once
/// Growth of a request rate over time, fitted by ordinary least squares (Eigen): a straight
/// line, rate = a + b t, and compound growth, ln(rate) = a + b t (a constant monthly growth
/// factor e^b). Each fit gives R^2 and the residual standard error of its own regression, the
/// 95% prediction interval of one future observation (the standard OLS formula with Student's
/// t on n - 2 degrees of freedom; for compound growth computed on the log scale and mapped
/// back, so the band is asymmetric), and the residual sum of squares on the rate scale, by
/// which the two are compared (see `better_growth_model`). Time is in months throughout.

#include <cstddef>
#include <span>
#include <string_view>

namespace tpssim::models::analytic {

enum class GrowthModel { linear, compound };

/// "linear" or "compound".
std::string_view growth_model_name(GrowthModel m);

/// A fitted growth model.
struct GrowthFit {
    GrowthModel model = GrowthModel::linear;
    std::size_t points = 0;
    double intercept = 0.0; ///< a: the rate (linear) or ln(rate) (compound) at t = 0
    double slope = 0.0;     ///< b: per month, on the regression's scale
    double slope_standard_error = 0.0;
    double r_squared = 0.0;               ///< of the regression (for compound: on ln(rate))
    double residual_standard_error = 0.0; ///< s = sqrt(SSE / (n - 2)), the regression's scale
    double rate_scale_sse = 0.0;          ///< sum of squared residuals of the rate itself
    double rate_scale_r_squared = 0.0;    ///< 1 - rate_scale_sse / SST of the rate
    double t_mean = 0.0;                  ///< mean of the times, months
    double t_sxx = 0.0;                   ///< sum of (t - t_mean)^2
    double t_quantile = 0.0;              ///< Student's t, 0.975, n - 2 degrees of freedom

    /// The fitted rate at `t_months` (the median rate for compound growth).
    double rate_at(double t_months) const;
    /// Monthly growth: the added rate per month (linear) or the growth factor minus 1
    /// (compound: 0.2 for 20% a month).
    double monthly_growth() const;
    /// The 95% interval of `monthly_growth` (from the slope's standard error and t).
    double monthly_growth_low() const;
    double monthly_growth_high() const;

    struct Interval {
        double low = 0.0;
        double high = 0.0;
    };
    /// The 95% prediction interval of one observation at `t_months`:
    /// fit +- t s sqrt(1 + 1/n + (t - mean)^2 / Sxx), on the regression's scale. A linear band
    /// is cut at 0 (a rate is never negative).
    Interval prediction_interval(double t_months) const;
};

/// Fits `model` to (`t_months`[i], `rate`[i]). Needs 3 points at least (the residual error has
/// n - 2 degrees of freedom), two distinct times, and for compound growth rates > 0; throws
/// std::invalid_argument otherwise.
GrowthFit fit_growth(std::span<const double> t_months, std::span<const double> rate,
                     GrowthModel model);

/// The better of two fits of the same data: the smaller residual sum of squares on the rate
/// scale (both have two parameters, so this is also the lower AIC, n ln(SSE/n) + 4, and the
/// higher R^2 on the rate scale). A tie goes to the linear fit, the more cautious of the two
/// far out.
const GrowthFit& better_growth_model(const GrowthFit& linear, const GrowthFit& compound);

} // namespace tpssim::models::analytic

#include "sim/distribution.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <fmt/format.h>
#include <numbers>
#include <stdexcept>

namespace tpssim::sim {

namespace {
std::string fmt_seconds(double ns) {
    return fmt::format("{:g}s", ns / 1e9);
}
} // namespace

double standard_normal(RandomStream& rng) {
    const double u1 = rng.next_open01();
    const double u2 = rng.next_open01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double standard_gamma(RandomStream& rng, double shape) {
    if (shape < 1.0) {
        const double g = standard_gamma(rng, shape + 1.0);
        return g * std::pow(rng.next_open01(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        double x;
        double v;
        do {
            x = standard_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = rng.next_open01();
        if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
        if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
}

Distribution Distribution::exponential(SimTime mean) {
    assert(mean >= SimTime::zero());
    Distribution d(Kind::Exponential, static_cast<double>(mean.ns()), 0.0);
    d.mean_ns_ = d.a_;
    d.cv_ = 1.0;
    return d;
}

Distribution Distribution::constant(SimTime value) {
    assert(value >= SimTime::zero());
    Distribution d(Kind::Constant, static_cast<double>(value.ns()), 0.0);
    d.mean_ns_ = d.a_;
    d.cv_ = 0.0;
    return d;
}

Distribution Distribution::uniform(SimTime min, SimTime max) {
    assert(min >= SimTime::zero() && min <= max);
    const double lo = static_cast<double>(min.ns());
    const double hi = static_cast<double>(max.ns());
    Distribution d(Kind::Uniform, lo, hi - lo);
    d.mean_ns_ = (lo + hi) / 2.0;
    d.cv_ = d.mean_ns_ > 0 ? (hi - lo) / std::sqrt(12.0) / d.mean_ns_ : 0.0;
    return d;
}

Distribution Distribution::lognormal(SimTime mean, double cv) {
    assert(mean > SimTime::zero() && cv > 0.0);
    // If X = exp(mu + sigma Z): E X = exp(mu + sigma^2/2), cv^2 = exp(sigma^2) - 1.
    const double sigma2 = std::log1p(cv * cv);
    const double mu = std::log(static_cast<double>(mean.ns())) - sigma2 / 2.0;
    Distribution d(Kind::Lognormal, mu, std::sqrt(sigma2));
    d.mean_ns_ = static_cast<double>(mean.ns());
    d.cv_ = cv;
    return d;
}

Distribution Distribution::gamma(SimTime mean, double cv) {
    assert(mean > SimTime::zero() && cv > 0.0);
    const double shape = 1.0 / (cv * cv);
    const double scale_ns = static_cast<double>(mean.ns()) / shape;
    Distribution d(Kind::Gamma, shape, scale_ns);
    d.mean_ns_ = static_cast<double>(mean.ns());
    d.cv_ = cv;
    return d;
}

Distribution Distribution::empirical(std::vector<double> samples_seconds) {
    if (samples_seconds.empty()) throw std::invalid_argument("empirical distribution: no samples");
    auto ns = std::make_shared<std::vector<double>>();
    ns->reserve(samples_seconds.size());
    double sum = 0.0;
    for (double s : samples_seconds) {
        if (!(s >= 0.0) || !std::isfinite(s))
            throw std::invalid_argument(
                "empirical distribution: a sample is negative or not finite");
        ns->push_back(s * 1e9);
        sum += s * 1e9;
    }
    Distribution d(Kind::Empirical, 0.0, 0.0);
    d.mean_ns_ = sum / static_cast<double>(ns->size());
    double ss = 0.0;
    for (double x : *ns)
        ss += (x - d.mean_ns_) * (x - d.mean_ns_);
    const double var = ss / static_cast<double>(ns->size());
    d.cv_ = d.mean_ns_ > 0 ? std::sqrt(var) / d.mean_ns_ : 0.0;
    d.samples_ns_ = std::move(ns);
    return d;
}

SimTime Distribution::sample_other(RandomStream& rng) const {
    switch (kind_) {
    case Kind::Exponential:
        return SimTime::from_ns_rounded(-a_ * std::log(rng.next_open01()));
    case Kind::Constant:
        return SimTime::from_ns_rounded(a_);
    case Kind::Uniform:
        return SimTime::from_ns_rounded(a_ + b_ * rng.next_open01());
    case Kind::Lognormal:
        return SimTime::from_ns_rounded(std::exp(a_ + b_ * standard_normal(rng)));
    case Kind::Gamma:
        return SimTime::from_ns_rounded(b_ * standard_gamma(rng, a_));
    case Kind::Empirical:
        return SimTime::from_ns_rounded((*samples_ns_)[rng.next_below(samples_ns_->size())]);
    }
    return SimTime::zero();
}

double Distribution::mean_seconds() const {
    return mean_ns_ / 1e9;
}
double Distribution::cv() const {
    return cv_;
}

std::string Distribution::describe() const {
    switch (kind_) {
    case Kind::Exponential:
        return fmt::format("exponential(mean={})", fmt_seconds(mean_ns_));
    case Kind::Constant:
        return fmt::format("constant({})", fmt_seconds(mean_ns_));
    case Kind::Uniform:
        return fmt::format("uniform({}, {})", fmt_seconds(a_), fmt_seconds(a_ + b_));
    case Kind::Lognormal:
        return fmt::format("lognormal(mean={}, cv={:g})", fmt_seconds(mean_ns_), cv_);
    case Kind::Gamma:
        return fmt::format("gamma(mean={}, cv={:g})", fmt_seconds(mean_ns_), cv_);
    case Kind::Empirical:
        return fmt::format("empirical({} samples, mean={})", samples_ns_->size(),
                           fmt_seconds(mean_ns_));
    }
    return "?";
}

} // namespace tpssim::sim
#include "models/cache.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace tpssim::models {

namespace {

void require(bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("cache: ") + what);
}

const CacheParams& validated(const CacheParams& p) {
    p.validate();
    return p;
}

// Neumaier's compensated sum: Che's sums run over up to 10^7 terms of very different sizes,
// where a plain sum would lose the last digits the uniform case (h = C/N exactly) needs.
class CompensatedSum {
public:
    void add(double x) {
        const double t = sum_ + x;
        if (std::fabs(sum_) >= std::fabs(x))
            compensation_ += (sum_ - t) + x;
        else
            compensation_ += (x - t) + sum_;
        sum_ = t;
    }
    double value() const { return sum_ + compensation_; }

private:
    double sum_ = 0.0;
    double compensation_ = 0.0;
};

double hit_ratio_of(const ZipfKeys& z) {
    const std::vector<double> p = zipf_popularity(z.key_count, z.exponent);
    switch (z.replacement) {
    case CacheReplacement::Lru:
        return lru_hit_ratio_che(p, static_cast<double>(z.capacity_keys));
    case CacheReplacement::Perfect:
        return perfect_cache_hit_ratio(p, z.capacity_keys);
    }
    return 0.0;
}

} // namespace

void CacheParams::validate() const {
    if (const auto* f = std::get_if<FixedHitRatio>(&hits)) {
        require(f->hit_ratio >= 0.0 && f->hit_ratio <= 1.0, "hit_ratio must be in [0, 1]");
    } else {
        const auto& z = std::get<ZipfKeys>(hits);
        require(z.key_count >= 1 && z.key_count <= kMaxZipfKeys,
                "key_count must be in [1, 10000000]");
        require(std::isfinite(z.exponent) && z.exponent >= 0.0,
                "the Zipf exponent must be finite and >= 0");
    }
}

std::vector<double> zipf_popularity(std::uint64_t key_count, double exponent) {
    std::vector<double> p(key_count);
    CompensatedSum total;
    for (std::uint64_t i = key_count; i >= 1; --i) { // smallest terms first
        p[i - 1] = std::pow(static_cast<double>(i), -exponent);
        total.add(p[i - 1]);
    }
    const double norm = total.value();
    for (double& x : p)
        x /= norm;
    return p;
}

double che_characteristic_time(std::span<const double> popularity, double capacity) {
    if (capacity <= 0.0) return 0.0;
    const auto requested = static_cast<double>(
        std::count_if(popularity.begin(), popularity.end(), [](double x) { return x > 0.0; }));
    if (requested <= capacity) return std::numeric_limits<double>::infinity();

    // f(T) = sum_i (1 - exp(-p_i T)) - C is increasing and concave with f(0) = -C, and
    // f(T) <= sum_i p_i T - C = T - C, so the root lies at or above C. Newton's method started
    // at T = C, left of the root, on an increasing concave function never overshoots (each
    // tangent lies above the curve): it climbs monotonically, quadratically near the root, and
    // needs no bracket. A few dozen steps cover even C close to N (T ~ N ln N).
    double t = capacity;
    for (int step = 0; step < 1000; ++step) {
        CompensatedSum occupancy;
        CompensatedSum slope;
        for (double p : popularity) {
            const double miss = -std::expm1(-p * t); // 1 - exp(-p T), exact for small p T
            occupancy.add(miss);
            slope.add(p * (1.0 - miss));
        }
        const double f = occupancy.value() - capacity;
        const double df = slope.value();
        if (!(df > 0.0)) break;
        const double next = t - f / df;
        if (std::fabs(next - t) <= 1e-15 * t) return next;
        t = next;
    }
    return t;
}

double lru_hit_ratio_che(std::span<const double> popularity, double capacity) {
    const double t = che_characteristic_time(popularity, capacity);
    if (t == 0.0) return 0.0;
    CompensatedSum hit;
    for (double p : popularity)
        hit.add(std::isinf(t) ? p : p * -std::expm1(-p * t));
    return std::min(1.0, hit.value());
}

double perfect_cache_hit_ratio(std::span<const double> popularity, std::uint64_t capacity) {
    std::vector<double> p(popularity.begin(), popularity.end());
    const std::size_t kept = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, p.size()));
    std::nth_element(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(kept), p.end(),
                     std::greater<>());
    CompensatedSum hit;
    for (std::size_t i = 0; i < kept; ++i)
        hit.add(p[i]);
    return std::min(1.0, hit.value());
}

Cache::Cache(const CacheParams& params)
    : params_(validated(params)), hit_ratio_(std::holds_alternative<FixedHitRatio>(params.hits)
                                                 ? std::get<FixedHitRatio>(params.hits).hit_ratio
                                                 : hit_ratio_of(std::get<ZipfKeys>(params.hits))) {}

} // namespace tpssim::models
#pragma once
/// Random durations: exponential, constant, uniform, lognormal and gamma (by mean and
/// coefficient of variation), and empirical (resampled from recorded samples).
///
/// Written here rather than taken from <random>: the standard library's distributions are
/// implementation-defined, so the same seed would give other numbers under another compiler.
/// These are plain textbook algorithms over `RandomStream`, tested against their moments.

#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tpssim::sim {

/// A validated distribution of non-negative durations. Cheap to copy; `sample` is branch-light
/// (a `switch` on the kind) and allocation-free.
class Distribution {
public:
    enum class Kind : std::uint8_t { Exponential, Constant, Uniform, Lognormal, Gamma, Empirical };

    /// Exp(1/mean). mean >= 0.
    static Distribution exponential(SimTime mean);
    /// Always `value`.
    static Distribution constant(SimTime value);
    /// Uniform on [min, max], 0 <= min <= max.
    static Distribution uniform(SimTime min, SimTime max);
    /// Lognormal with the given mean and coefficient of variation (stddev / mean), cv > 0.
    static Distribution lognormal(SimTime mean, double cv);
    /// Gamma with the given mean and cv > 0: shape 1/cv^2 (Erlang-k when 1/cv^2 is whole).
    static Distribution gamma(SimTime mean, double cv);
    /// Resamples uniformly from `samples` (bootstrap), each a non-negative duration in seconds.
    static Distribution empirical(std::vector<double> samples_seconds);

    /// One draw. The exponential and constant cases are inline: they are the hot ones.
    SimTime sample(RandomStream& rng) const {
        if (kind_ == Kind::Exponential)
            return SimTime::from_ns_rounded(-a_ * std::log(rng.next_open01()));
        if (kind_ == Kind::Constant) return SimTime::from_ns_rounded(a_);
        return sample_other(rng);
    }

    Kind kind() const { return kind_; }
    /// The exact mean, in seconds.
    double mean_seconds() const;
    /// The exact coefficient of variation (0 for a constant).
    double cv() const;
    /// Human-readable description, e.g. "exponential(mean=100ms)".
    std::string describe() const;

private:
    SimTime sample_other(RandomStream& rng) const;
    Distribution(Kind k, double a, double b) : kind_(k), a_(a), b_(b) {}

    Kind kind_ = Kind::Constant;
    // Parameters in nanoseconds or shape units; meaning depends on kind_ (see the .cpp).
    double a_ = 0.0;
    double b_ = 0.0;
    double mean_ns_ = 0.0;
    double cv_ = 0.0;
    std::shared_ptr<const std::vector<double>> samples_ns_; // Empirical only
};

/// A standard normal draw (Box-Muller; one draw per call, the second value is discarded so a
/// stream's position never depends on call history parity).
double standard_normal(RandomStream& rng);
/// A Gamma(shape, 1) draw (Marsaglia-Tsang; shape < 1 via the boost u^(1/shape) trick).
double standard_gamma(RandomStream& rng, double shape);

} // namespace tpssim::sim
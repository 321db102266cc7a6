#pragma once
/// A cache in front of a call, modelled by its hit probability: each lookup hits with
/// probability h, served in the cache's own latency; a miss goes on to the call.
///
/// h is either given (`hit_ratio: 80%`) or derived at construction from how keys are requested
/// and how many the cache holds: N keys with Zipf(s) popularity (key i requested with
/// probability proportional to i^-s, independently per request: the independent reference
/// model) and a capacity of C keys.
/// - LRU: Che's approximation (Che, Tung, Wang 2002; Fricker, Robert, Roberts 2012). A key
///   stays cached for a characteristic time T (in requests) after its last request, T solving
///   sum_i (1 - exp(-p_i T)) = C; then h = sum_i p_i (1 - exp(-p_i T)). It is exact for
///   uniform popularity (h = C/N) and within a fraction of a percent for Zipf at these sizes.
/// - Perfect: a static cache of the C most popular keys (what an ideal LFU converges to),
///   h = sum of the C largest p_i: the upper bound any policy can reach, for comparison.
/// Modelling the probability rather than the keys keeps a lookup O(1) and memory-free, at the
/// price of treating successive lookups as independent.

#include "models/enum_names.hpp"
#include "sim/distribution.hpp"
#include "sim/random_stream.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

namespace tpssim::models {

/// Which steady-state hit ratio a popularity-based cache has.
enum class CacheReplacement : std::uint8_t {
    Lru,     ///< least recently used, by Che's approximation
    Perfect, ///< the C most popular keys always cached (static / ideal LFU)
};

/// The names of CacheReplacement in scenarios, logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<CacheReplacement>, 2> kCacheReplacementNames{{
    {CacheReplacement::Lru, "lru"},
    {CacheReplacement::Perfect, "perfect"},
}};
static_assert(is_dense_table(kCacheReplacementNames));
constexpr std::span<const EnumName<CacheReplacement>> enum_names(CacheReplacement) {
    return kCacheReplacementNames;
}

/// A hit probability given directly.
struct FixedHitRatio {
    double hit_ratio = 0.0; ///< in [0, 1]
};

/// A hit probability derived from Zipf key popularity and a capacity.
struct ZipfKeys {
    /// Distinct keys requested, 1 <= N <= kMaxZipfKeys.
    std::uint64_t key_count = 1;
    /// Zipf exponent s >= 0 (0 is uniform; web and key-value traces show 0.6 to 1.2).
    double exponent = 1.0;
    /// Keys the cache holds; >= N caches everything.
    std::uint64_t capacity_keys = 0;
    /// LRU (realistic) or perfect (upper bound).
    CacheReplacement replacement = CacheReplacement::Lru;
};

/// The largest key count accepted: the popularity vector is materialised at construction (8
/// bytes a key) and Che's fixed point costs a pass over it per Newton step.
inline constexpr std::uint64_t kMaxZipfKeys = 10'000'000;

/// A cache's configuration.
struct CacheParams {
    /// How the hit probability is obtained.
    std::variant<FixedHitRatio, ZipfKeys> hits = FixedHitRatio{};
    /// How long a hit takes.
    sim::Distribution latency = sim::Distribution::constant(sim::SimTime::zero());

    /// Throws std::invalid_argument naming the first field out of range.
    void validate() const;
};

/// Zipf(s) popularity over `key_count` keys, most popular first: p_i = i^-s / sum_j j^-s.
std::vector<double> zipf_popularity(std::uint64_t key_count, double exponent);

/// Che's characteristic time T (in requests) of an LRU cache of `capacity` keys: the root of
/// sum_i (1 - exp(-p_i T)) = capacity. Infinity when the keys with p_i > 0 all fit.
/// `popularity` sums to 1.
double che_characteristic_time(std::span<const double> popularity, double capacity);

/// Steady-state hit ratio of an LRU cache of `capacity` keys by Che's approximation.
double lru_hit_ratio_che(std::span<const double> popularity, double capacity);

/// Hit ratio of a static cache holding the `capacity` most popular keys: the sum of the
/// `capacity` largest p_i (any order of `popularity` accepted).
double perfect_cache_hit_ratio(std::span<const double> popularity, std::uint64_t capacity);

/// One cache: a hit probability fixed at construction, a hit latency, and counters.
class Cache {
public:
    /// Validates `params` (std::invalid_argument) and computes the hit probability.
    explicit Cache(const CacheParams& params);

    /// One lookup: true (hit) with probability hit_ratio(). Always draws exactly one number
    /// from `rng`, whatever the ratio, so a stream's later draws do not depend on it (common
    /// random numbers across sweep variants of the ratio).
    bool lookup(sim::RandomStream& rng) {
        const bool hit = rng.next_open01() < hit_ratio_;
        ++(hit ? hits_ : misses_);
        return hit;
    }
    /// How long a hit takes: one draw of `latency`.
    sim::SimTime hit_latency(sim::RandomStream& rng) const { return params_.latency.sample(rng); }

    /// The probability that a lookup hits.
    double hit_ratio() const { return hit_ratio_; }
    /// From now on, lookups hit with probability `ratio` in [0, 1] (an operator's change: a
    /// bigger cache, a warmed one), whatever the parameters said.
    void set_hit_ratio(double ratio) { hit_ratio_ = ratio; }
    /// Lookups that hit since construction or the last restart.
    std::uint64_t hits() const { return hits_; }
    /// Lookups that missed since construction or the last restart.
    std::uint64_t misses() const { return misses_; }
    /// End of warm-up: forget the counters.
    void restart_statistics() { hits_ = misses_ = 0; }

    /// The validated parameters.
    const CacheParams& params() const { return params_; }

private:
    CacheParams params_;
    double hit_ratio_;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
};

} // namespace tpssim::models
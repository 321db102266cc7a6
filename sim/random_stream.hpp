#pragma once
/// Independent random streams derived from (seed, component name, purpose).
///
/// Each random source in a model owns one stream. A stream's state depends only on the run's
/// seed and the stream's own names, never on how many other streams exist or in what order
/// they were made, so adding a component leaves every other component's numbers unchanged
/// (common random numbers across sweep variants).

#include <cstdint>
#include <pcg_random.hpp>
#include <string_view>

namespace tpssim::sim {

/// 64-bit FNV-1a: a stable, platform-independent string hash (std::hash is neither).
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// SplitMix64 finaliser: spreads nearby inputs (seed 1, seed 2) over the whole state space.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// A PCG-64 generator (pcg-cpp's `pcg64`: 128-bit state, 64-bit output, 2^127 streams).
class RandomStream {
public:
    /// The stream named (component, purpose) of the run seeded `seed`.
    RandomStream(std::uint64_t seed, std::string_view component, std::string_view purpose)
        : RandomStream(derive(seed, component, purpose)) {}

    /// Raw 64 random bits.
    std::uint64_t next_u64() { return engine_(); }

    /// Uniform on the open interval (0, 1): never exactly 0 or 1, so log(u) is always finite.
    double next_open01() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

    /// Uniform integer in [0, n), n >= 1 (Lemire's nearly-divisionless method, unbiased).
    std::uint64_t next_below(std::uint64_t n);

private:
    struct Key {
        std::uint64_t state_seed;
        std::uint64_t stream_hi;
        std::uint64_t stream_lo;
    };
    static Key derive(std::uint64_t seed, std::string_view component, std::string_view purpose);
    explicit RandomStream(const Key& k);

    pcg64 engine_;
};

} // namespace tpssim::sim
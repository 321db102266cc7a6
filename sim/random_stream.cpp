#include "sim/random_stream.hpp"

namespace tpssim::sim {

RandomStream::Key RandomStream::derive(std::uint64_t seed, std::string_view component,
                                       std::string_view purpose) {
    // Hash the names with a separator that cannot appear in either, so ("ab", "c") and
    // ("a", "bc") give different streams.
    std::uint64_t h = fnv1a64(component);
    h = fnv1a64(std::string_view("\x1f", 1), h);
    h = fnv1a64(purpose, h);
    const std::uint64_t s = splitmix64(seed);
    return Key{splitmix64(s ^ h), splitmix64(h + 0x632be59bd9b4e019ULL), splitmix64(s + h)};
}

RandomStream::RandomStream(const Key& k)
    : engine_(pcg_extras::pcg128_t(k.state_seed),
              (pcg_extras::pcg128_t(k.stream_hi) << 64) | k.stream_lo) {}

std::uint64_t RandomStream::next_below(std::uint64_t n) {
    pcg_extras::pcg128_t m = static_cast<pcg_extras::pcg128_t>(engine_()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = static_cast<pcg_extras::pcg128_t>(engine_()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

} // namespace tpssim::sim
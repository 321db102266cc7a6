#include "models/replications.hpp"

#include "sim/random_stream.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace tpssim::models {

std::uint64_t replication_seed(std::uint64_t seed, std::uint32_t r) {
    if (r == 0) return seed;
    return sim::splitmix64(seed ^ sim::splitmix64(0x5eedULL + r));
}

std::vector<RunResult> run_replications(const ModelParams& params,
                                        const ReplicationOptions& options) {
    const std::uint32_t n = options.replications;
    std::vector<std::optional<RunResult>> slots(n);
    std::uint32_t threads = options.threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, std::max(1u, n));

    std::atomic<std::uint32_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex progress_mutex;
    std::uint32_t finished = 0;

    auto worker = [&] {
        for (;;) {
            if (stop.load()) return;
            const std::uint32_t r = next.fetch_add(1);
            if (r >= n) return;
            RunOptions ro;
            ro.seed = replication_seed(options.seed, r);
            ro.until = options.until;
            ro.keep_event_log =
                (r == 0 && options.keep_first_event_log) || options.keep_every_event_log;
            ro.progress = [&](double, std::uint64_t) {
                if (options.keep_going && !options.keep_going()) stop.store(true);
                return !stop.load();
            };
            RunResult res = run_model(params, ro);
            if (res.interrupted) return;
            slots[r] = std::move(res);
            if (options.progress) {
                std::lock_guard lock(progress_mutex);
                ++finished;
                if (!options.progress(finished, n)) stop.store(true);
            }
        }
    };
    std::vector<std::jthread> pool;
    for (std::uint32_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    pool.clear(); // joins

    std::vector<RunResult> out;
    out.reserve(n);
    for (auto& s : slots)
        if (s) out.push_back(std::move(*s));
    return out;
}

} // namespace tpssim::models
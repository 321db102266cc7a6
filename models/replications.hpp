#pragma once
/// Independent replications of one model, run in parallel: one Simulation per thread, no
/// shared mutable state, results in replication order, so the outcome never depends on the
/// number of threads.

#include "models/model.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace tpssim::models {

/// The seed of replication `r` of a run seeded `seed`: replication 0 uses `seed` itself (so
/// one replication equals a plain run), the others well-mixed, distinct seeds.
std::uint64_t replication_seed(std::uint64_t seed, std::uint32_t r);

struct ReplicationOptions {
    std::uint64_t seed = 1;
    std::uint32_t replications = 1;
    /// 0: every hardware thread.
    std::uint32_t threads = 0;
    sim::SimTime until = sim::SimTime::max();
    /// Called (from worker threads, serialised) with (replications finished, total); return
    /// false to stop: replications not started are skipped, running ones finish their chunk.
    std::function<bool(std::uint32_t, std::uint32_t)> progress;
    /// Polled (from worker threads, concurrently: it must be thread-safe, e.g. read an atomic)
    /// every chunk of events of every running replication; false stops them all within their
    /// chunk, as a false from `progress` does. This is how Ctrl-C stops long replications.
    std::function<bool()> keep_going;
    /// Store the event log's rows of replication 0 (the one an output such as `--events`
    /// reads); the others, and replication 0 when false, only count their events.
    bool keep_first_event_log = true;
    /// Store every replication's event log rows (an output of every replication, `--out`).
    bool keep_every_event_log = false;
};

/// Runs the replications; result i is replication i. On a stop request the vector holds only
/// the replications that finished, in order, each flagged complete.
std::vector<RunResult> run_replications(const ModelParams& params,
                                        const ReplicationOptions& options);

} // namespace tpssim::models
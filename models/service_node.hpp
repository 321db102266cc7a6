#pragma once
/// A node of the model, indexed as `ModelParams::services`: a service (requests waiting in a
/// FIFO for a replica of its worker pool, then running its steps) or a Kanban queue (a stream
/// whose consumer is a service: its items wait in the consumer's FIFO). Each concern is its
/// own component: the worker pool, the Kanban queue, the faults in force, the canary release.

#include "models/autoscaler.hpp"
#include "models/canary.hpp"
#include "models/chaos.hpp"
#include "models/fifo_queue.hpp"
#include "models/kanban_queue.hpp"
#include "models/monitoring.hpp"
#include "models/params.hpp"
#include "models/rate_limiter.hpp"
#include "models/service_stats.hpp"
#include "models/worker_pool.hpp"
#include "sim/quantile_sketch.hpp"
#include "sim/random_stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace tpssim::models {

struct ServiceNode {
    ServiceNode(sim::RandomStream r, sim::RandomStream routing) : rng(r), routing_rng(routing) {}

    // The request path first: what every request at this service reads or writes lies in the
    // node's first lines (the FIFO, the steps, the random streams, the flags, the worker pool's
    // idle stack and counts, the statistics' counters, occupancy and sketches' headers, the
    // scrape interval's sketch), so a visit to a service not seen for a while misses a few
    // cache lines, not a dozen spread over 2 KB (docs/decisions/0009; bench/README.md, History).
    FifoQueue queue;                  ///< requests waiting for a replica (deliveries included)
    std::uint64_t direct_waiting = 0; ///< waiting requests that did not come through a queue
    std::uint64_t queue_capacity = kUnbounded; ///< a service's waiting places now in force
    double error_probability = 0.0;            ///< now in force (params, or an action)
    std::vector<StepParams> steps;             ///< resolved: never empty for a service
    std::vector<std::uint32_t> first_edge;     ///< per step: its first call's edge, if it calls
    sim::RandomStream rng;                     ///< work durations
    sim::RandomStream routing_rng;             ///< probabilities: errors, optional calls, publishes
    bool dynamic = false; ///< faults, unhealthy replicas or a canary: requests take the slow path
    /// Behind a pointer tested here, in the hot lines: every request's end asks whether the
    /// service has a release (an optional's flag sat after the release, 1.9 KB from the node's
    /// start: one more line missed per request in a large topology).
    std::unique_ptr<CanaryRelease> canary;
    bool rate_limited = false; ///< `limiter` is in force: admission asks it first
    WorkerPool pool;           ///< a service's replicas (a queue has none)
    ServiceStats stats;
    sim::QuantileSketch interval_latency; ///< requests ended since the last scrape (monitoring)
    // Off the common path: tracing, queues, operations.
    std::vector<std::uint32_t> step_ops; ///< per step: its operation id (tracing only)
    std::uint32_t handle_op = 0;         ///< the service span's operation id
    KanbanQueue kanban;                  ///< a queue's stream (unused by a service)
    ServiceFaults faults;
    std::optional<Autoscaler> autoscaler;
    bool autoscaler_disabled = false; ///< by an operator
    double last_busy_seconds = 0.0;   ///< at the previous autoscaler sync
    double last_ready_seconds = 0.0;
    CountersSinceStart since_start;
    double work_factor = 1.0; ///< now in force (params, or an action): multiplies work steps
    RateLimiter limiter;      ///< in force while `rate_limited`
    /// Placement (a cluster of nodes): nodes down now (node crashes), and the replicas asked
    /// for that no node has room for (Kubernetes' Pending pods): (replica, generation), each
    /// in the pool as starting or down, with no event scheduled until room appears.
    std::uint32_t nodes_down = 0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pending;

    /// Whether requests must take the slow path (called when a fault, a replica's health or
    /// the canary's weight changes).
    void refresh_dynamic() {
        dynamic = faults.touch_requests() || pool.unhealthy() > 0 ||
                  (canary && canary->weight() > 0.0) || work_factor != 1.0;
    }
};

} // namespace tpssim::models
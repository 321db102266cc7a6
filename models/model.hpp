#pragma once
/// The TPS model: load sources feeding services (FIFO queue + worker pool), driven by the
/// event engine of `sim/`. Built once from validated `ModelParams`, then run.

#include "models/fifo_queue.hpp"
#include "models/params.hpp"
#include "models/request_pool.hpp"
#include "models/run_result.hpp"
#include "models/service_stats.hpp"
#include "sim/random_stream.hpp"
#include "sim/simulation.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace models {

/// The model's event kinds (the engine passes them through untouched).
enum EventKind : std::uint32_t {
    kArrival = 0,     ///< target: load source; the source emits one request
    kServiceDone = 1, ///< target: service; arg: request id; a worker finishes
    kWarmupEnd = 2,   ///< statistics restart
};

class Model {
public:
    /// Builds the model's state; random streams derive from `seed` and component names.
    Model(const ModelParams& params, std::uint64_t seed);

    /// Schedules the initial events (first arrivals, end of warm-up).
    void start(sim::Simulation& sim);
    /// Reacts to one event. Called by `sim::Simulation::run`.
    void handle(sim::Simulation& sim, const sim::Event& e) {
        switch (e.kind) {
        case kArrival:
            on_arrival(sim, e.target);
            break;
        case kServiceDone:
            on_service_done(sim, e.target, static_cast<RequestId>(e.arg));
            break;
        case kWarmupEnd:
            on_warmup_end(sim);
            break;
        default:
            break;
        }
    }

    /// The figures at the simulation's current time.
    RunResult result(const sim::Simulation& sim) const;
    const RequestPool& requests() const { return requests_; }
    const ServiceStats& service_stats(std::uint32_t s) const { return services_[s].stats; }

private:
    struct SourceState {
        explicit SourceState(sim::RandomStream r) : rng(r) {}
        sim::RandomStream rng;
        double period_ns = 0.0; ///< mean inter-arrival time
        std::uint64_t emitted = 0;
    };
    struct ServiceState {
        explicit ServiceState(sim::RandomStream r) : rng(r) {}
        sim::RandomStream rng;
        FifoQueue queue;
        std::uint32_t busy = 0;
        ServiceStats stats;
    };

    void on_arrival(sim::Simulation& sim, std::uint32_t source);
    void on_service_done(sim::Simulation& sim, std::uint32_t service, RequestId id);
    void on_warmup_end(sim::Simulation& sim);
    void schedule_next_arrival(sim::Simulation& sim, std::uint32_t source);
    void enter_service(sim::Simulation& sim, std::uint32_t service, RequestId id);
    void begin_work(sim::Simulation& sim, std::uint32_t service, RequestId id);

    const ModelParams& params_;
    std::vector<SourceState> sources_;
    std::vector<ServiceState> services_;
    RequestPool requests_;
    std::size_t peak_in_flight_ = 0;
};

/// How to run a model.
struct RunOptions {
    std::uint64_t seed = 1;
    /// Horizon; defaults to the model's duration.
    sim::SimTime until = sim::SimTime::max();
    /// Called every chunk of events with (simulated seconds, events so far); return false to
    /// stop early (Ctrl-C). Not called on the hot path.
    std::function<bool(double, std::uint64_t)> progress;
};

/// Builds the model, runs it to the horizon and returns its figures.
RunResult run_model(const ModelParams& params, const RunOptions& options);

} // namespace models

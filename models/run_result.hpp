#pragma once
/// The figures of one finished run, as plain numbers (no sketches, no model state): what the
/// summary JSON, the report and the Python bindings read.

#include <cstdint>
#include <string>
#include <vector>

namespace models {

/// Summary of a distribution of durations, in seconds.
struct DurationSummary {
    double mean = 0.0;
    double p50 = 0.0;
    double p90 = 0.0;
    double p99 = 0.0;
    double max = 0.0;
};

struct ServiceResult {
    std::string name;
    std::uint64_t arrivals = 0;
    std::uint64_t completed = 0;
    std::uint64_t rejected = 0;
    std::uint64_t failed = 0;
    std::uint64_t timed_out = 0;
    std::uint64_t dead_lettered = 0;
    double throughput_per_second = 0.0; ///< completed / measured seconds
    double utilization = 0.0;           ///< busy worker-time / available worker-time
    double mean_queue_length = 0.0;     ///< time-weighted
    double mean_in_system = 0.0;        ///< time-weighted, waiting + in service
    double max_queue_length = 0.0;
    DurationSummary wait_seconds;
    DurationSummary latency_seconds;
    double replicas_min = 0.0;
    double replicas_max = 0.0;
    double replicas_time_mean = 0.0;
};

struct RunResult {
    std::uint64_t seed = 0;
    double simulated_seconds = 0.0; ///< the horizon reached
    double warmup_seconds = 0.0;
    double wall_seconds = 0.0;
    std::uint64_t events = 0;
    std::uint64_t peak_in_flight = 0; ///< most requests in the system at once
    bool interrupted = false;         ///< stopped early (Ctrl-C): figures cover [warmup, simulated]
    std::vector<ServiceResult> services;
};

} // namespace models

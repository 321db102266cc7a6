#pragma once
/// The model's events: their kinds and how their argument names a job, call slot, replica or
/// user. The engine passes both through untouched; `Model::handle` dispatches on the kind.

#include <cstdint>

namespace tpssim::models {

enum EventKind : std::uint32_t {
    kArrival = 0,       ///< target: load source; the source emits one request
    kWorkDone = 1,      ///< arg: job ref; a work step ends
    kCallTimeout = 2,   ///< target: edge; the earliest pending deadline of its calls is due
    kRetry = 3,         ///< arg: slot ref; the back-off is over, the next attempt starts
    kCallAnswered = 4,  ///< arg: slot ref; a cache hit or a fallback has been served
    kClientTimeout = 5, ///< target: load source; the earliest pending client deadline is due
    kWarmupEnd = 6,     ///< statistics restart
    kBreakerTimer = 7,  ///< target: edge; a breaker's time-driven transition is due
    kUserRequest = 8,   ///< target: closed source, arg: user; the user's think time is over
    kUserTimeout = 9,   ///< arg: (user, request number); the user's timeout for a request
    // Operations: rare events, one per replica change or timeline step.
    kDeliver = 10,      ///< arg: job ref; an attempt delayed on the network reaches its callee
    kReplicaReady = 11, ///< target: service, arg: replica ref; a starting replica is ready
    kReplicaUp = 12,    ///< target: service, arg: replica ref; a crashed replica restarts
    kReplicaOom = 13,   ///< target: service, arg: replica ref; its leak reaches the limit
    kScrape = 14,       ///< monitoring: sample the metrics, evaluate the alert rules
    kAutoscale = 15,    ///< target: service; its autoscaler's sync period is over
    kProbe = 16,        ///< target: service; its health check probes every replica
    kFaultStart = 17,   ///< target: fault
    kFaultEnd = 18,     ///< target: fault, arg: the fault's activation number
    kFaultRamp = 19,    ///< target: fault; the next step of its ramp
    kAction = 20,       ///< target: action
    kCanary = 21,       ///< target: service; its canary's analysis interval is over
};

inline constexpr std::uint32_t kNone = 0xffffffffu;

/// Packs an index and a generation into an event argument.
constexpr std::uint64_t pack_ref(std::uint32_t index, std::uint32_t gen) {
    return (static_cast<std::uint64_t>(gen) << 32) | index;
}
constexpr std::uint32_t ref_index(std::uint64_t arg) {
    return static_cast<std::uint32_t>(arg);
}
constexpr std::uint32_t ref_gen(std::uint64_t arg) {
    return static_cast<std::uint32_t>(arg >> 32);
}

} // namespace tpssim::models
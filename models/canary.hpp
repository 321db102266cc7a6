#pragma once
/// A canary rollout with Flagger's semantics (https://docs.flagger.app/usage/how-it-works), as
/// its scheduler (`advanceCanary`) runs them: from `start`, every `interval`
/// - first, when the failed checks have reached `threshold`, the canary is rolled back (weight
///   0: all traffic to the old version), before anything else: the check that reaches the
///   threshold rolls back one interval after it;
/// - else the canary's requests of the last interval are checked against the gates (success
///   rate, p99 latency). An interval with no request, or fewer than `min_requests`, is a failed
///   check (Flagger's query finds no values and halts the advance, counting a failure);
/// - a passed check adds `step_weight` to the canary's traffic weight; once the weight has
///   reached `max_weight` and a further check passes, the canary is promoted (it becomes the
///   primary: all traffic to the new version). A failed check adds to the failed-check count
///   without advancing; a passed one never resets it.
/// A pure state machine: the model feeds it counts and applies its weight.

#include "models/enum_names.hpp"
#include "models/operations_params.hpp"
#include "sim/quantile_sketch.hpp"

#include <cstdint>
#include <string_view>

namespace tpssim::models {

/// What the primary (old version) of a canary release did in one analysis interval, for the
/// gates relative to it.
struct CanaryPrimaryInterval {
    std::uint64_t requests = 0;
    std::uint64_t failures = 0;
    double p99_seconds = 0.0;
};

class CanaryAnalysis {
public:
    enum class Phase : std::uint8_t {
        Waiting,     ///< before `start`: weight 0
        Progressing, ///< analysing, weight in (0, max_weight]
        Promoted,    ///< done: the canary is the primary (weight 1)
        RolledBack,  ///< done: the canary got no traffic (weight 0)
    };
    /// What one analysis did, for the event log.
    struct Step {
        SimTime at;
        Phase phase = Phase::Waiting; ///< after this step
        double weight = 0.0;          ///< after this step
        /// NoTraffic is a failed check too (counted in failed_checks); None: not analysed.
        enum class Check : std::uint8_t { Passed, Failed, NoTraffic, None } check = Check::None;
        std::uint32_t failed_checks = 0;
        std::uint64_t requests = 0;
        double success_rate = 0.0; ///< of the interval's canary requests (1 with none)
        double p99_seconds = 0.0;  ///< of the interval's canary requests (0 with none)
        std::string_view reason;   ///< "start", "advance", "promote", "success_rate", "p99",
                                   ///< "error_rate_increase", "p99_increase", "no_traffic"
                                   ///< (failed checks), "rollback" (the threshold reached),
                                   ///< "aborted" (by an operator)
    };
    using PrimaryInterval = CanaryPrimaryInterval;

    /// `params` validated by the caller (CanaryParams' ranges).
    explicit CanaryAnalysis(const CanaryParams& params);

    /// The rollout begins at `now` (params.start): weight step_weight.
    Step begin(SimTime now);
    /// One interval's end: the rollback when the threshold was reached, else the analysis of the
    /// canary's requests in the interval (against the primary's, for the relative gates).
    Step analyse(SimTime now, std::uint64_t requests, std::uint64_t failures, double p99_seconds,
                 const PrimaryInterval& primary = {});
    /// A manual rollback (an operator action): weight 0, phase RolledBack.
    Step abort(SimTime now);

    Phase phase() const { return phase_; }
    /// Share of the service's requests sent to the canary version now, in [0, 1].
    double weight() const { return weight_; }
    std::uint32_t failed_checks() const { return failed_checks_; }
    const CanaryParams& params() const { return params_; }

private:
    CanaryParams params_;
    Phase phase_ = Phase::Waiting;
    double weight_ = 0.0;
    std::uint32_t failed_checks_ = 0;
};

/// The names of CanaryAnalysis::Phase in logs and reports (models/enum_names.hpp).
inline constexpr std::array<EnumName<CanaryAnalysis::Phase>, 4> kCanaryPhaseNames{{
    {CanaryAnalysis::Phase::Waiting, "waiting"},
    {CanaryAnalysis::Phase::Progressing, "progressing"},
    {CanaryAnalysis::Phase::Promoted, "promoted"},
    {CanaryAnalysis::Phase::RolledBack, "rolled_back"},
}};
static_assert(is_dense_table(kCanaryPhaseNames));
constexpr std::span<const EnumName<CanaryAnalysis::Phase>> enum_names(CanaryAnalysis::Phase) {
    return kCanaryPhaseNames;
}

std::string_view to_string(CanaryAnalysis::Phase phase);

/// A service's canary release: its analysis, and what the canary version's requests did in
/// the current analysis interval (what the analysis is fed at the interval's end).
class CanaryRelease {
public:
    explicit CanaryRelease(const CanaryParams& params)
        : analysis_(params),
          compares_with_primary_(params.max_error_rate_increase || params.max_p99_increase) {}

    /// A request of the canary version ended, after `latency`.
    void record(SimTime latency, bool failed) {
        ++requests_;
        if (failed) ++failures_;
        latency_.add(latency);
    }
    /// A request of the primary version ended, while the analysis compares the two.
    void record_primary(SimTime latency, bool failed) {
        if (!compares_with_primary_ || analysis_.phase() != CanaryAnalysis::Phase::Progressing)
            return;
        ++primary_requests_;
        if (failed) ++primary_failures_;
        primary_latency_.add(latency);
    }
    /// Whether the release is over (promoted or rolled back).
    bool done() const {
        return analysis_.phase() == CanaryAnalysis::Phase::Promoted ||
               analysis_.phase() == CanaryAnalysis::Phase::RolledBack;
    }
    /// The rollout's start (its first call), else the analysis of the interval that ends at
    /// `now`; the next interval starts empty.
    CanaryAnalysis::Step next_step(SimTime now);
    /// An operator's rollback.
    CanaryAnalysis::Step abort(SimTime now) { return analysis_.abort(now); }

    CanaryAnalysis::Phase phase() const { return analysis_.phase(); }
    double weight() const { return analysis_.weight(); }
    const CanaryParams& params() const { return analysis_.params(); }

private:
    CanaryAnalysis analysis_;
    std::uint64_t requests_ = 0; ///< in the current analysis interval
    std::uint64_t failures_ = 0;
    sim::QuantileSketch latency_;
    /// The primary's requests in the same interval, kept only for relative gates.
    bool compares_with_primary_ = false;
    std::uint64_t primary_requests_ = 0;
    std::uint64_t primary_failures_ = 0;
    sim::QuantileSketch primary_latency_;
};

} // namespace tpssim::models
#include "models/canary.hpp"

#include <algorithm>

namespace tpssim::models {

namespace {

// Weights are sums of step_weight (0.1 + 0.1 + 0.1 is 0.30000000000000004): compare with a
// tolerance far below any meaningful step so that 5 x 0.1 counts as having reached 0.5.
constexpr double kWeightEpsilon = 1e-9;

// A step that reports the current state (what a step that changes nothing returns).
CanaryAnalysis::Step unchanged(SimTime now, CanaryAnalysis::Phase phase, double weight,
                               std::uint32_t failed_checks) {
    CanaryAnalysis::Step step;
    step.at = now;
    step.phase = phase;
    step.weight = weight;
    step.failed_checks = failed_checks;
    step.success_rate = 1.0;
    return step;
}

} // namespace

CanaryAnalysis::CanaryAnalysis(const CanaryParams& params) : params_(params) {}

CanaryAnalysis::Step CanaryAnalysis::begin(SimTime now) {
    Step step = unchanged(now, phase_, weight_, failed_checks_);
    if (phase_ != Phase::Waiting) return step; // already begun, or aborted before the start
    phase_ = Phase::Progressing;
    weight_ = std::min(params_.step_weight, params_.max_weight);
    step.phase = phase_;
    step.weight = weight_;
    step.reason = "start";
    return step;
}

CanaryAnalysis::Step CanaryAnalysis::analyse(SimTime now, std::uint64_t requests,
                                             std::uint64_t failures, double p99_seconds,
                                             const PrimaryInterval& primary) {
    Step step = unchanged(now, phase_, weight_, failed_checks_);
    step.requests = requests;
    step.success_rate =
        requests > 0 ? 1.0 - static_cast<double>(failures) / static_cast<double>(requests) : 1.0;
    step.p99_seconds = requests > 0 ? p99_seconds : 0.0;
    if (phase_ != Phase::Progressing) return step; // not begun or ended: Check::None

    // Flagger's advanceCanary tests the failed-check count at the start of an interval, before
    // analysing it: the check that reaches the threshold rolls back one interval later.
    if (failed_checks_ >= params_.threshold) {
        phase_ = Phase::RolledBack;
        weight_ = 0.0;
        step.phase = phase_;
        step.weight = weight_;
        step.reason = "rollback";
        return step;
    }

    // Too few requests to judge is a failed check: Flagger's metric query finds no values
    // ("Halt advancement no values found ... probably not receiving traffic") and counts it, so
    // a canary that serves nothing can neither be promoted nor progress for ever.
    std::string_view failed_gate;
    if (requests == 0 || requests < params_.min_requests) {
        step.check = Step::Check::NoTraffic;
        failed_gate = "no_traffic";
    } else if (params_.min_success_rate && step.success_rate < *params_.min_success_rate) {
        failed_gate = "success_rate";
    } else if (params_.max_p99 && step.p99_seconds > params_.max_p99->seconds()) {
        failed_gate = "p99";
    } else if (primary.requests > 0) {
        // Relative to the old version in the same interval: what the new version adds.
        const double primary_error_rate =
            static_cast<double>(primary.failures) / static_cast<double>(primary.requests);
        if (params_.max_error_rate_increase &&
            (1.0 - step.success_rate) - primary_error_rate > *params_.max_error_rate_increase)
            failed_gate = "error_rate_increase";
        else if (params_.max_p99_increase &&
                 step.p99_seconds > primary.p99_seconds * (1.0 + *params_.max_p99_increase))
            failed_gate = "p99_increase";
    }

    if (!failed_gate.empty()) {
        // Flagger never resets the count on a passed check: failures anywhere in the rollout
        // add up towards the threshold.
        if (step.check == Step::Check::None) step.check = Step::Check::Failed;
        step.failed_checks = ++failed_checks_;
        step.reason = failed_gate;
    } else {
        step.check = Step::Check::Passed;
        if (weight_ >= params_.max_weight - kWeightEpsilon) {
            phase_ = Phase::Promoted;
            weight_ = 1.0;
            step.reason = "promote";
        } else {
            weight_ = std::min(weight_ + params_.step_weight, params_.max_weight);
            step.reason = "advance";
        }
    }
    step.phase = phase_;
    step.weight = weight_;
    return step;
}

CanaryAnalysis::Step CanaryAnalysis::abort(SimTime now) {
    Step step = unchanged(now, phase_, weight_, failed_checks_);
    if (phase_ == Phase::Promoted || phase_ == Phase::RolledBack) return step;
    // Aborting before the start also rolls back: the canary then never gets traffic.
    phase_ = Phase::RolledBack;
    weight_ = 0.0;
    step.phase = phase_;
    step.weight = weight_;
    step.reason = "aborted";
    return step;
}

std::string_view to_string(CanaryAnalysis::Phase phase) {
    return name_of(phase);
}

CanaryAnalysis::Step CanaryRelease::next_step(SimTime now) {
    CanaryAnalysis::PrimaryInterval primary;
    primary.requests = primary_requests_;
    primary.failures = primary_failures_;
    primary.p99_seconds =
        primary_latency_.count() > 0 ? primary_latency_.quantile_seconds(0.99) : 0.0;
    const auto step =
        analysis_.phase() == CanaryAnalysis::Phase::Waiting
            ? analysis_.begin(now)
            : analysis_.analyse(now, requests_, failures_,
                                latency_.count() > 0 ? latency_.quantile_seconds(0.99) : 0.0,
                                primary);
    requests_ = 0;
    failures_ = 0;
    latency_.reset();
    primary_requests_ = 0;
    primary_failures_ = 0;
    primary_latency_.reset();
    return step;
}

} // namespace tpssim::models
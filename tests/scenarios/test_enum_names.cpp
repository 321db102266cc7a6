// The `{value, name}` table of each model enum (models/enum_names.hpp): every enumerator named
// exactly once. Each `count` below switches over every enumerator with no default, so adding
// one to a model enum without naming it here is a -Wswitch error; the check then fails until
// the enum's table names it too.
#include "models/autoscaler.hpp"
#include "models/cache.hpp"
#include "models/call_graph.hpp"
#include "models/canary.hpp"
#include "models/circuit_breaker.hpp"
#include "models/enum_names.hpp"
#include "models/load_profile.hpp"
#include "models/operations_params.hpp"
#include "models/params.hpp"
#include "models/retry_policy.hpp"
#include "models/tracer.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

namespace {

using namespace tpssim::models;

constexpr std::size_t count(ArrivalProcess e) {
    switch (e) {
    case ArrivalProcess::Poisson:
    case ArrivalProcess::Constant:
    case ArrivalProcess::Closed:
    case ArrivalProcess::Mmpp:
        break;
    }
    return 4;
}
constexpr std::size_t count(StepParams::Kind e) {
    switch (e) {
    case StepParams::Kind::Work:
    case StepParams::Kind::Call:
    case StepParams::Kind::Parallel:
    case StepParams::Kind::Publish:
        break;
    }
    return 4;
}
constexpr std::size_t count(ServiceKind e) {
    switch (e) {
    case ServiceKind::Service:
    case ServiceKind::Queue:
        break;
    }
    return 2;
}
constexpr std::size_t count(RetryJitter e) {
    switch (e) {
    case RetryJitter::Full:
    case RetryJitter::None:
        break;
    }
    return 2;
}
constexpr std::size_t count(RefusedAttempt e) {
    switch (e) {
    case RefusedAttempt::Fail:
    case RefusedAttempt::Retry:
        break;
    }
    return 2;
}
constexpr std::size_t count(SlidingWindowType e) {
    switch (e) {
    case SlidingWindowType::CountBased:
    case SlidingWindowType::TimeBased:
        break;
    }
    return 2;
}
constexpr std::size_t count(CacheReplacement e) {
    switch (e) {
    case CacheReplacement::Lru:
    case CacheReplacement::Perfect:
        break;
    }
    return 2;
}
constexpr std::size_t count(Interpolation e) {
    switch (e) {
    case Interpolation::Step:
    case Interpolation::Linear:
        break;
    }
    return 2;
}
constexpr std::size_t count(ScalingPolicyType e) {
    switch (e) {
    case ScalingPolicyType::Pods:
    case ScalingPolicyType::Percent:
        break;
    }
    return 2;
}
constexpr std::size_t count(SelectPolicy e) {
    switch (e) {
    case SelectPolicy::Max:
    case SelectPolicy::Min:
    case SelectPolicy::Disabled:
        break;
    }
    return 3;
}
constexpr std::size_t count(ServiceOpsParams::ScalingMetric e) {
    switch (e) {
    case ServiceOpsParams::ScalingMetric::Utilization:
    case ServiceOpsParams::ScalingMetric::QueueDepthPerReplica:
        break;
    }
    return 2;
}
constexpr std::size_t count(FaultKind e) {
    switch (e) {
    case FaultKind::Latency:
    case FaultKind::Errors:
    case FaultKind::Crash:
    case FaultKind::UnhealthyWorker:
    case FaultKind::SlowQuery:
    case FaultKind::MemoryLeak:
    case FaultKind::BandwidthUsed:
    case FaultKind::BackendDown:
    case FaultKind::MonitoringDown:
    case FaultKind::AutoscalerBroken:
    case FaultKind::NodeCrash:
        break;
    }
    return 11;
}
constexpr std::size_t count(CircuitBreaker::State e) {
    switch (e) {
    case CircuitBreaker::State::Closed:
    case CircuitBreaker::State::Open:
    case CircuitBreaker::State::HalfOpen:
        break;
    }
    return 3;
}
constexpr std::size_t count(CircuitBreaker::Cause e) {
    switch (e) {
    case CircuitBreaker::Cause::FailureRateExceeded:
    case CircuitBreaker::Cause::SlowCallRateExceeded:
    case CircuitBreaker::Cause::WaitDurationElapsed:
    case CircuitBreaker::Cause::HalfOpenTrialsPassed:
    case CircuitBreaker::Cause::HalfOpenTrialsFailed:
    case CircuitBreaker::Cause::MaxWaitInHalfOpenElapsed:
        break;
    }
    return 6;
}

constexpr std::size_t count(Autoscaler::Reason e) {
    using R = Autoscaler::Reason;
    switch (e) {
    case R::MetricAboveTarget:
    case R::MetricBelowTarget:
    case R::WithinTolerance:
    case R::AboveUpThreshold:
    case R::BelowDownThreshold:
    case R::BetweenThresholds:
    case R::AboveMaxReplicas:
    case R::BelowMinReplicas:
    case R::ScalingDisabled:
    case R::MetricUnavailable:
    case R::StartingReplicas:
        break;
    }
    return 11;
}
constexpr std::size_t count(Autoscaler::Limit e) {
    using L = Autoscaler::Limit;
    switch (e) {
    case L::None:
    case L::ScaleUpLimit:
    case L::ScaleDownLimit:
    case L::TooManyReplicas:
    case L::TooFewReplicas:
    case L::Cooldown:
        break;
    }
    return 6;
}
constexpr std::size_t count(CanaryAnalysis::Phase e) {
    using P = CanaryAnalysis::Phase;
    switch (e) {
    case P::Waiting:
    case P::Progressing:
    case P::Promoted:
    case P::RolledBack:
        break;
    }
    return 4;
}
constexpr std::size_t count(SpanOutcome e) {
    switch (e) {
    case SpanOutcome::Ok:
    case SpanOutcome::Error:
    case SpanOutcome::TimedOut:
    case SpanOutcome::Rejected:
    case SpanOutcome::Fallback:
    case SpanOutcome::CacheHit:
    case SpanOutcome::NotPermitted:
    case SpanOutcome::DeadLettered:
        break;
    }
    return 8;
}
constexpr std::size_t count(SpanRef e) {
    switch (e) {
    case SpanRef::ChildOf:
    case SpanRef::FollowsFrom:
        break;
    }
    return 2;
}
constexpr std::size_t count(CallEdgeKind e) {
    switch (e) {
    case CallEdgeKind::Call:
    case CallEdgeKind::Publish:
    case CallEdgeKind::Consume:
        break;
    }
    return 3;
}

/// The table of `E` names `count(E{})` values, 0 to count - 1 in order, each once, and
/// name_of / parse_name go both ways.
template <class E>
void check_table() {
    const auto table = enum_table<E>();
    CHECK(table.size() == count(E{}));
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(static_cast<std::size_t>(table[i].value) == i);
        CHECK(names.insert(table[i].name).second);
        CHECK(name_of(table[i].value) == table[i].name);
        CHECK(parse_name<E>(table[i].name) == table[i].value);
    }
    CHECK_FALSE(parse_name<E>("no-such-name"));
    CHECK(names_of<E>().size() == table.size());
}

} // namespace

TEST_CASE("each model enum's name table names every enumerator once") {
    check_table<ArrivalProcess>();
    check_table<StepParams::Kind>();
    check_table<ServiceKind>();
    check_table<RetryJitter>();
    check_table<RefusedAttempt>();
    check_table<SlidingWindowType>();
    check_table<CacheReplacement>();
    check_table<Interpolation>();
    check_table<ScalingPolicyType>();
    check_table<SelectPolicy>();
    check_table<ServiceOpsParams::ScalingMetric>();
    check_table<FaultKind>();
    check_table<CircuitBreaker::State>();
    check_table<CircuitBreaker::Cause>();
    check_table<Autoscaler::Reason>();
    check_table<Autoscaler::Limit>();
    check_table<CanaryAnalysis::Phase>();
    check_table<SpanOutcome>();
    check_table<SpanRef>();
    check_table<CallEdgeKind>();
}

TEST_CASE("the names are the scenario format's words") {
    CHECK(name_of(FaultKind::UnhealthyWorker) == "unhealthy");
    CHECK(name_of(ServiceOpsParams::ScalingMetric::QueueDepthPerReplica) == "queue_depth");
    CHECK(name_of(SlidingWindowType::TimeBased) == "time");
    CHECK(name_of(CircuitBreaker::State::HalfOpen) == "half_open");
    CHECK(names_of<SelectPolicy>() == std::vector<std::string>{"max", "min", "disabled"});
}

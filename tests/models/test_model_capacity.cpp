// Actions that change the system (a service's work factor and rate limit, a cache's hit ratio,
// a link's payload and bandwidth) and the cluster's capacity (placement: replicas pending
// beyond the room left, node crashes). Each case checks a figure that follows from the
// setting, so a broken mechanism shows as a wrong number.

#include "models/model.hpp"

#include "model_building.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tpssim;

using models::ActionParams;
using models::ArrivalProcess;
using models::FaultKind;
using models::FaultParams;
using models::FaultTarget;
using models::ModelParams;
using models::RunResult;
using sim::Distribution;
using sim::SimTime;
using test_support::one_service;
using test_support::s;
using test_support::service;

namespace {

/// `front` (no work of its own) calls `db` (1 ms) `rate` times a second, exactly spaced.
ModelParams front_and_db(double rate, double seconds) {
    ModelParams p;
    p.duration = s(seconds);
    auto front = service("front", 50, Distribution::constant(s(0)));
    models::StepParams call;
    call.kind = models::StepParams::Kind::Call;
    models::CallParams c;
    c.target = 1;
    call.calls = {c};
    front.steps = {call};
    p.services = {front, service("db", 50, Distribution::constant(s(0.001)))};
    p.load.push_back({"users", 0, ArrivalProcess::Constant, rate});
    p.operations.services.resize(2);
    return p;
}

RunResult run(const ModelParams& p, std::uint64_t seed = 1) {
    models::RunOptions o;
    o.seed = seed;
    return models::run_model(p, o);
}

ActionParams action(ActionParams::Kind kind, FaultTarget target, double at_seconds,
                    double value = 0.0) {
    ActionParams a;
    a.kind = kind;
    a.text = "set";
    a.target = target;
    a.value = value;
    a.at = s(at_seconds);
    return a;
}

ActionParams scale_to(std::uint32_t service, std::int64_t count, double at_seconds) {
    ActionParams a =
        action(ActionParams::Kind::Scale, {FaultTarget::Kind::Service, service}, at_seconds);
    a.count = count;
    return a;
}

FaultParams node_crash(std::uint32_t nodes, double start, double back_after) {
    FaultParams f;
    f.name = "node";
    f.kind = FaultKind::NodeCrash;
    f.target = {FaultTarget::Kind::Service, 0};
    f.count = nodes;
    f.start = s(start);
    f.restart_after = s(back_after);
    f.end = s(start + back_after);
    return f;
}

const models::MetricsRecorder::Column& column(const RunResult& r, const std::string& name,
                                              const std::string& subject) {
    for (const auto& c : r.metrics)
        if (c.name == name && c.subject == subject) return c;
    FAIL("no column " << name << " " << subject);
    return r.metrics.front();
}

/// The value of a column at the scrape at time t (seconds).
double at(const RunResult& r, const models::MetricsRecorder::Column& c, double t) {
    for (std::size_t i = 0; i < r.metric_times_seconds.size(); ++i)
        if (std::abs(r.metric_times_seconds[i] - t) < 1e-9) return c.values[i];
    FAIL("no scrape at " << t);
    return 0.0;
}

std::size_t count_events(const RunResult& r, const std::string& type) {
    std::size_t n = 0;
    for (const auto e : r.event_log)
        if (e.type == type) ++n;
    return n;
}

} // namespace

// --- actions that change the system ---------------------------------------------------------

TEST_CASE("work_factor multiplies the work, from the start or from an action on") {
    // Constant 10 ms work, exactly spaced arrivals, ample workers: a request's latency is its
    // work, so the mean is exact.
    auto p = one_service(10.0, 10, Distribution::constant(s(0.01)), 1000, ArrivalProcess::Constant);
    SUBCASE("a service's work_factor") {
        p.services[0].work_factor = 2.0;
        CHECK(run(p).services[0].latency_seconds.mean == doctest::Approx(0.02).epsilon(1e-6));
    }
    SUBCASE("an action halves it at half the run") {
        p.operations.actions = {
            action(ActionParams::Kind::SetWorkFactor, {FaultTarget::Kind::Service, 0}, 500, 0.5)};
        const auto r = run(p);
        CHECK(r.services[0].latency_seconds.mean == doctest::Approx(0.0075).epsilon(1e-3));
        CHECK(count_events(r, "action") == 1);
    }
    SUBCASE("with a slow query: the factors multiply (query optimisation shortens it too)") {
        FaultParams f;
        f.kind = FaultKind::SlowQuery;
        f.target = {FaultTarget::Kind::Service, 0};
        f.fraction = 1.0;
        f.factor = 10.0;
        p.operations.faults = {f};
        p.services[0].work_factor = 0.5;
        CHECK(run(p).services[0].latency_seconds.mean == doctest::Approx(0.05).epsilon(1e-6));
    }
}

TEST_CASE("a rate limit turns away what exceeds its rate (HTTP 429, counted as rejected)") {
    // Exactly spaced arrivals at 100/s against a limit of 40/s: 40 of each 100 pass.
    auto p =
        one_service(100.0, 10, Distribution::constant(s(0.001)), 200, ArrivalProcess::Constant);
    SUBCASE("from the start") {
        p.services[0].rate_limit_per_second = 40.0;
        const auto r = run(p);
        const auto& api = r.services[0];
        // The bucket starts full (40 tokens): 40 more pass in the first second.
        CHECK(static_cast<double>(api.completed) ==
              doctest::Approx(40.0 * 200 + 40).epsilon(0.002));
        CHECK(api.completed + api.rejected <= api.arrivals);
        CHECK(api.arrivals - api.completed - api.rejected <= 1);
    }
    SUBCASE("set by an action, then lifted (unlimited)") {
        p.operations.actions = {
            action(ActionParams::Kind::SetRateLimit, {FaultTarget::Kind::Service, 0}, 50, 40.0),
            action(ActionParams::Kind::SetRateLimit, {FaultTarget::Kind::Service, 0}, 150, 0.0)};
        const auto r = run(p);
        // Rejections only during the 100 s limited: 60/s, less the first full bucket.
        CHECK(static_cast<double>(r.services[0].rejected) ==
              doctest::Approx(60.0 * 100 - 40).epsilon(0.005));
    }
}

TEST_CASE("a cache's hit ratio set by an action: the callee's arrivals follow it") {
    auto p = front_and_db(10.0, 1000);
    models::CacheParams cache;
    cache.hits = models::FixedHitRatio{0.8};
    p.services[0].steps[0].calls[0].cache = cache;
    SUBCASE("without the action: 20% of the 10,000 calls reach the db") {
        // Binomial: sd 40; 5 sd.
        CHECK(std::abs(static_cast<double>(run(p).services[1].arrivals) - 2000.0) < 200.0);
    }
    SUBCASE("hit ratio 100% from half the run: only the first half's misses reach it") {
        p.operations.actions = {
            action(ActionParams::Kind::SetCacheHitRatio, {FaultTarget::Kind::Edge, 0}, 500, 1.0)};
        CHECK(std::abs(static_cast<double>(run(p).services[1].arrivals) - 1000.0) < 150.0);
    }
}

TEST_CASE("a link's payload and bandwidth set by an action change its transfer time") {
    // 1 MB over 1 GB/s is 1 ms a call; own traffic 10 MB/s is 1% of the link.
    auto p = front_and_db(10.0, 600);
    p.operations.links = {{0, 1, 1e9, 1e6}};
    p.operations.monitoring.scrape_interval = s(10);
    const double expected = 0.001 + 0.5 * (0.001 / 0.99) + 0.5 * (0.0001 / 0.999);
    SUBCASE("a payload ten times smaller from 300 s") {
        p.operations.actions = {
            action(ActionParams::Kind::SetLinkPayload, {FaultTarget::Kind::Link, 0}, 300, 1e5)};
        const auto r = run(p);
        const auto& u = column(r, "tps_link_utilization", "front->db");
        CHECK(at(r, u, 200) == doctest::Approx(0.01).epsilon(0.05));
        CHECK(at(r, u, 400) == doctest::Approx(0.001).epsilon(0.05));
        CHECK(r.services[0].calls[0].latency_seconds.mean ==
              doctest::Approx(expected).epsilon(0.01));
        CHECK(count_events(r, "action") == 1);
    }
    SUBCASE("a bandwidth ten times larger from 300 s") {
        p.operations.actions = {
            action(ActionParams::Kind::SetLinkBandwidth, {FaultTarget::Kind::Link, 0}, 300, 1e10)};
        const auto r = run(p);
        const auto& u = column(r, "tps_link_utilization", "front->db");
        CHECK(at(r, u, 400) == doctest::Approx(0.001).epsilon(0.05));
        CHECK(r.services[0].calls[0].latency_seconds.mean ==
              doctest::Approx(expected).epsilon(0.01));
    }
}

// --- placement: the cluster's capacity --------------------------------------------------------

TEST_CASE("a scale beyond the cluster's room gets what fits; the rest stays pending") {
    auto p = one_service(0.0001, 8, Distribution::constant(s(0.001)), 400);
    p.operations.services[0].placement = models::PlacementParams{4, 2};
    p.operations.services[0].startup = s(10);
    p.operations.monitoring.scrape_interval = s(5);
    // 12 asked for: 8 fit. Down to 6: the 4 pending go first, then 2 placed ones. Up to 10:
    // 2 fit again, 2 wait.
    p.operations.actions = {scale_to(0, 12, 100), scale_to(0, 6, 200), scale_to(0, 10, 300)};
    const auto r = run(p);
    const auto& ready = column(r, "tps_replicas", "api");
    const auto& desired = column(r, "tps_replicas_desired", "api");
    CHECK(at(r, desired, 150) == 12.0);
    CHECK(at(r, ready, 150) == 8.0);
    CHECK(at(r, ready, 250) == 6.0);
    CHECK(at(r, desired, 250) == 6.0);
    CHECK(at(r, ready, 305) == 6.0); // the 2 that fit start up for 10 s
    CHECK(at(r, ready, 350) == 8.0);
    CHECK(r.services[0].replicas_max == 8.0);
    CHECK(r.services[0].placement);
    CHECK(r.services[0].unschedulable == 6);
    CHECK(count_events(r, "unschedulable") == 2); // once per episode
}

TEST_CASE("an autoscaler asking for more than the cluster holds never exceeds it") {
    // Saturated: 100/s of 100 ms on 4 replicas; the HPA wants 16, the cluster holds 8.
    auto p = one_service(100.0, 4, Distribution::constant(s(0.1)), 300);
    models::AutoscalerParams a;
    a.min_replicas = 4;
    a.max_replicas = 16;
    a.target = 0.7;
    p.operations.services[0].autoscaler = a;
    p.operations.services[0].placement = models::PlacementParams{4, 2};
    SUBCASE("with the placement") {
        const auto r = run(p);
        CHECK(r.services[0].replicas_max == 8.0);
        CHECK(r.services[0].unschedulable > 0);
        CHECK(count_events(r, "unschedulable") >= 1);
    }
    SUBCASE("without a placement the same load gets its 16") {
        p.operations.services[0].placement.reset();
        const auto r = run(p);
        CHECK(r.services[0].replicas_max == 16.0);
        CHECK(r.services[0].unschedulable == 0);
    }
}

TEST_CASE("a node crash on a full cluster: its replicas wait until it returns") {
    // 4 nodes x 2, 8 replicas: a node holds 2. Constant 4/s of 1 s work: 4 busy.
    auto p = one_service(4.0, 8, Distribution::constant(s(1)), 300.25, ArrivalProcess::Constant);
    p.operations.services[0].placement = models::PlacementParams{4, 2};
    p.operations.services[0].startup = s(10);
    p.operations.monitoring.scrape_interval = s(5);
    p.operations.faults = {node_crash(1, 100.1, 50)};
    SUBCASE("alone") {
        const auto r = run(p);
        const auto& ready = column(r, "tps_replicas", "api");
        CHECK(at(r, ready, 100) == 8.0);
        CHECK(at(r, ready, 105) == 6.0);
        CHECK(at(r, ready, 155) == 6.0); // back at 150.1 s, then 10 s of start-up
        CHECK(at(r, ready, 165) == 8.0);
        CHECK(r.services[0].crashes == 2);
        CHECK(r.services[0].unschedulable == 2);
        CHECK(count_events(r, "node_crash") == 1);
        CHECK(count_events(r, "node_up") == 1);
        CHECK(count_events(r, "unschedulable") == 1);
    }
    SUBCASE("a scale meanwhile cannot use the lost room") {
        p.operations.actions = {scale_to(0, 10, 120)};
        const auto r = run(p);
        const auto& ready = column(r, "tps_replicas", "api");
        CHECK(at(r, ready, 140) == 6.0);
        CHECK(at(r, ready, 165) == 8.0);
        CHECK(r.services[0].unschedulable == 4);
    }
}

TEST_CASE("a node crash with room elsewhere: its replicas start again there at once") {
    // 4 nodes x 3 hold 12; 8 replicas spread 2 a node. One node down leaves room for 9:
    // both lost replicas are rescheduled and ready after their start-up.
    auto p = one_service(4.0, 8, Distribution::constant(s(1)), 300.25, ArrivalProcess::Constant);
    p.operations.services[0].placement = models::PlacementParams{4, 3};
    p.operations.services[0].startup = s(10);
    p.operations.monitoring.scrape_interval = s(5);
    p.operations.faults = {node_crash(1, 100.1, 100)};
    const auto r = run(p);
    const auto& ready = column(r, "tps_replicas", "api");
    CHECK(at(r, ready, 105) == 6.0);
    CHECK(at(r, ready, 115) == 8.0);
    CHECK(r.services[0].crashes == 2);
    CHECK(r.services[0].unschedulable == 0);
}

TEST_CASE("stopping a node crash brings its nodes back early") {
    auto p = one_service(4.0, 8, Distribution::constant(s(1)), 300.25, ArrivalProcess::Constant);
    p.operations.services[0].placement = models::PlacementParams{4, 2};
    p.operations.monitoring.scrape_interval = s(5);
    auto f = node_crash(2, 100.1, 1000);
    f.end = models::kNever;
    p.operations.faults = {f};
    ActionParams stop = action(ActionParams::Kind::StopFault, {}, 200.1);
    stop.fault = 0;
    p.operations.actions = {stop};
    const auto r = run(p);
    const auto& ready = column(r, "tps_replicas", "api");
    CHECK(at(r, ready, 150) == 4.0);
    CHECK(at(r, ready, 205) == 8.0); // no start-up
    CHECK(r.services[0].unschedulable == 4);
}

TEST_CASE("a rate limit's bucket size is the burst it lets through at the start") {
    // Envoy's {max_tokens: 5, tokens_per_fill: 40, fill_interval: 1s} against exactly spaced
    // arrivals at 100/s: 40 of each 100 pass, plus the 5 the bucket held at the start, not
    // the 40 of the short form's one second.
    auto p =
        one_service(100.0, 10, Distribution::constant(s(0.001)), 200, ArrivalProcess::Constant);
    p.services[0].rate_limit_per_second = 40.0;
    p.services[0].rate_limit_max_tokens = 5.0;
    const auto r = run(p);
    CHECK(static_cast<double>(r.services[0].completed) ==
          doctest::Approx(40.0 * 200 + 5).epsilon(0.0005));
}

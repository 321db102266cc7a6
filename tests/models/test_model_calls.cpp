// Calls between services: synchronous calls, timeouts, retries, breakers, caches, fallbacks,
// parallel fan-out, asynchronous publishes to Kanban queues, dead-lettering. Deterministic
// cases (constant times, constant arrivals) whose figures can be worked out by hand.
#include "models/model.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace tpssim;

using models::ArrivalProcess;
using models::CallParams;
using models::ModelParams;
using models::ServiceParams;
using models::StepParams;
using sim::Distribution;
using sim::SimTime;

namespace {

SimTime ms(std::int64_t v) {
    return SimTime::from_ms(v);
}

ServiceParams service(const std::string& name, std::uint32_t workers, SimTime work,
                      double error_probability = 0.0) {
    ServiceParams s;
    s.name = name;
    s.workers = workers;
    s.service_time = Distribution::constant(work);
    s.error_probability = error_probability;
    return s;
}

StepParams work_step(SimTime t) {
    StepParams w;
    w.kind = StepParams::Kind::Work;
    w.work = Distribution::constant(t);
    return w;
}

StepParams call_step(CallParams c) {
    StepParams st;
    st.kind = StepParams::Kind::Call;
    st.calls.push_back(std::move(c));
    return st;
}

CallParams call(std::uint32_t target) {
    CallParams c;
    c.target = target;
    return c;
}

// api (index 0): 10 ms of work, then one call to `callee` (index 1). One request a second.
ModelParams api_calls(CallParams c, ServiceParams callee, SimTime duration = SimTime::from_s(100)) {
    ModelParams p;
    p.duration = duration;
    ServiceParams api = service("api", 4, ms(0));
    api.steps = {work_step(ms(10)), call_step(std::move(c))};
    p.services = {api, std::move(callee)};
    p.load.push_back({"users", 0, ArrivalProcess::Constant, 1.0});
    return p;
}

models::RunResult run(const ModelParams& p, std::uint64_t seed = 1) {
    models::RunOptions o;
    o.seed = seed;
    return models::run_model(p, o);
}

} // namespace

TEST_CASE("a synchronous call holds the caller's worker until the answer") {
    const auto r = run(api_calls(call(1), service("db", 1, ms(50))));
    const auto& api = r.services[0];
    const auto& db = r.services[1];
    CHECK(api.completed == 99); // arrivals at 1..99 s finish; the one at 100 s is cut off
    CHECK(db.completed == 99);
    CHECK(api.latency_seconds.mean == doctest::Approx(0.060));
    CHECK(db.latency_seconds.mean == doctest::Approx(0.050));
    // api's 4 workers are each busy 60 ms per request: 99 x 0.06 / (4 x 100) worker-seconds.
    CHECK(api.utilization == doctest::Approx(99 * 0.060 / 400).epsilon(1e-9));
    REQUIRE(api.calls.size() == 1);
    CHECK(api.calls[0].target == "db");
    CHECK(api.calls[0].calls == 99);
    CHECK(api.calls[0].succeeded == 99);
    CHECK(api.calls[0].latency_seconds.mean == doctest::Approx(0.050));
}

TEST_CASE("a timeout fails the call; the callee works on, for nobody, and that is counted") {
    CallParams c = call(1);
    c.timeout = ms(20);
    const auto r = run(api_calls(c, service("db", 1, ms(50))));
    const auto& api = r.services[0];
    const auto& db = r.services[1];
    CHECK(api.failed == 99);
    CHECK(api.completed == 0);
    CHECK(api.latency_seconds.mean == doctest::Approx(0.030)); // 10 ms work + 20 ms timeout
    CHECK(api.calls[0].timeouts == 99);
    CHECK(api.calls[0].failed == 99);
    CHECK(db.timed_out == 99); // finished after its caller had given up
    CHECK(db.completed == 0);
    CHECK(db.orphaned_work_seconds == doctest::Approx(99 * 0.050));
}

TEST_CASE("a fallback turns a failed call into an answer") {
    CallParams c = call(1);
    c.timeout = ms(20);
    c.fallback = models::FallbackParams{Distribution::constant(ms(1))};
    const auto r = run(api_calls(c, service("db", 1, ms(50))));
    const auto& api = r.services[0];
    CHECK(api.completed == 99);
    CHECK(api.failed == 0);
    CHECK(api.calls[0].fallbacks == 99);
    CHECK(api.latency_seconds.mean == doctest::Approx(0.031));
}

TEST_CASE("retries without jitter wait exactly Envoy's back-off intervals") {
    CallParams c = call(1);
    models::RetryPolicyParams rp;
    rp.max_attempts = 3;
    rp.backoff = ms(10);
    rp.max_backoff = ms(100);
    rp.jitter = models::RetryJitter::None;
    c.retry = rp;
    // db always fails after 5 ms: attempts at 0, 5 + 10, 20 + 30 ms: answer at 55 ms.
    const auto r = run(api_calls(c, service("db", 1, ms(5), 1.0)));
    const auto& e = r.services[0].calls[0];
    CHECK(e.calls == 99);
    CHECK(e.attempts == 3 * 99);
    CHECK(e.retries == 2 * 99);
    CHECK(e.errors == 3 * 99);
    CHECK(e.failed == 99);
    CHECK(e.latency_seconds.mean == doctest::Approx(0.055));
    CHECK(e.latency_seconds.max == doctest::Approx(0.055));
    CHECK(r.services[1].failed == 3 * 99);
}

TEST_CASE("a retry budget caps concurrent retries") {
    CallParams c = call(1);
    models::RetryPolicyParams rp;
    rp.max_attempts = 5;
    rp.backoff = ms(100);
    rp.jitter = models::RetryJitter::None;
    models::RetryBudgetParams budget;
    budget.budget_fraction = 0.0;
    budget.min_retry_concurrency = 1;
    rp.budget = budget;
    c.retry = rp;
    // 20 requests a second, each failing: many would retry at once; at most one may.
    auto p = api_calls(c, service("db", 8, ms(1), 1.0), SimTime::from_s(20));
    p.load[0].rate_per_second = 20.0;
    const auto r = run(p);
    const auto& e = r.services[0].calls[0];
    CHECK(e.retry_budget_exhausted > 0);
    CHECK(e.retries + e.retry_budget_exhausted >= e.calls); // every failure wanted a retry
    CHECK(e.retries < e.calls);
}

TEST_CASE("a circuit breaker opens on failures, fails fast, and records its transitions") {
    CallParams c = call(1);
    models::CircuitBreakerParams cb;
    cb.sliding_window_size = 10;
    cb.minimum_number_of_calls = 10;
    cb.failure_rate_threshold = 0.5;
    cb.wait_duration_in_open_state = SimTime::from_s(30);
    cb.permitted_number_of_calls_in_half_open_state = 2;
    c.circuit_breaker = cb;
    const auto r = run(api_calls(c, service("db", 1, ms(5), 1.0)));
    const auto& e = r.services[0].calls[0];
    REQUIRE(e.has_circuit_breaker);
    // Calls at 1..10 s fail and open it at 10.015 s; 11..40 s are refused; the trials at 41 and
    // 42 s fail and reopen it; 43..72 s refused; 73, 74 s trials; 75..99 s refused.
    CHECK(e.attempts == 10 + 2 + 2);
    CHECK(e.not_permitted == 99 - 14);
    CHECK(e.breaker_opened == 3);
    REQUIRE(e.breaker_transitions.size() == 5);
    CHECK(e.breaker_transitions[0].to == "open");
    CHECK(e.breaker_transitions[0].cause == "failure_rate_exceeded");
    CHECK(e.breaker_transitions[0].at_seconds == doctest::Approx(10.015));
    CHECK(e.breaker_transitions[1].to == "half_open");
    CHECK(e.breaker_transitions[2].to == "open");
    CHECK(e.breaker_transitions[2].cause == "half_open_trials_failed");
    CHECK(r.services[1].arrivals == 14); // an open breaker never occupies the callee
}

TEST_CASE("an attempt an open breaker refuses: Envoy fails the call, resilience4j retries it") {
    // db always fails after 5 ms; 3 attempts with back-offs of 10 and 30 ms; a breaker over 10
    // outcomes opening at 50% and staying open past the run. Calls at 1, 2, 3 s fail three
    // attempts each (9 errors); call 4's first attempt is the 10th error and opens the breaker
    // at 4.015 s; every attempt after it is refused.
    CallParams c = call(1);
    models::RetryPolicyParams rp;
    rp.max_attempts = 3;
    rp.backoff = ms(10);
    rp.max_backoff = ms(100);
    rp.jitter = models::RetryJitter::None;
    models::CircuitBreakerParams cb;
    cb.sliding_window_size = 10;
    cb.minimum_number_of_calls = 10;
    cb.failure_rate_threshold = 0.5;
    cb.wait_duration_in_open_state = SimTime::from_s(1000);
    c.circuit_breaker = cb;
    SUBCASE("on_refused: fail (Envoy, the default)") {
        c.retry = rp;
        const auto r = run(api_calls(c, service("db", 1, ms(5), 1.0)));
        const auto& e = r.services[0].calls[0];
        CHECK(e.attempts == 10);
        CHECK(e.errors == 10);
        CHECK(e.retries == 3 * 2 + 1); // call 4's retry is the first refusal
        CHECK(e.not_permitted == 1 + 95);
        CHECK(e.failed == 99);
        // A refused call fails at once: 10 ms of work, then the refusal.
        CHECK(r.services[0].latency_seconds.p50 == doctest::Approx(0.010).epsilon(0.01));
    }
    SUBCASE("on_refused: retry (resilience4j)") {
        rp.on_refused = models::RefusedAttempt::Retry;
        c.retry = rp;
        const auto r = run(api_calls(c, service("db", 1, ms(5), 1.0)));
        const auto& e = r.services[0].calls[0];
        CHECK(e.attempts == 10); // sent to db: refusals never reach it
        CHECK(r.services[1].arrivals == 10);
        CHECK(e.errors == 10);
        // Call 4: its 2nd and 3rd attempts refused; calls 5..99: all three refused.
        CHECK(e.not_permitted == 2 + 3 * 95);
        CHECK(e.retries == 3 * 2 + 2 + 2 * 95);
        CHECK(e.failed == 99);
        // A refused call waits its back-offs: 10 ms of work + 10 ms + 30 ms.
        CHECK(r.services[0].latency_seconds.p50 == doctest::Approx(0.050).epsilon(0.01));
    }
}

TEST_CASE("a cache hit skips the call") {
    CallParams c = call(1);
    models::CacheParams cp;
    cp.hits = models::FixedHitRatio{1.0};
    cp.latency = Distribution::constant(ms(1));
    c.cache = cp;
    const auto r = run(api_calls(c, service("db", 1, ms(50))));
    CHECK(r.services[0].calls[0].cache_hits == 99);
    CHECK(r.services[1].arrivals == 0);
    CHECK(r.services[0].latency_seconds.mean == doctest::Approx(0.011));
}

TEST_CASE("a cache with a partial hit ratio hits about that often") {
    CallParams c = call(1);
    models::CacheParams cp;
    cp.hits = models::FixedHitRatio{0.8};
    c.cache = cp;
    auto p = api_calls(c, service("db", 4, ms(1)), SimTime::from_s(10000));
    const auto r = run(p);
    const auto& e = r.services[0].calls[0];
    const double n = static_cast<double>(e.calls);
    // Binomial(n, 0.8): 5 standard deviations.
    CHECK(std::fabs(static_cast<double>(e.cache_hits) - 0.8 * n) < 5 * std::sqrt(n * 0.8 * 0.2));
}

TEST_CASE("a parallel step waits for its slowest call") {
    ModelParams p;
    p.duration = SimTime::from_s(100);
    ServiceParams api = service("api", 4, ms(0));
    StepParams par;
    par.kind = StepParams::Kind::Parallel;
    par.calls = {call(1), call(2)};
    api.steps = {par};
    p.services = {api, service("fast", 1, ms(30)), service("slow", 1, ms(50))};
    p.load.push_back({"users", 0, ArrivalProcess::Constant, 1.0});
    const auto r = run(p);
    CHECK(r.services[0].latency_seconds.mean == doctest::Approx(0.050));
    CHECK(r.services[0].calls.size() == 2);
}

TEST_CASE("an optional call is made with its probability") {
    CallParams c = call(1);
    c.probability = 0.3;
    auto p = api_calls(c, service("db", 4, ms(1)), SimTime::from_s(10000));
    const auto r = run(p);
    const double n = static_cast<double>(r.services[0].arrivals);
    const double made = static_cast<double>(r.services[0].calls[0].calls);
    CHECK(std::fabs(made - 0.3 * n) < 5 * std::sqrt(n * 0.3 * 0.7));
    CHECK(r.services[1].arrivals == r.services[0].calls[0].calls);
}

TEST_CASE("a full callee queue rejects, and the caller hears an error at once") {
    // db: one worker, no waiting place, 1.5 s per request; api calls it every second.
    const auto r = run(api_calls(call(1), [] {
        auto db = service("db", 1, SimTime::from_ms(1500));
        db.queue_capacity = 0;
        return db;
    }()));
    const auto& api = r.services[0];
    CHECK(r.services[1].rejected > 0);
    CHECK(api.failed == r.services[1].rejected);
    CHECK(api.calls[0].errors == r.services[1].rejected);
}

TEST_CASE("a client timeout counts the entry request as timed out") {
    auto p = api_calls(call(1), service("db", 1, ms(50)));
    p.load[0].timeout = ms(30);
    const auto r = run(p);
    CHECK(r.services[0].timed_out == 99);
    CHECK(r.services[0].completed == 0);
}

TEST_CASE("client deadlines: each request's is exact, and one calendar event waits for them") {
    // One worker, 15 ms a request, a request every 10 ms: the queue grows. Request k (k >= 1)
    // arrives at 10k ms and ends at 10 + 15k ms, 10 + 5k ms later; its client gives up 502 ms
    // after it arrived, so k = 1..98 complete and k >= 99 time out (no tie at any k). The
    // requests ended by 3 s: k <= 199.
    ModelParams p;
    p.duration = SimTime::from_s(3);
    p.services = {service("api", 1, ms(15))};
    p.load.push_back({"users", 0, ArrivalProcess::Constant, 100.0});
    p.load[0].timeout = ms(502);
    const auto r = run(p);
    CHECK(r.services[0].completed == 98);
    CHECK(r.services[0].timed_out == 101);

    // Requests that end long before their deadline: the pending deadlines share one calendar
    // event (about one a second here), instead of one event per request.
    ModelParams quick;
    quick.duration = SimTime::from_s(100);
    quick.services = {service("api", 4, ms(5))};
    quick.load.push_back({"users", 0, ArrivalProcess::Constant, 100.0});
    quick.load[0].timeout = SimTime::from_s(1);
    const auto q = run(quick);
    CHECK(q.services[0].completed == 9999);
    CHECK(q.services[0].timed_out == 0);
    CHECK(q.events >= 2 * 9999);            // an arrival and a work step's end per request
    CHECK(q.events < 2 * 9999 + 9999 / 10); // and a few deadline timers, not 9,999
}

namespace {
// api publishes each request to `jobs` (a Kanban queue consumed by `worker`) and answers.
ModelParams kanban(double worker_error, std::uint32_t max_deliver, std::uint64_t capacity) {
    ModelParams p;
    p.duration = SimTime::from_s(100);
    ServiceParams api = service("api", 2, ms(0));
    StepParams pub;
    pub.kind = StepParams::Kind::Publish;
    pub.publish.target = 1;
    api.steps = {work_step(ms(1)), pub};
    ServiceParams jobs;
    jobs.name = "jobs";
    jobs.kind = models::ServiceKind::Queue;
    jobs.consumer = 2;
    jobs.max_deliver = max_deliver;
    jobs.queue_capacity = capacity;
    p.services = {api, jobs, service("worker", 1, ms(100), worker_error)};
    p.load.push_back({"users", 0, ArrivalProcess::Constant, 1.0});
    return p;
}
} // namespace

TEST_CASE("publish hands off to a Kanban queue; the consumer's workers pull from it") {
    const auto r = run(kanban(0.0, 0, models::kUnbounded));
    const auto& api = r.services[0];
    const auto& jobs = r.services[1];
    const auto& worker = r.services[2];
    CHECK(jobs.kind == "queue");
    CHECK(api.latency_seconds.mean == doctest::Approx(0.001)); // the publisher does not wait
    CHECK(jobs.arrivals == 99);
    CHECK(worker.completed == 99);
    CHECK(jobs.completed == 99);
    CHECK(jobs.latency_seconds.mean == doctest::Approx(0.100)); // publish to done
}

TEST_CASE("failed items are redelivered up to max_deliver, then dead-lettered") {
    const auto r = run(kanban(1.0, 3, models::kUnbounded));
    const auto& jobs = r.services[1];
    const auto& worker = r.services[2];
    // Each item: 3 deliveries of 100 ms = 300 ms, one a second: no backlog at 100 s but the last.
    CHECK(jobs.dead_lettered == 99);
    CHECK(jobs.redelivered == 2 * 99);
    CHECK(worker.failed == 3 * 99);
    REQUIRE(!jobs.dead_letters.empty());
    CHECK(jobs.dead_letters.back().deliveries == 3);
}

TEST_CASE("a full Kanban queue pushes back: the publish fails") {
    // worker: 100 ms per item... made slow: one item every second, 1.5 s each, queue of 1.
    auto p = kanban(0.0, 0, 1);
    p.services[2].service_time = Distribution::constant(SimTime::from_ms(2500));
    const auto r = run(p);
    CHECK(r.services[1].rejected > 0);
    CHECK(r.services[0].failed == r.services[1].rejected);
}

TEST_CASE("same seed, same figures, with every construct in play") {
    CallParams c = call(1);
    c.timeout = ms(40);
    models::RetryPolicyParams rp;
    rp.max_attempts = 3;
    c.retry = rp;
    models::CircuitBreakerParams cb;
    cb.sliding_window_size = 20;
    cb.minimum_number_of_calls = 10;
    c.circuit_breaker = cb;
    auto p = api_calls(c, service("db", 2, ms(0)), SimTime::from_s(2000));
    p.services[1].service_time = Distribution::exponential(ms(20));
    p.services[1].error_probability = 0.2;
    p.load[0].arrivals = ArrivalProcess::Poisson;
    p.load[0].rate_per_second = 50;
    const auto a = run(p, 3), b = run(p, 3);
    CHECK(a.events == b.events);
    CHECK(a.services[0].calls[0].retries == b.services[0].calls[0].retries);
    CHECK(a.services[0].calls[0].breaker_opened == b.services[0].calls[0].breaker_opened);
    CHECK(a.services[0].latency_seconds.mean == b.services[0].latency_seconds.mean);
    CHECK(a.peak_in_flight < 5000);
}

TEST_CASE("traces: every span of a sampled request, its parent, and the bottleneck") {
    auto p = api_calls(call(1), service("db", 1, ms(50)));
    p.tracing.sample_fraction = 1.0;
    p.tracing.keep_slowest = 3;
    const auto r = run(p);
    CHECK(r.traced == 99); // every arrival (1 to 99 s)
    REQUIRE(r.slowest_traces.size() == 3);
    const auto& t = r.slowest_traces[0];
    CHECK(t.duration_seconds == doctest::Approx(0.060));
    REQUIRE(t.rows == 5);
    const auto& s = r.spans;
    auto op = [&](std::uint32_t row) { return s.operations[s.operation[row]]; };
    const auto f = t.first_row;
    CHECK(op(f) == "handle"); // api's service span, the root
    CHECK(s.parent_id[f] == models::SpanColumns::kNoParent);
    CHECK(op(f + 1) == "work");
    CHECK(s.parent_id[f + 1] == 0);
    CHECK(op(f + 2) == "call db");
    CHECK(s.parent_id[f + 2] == 0);
    CHECK(op(f + 3) == "handle"); // db's service span, under the call
    CHECK(s.service[f + 3] == 1);
    CHECK(s.parent_id[f + 3] == 2);
    CHECK(s.parent_id[f + 4] == 3);
    CHECK(s.duration_seconds[f + 4] == doctest::Approx(0.050));
    CHECK(t.bottleneck_row == f + 4); // db's work: 50 of the 60 ms
    for (std::uint32_t i = 0; i < t.rows; ++i)
        CHECK(s.outcome[f + i] == models::SpanOutcome::Ok);
}

TEST_CASE("traces keep the slowest requests, a timed-out call's orphan included") {
    CallParams c = call(1);
    c.timeout = ms(20);
    auto p = api_calls(c, service("db", 1, ms(0)));
    p.services[1].service_time = Distribution::exponential(ms(30));
    p.tracing.sample_fraction = 1.0;
    p.tracing.keep_slowest = 5;
    const auto r = run(p, 5);
    REQUIRE(r.slowest_traces.size() == 5);
    for (std::size_t i = 1; i < r.slowest_traces.size(); ++i)
        CHECK(r.slowest_traces[i - 1].duration_seconds >= r.slowest_traces[i].duration_seconds);
    bool saw_timed_out = false;
    for (std::size_t row = 0; row < r.spans.size(); ++row)
        saw_timed_out |= r.spans.outcome[row] == models::SpanOutcome::TimedOut;
    CHECK(saw_timed_out); // the callee's span ends after its caller gave up
}

TEST_CASE("tracing changes no other figure (it has its own random stream)") {
    auto p = api_calls(call(1), service("db", 2, ms(0)), SimTime::from_s(500));
    p.services[1].service_time = Distribution::exponential(ms(30));
    p.load[0].arrivals = ArrivalProcess::Poisson;
    p.load[0].rate_per_second = 20;
    const auto plain = run(p, 9);
    p.tracing.sample_fraction = 0.5;
    const auto traced = run(p, 9);
    CHECK(plain.events == traced.events);
    CHECK(plain.services[0].latency_seconds.mean == traced.services[0].latency_seconds.mean);
    CHECK(traced.traced > 0);
}

TEST_CASE("Lab 2.4: a failing downstream opens the breaker; it closes about its wait after") {
    // api calls db through a breaker with a fallback-free call; db fails everything from 300 s
    // to 600 s (the fault is driven through the API until scheduled chaos exists).
    CallParams c = call(1);
    c.timeout = ms(500);
    models::CircuitBreakerParams cb;
    cb.sliding_window_size = 20;
    cb.minimum_number_of_calls = 10;
    cb.failure_rate_threshold = 0.5;
    cb.wait_duration_in_open_state = SimTime::from_s(60);
    cb.permitted_number_of_calls_in_half_open_state = 3;
    c.circuit_breaker = cb;
    auto p = api_calls(c, service("db", 8, ms(0)), SimTime::from_s(900));
    p.services[1].service_time = Distribution::exponential(ms(20));
    p.load[0].arrivals = ArrivalProcess::Poisson;
    p.load[0].rate_per_second = 50;

    sim::Simulation sim;
    models::Model model(p, 4);
    model.start(sim);
    sim.run(model, {SimTime::from_s(300)});
    const auto before = model.result(sim);
    CHECK(before.services[0].failed == 0);
    model.set_error_probability(1, 1.0);
    sim.run(model, {SimTime::from_s(600)});
    model.set_error_probability(1, 0.0);
    sim.run(model, {SimTime::from_s(900)});
    const auto r = model.result(sim);
    const auto& e = r.services[0].calls[0];
    REQUIRE(!e.breaker_transitions.empty());
    // Opens within a second of the fault: 10 failed calls at 50/s take ~0.2 s.
    CHECK(e.breaker_transitions[0].to == "open");
    CHECK(e.breaker_transitions[0].at_seconds > 300.0);
    CHECK(e.breaker_transitions[0].at_seconds < 301.0);
    // While the fault lasts, calls fail fast: far more refused than sent.
    CHECK(e.not_permitted > 10 * e.errors / 2);
    // The last transition closes it, after the fault, within one wait (60 s) plus the trials.
    const auto& last = e.breaker_transitions.back();
    CHECK(last.to == "closed");
    CHECK(last.at_seconds > 600.0);
    CHECK(last.at_seconds < 661.0);
    // Latency stays bounded: failing fast, nobody waits for the timeout more than a few times.
    CHECK(r.services[0].latency_seconds.p99 < 0.5);
    CHECK(r.services[0].failed > 0); // the error rate spiked
}

TEST_CASE("timeouts fire exactly for the attempts that outlast them, many in flight at once") {
    // db has plenty of workers (no queueing): an attempt times out iff its exponential service
    // time exceeds the timeout, P = exp(-timeout / mean) = exp(-1).
    CallParams c = call(1);
    c.timeout = ms(50);
    auto p = api_calls(c, service("db", 1000, ms(0)), SimTime::from_s(2000));
    p.services[0].workers = 1000;
    p.services[1].service_time = Distribution::exponential(ms(50));
    p.load[0].arrivals = ArrivalProcess::Poisson;
    p.load[0].rate_per_second = 200;
    const auto r = run(p, 11);
    const auto& e = r.services[0].calls[0];
    const double n = static_cast<double>(e.attempts);
    const double q = std::exp(-1.0);
    CHECK(std::fabs(static_cast<double>(e.timeouts) - q * n) < 5 * std::sqrt(n * q * (1 - q)));
    // Every call is answered or timed out, bar those in flight at the end (200/s x 50 ms ~ 10).
    CHECK(e.timeouts + e.succeeded <= e.calls);
    CHECK(e.calls - e.timeouts - e.succeeded < 50);
    // Every timed-out attempt's job finishes later, for nobody (bar those still running).
    CHECK(r.services[1].timed_out <= e.timeouts);
    CHECK(r.services[1].timed_out + 50 > e.timeouts);
    CHECK(r.services[0].latency_seconds.max <= 0.060 + 1e-9); // 10 ms work + the 50 ms timeout
}

TEST_CASE("a redelivery is never lost to a full queue: the stream stores it until acked") {
    // One item a second into a queue of 2 stored messages, consumed by one worker that takes
    // 1.5 s and always fails: the stream fills with unacknowledged messages, publishes are
    // turned away, but every stored message is delivered max_deliver times, then dead-lettered.
    auto p = kanban(1.0, 2, 2);
    p.services[2].service_time = Distribution::constant(SimTime::from_ms(1500));
    const auto r = run(p);
    const auto& jobs = r.services[1];
    const auto& worker = r.services[2];
    CHECK(jobs.rejected > 0);
    // Every admitted message is either dead-lettered or still stored (at most 2) at the end.
    CHECK(jobs.arrivals - jobs.rejected - jobs.dead_lettered <= 2);
    CHECK(jobs.redelivered >= jobs.dead_lettered);
    CHECK(worker.failed == jobs.redelivered + jobs.dead_lettered);
}

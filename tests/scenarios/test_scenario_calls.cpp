// The scenario language for calls between services (scenarios/step_reader.*, the build in
// scenarios/model_builder.cpp): steps, calls and what they carry (timeouts, retries, breakers,
// fallbacks, caches), publishes, queues and their consumers, tracing; every default; `--set` on
// the new blocks; and the call-graph checks. Broken files with exact messages are in tests/bad/.
#include "scenarios/scenario.hpp"

#include "diagnostics.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;

using models::CallParams;
using models::ServiceKind;
using models::StepParams;
using scenarios::load_scenario_file;
using scenarios::load_scenario_text;
using scenarios::Override;
using scenarios::parse_override;
using scenarios::Scenario;
using scenarios::ScenarioError;
using sim::SimTime;
using Kind = StepParams::Kind;

namespace {

/// The formatted diagnostics of loading `text` with `sets` (empty when it loads).
std::vector<std::string> errors_of(const std::string& text,
                                   const std::vector<std::string>& sets = {}) {
    std::vector<Override> overrides;
    for (const auto& s : sets)
        overrides.push_back(parse_override(s));
    return test_support::diagnostics_of([&] { load_scenario_text(text, "c.yaml", overrides); });
}

Scenario load(const std::string& text, const std::vector<std::string>& sets = {}) {
    std::vector<Override> overrides;
    for (const auto& s : sets)
        overrides.push_back(parse_override(s));
    return load_scenario_text(text, "c.yaml", overrides);
}

/// A file where api's only step is `step` (indented as an item of `steps`), and db exists
/// (with load of its own, so that it is reached whatever the step does).
std::string with_step(const std::string& step) {
    return "name: c\nduration: 1h\nload: [{name: u, target: api, rate: 1/s}, {name: v, "
           "target: db, rate: 1/s}]\nservices:\n"
           "  api:\n    steps:\n      - " +
           step + "\n  db:\n    service_time: {dist: constant, value: 1ms}\n";
}

/// The only call of api's only step in `with_step(step)`.
CallParams call_of(const std::string& step) {
    const auto sc = load(with_step(step));
    REQUIRE(sc.model.services[0].steps.size() == 1);
    REQUIRE(sc.model.services[0].steps[0].calls.size() == 1);
    return sc.model.services[0].steps[0].calls[0];
}

const std::string kThreeTier =
    std::string(TPSSIM_SOURCE_DIR) + "/scenarios/examples/three-tier.yaml";

} // namespace

TEST_CASE("the three-tier example becomes ModelParams, field by field") {
    const auto sc = load_scenario_file(kThreeTier);
    const auto& m = sc.model;
    REQUIRE(m.load.size() == 1);
    CHECK(m.load[0].timeout == SimTime::from_s(2));
    CHECK(m.tracing.sample_fraction == doctest::Approx(0.01));
    CHECK(m.tracing.keep_slowest == 20);

    REQUIRE(m.services.size() == 6);
    const auto& api = m.services[0];
    CHECK(api.kind == ServiceKind::Service);
    CHECK(api.workers == 32);
    REQUIRE(api.steps.size() == 2);
    CHECK(api.steps[0].kind == Kind::Work);
    CHECK(api.steps[0].work.kind() == sim::Distribution::Kind::Lognormal);
    CHECK(api.steps[0].operation == "accept");
    CHECK(api.steps[1].kind == Kind::Publish);
    CHECK(api.steps[1].publish.target == 1);
    CHECK(api.steps[1].publish.probability == 1.0);

    const auto& jobs = m.services[1];
    CHECK(jobs.name == "jobs");
    CHECK(jobs.kind == ServiceKind::Queue);
    CHECK(jobs.queue_capacity == 5000);
    CHECK(jobs.consumer == 2);
    CHECK(jobs.max_deliver == 5);
    CHECK(jobs.steps.empty());

    const auto& worker = m.services[2];
    REQUIRE(worker.steps.size() == 3);
    CHECK(worker.steps[0].operation == "prepare");
    const auto& to_b = worker.steps[1];
    CHECK(to_b.kind == Kind::Call);
    REQUIRE(to_b.calls.size() == 1);
    const auto& c = to_b.calls[0];
    CHECK(c.target == 3);
    CHECK(c.probability == 1.0);
    CHECK(c.timeout == SimTime::from_ms(800));
    REQUIRE(c.retry);
    CHECK(c.retry->max_attempts == 3);
    CHECK(c.retry->backoff == SimTime::from_ms(25));
    CHECK(c.retry->max_backoff == SimTime::from_ms(250));
    CHECK(c.retry->jitter == models::RetryJitter::Full);
    REQUIRE(c.retry->budget);
    CHECK(c.retry->budget->budget_fraction == doctest::Approx(0.2));
    CHECK(c.retry->budget->min_retry_concurrency == 3);
    REQUIRE(c.circuit_breaker);
    const auto& cb = *c.circuit_breaker;
    CHECK(cb.sliding_window_type == models::SlidingWindowType::CountBased);
    CHECK(cb.sliding_window_size == 20);
    CHECK(cb.failure_rate_threshold == doctest::Approx(0.5));
    CHECK(cb.slow_call_duration_threshold == SimTime::from_s(1));
    CHECK(cb.slow_call_rate_threshold == 1.0);
    CHECK(cb.minimum_number_of_calls == 10);
    CHECK(cb.wait_duration_in_open_state == SimTime::from_s(60));
    CHECK(cb.permitted_number_of_calls_in_half_open_state == 3);
    REQUIRE(c.fallback);
    CHECK(c.fallback->latency.mean_seconds() == doctest::Approx(0.001));
    CHECK_FALSE(c.cache);

    const auto& fan_out = worker.steps[2];
    CHECK(fan_out.kind == Kind::Parallel);
    REQUIRE(fan_out.calls.size() == 2);
    CHECK(fan_out.calls[0].target == 5);
    CHECK(fan_out.calls[0].operation == "db-query");
    REQUIRE(fan_out.calls[0].cache);
    CHECK(std::get<models::FixedHitRatio>(fan_out.calls[0].cache->hits).hit_ratio ==
          doctest::Approx(0.8));
    CHECK(fan_out.calls[0].cache->latency.mean_seconds() == doctest::Approx(300e-6));
    CHECK(fan_out.calls[1].target == 4);
    CHECK(fan_out.calls[1].probability == doctest::Approx(0.3));

    const auto& b = m.services[3];
    CHECK(b.error_probability == doctest::Approx(0.001));
    CHECK(b.queue_capacity == 200);
    REQUIRE(b.steps.size() == 2);
    CHECK(b.steps[1].calls[0].target == 4);
    // service_time services keep their steps empty: the engine makes the one work step.
    CHECK(m.services[4].steps.empty());
    CHECK(m.services[4].service_time.mean_seconds() == doctest::Approx(0.008));
}

TEST_CASE("defaults where the file is silent: Envoy's and resilience4j's") {
    // A bare call: always made, no timeout, no retry, breaker, fallback or cache.
    const auto bare = call_of("call: db");
    CHECK(bare.target == 1);
    CHECK(bare.probability == 1.0);
    CHECK(bare.timeout == models::kNoTimeout);
    CHECK_FALSE(bare.retry);
    CHECK_FALSE(bare.circuit_breaker);
    CHECK_FALSE(bare.fallback);
    CHECK_FALSE(bare.cache);
    CHECK(bare.operation.empty());

    // retry: {} is Envoy's default policy: one retry, 25ms base interval, cap 10x, full jitter,
    // no budget.
    const auto retry = *call_of("{call: db, retry: {}}").retry;
    CHECK(retry.max_attempts == 2);
    CHECK(retry.backoff == SimTime::from_ms(25));
    CHECK_FALSE(retry.max_backoff);
    CHECK(retry.effective_max_backoff() == SimTime::from_ms(250));
    CHECK(retry.jitter == models::RetryJitter::Full);
    CHECK_FALSE(retry.budget);
    CHECK(retry.on_refused == models::RefusedAttempt::Fail); // Envoy: an overflow is not retried
    CHECK(call_of("{call: db, retry: {on_refused: retry}}").retry->on_refused ==
          models::RefusedAttempt::Retry);
    CHECK(call_of("{call: db, retry: {on_refused: fail}}").retry->on_refused ==
          models::RefusedAttempt::Fail);
    // A budget as a ratio keeps Envoy's min_retry_concurrency of 3; as a map, both default.
    const auto ratio = *call_of("{call: db, retry: {budget: 50%}}").retry->budget;
    CHECK(ratio.budget_fraction == 0.5);
    CHECK(ratio.min_retry_concurrency == 3);
    const auto map = *call_of("{call: db, retry: {budget: {}}}").retry->budget;
    CHECK(map.budget_fraction == doctest::Approx(0.2));
    CHECK(map.min_retry_concurrency == 3);
    const auto both =
        *call_of("{call: db, retry: {budget: {percent: 0%, min_retry_concurrency: 0}}}")
             .retry->budget;
    CHECK(both.budget_fraction == 0.0);
    CHECK(both.min_retry_concurrency == 0);

    // circuit_breaker: {} is resilience4j's default configuration.
    const auto cb = *call_of("{call: db, circuit_breaker: {}}").circuit_breaker;
    CHECK(cb.sliding_window_type == models::SlidingWindowType::CountBased);
    CHECK(cb.sliding_window_size == 100);
    CHECK(cb.minimum_number_of_calls == 100);
    CHECK(cb.failure_rate_threshold == 0.5);
    CHECK(cb.slow_call_rate_threshold == 1.0);
    CHECK(cb.slow_call_duration_threshold == SimTime::from_s(60));
    CHECK(cb.wait_duration_in_open_state == SimTime::from_s(60));
    CHECK(cb.permitted_number_of_calls_in_half_open_state == 10);
    CHECK_FALSE(cb.automatic_transition_from_open_to_half_open_enabled);
    CHECK(cb.max_wait_duration_in_half_open_state == SimTime::zero());
    // A time window without a size is 100 seconds, resilience4j's default size.
    const auto time =
        *call_of("{call: db, circuit_breaker: {sliding_window: {type: time}}}").circuit_breaker;
    CHECK(time.sliding_window_type == models::SlidingWindowType::TimeBased);
    CHECK(time.sliding_window_size == 100);

    // fallback: {} answers at once; a cache's hits take no time unless told.
    CHECK(call_of("{call: db, fallback: {}}").fallback->latency.mean_seconds() == 0.0);
    const auto cache = *call_of("{call: db, cache: {hit_ratio: 0.9}}").cache;
    CHECK(cache.latency.mean_seconds() == 0.0);
    // The keys form: Zipf exponent 1, LRU.
    const auto keys = *call_of("{call: db, cache: {keys: 1000, capacity: 100}}").cache;
    const auto& z = std::get<models::ZipfKeys>(keys.hits);
    CHECK(z.key_count == 1000);
    CHECK(z.capacity_keys == 100);
    CHECK(z.exponent == 1.0);
    CHECK(z.replacement == models::CacheReplacement::Lru);

    // No tracing, no client timeout, no errors; a queue is unbounded with unlimited deliveries.
    const auto sc = load(R"(name: d
duration: 1h
load: [{name: u, target: api, rate: 1/s}]
services:
  api:
    steps:
      - work: {dist: constant, value: 1ms}
      - publish: jobs
  jobs: {kind: queue, consumers: worker}
  worker:
    service_time: {dist: constant, value: 1ms}
)");
    CHECK(sc.model.tracing.sample_fraction == 0.0);
    CHECK(sc.model.tracing.keep_slowest == 20);
    CHECK(sc.model.load[0].timeout == models::kNoTimeout);
    const auto& api = sc.model.services[0];
    CHECK(api.error_probability == 0.0);
    CHECK(api.steps[0].error_probability == 0.0);
    CHECK(api.steps[0].operation.empty());
    CHECK(api.steps[1].publish.probability == 1.0);
    const auto& jobs = sc.model.services[1];
    CHECK(jobs.queue_capacity == models::kUnbounded);
    CHECK(jobs.max_deliver == 0);
    CHECK(jobs.consumer == 2);
    CHECK(sc.model.services[2].kind == ServiceKind::Service);
}

TEST_CASE("every form of every new key") {
    // Work steps: errors and an operation name.
    const auto work = load(with_step("{work: {dist: exponential, mean: 2ms}, errors: "
                                     "{probability: 1%}, operation: parse}"))
                          .model.services[0]
                          .steps[0];
    CHECK(work.kind == Kind::Work);
    CHECK(work.work.kind() == sim::Distribution::Kind::Exponential);
    CHECK(work.error_probability == doctest::Approx(0.01));
    CHECK(work.operation == "parse");
    // A call step's operation names the step and its call.
    const auto named = load(with_step("{call: db, operation: lookup}")).model.services[0].steps[0];
    CHECK(named.operation == "lookup");
    CHECK(named.calls[0].operation == "lookup");
    // Timeouts: a duration, or none.
    CHECK(call_of("{call: db, timeout: 1.5s}").timeout == SimTime::from_ms(1500));
    CHECK(call_of("{call: db, timeout: none}").timeout == models::kNoTimeout);
    CHECK(call_of("{call: db, probability: 0}").probability == 0.0);
    CHECK(call_of("{call: db, probability: 0.25}").probability == 0.25);
    // Retry: jitter none, an explicit cap.
    const auto retry =
        *call_of("{call: db, retry: {max_attempts: 100, backoff: 10ms, max_backoff: 10ms, "
                 "jitter: none}}")
             .retry;
    CHECK(retry.max_attempts == 100);
    CHECK(retry.max_backoff == SimTime::from_ms(10));
    CHECK(retry.jitter == models::RetryJitter::None);
    // Breaker: a time window in whole seconds, booleans in YAML 1.2 spellings.
    const auto cb = *call_of("{call: db, circuit_breaker: {sliding_window: {type: time, size: "
                             "1d}, automatic_transition_from_open_to_half_open: True, "
                             "max_wait_duration_in_half_open_state: 1ms, "
                             "wait_duration_in_open_state: 1ms}}")
                         .circuit_breaker;
    CHECK(cb.sliding_window_size == 86'400);
    CHECK(cb.automatic_transition_from_open_to_half_open_enabled);
    CHECK(cb.max_wait_duration_in_half_open_state == SimTime::from_ms(1));
    CHECK(cb.wait_duration_in_open_state == SimTime::from_ms(1));
    CHECK(call_of("{call: db, circuit_breaker: {sliding_window: {size: 1000000}, "
                  "automatic_transition_from_open_to_half_open: FALSE}}")
              .circuit_breaker->sliding_window_size == 1'000'000);
    // Latencies: a duration is a constant; a map is any distribution.
    const auto fallback =
        call_of("{call: db, fallback: {latency: {dist: exponential, mean: 2ms}}}").fallback;
    CHECK(fallback->latency.kind() == sim::Distribution::Kind::Exponential);
    const auto perfect = *call_of("{call: db, cache: {keys: 10000000, zipf: 0, capacity: "
                                  "2000000000, policy: perfect, latency: {dist: uniform, min: "
                                  "1us, max: 3us}}}")
                              .cache;
    const auto& z = std::get<models::ZipfKeys>(perfect.hits);
    CHECK(z.key_count == 10'000'000);
    CHECK(z.exponent == 0.0);
    CHECK(z.capacity_keys == 2'000'000'000);
    CHECK(z.replacement == models::CacheReplacement::Perfect);
    CHECK(perfect.latency.mean_seconds() == doctest::Approx(2e-6));
    // Publish: a name, a map, or a name with probability beside it.
    const auto publish = [](const std::string& step) {
        return load(with_step(step)).model.services[0].steps[0].publish;
    };
    CHECK(publish("publish: db").target == 1);
    CHECK(publish("publish: {to: db, probability: 30%}").probability == doctest::Approx(0.3));
    CHECK(publish("{publish: db, probability: 40%}").probability == doctest::Approx(0.4));
    // Tracing and a client timeout.
    const auto sc = load(R"(name: t
duration: 1h
tracing: {sample: 0.5, keep_slowest: 0}
load: [{name: u, target: api, rate: 1/s, timeout: 250ms}]
services:
  api:
    service_time: {dist: constant, value: 1ms}
)");
    CHECK(sc.model.tracing.sample_fraction == 0.5);
    CHECK(sc.model.tracing.keep_slowest == 0);
    CHECK(sc.model.load[0].timeout == SimTime::from_ms(250));
}

TEST_CASE("queues: a load source or a publish may feed one; a service may consume several") {
    const auto sc = load(R"(name: q
duration: 1h
load:
  - {name: feed, target: inbox, rate: 1/s}
services:
  inbox:
    kind: queue
    capacity: unbounded
    consumers: worker
    max_deliver: 1000000
  worker:
    steps:
      - work: {dist: constant, value: 1ms}
      - publish: {to: later, probability: 5%}
      - publish: audit
  later: {kind: queue, capacity: 1, consumers: audit}
  audit:
    service_time: {dist: constant, value: 1ms}
)");
    const auto& s = sc.model.services;
    CHECK(sc.model.load[0].target == 0);
    CHECK(s[0].kind == ServiceKind::Queue);
    CHECK(s[0].max_deliver == 1'000'000);
    CHECK(s[2].kind == ServiceKind::Queue);
    CHECK(s[2].queue_capacity == 1);
    CHECK(s[2].consumer == 3);
    // A publish may go to a service too.
    CHECK(s[1].steps[2].publish.target == 3);
    // A loop back into an earlier stage (a retry queue) is a cycle: not in this version.
    CHECK(errors_of(R"(name: q
duration: 1h
load: [{name: feed, target: worker, rate: 1/s}]
services:
  worker:
    steps:
      - work: {dist: constant, value: 1ms}
      - publish: {to: later, probability: 5%}
  later: {kind: queue, consumers: worker}
)") == std::vector<std::string>{"c.yaml:9:35: error: services.later.consumers: this consumer "
                                "closes a cycle: worker -> later -> worker; a request would go "
                                "round it forever (calls, publishes and consumers must not "
                                "loop)"});
}

TEST_CASE("--set reaches into steps and creates the new settings blocks") {
    const std::string text = load_scenario_file(kThreeTier).resolved_yaml;
    const auto sc =
        load(text, {"services.worker.steps.1.timeout=300ms", "services.api.errors.probability=5%",
                    "services.worker.steps[1].retry.max_attempts=5",
                    "services.worker.steps.1.circuit_breaker.sliding_window.size=40",
                    "services.worker.steps.2.parallel.1.retry.backoff=10ms",
                    "services.worker.steps.2.parallel.1.circuit_breaker.sliding_window.type=time",
                    "services.worker.steps.2.parallel.1.circuit_breaker.sliding_window.size=50s",
                    "services.worker.steps.2.parallel.1.fallback.latency=2ms",
                    "services.service-b.steps.1.cache.hit_ratio=50%",
                    "services.service-b.steps.1.retry.budget.percent=10%",
                    "services.service-b.steps.0.errors.probability=2%", "tracing.sample=100%"});
    const auto& m = sc.model;
    CHECK(m.services[2].steps[1].calls[0].timeout == SimTime::from_ms(300));
    CHECK(m.services[0].error_probability == doctest::Approx(0.05));
    CHECK(m.services[2].steps[1].calls[0].retry->max_attempts == 5);
    CHECK(m.services[2].steps[1].calls[0].circuit_breaker->sliding_window_size == 40);
    const auto& c = m.services[2].steps[2].calls[1];
    CHECK(c.retry->backoff == SimTime::from_ms(10));
    CHECK(c.circuit_breaker->sliding_window_type == models::SlidingWindowType::TimeBased);
    CHECK(c.circuit_breaker->sliding_window_size == 50);
    CHECK(c.fallback->latency.mean_seconds() == doctest::Approx(0.002));
    const auto& b = m.services[3].steps[1].calls[0];
    CHECK(std::get<models::FixedHitRatio>(b.cache->hits).hit_ratio == 0.5);
    CHECK(b.retry->budget->budget_fraction == doctest::Approx(0.1));
    CHECK(m.services[3].steps[0].error_probability == doctest::Approx(0.02));
    CHECK(m.tracing.sample_fraction == 1.0);
    // A whole step may be replaced, or a target changed.
    const auto swapped = load(text, {"services.worker.steps.1={call: service-b, timeout: 5ms}",
                                     "services.worker.steps.2.parallel.1.call=service-b"});
    CHECK(swapped.model.services[2].steps[1].calls[0].timeout == SimTime::from_ms(5));
    CHECK_FALSE(swapped.model.services[2].steps[1].calls[0].retry);
    CHECK(swapped.model.services[2].steps[2].calls[1].target == 3);
    // Problems with overridden values name <--set>, wherever they are found.
    CHECK(errors_of(text,
                    {"services.worker.steps.0.timeout=1s", "services.worker.steps.1.timeout=0s"}) ==
          std::vector<std::string>{
              "<--set>: error: services.worker.steps.0.timeout: \"timeout\" applies to call "
              "steps, not to a work step",
              "<--set>: error: services.worker.steps.1.timeout: expected a duration > 0, got "
              "\"0s\""});
    // A call target set on the command line that closes a cycle points at <--set> too.
    CHECK(errors_of(text, {"services.service-b.steps.1.call=worker"}) ==
          std::vector<std::string>{"<--set>: error: services.service-b.steps.1.call: this call "
                                   "closes a cycle: worker -> service-b -> worker; a "
                                   "request would go round it forever (calls, "
                                   "publishes and consumers must not loop)"});
    // Blocks that are not settings are not invented.
    CHECK(errors_of(text, {"services.api.steps.5.timeout=1s"}) ==
          std::vector<std::string>{"<--set>: error: services.api.steps.5.timeout: cannot set: "
                                   "\"services.api.steps\" has 2 items, so there is no item 5"});
}

TEST_CASE("unreachable services are reported only when everything else is right") {
    const std::string orphan = R"(name: o
duration: 1h
load: [{name: u, target: api, rate: 1/s}]
services:
  api:
    service_time: {dist: constant, value: 1ms}
  poller:
    steps:
      - work: {dist: constant, value: 1ms}
)";
    CHECK(errors_of(orphan) ==
          std::vector<std::string>{"c.yaml:7:3: error: services.poller: receives no load and no "
                                   "calls: no load source targets it and no step calls or "
                                   "publishes to it"});
    // With another problem, a service may look unreached only because of it: said later.
    CHECK(errors_of(orphan + "    workers: 0\n") ==
          std::vector<std::string>{
              "c.yaml:10:14: error: services.poller.workers: expected an integer >= 1, got 0"});
    // One that only calls itself (a cycle too, reported at the call).
    CHECK(errors_of(orphan + "      - call: poller\n") ==
          std::vector<std::string>{
              "c.yaml:7:3: error: services.poller: receives no load and no calls: no load source "
              "targets it and only it calls itself",
              "c.yaml:10:15: error: services.poller.steps.1.call: this call closes a cycle: "
              "poller -> poller; a request would go round it forever (calls, publishes and "
              "consumers must not loop)"});
    // Cycles are real whatever else is wrong, so they are reported with other problems.
    const auto errors = errors_of(R"(name: o
duration: 0s
load: [{name: u, target: api, rate: 1/s}]
services:
  api:
    steps: [{call: api}, {call: nope}]
)");
    REQUIRE(errors.size() == 3);
    CHECK(errors[1].find("this call closes a cycle: api -> api") != std::string::npos);
    CHECK(errors[2].find("unknown service \"nope\"") != std::string::npos);
}

TEST_CASE("an unreadable kind does not cascade into other complaints") {
    CHECK(errors_of(R"(name: k
duration: 1h
load: [{name: u, target: api, rate: 1/s}]
services:
  api:
    steps: [{publish: jobs}]
  jobs:
    kind: stream
    consumers: api
)") == std::vector<std::string>{"c.yaml:8:11: error: services.jobs.kind: expected one of "
                                "service, queue, got \"stream\""});
}

TEST_CASE("resolved_yaml of a file with calls loads to the same model") {
    const auto a = load_scenario_file(kThreeTier);
    const auto b = load_scenario_text(a.resolved_yaml, "again.yaml");
    REQUIRE(b.model.services.size() == a.model.services.size());
    const auto& ca = a.model.services[2].steps[1].calls[0];
    const auto& cb = b.model.services[2].steps[1].calls[0];
    CHECK(cb.timeout == ca.timeout);
    CHECK(cb.retry->max_attempts == ca.retry->max_attempts);
    CHECK(cb.circuit_breaker->minimum_number_of_calls ==
          ca.circuit_breaker->minimum_number_of_calls);
    CHECK(b.model.services[1].consumer == a.model.services[1].consumer);
    CHECK(b.model.tracing.keep_slowest == a.model.tracing.keep_slowest);
}

TEST_CASE("the loaded params pass the models' own validation") {
    const auto sc = load_scenario_file(kThreeTier);
    for (const auto& s : sc.model.services)
        for (const auto& step : s.steps)
            for (const auto& c : step.calls) {
                if (c.retry) CHECK_NOTHROW(c.retry->validate());
                if (c.circuit_breaker) CHECK_NOTHROW(c.circuit_breaker->validate());
                if (c.cache) CHECK_NOTHROW(c.cache->validate());
            }
}

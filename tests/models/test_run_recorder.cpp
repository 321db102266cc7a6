// The run recorder: each kind of record lands in its table of the run result, the monitoring
// record keeps its stride rule, and a run that records nothing leaves empty tables.

#include "models/run_recorder.hpp"

#include "models/expectations.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <string>

using namespace tpssim;

using models::CircuitBreaker;
using models::EventLog;
using models::ModelParams;
using models::RunRecorder;
using models::RunResult;
using sim::SimTime;

namespace {

constexpr std::uint32_t kApi = 0, kDb = 1;

// api calls db (edge 0, "api->db") behind a breaker; a fault, an alert, an action and a check.
ModelParams two_services(double sample_fraction) {
    ModelParams p;
    models::ServiceParams api;
    api.name = "api";
    models::StepParams call;
    call.kind = models::StepParams::Kind::Call;
    call.calls.push_back({});
    call.calls[0].target = kDb;
    call.calls[0].circuit_breaker.emplace();
    api.steps.push_back(call);
    models::ServiceParams db;
    db.name = "db";
    p.services = {api, db};
    p.tracing.sample_fraction = sample_fraction;
    models::FaultParams fault;
    fault.name = "db slow";
    fault.kind = models::FaultKind::Latency;
    fault.target = {models::FaultTarget::Kind::Service, kDb};
    p.operations.faults.push_back(fault);
    models::AlertRuleParams alert;
    alert.name = "backlog";
    alert.severity = "ticket";
    alert.condition.metric = {"tps_queue_depth", "api", 0};
    alert.condition.threshold = 5.0;
    alert.condition.text = "queue_depth(api) > 5";
    p.operations.alerts.push_back(alert);
    models::ActionParams action;
    action.kind = models::ActionParams::Kind::Scale;
    action.text = "scale api to 4";
    action.target = {models::FaultTarget::Kind::Service, kApi};
    p.operations.actions.push_back(action);
    models::ExpectationParams check;
    check.text = "alert backlog fires";
    p.operations.expectations.push_back(check);
    return p;
}

// What the model fills before the recorder moves its tables in: services and their calls.
RunResult services_of(const ModelParams& p) {
    RunResult out;
    for (const auto& s : p.services) {
        models::ServiceResult r;
        r.name = s.name;
        for (const auto& step : s.steps)
            for (const auto& c : step.calls) {
                models::CallResult call;
                call.target = call.key = p.services[c.target].name;
                r.calls.push_back(call);
            }
        out.services.push_back(r);
    }
    return out;
}

std::string text_field(const EventLog::Event& e, std::string_view key) {
    const auto v = e.find(key);
    REQUIRE(v.has_value());
    return std::string(std::get<std::string_view>(*v));
}

double number_field(const EventLog::Event& e, std::string_view key) {
    const auto v = e.find(key);
    REQUIRE(v.has_value());
    return std::get<double>(*v);
}

} // namespace

TEST_CASE("RunRecorder: a run that records nothing leaves empty tables") {
    const ModelParams p = two_services(1.0);
    RunRecorder rec(p, 1);
    RunResult out = services_of(p);
    rec.move_into(out);
    CHECK(out.event_log.events() == 0);
    CHECK(out.event_log.empty());
    CHECK(out.metric_times_seconds.empty());
    CHECK(out.metric_scrapes == 0);
    CHECK(out.metric_stride == 1);
    REQUIRE_FALSE(out.metrics.empty()); // the columns are named, with no rows
    for (const auto& c : out.metrics)
        CHECK(c.values.empty());
    CHECK(out.traced == 0);
    CHECK(out.spans.size() == 0);
    CHECK(out.slowest_traces.empty());
    REQUIRE(out.alerts.size() == 1); // the rule is listed, never fired
    CHECK(out.alerts[0].firings.empty());
    CHECK(out.expectations.empty());
    CHECK(out.services[kApi].calls[0].breaker_transitions.empty());
    CHECK(out.services[kApi].calls[0].breaker_transitions_dropped == 0);
}

TEST_CASE("RunRecorder: each kind of record lands in its table, typed values named once") {
    const ModelParams p = two_services(1.0);
    RunRecorder rec(p, 1);
    CHECK(rec.edge_label(0) == "api->db");

    // Events.
    rec.fault_start(SimTime::from_s(5), 0);
    rec.scale(SimTime::from_s(10), kApi, 2, 4, models::ScaleCause::Action);
    rec.crash(SimTime::from_s(12), kDb, 3, models::KillCause::OomKill);
    rec.action(SimTime::from_s(14), 0);
    // A metric row, an alert firing on it, an autoscaler's decision.
    std::vector<models::ServiceReading> services(2);
    services[kApi].queue_depth = 9.0;
    std::vector<models::EdgeReading> edges(1);
    rec.metric_row(SimTime::from_s(15), services, edges, {});
    rec.alert_change(SimTime::from_s(15), {0, true, 9.0});
    models::Autoscaler::Decision d;
    d.current_replicas = 2;
    d.desired_replicas = 3;
    d.recommendation = 3;
    d.metric_value = 0.9;
    rec.autoscaler_decision(SimTime::from_s(16), kApi, d);
    rec.alert_change(SimTime::from_s(30), {0, false, 1.0});
    // A span.
    models::Tracer* tracer = rec.tracer();
    REQUIRE(tracer != nullptr);
    const std::uint32_t trace = tracer->maybe_begin(SimTime::from_s(1));
    tracer->job_started(trace);
    const auto span = tracer->open_span(trace, models::SpanColumns::kNoParent, kApi,
                                        models::Tracer::kHandle, SimTime::from_s(1));
    tracer->close_span(trace, span, SimTime::from_s(2), models::SpanOutcome::Ok, 0);
    tracer->job_ended(trace);
    // Breaker transitions, handed over at the end, at times before later events.
    using State = CircuitBreaker::State;
    using Cause = CircuitBreaker::Cause;
    const std::vector<CircuitBreaker::Transition> transitions{
        {SimTime::from_s(11), State::Closed, State::Open, Cause::FailureRateExceeded, 0.6, 0.0},
        {SimTime::from_s(21), State::Open, State::HalfOpen, Cause::WaitDurationElapsed, 0.0, 0.0},
    };
    rec.breaker_transitions(0, transitions, 7);
    rec.expectation(0, true, {});

    RunResult out = services_of(p);
    rec.move_into(out);

    // The event log, in time order, the breaker's transitions merged in.
    std::vector<std::string> types, subjects;
    for (const auto e : out.event_log) {
        types.emplace_back(e.type);
        subjects.emplace_back(e.subject);
    }
    CHECK(types == std::vector<std::string>{"fault_start", "scale", "breaker", "crash", "action",
                                            "alert_firing", "autoscaler", "breaker",
                                            "alert_resolved"});
    CHECK(subjects == std::vector<std::string>{"db slow", "api", "api->db", "db", "api", "backlog",
                                               "api", "api->db", "backlog"});
    const auto& log = out.event_log;
    CHECK(text_field(log[0], "kind") == "latency");
    CHECK(number_field(log[1], "from") == 2.0);
    CHECK(number_field(log[1], "to") == 4.0);
    CHECK(text_field(log[1], "by") == "action");
    CHECK(text_field(log[2], "cause") == "failure_rate_exceeded");
    CHECK(text_field(log[3], "cause") == "oom_kill");
    CHECK(number_field(log[3], "replica") == 3.0);
    CHECK(text_field(log[4], "action") == "scale api to 4");
    CHECK(text_field(log[5], "severity") == "ticket");
    CHECK(text_field(log[5], "condition") == "queue_depth(api) > 5");
    CHECK(number_field(log[6], "desired") == 3.0);
    CHECK(log[6].at_seconds == 16.0);

    // The monitoring record.
    CHECK(out.metric_times_seconds == std::vector<double>{15.0});
    CHECK(out.metric_scrapes == 1);
    const auto depth = models::find_column(out.metrics, "tps_queue_depth", "api");
    REQUIRE(depth.has_value());
    CHECK(out.metrics[*depth].values == std::vector<double>{9.0});
    // The alert's firings.
    REQUIRE(out.alerts.size() == 1);
    REQUIRE(out.alerts[0].firings.size() == 1);
    CHECK(out.alerts[0].firings[0].fired_seconds == 15.0);
    CHECK(out.alerts[0].firings[0].resolved_seconds == 30.0);
    CHECK(out.alerts[0].firings[0].value == 9.0);
    CHECK(out.alerts[0].severity == "ticket");
    // The span.
    CHECK(out.traced == 1);
    REQUIRE(out.spans.size() == 1);
    CHECK(out.spans.duration_seconds[0] == 1.0);
    // The breaker's transitions, in its call.
    const auto& call = out.services[kApi].calls[0];
    REQUIRE(call.breaker_transitions.size() == 2);
    CHECK(call.breaker_transitions[1].at_seconds == 21.0);
    CHECK(call.breaker_transitions[1].to == "half_open");
    CHECK(call.breaker_transitions_dropped == 7);
    // The expectation, with its text as written.
    REQUIRE(out.expectations.size() == 1);
    CHECK(out.expectations[0].text == "alert backlog fires");
    CHECK(out.expectations[0].passed);
}

TEST_CASE("RunRecorder: a log no output reads counts its events and keeps no row") {
    const ModelParams p = two_services(0.0);
    RunRecorder rec(p, 1, false);
    CHECK(rec.tracer() == nullptr);
    rec.fault_end(SimTime::from_s(1), 0);
    rec.unhealthy(SimTime::from_s(2), kDb, 0);
    rec.breaker_transitions(
        0,
        std::vector<CircuitBreaker::Transition>{{SimTime::from_s(1), CircuitBreaker::State::Closed,
                                                 CircuitBreaker::State::Open,
                                                 CircuitBreaker::Cause::FailureRateExceeded, 1, 0}},
        0);
    RunResult out = services_of(p);
    rec.move_into(out);
    CHECK(out.event_log.events() == 3);
    CHECK(out.event_log.empty());
    CHECK(out.services[kApi].calls[0].breaker_transitions.size() == 1); // the call's own table
}

TEST_CASE("RunRecorder: past the row bound the record keeps every other scrape, totals keep all") {
    const ModelParams p = two_services(0.0);
    RunRecorder rec(p, 1);
    std::vector<models::ServiceReading> services(2);
    const std::vector<models::EdgeReading> edges(1);
    const std::size_t scrapes = models::MetricsRecorder::kMaxRows + 2;
    for (std::size_t i = 1; i <= scrapes; ++i) {
        services[kApi].queue_depth = static_cast<double>(i);
        rec.metric_row(SimTime::from_s(static_cast<std::int64_t>(15 * i)), services, edges, {});
    }
    RunResult out = services_of(p);
    rec.move_into(out);
    CHECK(out.metric_scrapes == scrapes);
    CHECK(out.metric_stride == 2);
    REQUIRE(out.metric_times_seconds.size() <= models::MetricsRecorder::kMaxRows);
    REQUIRE(out.metric_times_seconds.size() >= scrapes / 2 - 1);
    for (std::size_t r = 1; r < out.metric_times_seconds.size(); ++r)
        CHECK(out.metric_times_seconds[r] - out.metric_times_seconds[r - 1] == 30.0);
    const auto depth = models::find_column(out.metrics, "queue_depth", "api");
    REQUIRE(depth.has_value());
    CHECK(out.metrics[*depth].values.size() == out.metric_times_seconds.size());
    const auto& totals = out.metric_totals[*depth];
    CHECK(totals.samples == scrapes);
    CHECK(totals.max == static_cast<double>(scrapes));
    CHECK(totals.last == static_cast<double>(scrapes));
}

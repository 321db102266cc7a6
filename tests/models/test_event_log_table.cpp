// The event log's table (models::EventLog): rows read back as they were logged, a log that only
// counts when no output reads it, the bound on rows kept, and the merge in time order.
#include "models/event_log.hpp"
#include "models/model.hpp"

#include <doctest/doctest.h>
#include <string>
#include <variant>

using namespace tpssim;

using models::EventLog;

namespace {
double number(const EventLog::Event& e, std::string_view key) {
    return std::get<double>(*e.find(key));
}
std::string_view text(const EventLog::Event& e, std::string_view key) {
    return std::get<std::string_view>(*e.find(key));
}
} // namespace

TEST_CASE("event log: rows read back with their fields, numbers and texts, in order") {
    EventLog log;
    const std::string subject = "worker"; // copied: the log owns its strings
    log.add(15.0, "scale", subject, {{"from", 2.0}, {"to", 4.0}, {"by", "autoscaler"}});
    log.add(30.0, "fault_end", "db-slow");
    log.add(45.0, "scale", "worker", {{"from", 4.0}, {"to", 3.0}, {"by", "action"}});
    REQUIRE(log.size() == 3);
    CHECK(log.events() == 3);
    CHECK(log.dropped() == 0);
    const auto first = log[0];
    CHECK(first.at_seconds == 15.0);
    CHECK(first.type == "scale");
    CHECK(first.subject == "worker");
    REQUIRE(first.field_count() == 3);
    CHECK(first.key(0) == "from");
    CHECK(first.key(2) == "by");
    CHECK(number(first, "to") == 4.0);
    CHECK(text(first, "by") == "autoscaler");
    CHECK_FALSE(first.find("reason"));
    CHECK(log[1].field_count() == 0);
    CHECK(text(log[2], "by") == "action");
    CHECK(number(log[2], "to") == 3.0);
    double last = 0.0;
    std::size_t n = 0;
    for (const auto e : log) {
        CHECK(e.at_seconds >= last);
        last = e.at_seconds;
        ++n;
    }
    CHECK(n == 3);
    CHECK_THROWS_AS(log[3], std::out_of_range);
}

TEST_CASE("event log: when no output reads it, it only counts") {
    EventLog log(false);
    for (int i = 0; i < 1000; ++i)
        log.add(i, "autoscaler", "api", {{"current", 2.0}, {"reason", "within_tolerance"}});
    CHECK(log.events() == 1000);
    CHECK(log.size() == 0);
    CHECK(log.empty());
    CHECK(log.dropped() == 0); // nothing was asked for, so nothing was dropped
}

TEST_CASE("event log: at most max_rows rows are kept, the rest counted as dropped") {
    EventLog log(true, 3);
    for (int i = 0; i < 5; ++i)
        log.add(i, "crash", "api", {{"replica", static_cast<double>(i)}});
    CHECK(log.size() == 3);
    CHECK(log.events() == 5);
    CHECK(log.dropped() == 2);
    CHECK(number(log[2], "replica") == 2.0); // the first ones are kept
}

TEST_CASE("event log: two logs merged in time order, the first's rows first at equal times") {
    EventLog model;
    model.add(1.0, "scale", "api", {{"to", 3.0}});
    model.add(2.0, "crash", "api");
    model.add(4.0, "scale", "api", {{"to", 2.0}});
    EventLog breakers;
    breakers.add(0.5, "breaker", "api->db", {{"from", "closed"}, {"to", "open"}});
    breakers.add(2.0, "breaker", "api->db", {{"from", "open"}, {"to", "half_open"}});
    const auto merged = EventLog::merge_by_time(model, breakers);
    REQUIRE(merged.size() == 5);
    CHECK(merged.events() == 5);
    const char* types[] = {"breaker", "scale", "crash", "breaker", "scale"};
    for (std::size_t i = 0; i < 5; ++i)
        CHECK(merged[i].type == types[i]);
    CHECK(text(merged[3], "to") == "half_open");
    CHECK(number(merged[4], "to") == 2.0);
    // A log that only counts stays so, its events counted.
    EventLog counting(false);
    counting.add(1.0, "scale", "api");
    const auto counted = EventLog::merge_by_time(counting, breakers);
    CHECK(counted.size() == 0);
    CHECK(counted.events() == 3);
}

TEST_CASE("a run that keeps no event log counts the same events and keeps no rows") {
    // A day at one request an hour under an HPA: one autoscaler decision per 15 s sync.
    models::ModelParams p;
    p.duration = sim::SimTime::from_s(86'400);
    models::ServiceParams api;
    api.name = "api";
    api.workers = 2;
    api.service_time = sim::Distribution::exponential(sim::SimTime::from_ms(50));
    p.services = {api};
    p.load.push_back({"users", 0, models::ArrivalProcess::Poisson, 1.0 / 3600.0});
    p.operations.services.resize(1);
    models::AutoscalerParams a;
    a.min_replicas = 1;
    a.max_replicas = 4;
    p.operations.services[0].autoscaler = a;
    models::RunOptions o;
    const auto kept = models::run_model(p, o);
    o.keep_event_log = false;
    const auto counted = models::run_model(p, o);
    std::size_t decisions = 0;
    for (const auto e : kept.event_log)
        decisions += e.type == "autoscaler";
    CHECK(decisions == 86'400 / 15 - 1); // at 15 s, 30 s, ... before the end
    CHECK(kept.event_log.size() == kept.event_log.events());
    CHECK(counted.event_log.events() == kept.event_log.events());
    CHECK(counted.event_log.size() == 0);
    CHECK(counted.services[0].completed == kept.services[0].completed);
}

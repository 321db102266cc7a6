#include "apps/tpssim/results_summary.hpp"

#include "apps/tpssim/hdf5_table.hpp"
#include "apps/tpssim/observation_text.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <fmt/format.h>
#include <string>
#include <tuple>
#include <vector>

namespace tpssim {

namespace {

using h5::Table;

// A figure per row of `items`: its values (a column `name`) and, with replications, its 95%
// half-widths (a column `name_ci95`).
template <class Item, class Get>
void figure_columns(Table& t, const std::vector<Item>& items, const std::string& name,
                    std::string_view unit, bool replicated, Get get) {
    std::vector<double> values, half_widths;
    for (const auto& item : items) {
        const Figure& f = get(item);
        values.push_back(f.value);
        half_widths.push_back(f.half_width);
    }
    t.numbers(name, values, unit);
    if (replicated) t.numbers(name + "_ci95", half_widths, unit);
}

template <class Item, class Get>
void duration_columns(Table& t, const std::vector<Item>& items, const std::string& name,
                      bool replicated, Get get) {
    const std::pair<const char*, Figure DurationFigures::*> stats[] = {
        {"mean", &DurationFigures::mean},
        {"p50", &DurationFigures::p50},
        {"p90", &DurationFigures::p90},
        {"p99", &DurationFigures::p99},
        {"max", &DurationFigures::max}};
    // Plain names, not structured bindings, in the loops below: clang 14 (the asan preset) does
    // not yet let a lambda capture a structured binding (C++20, P1381).
    for (const auto& entry : stats) {
        const auto member = entry.second;
        figure_columns(t, items, fmt::format("{}_{}", name, entry.first), "seconds", replicated,
                       [&](const Item& x) -> const Figure& { return get(x).*member; });
    }
}

void write_services(hid_t summary, const RunSummary& s) {
    using SF = ServiceFigures;
    const bool rep = s.replications > 1;
    Table t(summary, "services", s.services.size());
    std::vector<std::string> names, kinds;
    for (const auto& f : s.services) {
        names.push_back(f.name);
        kinds.push_back(f.kind);
    }
    t.strings("name", names);
    t.strings("kind", kinds);
    const std::tuple<const char*, Figure SF::*, const char*> figures[] = {
        {"arrivals", &SF::arrivals, "count"},
        {"completed", &SF::completed, "count"},
        {"rejected", &SF::rejected, "count"},
        {"failed", &SF::failed, "count"},
        {"timed_out", &SF::timed_out, "count"},
        {"dead_lettered", &SF::dead_lettered, "count"},
        {"redelivered", &SF::redelivered, "count"},
        {"throughput_per_second", &SF::throughput_per_second, "1/s"},
        {"utilization", &SF::utilization, "ratio"},
        {"mean_queue_length", &SF::mean_queue_length, "count"},
        {"mean_in_system", &SF::mean_in_system, "count"},
        {"orphaned_work_seconds", &SF::orphaned_work_seconds, "seconds"},
        {"replicas_min", &SF::replicas_min, "count"},
        {"replicas_max", &SF::replicas_max, "count"},
        {"replicas_time_mean", &SF::replicas_time_mean, "count"},
        {"scale_ups", &SF::scale_ups, "count"},
        {"scale_downs", &SF::scale_downs, "count"},
        {"crashes", &SF::crashes, "count"},
        {"oom_kills", &SF::oom_kills, "count"},
        {"replaced", &SF::replaced, "count"},
        {"duplicates", &SF::duplicates, "count"},
        {"unschedulable", &SF::unschedulable, "count"}};
    for (const auto& entry : figures) {
        const auto member = std::get<1>(entry);
        figure_columns(t, s.services, std::get<0>(entry), std::get<2>(entry), rep,
                       [&](const SF& f) -> const Figure& { return f.*member; });
    }
    // Whether `unschedulable` applies (the summary JSON has it only for such services).
    std::vector<std::uint8_t> placement;
    for (const auto& f : s.services)
        placement.push_back(f.placement ? 1 : 0);
    t.booleans("placement", placement);
    duration_columns(t, s.services, "wait_seconds", rep,
                     [](const SF& f) -> const DurationFigures& { return f.wait_seconds; });
    duration_columns(t, s.services, "latency_seconds", rep,
                     [](const SF& f) -> const DurationFigures& { return f.latency_seconds; });
    t.finish();
}

void write_calls(hid_t summary, const RunSummary& s) {
    struct Row {
        const ServiceFigures* service;
        const CallFigures* call;
    };
    std::vector<Row> rows;
    for (const auto& f : s.services)
        for (const auto& c : f.calls)
            rows.push_back({&f, &c});
    const bool rep = s.replications > 1;
    Table t(summary, "calls", rows.size());
    std::vector<std::string> service, key, target;
    for (const auto& r : rows) {
        service.push_back(r.service->name);
        key.push_back(r.call->key);
        target.push_back(r.call->target);
    }
    t.strings("service", service);
    t.strings("call", key);
    t.strings("target", target);
    const std::pair<const char*, Figure CallFigures::*> figures[] = {
        {"calls", &CallFigures::calls},
        {"attempts", &CallFigures::attempts},
        {"succeeded", &CallFigures::succeeded},
        {"failed", &CallFigures::failed},
        {"errors", &CallFigures::errors},
        {"timeouts", &CallFigures::timeouts},
        {"retries", &CallFigures::retries},
        {"retry_budget_exhausted", &CallFigures::retry_budget_exhausted},
        {"not_permitted", &CallFigures::not_permitted},
        {"fallbacks", &CallFigures::fallbacks},
        {"cache_hits", &CallFigures::cache_hits},
        {"cache_misses", &CallFigures::cache_misses},
        {"breaker_opened", &CallFigures::breaker_opened}};
    for (const auto& entry : figures) {
        const auto member = entry.second;
        figure_columns(t, rows, entry.first, "count", rep,
                       [&](const Row& r) -> const Figure& { return r.call->*member; });
    }
    duration_columns(t, rows, "latency_seconds", rep, [](const Row& r) -> const DurationFigures& {
        return r.call->latency_seconds;
    });
    std::vector<std::uint8_t> breaker;
    for (const auto& r : rows)
        breaker.push_back(r.call->has_circuit_breaker ? 1 : 0);
    t.booleans("has_circuit_breaker", breaker);
    t.finish();
}

void write_alert_rules(hid_t summary, const RunSummary& s) {
    Table t(summary, "alerts", s.alerts.size());
    std::vector<std::string> name, severity, condition;
    std::vector<double> for_seconds;
    for (const auto& a : s.alerts) {
        name.push_back(a.name);
        severity.push_back(a.severity);
        condition.push_back(a.condition);
        for_seconds.push_back(a.for_seconds);
    }
    t.strings("name", name);
    t.strings("severity", severity);
    t.strings("condition", condition);
    t.numbers("for_seconds", for_seconds, "seconds");
    figure_columns(t, s.alerts, "firings", "count", s.replications > 1,
                   [](const AlertFigures& a) -> const Figure& { return a.firings; });
    t.finish();
}

void write_expectations(hid_t summary, const RunSummary& s) {
    Table t(summary, "expectations", s.expectations.size());
    std::vector<std::string> text, observed;
    std::vector<std::uint8_t> passed;
    std::vector<std::uint32_t> passed_replications;
    std::vector<models::ExpectationObservation> observations;
    for (const auto& e : s.expectations) {
        text.push_back(e.text);
        passed.push_back(e.passed ? 1 : 0);
        passed_replications.push_back(e.passed_replications);
        observed.push_back(e.observed);
        observations.push_back(e.observation);
    }
    t.strings("text", text);
    t.booleans("passed", passed);
    t.integers("passed_replications", passed_replications, "count");
    t.strings("observed", observed);
    observation_columns(t, observations);
    t.finish();
}

void write_series(hid_t summary, const RunSummary& s) {
    Table t(summary, "series", s.series.size());
    std::vector<std::string> subject, name, unit;
    std::vector<std::uint64_t> samples;
    std::vector<double> min, max, mean, last;
    for (const auto& x : s.series) {
        subject.push_back(x.subject);
        name.push_back(x.name);
        unit.push_back(x.unit);
        samples.push_back(x.samples);
        min.push_back(x.min);
        max.push_back(x.max);
        mean.push_back(x.mean);
        last.push_back(x.last);
    }
    t.strings("subject", subject);
    t.strings("name", name);
    t.strings("unit", unit);
    t.integers("samples", samples, "count");
    t.numbers("min", min);
    t.numbers("max", max);
    t.numbers("mean", mean);
    t.numbers("last", last);
    t.finish();
}

} // namespace

void write_summary_group(hid_t root, const RunSummary& s, bool reproducible) {
    const h5::Handle g = h5::create_group(root, "summary");
    const hid_t id = g.get();
    h5::set_attribute(id, "replications", static_cast<std::uint64_t>(s.replications));
    h5::set_attribute(id, "simulated_seconds", s.simulated_seconds);
    h5::set_attribute(id, "warmup_seconds", s.warmup_seconds);
    h5::set_attribute(id, "events", s.events);
    h5::set_attribute(id, "interrupted", s.interrupted);
    h5::set_attribute(id, "expectations_passed", s.expectations_passed());
    h5::set_attribute(id, "traced", s.traced);
    h5::set_attribute(id, "scrapes", s.scrapes);
    h5::set_attribute(id, "rows_kept", s.rows_kept);
    h5::set_attribute(id, "stride", s.stride);
    h5::set_attribute(id, "event_log_events", s.event_log_events);
    h5::set_attribute(id, "event_log_dropped", s.event_log_dropped);
    h5::write_text(id, "summary_json", summary_json(s, {reproducible}));
    write_services(id, s);
    write_calls(id, s);
    write_alert_rules(id, s);
    write_expectations(id, s);
    write_series(id, s);
}

void observation_columns(h5::Table& t, const std::vector<models::ExpectationObservation>& rows) {
    std::vector<std::string> kind, unit, name, subject;
    std::vector<double> value, at, from, to;
    std::vector<std::uint64_t> scrapes, held;
    for (const auto& o : rows) {
        kind.emplace_back(observation_kind_name(o.kind));
        value.push_back(o.value);
        unit.push_back(o.unit);
        at.push_back(o.at_seconds);
        from.push_back(o.from_seconds);
        to.push_back(o.to_seconds);
        scrapes.push_back(o.scrapes);
        held.push_back(o.scrapes_held);
        name.push_back(o.name);
        subject.push_back(o.subject);
    }
    t.strings("kind", kind);
    t.numbers("value", value); // its unit varies by row: the column `unit`
    t.strings("unit", unit);
    t.numbers("at_seconds", at, "seconds");
    t.numbers("from_seconds", from, "seconds");
    t.numbers("to_seconds", to, "seconds");
    t.integers("scrapes", scrapes, "count");
    t.integers("scrapes_held", held, "count");
    t.strings("name", name);
    t.strings("subject", subject);
}

} // namespace tpssim

#include "apps/tpssim/summary_json.hpp"

#include "apps/tpssim/clock_format.hpp"
#include "apps/tpssim/observation_text.hpp"
#include "models/params.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tpssim {

using Json = nlohmann::ordered_json;

namespace {

// A number, or null when it is NaN or infinite (JSON has neither).
Json number(double x) {
    if (!std::isfinite(x)) return Json();
    return x;
}

// A count is written as an integer for one run; as a mean over replications it is a number.
Json count(const Figure& f, bool replicated) {
    if (!replicated) return static_cast<std::uint64_t>(f.value);
    return f.value;
}

using Start = std::optional<std::chrono::local_seconds>;

// With a calendar start, `key` = the local date and time of `seconds` ("2026-12-25T15:02:15.000",
// beside the number it is read from; null for NaN); nothing without one.
void add_time(Json& j, const char* key, double seconds, const Start& start) {
    if (!start) return;
    j[key] = std::isnan(seconds) ? Json() : Json(local_time_text(seconds, *start));
}

// What a check observed, as numbers: every key always there (null or "" when it does not
// apply to the kind), so that a reader finds the same keys in every check.
Json observation_json(const models::ExpectationObservation& o, const Start& start) {
    Json j{{"kind", observation_kind_name(o.kind)},
           {"value", number(o.value)},
           {"unit", o.unit},
           {"at_seconds", number(o.at_seconds)}};
    add_time(j, "at_time", o.at_seconds, start);
    j["from_seconds"] = number(o.from_seconds);
    j["to_seconds"] = number(o.to_seconds); // null also when the window is open-ended
    j["scrapes"] = o.scrapes;
    j["scrapes_held"] = o.scrapes_held;
    j["name"] = o.name;
    j["subject"] = o.subject;
    return j;
}

Json durations(const DurationFigures& d, bool half_width) {
    // null when there is no data (no request ended): never a 0 that reads as "instant".
    auto v = [half_width](const Figure& f) { return number(half_width ? f.half_width : f.value); };
    return Json{{"mean", v(d.mean)},
                {"p50", v(d.p50)},
                {"p90", v(d.p90)},
                {"p99", v(d.p99)},
                {"max", v(d.max)}};
}

// The per-service figures, as values (half_width = false) or as CI half-widths (true).
Json service_json(const ServiceFigures& f, bool replicated, bool half_width, const Start& start) {
    auto c = [&](const Figure& x) {
        return half_width ? Json(x.half_width) : count(x, replicated);
    };
    auto v = [&](const Figure& x) { return half_width ? x.half_width : x.value; };
    Json j;
    if (!half_width) j["kind"] = f.kind;
    j["arrivals"] = c(f.arrivals);
    j["completed"] = c(f.completed);
    j["rejected"] = c(f.rejected);
    j["failed"] = c(f.failed);
    j["timed_out"] = c(f.timed_out);
    j["dead_lettered"] = c(f.dead_lettered);
    j["throughput_per_second"] = v(f.throughput_per_second);
    j["utilization"] = v(f.utilization);
    j["mean_queue_length"] = v(f.mean_queue_length);
    j["mean_in_system"] = v(f.mean_in_system);
    j["wait_seconds"] = durations(f.wait_seconds, half_width);
    j["latency_seconds"] = durations(f.latency_seconds, half_width);
    j["replicas"] = Json{{"min", v(f.replicas_min)},
                         {"max", v(f.replicas_max)},
                         {"time_mean", v(f.replicas_time_mean)}};
    j["redelivered"] = c(f.redelivered);
    j["orphaned_work_seconds"] = v(f.orphaned_work_seconds);
    if (!f.calls.empty()) {
        Json calls = Json::object();
        Json breakers = Json::object();
        for (const auto& cf : f.calls) {
            Json cj;
            cj["target"] = cf.target;
            cj["calls"] = c(cf.calls);
            cj["attempts"] = c(cf.attempts);
            cj["succeeded"] = c(cf.succeeded);
            cj["failed"] = c(cf.failed);
            cj["errors"] = c(cf.errors);
            cj["timeouts"] = c(cf.timeouts);
            cj["retries"] = c(cf.retries);
            cj["retry_budget_exhausted"] = c(cf.retry_budget_exhausted);
            cj["not_permitted"] = c(cf.not_permitted);
            cj["fallbacks"] = c(cf.fallbacks);
            cj["cache_hits"] = c(cf.cache_hits);
            cj["cache_misses"] = c(cf.cache_misses);
            cj["latency_seconds"] = durations(cf.latency_seconds, half_width);
            if (half_width) cj.erase("target");
            calls[cf.key] = std::move(cj);
            if (cf.has_circuit_breaker) {
                Json bj;
                bj["opened"] = c(cf.breaker_opened);
                if (!replicated && !half_width) {
                    bj["state"] = cf.breaker_state;
                    Json ts = Json::array();
                    for (const auto& t : cf.breaker_transitions) {
                        Json tj{{"at_seconds", t.at_seconds}};
                        add_time(tj, "at_time", t.at_seconds, start);
                        tj["from"] = t.from;
                        tj["to"] = t.to;
                        tj["cause"] = t.cause;
                        ts.push_back(std::move(tj));
                    }
                    bj["transitions"] = std::move(ts);
                    bj["transitions_dropped"] = cf.breaker_transitions_dropped;
                }
                breakers[cf.key] = std::move(bj);
            }
        }
        j["calls"] = std::move(calls);
        if (!breakers.empty()) j["circuit_breakers"] = std::move(breakers);
    }
    if (f.kind == models::name_of(models::ServiceKind::Queue) && !half_width && !replicated) {
        Json latest = Json::array();
        for (const auto& d : f.dead_letters) {
            Json dj{{"at_seconds", d.at_seconds}};
            add_time(dj, "at_time", d.at_seconds, start);
            dj["deliveries"] = d.deliveries;
            dj["first_arrival_seconds"] = d.first_arrival_seconds;
            add_time(dj, "first_arrival_time", d.first_arrival_seconds, start);
            latest.push_back(std::move(dj));
        }
        j["dead_letter_queue"] = Json{{"latest", std::move(latest)}};
    }
    j["scale_ups"] = c(f.scale_ups);
    j["scale_downs"] = c(f.scale_downs);
    j["crashes"] = c(f.crashes);
    j["oom_kills"] = c(f.oom_kills);
    j["replaced"] = c(f.replaced);
    j["duplicates"] = c(f.duplicates);
    if (f.placement) j["unschedulable"] = c(f.unschedulable);
    if (f.has_canary() && !half_width)
        j["canary"] = Json{{"phase", f.canary_phase}, {"weight", f.canary_weight}};
    return j;
}

// The traces section: what the kept traces were ranked by, where their time went (self time
// on the critical path, by service and operation), and each kept trace.
Json traces_json(const RunSummary& s) {
    const auto& sp = s.spans;
    auto share_json = [&](const models::BottleneckShare& b) {
        return Json{{"service", s.services[b.service].name},
                    {"operation", sp.operations[b.operation]},
                    {"self_seconds", b.self_seconds},
                    {"share", b.share}};
    };
    Json time_by_span = Json::array();
    for (const auto& b : models::bottleneck_shares(sp, s.slowest_traces))
        if (b.self_seconds > 0.0) time_by_span.push_back(share_json(b)); // not off the path
    Json slowest = Json::array();
    for (const auto& t : s.slowest_traces) {
        const auto b = t.bottleneck_row;
        Json tj{{"trace_id", t.trace_id}, {"start_seconds", t.start_seconds}};
        add_time(tj, "start_time", t.start_seconds, s.start);
        tj["duration_seconds"] = t.duration_seconds;
        tj["entry_seconds"] = t.entry_seconds;
        tj["ranked_seconds"] = t.ranked_seconds;
        tj["spans"] = t.rows;
        tj["bottleneck"] = Json{
            {"service", s.services[sp.service[b]].name},
            {"operation", sp.operations[sp.operation[b]]},
            {"duration_seconds", sp.duration_seconds[b]},
            {"self_seconds", sp.self_seconds[b]},
            {"share", t.duration_seconds > 0.0 ? sp.self_seconds[b] / t.duration_seconds : 0.0}};
        slowest.push_back(std::move(tj));
    }
    Json j{
        {"traced", s.traced},
        {"ranked_by", s.traces_ranked_by.empty() ? std::string("end_to_end") : s.traces_ranked_by}};
    if (!time_by_span.empty()) j["bottleneck"] = time_by_span.front();
    j["time_by_span"] = std::move(time_by_span);
    j["slowest"] = std::move(slowest);
    return j;
}

// The metrics that crossed an alert rule's threshold (first run), with their crossings.
Json abnormal_json(const std::vector<models::ThresholdCrossings>& abnormal, const Start& start) {
    Json out = Json::array();
    for (const auto& a : abnormal) {
        Json crossings = Json::array();
        for (const auto& c : a.crossings) {
            Json cj{{"from_seconds", c.from_seconds}};
            add_time(cj, "from_time", c.from_seconds, start);
            cj["to_seconds"] = c.to_seconds;
            add_time(cj, "to_time", c.to_seconds, start);
            cj["duration_seconds"] = c.duration_seconds();
            cj["ongoing"] = c.ongoing;
            cj["peak"] = number(c.peak);
            cj["peak_seconds"] = c.peak_seconds;
            add_time(cj, "peak_time", c.peak_seconds, start);
            crossings.push_back(std::move(cj));
        }
        Json aj{{"metric", a.metric},     {"subject", a.subject},
                {"unit", a.unit},         {"condition", a.condition},
                {"alerts", a.rules},      {"threshold", number(a.threshold)},
                {"count", a.count},       {"total_seconds", a.total_seconds},
                {"peak", number(a.peak)}, {"peak_seconds", a.peak_seconds}};
        add_time(aj, "peak_time", a.peak_seconds, start);
        aj["crossings"] = std::move(crossings);
        aj["crossings_dropped"] = a.count - a.crossings.size();
        out.push_back(std::move(aj));
    }
    return out;
}

} // namespace

std::string summary_json(const RunSummary& s, const SummaryJsonOptions& options) {
    const bool replicated = s.replications > 1;
    Json j;
    j["scenario"] = s.scenario;
    j["seed"] = s.seed;
    j["simulated_seconds"] = s.simulated_seconds;
    j["warmup_seconds"] = s.warmup_seconds;
    if (!options.reproducible) j["wall_seconds"] = s.wall_seconds;
    j["events"] = s.events;
    j["replications"] = s.replications;
    if (s.interrupted) j["interrupted"] = true;
    Json services = Json::object();
    for (const auto& f : s.services) {
        Json sj = service_json(f, replicated, false, s.start);
        if (replicated) sj["ci95_half_width"] = service_json(f, replicated, true, s.start);
        services[f.name] = std::move(sj);
    }
    j["services"] = std::move(services);
    if (s.traced > 0) j["traces"] = traces_json(s);
    Json alerts = Json::array();
    for (const auto& a : s.alerts) {
        Json firings = Json::array();
        for (const auto& f : a.first_run_firings) {
            Json fj{{"fired_seconds", f.fired_seconds}};
            add_time(fj, "fired_time", f.fired_seconds, s.start);
            fj["resolved_seconds"] = number(f.resolved_seconds);
            add_time(fj, "resolved_time", f.resolved_seconds, s.start);
            fj["value"] = number(f.value);
            firings.push_back(std::move(fj));
        }
        alerts.push_back(Json{{"name", a.name},
                              {"severity", a.severity},
                              {"condition", a.condition},
                              {"for_seconds", a.for_seconds},
                              {"firings", count(a.firings, replicated)},
                              {"first_run", std::move(firings)}});
    }
    j["alerts"] = std::move(alerts);
    Json checks = Json::array();
    for (const auto& e : s.expectations)
        checks.push_back(Json{{"text", e.text},
                              {"passed", e.passed},
                              {"passed_replications", e.passed_replications},
                              {"observed", e.observed},
                              {"observation", observation_json(e.observation, s.start)}});
    j["expectations"] = Json{{"passed", s.expectations_passed()}, {"checks", std::move(checks)}};
    Json series = Json::object();
    for (const auto& c : s.series)
        series[c.subject][c.name] = Json{{"min", number(c.min)},
                                         {"max", number(c.max)},
                                         {"mean", number(c.mean)},
                                         {"last", number(c.last)}};
    j["monitoring"] = Json{{"scrapes", s.scrapes},
                           {"rows_kept", s.rows_kept},
                           {"stride", s.stride},
                           {"series", std::move(series)}};
    j["event_log"] = Json{{"events", s.event_log_events}, {"dropped", s.event_log_dropped}};
    j["abnormal"] = abnormal_json(s.abnormal, s.start);
    if (s.start) {
        j["start"] = local_time_text(0.0, *s.start);
        j["end"] = local_time_text(s.simulated_seconds, *s.start);
    }
    return j.dump(2) + "\n";
}

std::string local_time_text(double at_seconds, std::chrono::local_seconds start) {
    return local_date_time_text(at_seconds, start);
}

std::string event_log_jsonl(const models::EventLog& log,
                            const std::optional<std::chrono::local_seconds>& start) {
    std::string out;
    write_event_log_jsonl(log, start, [&](std::string_view lines) { out += lines; });
    return out;
}

void write_event_log_jsonl(const models::EventLog& log,
                           const std::optional<std::chrono::local_seconds>& start,
                           const std::function<void(std::string_view)>& sink) {
    // Handed to the sink in pieces of about a megabyte: a long run's log is never one string.
    constexpr std::size_t kPiece = 1 << 20;
    std::string out;
    for (const auto e : log) {
        Json j;
        j["t"] = e.at_seconds;
        if (start) j["time"] = local_time_text(e.at_seconds, *start);
        j["type"] = e.type;
        j["subject"] = e.subject;
        for (std::size_t i = 0; i < e.field_count(); ++i) {
            const auto value = e.value(i);
            const std::string key(e.key(i));
            if (const auto* d = std::get_if<double>(&value))
                j[key] = number(*d);
            else
                j[key] = std::get<std::string_view>(value);
        }
        out += j.dump();
        out += '\n';
        if (out.size() >= kPiece) {
            sink(out);
            out.clear();
        }
    }
    if (!out.empty()) sink(out);
}

} // namespace tpssim

#include "apps/tpssim/results_file.hpp"

#include "apps/tpssim/hdf5_table.hpp"
#include "apps/tpssim/metric_table.hpp"
#include "apps/tpssim/observation_text.hpp"
#include "apps/tpssim/output_file.hpp"
#include "apps/tpssim/results_summary.hpp"
#include "apps/tpssim/summary_json.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <variant>

namespace tpssim {

namespace {

using h5::Handle;
using h5::Table;
using models::RunResult;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Strings to categorical codes, in order of first appearance.
class Categories {
public:
    std::int32_t code(std::string_view s) {
        const auto it = ids_.find(std::string(s));
        if (it != ids_.end()) return it->second;
        const auto id = static_cast<std::int32_t>(names_.size());
        names_.emplace_back(s);
        ids_.emplace(names_.back(), id);
        return id;
    }
    const std::vector<std::string>& names() const { return names_; }

private:
    std::vector<std::string> names_;
    std::unordered_map<std::string, std::int32_t> ids_;
};

std::string_view subject_kind(models::MetricSubject s) {
    switch (s) {
    case models::MetricSubject::Service:
        return "service";
    case models::MetricSubject::Edge:
        return "edge";
    case models::MetricSubject::Link:
        return "link";
    }
    return "service";
}

// metrics/: a row per kept scrape and subject, a column per metric.
void write_metrics(hid_t run_group, const RunResult& run) {
    const MetricTable layout(run.metrics);
    const std::size_t scrapes = run.metric_times_seconds.size();
    const std::size_t subjects = layout.subjects.size();
    const std::size_t rows = scrapes * subjects;
    Table t(run_group, "metrics", rows);
    {
        std::vector<double> times(rows);
        std::vector<std::int32_t> subject(rows);
        for (std::size_t r = 0; r < scrapes; ++r)
            for (std::size_t s = 0; s < subjects; ++s) {
                times[r * subjects + s] = run.metric_times_seconds[r];
                subject[r * subjects + s] = static_cast<std::int32_t>(s);
            }
        t.numbers("time_seconds", times, "seconds");
        t.categorical("subject", subject, layout.subjects);
    }
    std::vector<double> values(rows);
    for (std::size_t m = 0; m < layout.metrics.size(); ++m) {
        std::fill(values.begin(), values.end(), kNaN);
        for (std::size_t s = 0; s < subjects; ++s) {
            const auto c = layout.column(m, s);
            if (c == MetricTable::npos) continue;
            const auto& column = run.metrics[c].values;
            for (std::size_t r = 0; r < scrapes; ++r)
                values[r * subjects + s] = column[r];
        }
        const auto* info = layout.metrics[m];
        const Handle d = t.numbers(std::string(info->name), values, info->unit);
        h5::set_attribute(d.get(), "prometheus_name", info->name);
        h5::set_attribute(d.get(), "help", info->help);
        h5::set_attribute(d.get(), "subject_kind", subject_kind(info->subject));
    }
    h5::set_attribute(t.group(), "scrapes", run.metric_scrapes);
    h5::set_attribute(t.group(), "scrapes_kept", static_cast<std::uint64_t>(scrapes));
    h5::set_attribute(t.group(), "stride", run.metric_stride);
    t.finish();
}

// events/: a row per kept event; a column per field key (a key that is a number for some
// events and a text for others has two: KEY and KEY_text).
void write_events(hid_t run_group, const models::EventLog& log) {
    struct Key {
        std::string name;
        bool number = false, text = false;
    };
    std::vector<Key> keys;
    for (const auto e : log)
        for (std::size_t i = 0; i < e.field_count(); ++i) {
            const auto key = e.key(i);
            auto it =
                std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return k.name == key; });
            if (it == keys.end()) it = keys.insert(keys.end(), Key{std::string(key)});
            (std::holds_alternative<double>(e.value(i)) ? it->number : it->text) = true;
        }
    Table t(run_group, "events", log.size());
    {
        std::vector<double> times;
        std::vector<std::int32_t> type, subject;
        Categories types, subjects;
        for (const auto e : log) {
            times.push_back(e.at_seconds);
            type.push_back(types.code(e.type));
            subject.push_back(subjects.code(e.subject));
        }
        t.numbers("time_seconds", times, "seconds");
        t.categorical("type", type, types.names());
        t.categorical("subject", subject, subjects.names());
    }
    for (const auto& k : keys) {
        if (k.number) {
            std::vector<double> values;
            for (const auto e : log) {
                const auto v = e.find(k.name);
                values.push_back(v && std::holds_alternative<double>(*v) ? std::get<double>(*v)
                                                                         : kNaN);
            }
            t.numbers(k.name, values);
        }
        if (k.text) {
            std::vector<std::int32_t> codes;
            Categories texts;
            for (const auto e : log) {
                const auto v = e.find(k.name);
                codes.push_back(v && std::holds_alternative<std::string_view>(*v)
                                    ? texts.code(std::get<std::string_view>(*v))
                                    : -1);
            }
            t.categorical(k.number ? k.name + "_text" : k.name, codes, texts.names());
        }
    }
    h5::set_attribute(t.group(), "events", log.events());
    h5::set_attribute(t.group(), "dropped", log.dropped());
    t.finish();
}

std::vector<std::string> service_names(const RunResult& run) {
    std::vector<std::string> names;
    for (const auto& s : run.services)
        names.push_back(s.name);
    return names;
}

// spans/ and traces/: the kept traces.
void write_spans(hid_t run_group, const RunResult& run) {
    const auto& sp = run.spans;
    Table t(run_group, "spans", sp.size());
    t.integers("trace_id", sp.trace_id);
    t.integers("span_id", sp.span_id);
    const Handle parent = t.integers("parent_id", sp.parent_id);
    h5::set_attribute(parent.get(), "no_parent",
                      static_cast<std::uint64_t>(models::SpanColumns::kNoParent));
    std::vector<std::int32_t> codes(sp.service.begin(), sp.service.end());
    t.categorical("service", codes, service_names(run));
    codes.assign(sp.operation.begin(), sp.operation.end());
    t.categorical("operation", codes, sp.operations);
    t.numbers("start_seconds", sp.start_seconds, "seconds");
    t.numbers("duration_seconds", sp.duration_seconds, "seconds");
    t.numbers("wait_seconds", sp.wait_seconds, "seconds");
    std::vector<std::string> outcomes;
    for (const auto& n : models::kSpanOutcomeNames)
        outcomes.emplace_back(n.name);
    codes.clear();
    for (const auto o : sp.outcome)
        codes.push_back(static_cast<std::int32_t>(o));
    t.categorical("outcome", codes, outcomes);
    std::vector<std::string> refs;
    for (const auto& n : models::kSpanRefNames)
        refs.emplace_back(n.name);
    codes.clear();
    for (const auto r : sp.ref)
        codes.push_back(static_cast<std::int32_t>(r));
    t.categorical("ref", codes, refs);
    const Handle replica = t.integers("replica", sp.replica);
    h5::set_attribute(replica.get(), "no_replica",
                      static_cast<std::uint64_t>(models::SpanColumns::kNoReplica));
    t.integers("delivery", sp.delivery, "count");
    t.numbers("self_seconds", sp.self_seconds, "seconds");
    h5::set_attribute(t.group(), "traced", run.traced);
    t.finish();

    const auto& tr = run.slowest_traces;
    Table traces(run_group, "traces", tr.size());
    std::vector<std::uint64_t> ids;
    std::vector<double> start, duration, entry, ranked;
    std::vector<std::uint32_t> first, rows, bottleneck;
    for (const auto& x : tr) {
        ids.push_back(x.trace_id);
        start.push_back(x.start_seconds);
        duration.push_back(x.duration_seconds);
        entry.push_back(x.entry_seconds);
        ranked.push_back(x.ranked_seconds);
        first.push_back(x.first_row);
        rows.push_back(x.rows);
        bottleneck.push_back(x.bottleneck_row);
    }
    traces.integers("trace_id", ids);
    traces.numbers("start_seconds", start, "seconds");
    traces.numbers("duration_seconds", duration, "seconds");
    traces.numbers("entry_seconds", entry, "seconds");
    traces.numbers("ranked_seconds", ranked, "seconds");
    traces.integers("first_row", first);
    traces.integers("spans", rows, "count");
    traces.integers("bottleneck_row", bottleneck);
    traces.finish();
}

// alerts/: every firing of every rule.
void write_alerts(hid_t run_group, const RunResult& run) {
    Categories names, severities;
    std::vector<std::int32_t> name, severity;
    std::vector<double> fired, resolved, value;
    for (const auto& a : run.alerts) {
        names.code(a.name); // every rule is a category, fired or not
        for (const auto& f : a.firings) {
            name.push_back(names.code(a.name));
            severity.push_back(severities.code(a.severity));
            fired.push_back(f.fired_seconds);
            resolved.push_back(f.resolved_seconds);
            value.push_back(f.value);
        }
    }
    Table t(run_group, "alerts", fired.size());
    t.categorical("name", name, names.names());
    t.categorical("severity", severity, severities.names());
    t.numbers("fired_seconds", fired, "seconds");
    t.numbers("resolved_seconds", resolved, "seconds");
    t.numbers("value", value);
    t.finish();
}

// breaker_transitions/: every recorded transition of every circuit breaker.
void write_breaker_transitions(hid_t run_group, const RunResult& run) {
    Categories services, calls, states, causes;
    std::vector<std::int32_t> service, call, from, to, cause;
    std::vector<double> at;
    std::uint64_t dropped = 0;
    for (const auto& s : run.services)
        for (const auto& c : s.calls) {
            if (!c.has_circuit_breaker) continue;
            dropped += c.breaker_transitions_dropped;
            for (const auto& x : c.breaker_transitions) {
                service.push_back(services.code(s.name));
                call.push_back(calls.code(c.key));
                at.push_back(x.at_seconds);
                from.push_back(states.code(x.from));
                to.push_back(states.code(x.to));
                cause.push_back(causes.code(x.cause));
            }
        }
    Table t(run_group, "breaker_transitions", at.size());
    t.categorical("service", service, services.names());
    t.categorical("call", call, calls.names());
    t.numbers("at_seconds", at, "seconds");
    t.categorical("from", from, states.names());
    t.categorical("to", to, states.names());
    t.categorical("cause", cause, causes.names());
    h5::set_attribute(t.group(), "dropped", dropped);
    t.finish();
}

void write_expectations(hid_t run_group, const RunResult& run) {
    std::vector<std::string> text, observed;
    std::vector<std::uint8_t> passed;
    std::vector<models::ExpectationObservation> observations;
    const auto clock = observation_clock(run);
    for (const auto& e : run.expectations) {
        text.push_back(e.text);
        passed.push_back(e.passed ? 1 : 0);
        observed.push_back(observation_text(e.observation, clock));
        observations.push_back(e.observation);
    }
    Table t(run_group, "expectations", text.size());
    t.strings("text", text);
    t.booleans("passed", passed);
    t.strings("observed", observed);
    observation_columns(t, observations);
    t.finish();
}

// services/: the run's own figures, one row per service or queue.
void write_services(hid_t run_group, const RunResult& run) {
    using SR = models::ServiceResult;
    Table t(run_group, "services", run.services.size());
    std::vector<std::string> names;
    std::vector<std::int32_t> kinds;
    Categories kind_names;
    for (const auto& s : run.services) {
        names.push_back(s.name);
        kinds.push_back(kind_names.code(s.kind));
    }
    t.strings("name", names);
    t.categorical("kind", kinds, kind_names.names());
    const std::pair<const char*, std::uint64_t SR::*> counts[] = {
        {"arrivals", &SR::arrivals},       {"completed", &SR::completed},
        {"rejected", &SR::rejected},       {"failed", &SR::failed},
        {"timed_out", &SR::timed_out},     {"dead_lettered", &SR::dead_lettered},
        {"redelivered", &SR::redelivered}, {"scale_ups", &SR::scale_ups},
        {"scale_downs", &SR::scale_downs}, {"crashes", &SR::crashes},
        {"oom_kills", &SR::oom_kills},     {"replaced", &SR::replaced},
        {"duplicates", &SR::duplicates},   {"unschedulable", &SR::unschedulable}};
    for (const auto& [name, member] : counts) {
        std::vector<std::uint64_t> v;
        for (const auto& s : run.services)
            v.push_back(s.*member);
        t.integers(name, v, "count");
    }
    // Whether `unschedulable` applies (the summary JSON has it only for such services): a
    // service without a placement has unlimited room, and its 0 says nothing.
    std::vector<std::uint8_t> placement;
    for (const auto& s : run.services)
        placement.push_back(s.placement ? 1 : 0);
    t.booleans("placement", placement);
    const std::tuple<const char*, double SR::*, const char*> numbers[] = {
        {"throughput_per_second", &SR::throughput_per_second, "1/s"},
        {"utilization", &SR::utilization, "ratio"},
        {"mean_queue_length", &SR::mean_queue_length, "count"},
        {"mean_in_system", &SR::mean_in_system, "count"},
        {"max_queue_length", &SR::max_queue_length, "count"},
        {"replicas_min", &SR::replicas_min, "count"},
        {"replicas_max", &SR::replicas_max, "count"},
        {"replicas_time_mean", &SR::replicas_time_mean, "count"},
        {"orphaned_work_seconds", &SR::orphaned_work_seconds, "seconds"}};
    for (const auto& [name, member, unit] : numbers) {
        std::vector<double> v;
        for (const auto& s : run.services)
            v.push_back(s.*member);
        t.numbers(name, v, unit);
    }
    const std::pair<const char*, models::DurationSummary SR::*> durations[] = {
        {"wait_seconds", &SR::wait_seconds}, {"latency_seconds", &SR::latency_seconds}};
    const std::pair<const char*, double models::DurationSummary::*> stats[] = {
        {"mean", &models::DurationSummary::mean},
        {"p50", &models::DurationSummary::p50},
        {"p90", &models::DurationSummary::p90},
        {"p99", &models::DurationSummary::p99},
        {"max", &models::DurationSummary::max}};
    for (const auto& [name, member] : durations)
        for (const auto& [stat, field] : stats) {
            std::vector<double> v;
            for (const auto& s : run.services)
                v.push_back((s.*member).*field);
            t.numbers(fmt::format("{}_{}", name, stat), v, "seconds");
        }
    t.finish();
}

// Everything one run observed, under `group` (the root for a plain run).
void write_run(hid_t group, const RunResult& run) {
    write_metrics(group, run);
    write_events(group, run.event_log);
    if (run.traced > 0) write_spans(group, run);
    if (!run.alerts.empty()) write_alerts(group, run);
    bool breakers = false;
    for (const auto& s : run.services)
        for (const auto& c : s.calls)
            breakers = breakers || c.has_circuit_breaker;
    if (breakers) write_breaker_transitions(group, run);
    if (!run.expectations.empty()) write_expectations(group, run);
    write_services(group, run);
}

std::string iso_date_time(std::chrono::local_seconds t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

} // namespace

bool is_results_file(const std::string& path) {
    h5::silence_errors();
    if (H5Fis_hdf5(path.c_str()) <= 0) return false;
    try {
        Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
        return h5::string_attribute(f.get(), "format") == kResultsFormat;
    } catch (const std::runtime_error&) {
        return false;
    }
}

void check_results_file_target(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (fs::is_directory(status))
        throw std::runtime_error(
            fmt::format("{}: is a folder; expected the name of a results file", path));
    if (fs::exists(status) && !is_results_file(path))
        throw std::runtime_error(
            fmt::format("{}: exists and is not a tpssim results file (an HDF5 file with format = "
                        "\"{}\"); not overwriting it",
                        path, kResultsFormat));
    check_can_write(path);
}

void write_results_file(const std::string& path, const ResultsFileHeader& header,
                        const std::vector<RunResult>& runs, const RunSummary& summary) {
    h5::write_file_whole(path, [&](hid_t root) {
        h5::set_attribute(root, "format", std::string_view(kResultsFormat));
        h5::set_attribute(root, "format_version",
                          static_cast<std::uint64_t>(kResultsFormatVersion));
        h5::set_attribute(root, "tpssim_version", header.tpssim_version);
        h5::set_attribute(root, "scenario_name", header.scenario_name);
        h5::set_attribute(root, "scenario_file", header.scenario_file);
        h5::set_attribute(root, "seed", header.seed);
        if (header.start) h5::set_attribute(root, "start", iso_date_time(*header.start));
        h5::set_attribute(root, "replications", static_cast<std::uint64_t>(runs.size()));
        h5::set_attribute(root, "simulated_seconds", summary.simulated_seconds);
        h5::set_attribute(root, "warmup_seconds", summary.warmup_seconds);
        h5::set_attribute(root, "interrupted", summary.interrupted);
        if (!header.reproducible) {
            const auto now =
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            h5::set_attribute(root, "created",
                              iso_date_time(std::chrono::local_seconds(now.time_since_epoch())) +
                                  "Z");
            h5::set_attribute(root, "wall_seconds", summary.wall_seconds);
        }
        h5::write_text(root, "scenario", header.scenario_yaml);
        if (runs.size() == 1) {
            write_run(root, runs.front());
        } else {
            const Handle all = h5::create_group(root, "replications", true);
            for (std::size_t r = 0; r < runs.size(); ++r) {
                const Handle g = h5::create_group(all.get(), std::to_string(r));
                h5::set_attribute(g.get(), "seed", runs[r].seed);
                h5::set_attribute(g.get(), "simulated_seconds", runs[r].simulated_seconds);
                h5::set_attribute(g.get(), "events", runs[r].events);
                write_run(g.get(), runs[r]);
            }
        }
        write_summary_group(root, summary, header.reproducible);
    });
}

} // namespace tpssim

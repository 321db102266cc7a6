#include "apps/tpssim/cli.hpp"
#include "apps/tpssim/command_flags.hpp"

#include "apps/tpssim/exam_command.hpp"
#include "apps/tpssim/forecast_command.hpp"
#include "apps/tpssim/grafana_dashboard.hpp"
#include "apps/tpssim/html_dashboard.hpp"
#include "apps/tpssim/metrics_csv.hpp"
#include "apps/tpssim/openmetrics_text.hpp"
#include "apps/tpssim/output_file.hpp"
#include "apps/tpssim/progress_bar.hpp"
#include "apps/tpssim/prometheus_rules.hpp"
#include "apps/tpssim/report.hpp"
#include "apps/tpssim/results_file.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"
#include "apps/tpssim/sweep_command.hpp"
#include "apps/tpssim/terminal_dashboard.hpp"
#include "apps/tpssim/trace_export.hpp"
#include "models/call_graph.hpp"
#include "models/model.hpp"
#include "models/replications.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <optional>
#include <thread>
#include <vector>

namespace tpssim {

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
    g_interrupted.store(true);
}

constexpr const char* kVersion = "0.1.0";

constexpr const char* kUsageHead =
    R"(tpssim: discrete-event simulation of TPS-style software operations

usage:
  tpssim run SCENARIO.yaml [options]     run a scenario and print its report
  tpssim validate SCENARIO.yaml [--set PATH=VALUE]... [--chaos FAULT]... [--graph[=text|dot]]
                                         check a scenario file without running it;
                                         --graph prints the call graph (text or Graphviz DOT)
  tpssim sweep SWEEP.yaml [options]      run a parameter sweep (docs/sweeps.md)
  tpssim forecast FORECAST.yaml [options]
                                         forecast growth and size capacity (docs/forecasts.md)
  tpssim exam EXAM.yaml --playbook MINE.yaml [options]
                                         grade a playbook on an exam (docs/exams.md)
  tpssim help [run|validate|sweep|forecast|exam] | --help | --version
  tpssim run --help | tpssim validate --help   that command's help
)";

constexpr const char* kRunUsage = R"(usage: tpssim run SCENARIO.yaml [options]
run a scenario and print its report
)";

constexpr const char* kValidateUsage =
    R"(usage: tpssim validate SCENARIO.yaml [--set PATH=VALUE]... [--chaos FAULT]... [--graph[=text|dot]]
check a scenario file without running it (exit 0: valid, 2: every problem listed)

validate options:
  --set PATH=VALUE         override any scalar before validation (repeatable)
  --chaos KEY=VALUE,...    add a fault to the chaos timeline (repeatable)
  --graph[=text|dot]       print the call graph, as text or Graphviz DOT
)";

constexpr const char* kRunOptions = R"(
run options:
  --seed N                 replace the file's seed (a non-negative integer)
  --set PATH=VALUE         override any scalar, e.g. --set services.api.workers=8 (repeatable)
  --chaos KEY=VALUE,...    add a fault to the chaos timeline, e.g.
                           --chaos target=service-c,latency=5000ms,at=10m,for=5m (repeatable)
  --until DURATION         simulate this long instead of the file's duration, e.g. 30m
  --replications R         run R independent replications in parallel; figures get 95% CIs
  --threads T              threads for replications (default: every core)
  --summary-json FILE|-    write the summary JSON to FILE (written whole or not at all) or stdout
  --events FILE|-          write the first replication's event log (scalings, crashes, faults,
                           alerts, actions, canary steps, breakers) as JSON Lines
  --out FILE.h5            write the results file (HDF5): metrics over time, events, spans,
                           alerts, expectations and the summary, per replication
                           (docs/results-file.md); an existing FILE must be a results file
  --metrics FILE.csv|-     write the first replication's metrics as CSV: one row per kept
                           scrape and subject, one column per metric
  --openmetrics FILE       write the first replication's metrics as OpenMetrics text, for
                           promtool tsdb create-blocks-from openmetrics (docs/andon.md)
  --prometheus-rules FILE  write the scenario's alert rules as a Prometheus rules file
  --grafana FILE.json      write a Grafana dashboard of the seven panels over those metrics
  --dashboard              print the seven panels as sparklines over the run, alerts marked
                           (COLUMNS wide, 100 by default)
  --slowest N              print the N slowest requests (end to end, queue consumers
                           included) as span trees and what dominates their time (traces
                           every request unless the file's tracing.sample says otherwise)
  --by SERVICE             with --slowest: rank by SERVICE's longest span instead
  --traces FILE.json       write the first replication's kept traces for Jaeger's UI (or
                           OTLP JSON with --traces-format otlp); traces every request unless
                           the file's tracing.sample says otherwise
  --traces-format jaeger|otlp
                           the format of --traces (default jaeger)
  --html FILE.html         write a self-contained dashboard page of the first replication:
                           the seven panels over the run, alerts, faults, actions and breaker
                           states, the event log and the slowest traces (docs/andon.md)
  --reproducible           leave wall-clock figures out of the summary JSON and the results
                           file (same bytes every run)
  --quiet                  no report, no progress bar
  --no-progress            no progress bar
)";

constexpr const char* kExitCodes =
    "\nexit codes: 0 ok, 1 expect: checks failed, 2 bad input, 3 internal error, 130 "
    "interrupted\n";

// Joined by fmt, not by std::string's operator+: gcc 12 at -O1 (the TSan build) inlines those
// concatenations far enough to report false -Warray-bounds / -Wstringop-overflow errors inside
// libstdc++'s char_traits::copy.
std::string usage_text() {
    return fmt::format("{}{}{}", kUsageHead, kRunOptions, kExitCodes);
}
std::string run_help_text() {
    return fmt::format("{}{}{}", kRunUsage, kRunOptions, kExitCodes);
}
std::string validate_help_text() {
    return fmt::format("{}{}", kValidateUsage, kExitCodes);
}

// A whole number of run's flags, whose messages say what it is ("a seed", "a count").
template <class T>
T parse_integer(const std::string& flag, const std::string& text, T min, T max, const char* what) {
    T v{};
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || v < min || v > max)
        bad_flag(flag, fmt::format("expected {}, got \"{}\"", what, text));
    return v;
}

struct RunArgs {
    std::string file;
    std::vector<scenarios::Override> overrides;
    std::vector<std::string> chaos; ///< --chaos: faults added to the file's timeline
    std::optional<std::uint64_t> seed;
    std::optional<sim::SimTime> until;
    std::uint32_t replications = 1;
    std::uint32_t threads = 0;
    std::optional<std::string> summary_json;
    std::optional<std::string> events;  ///< run --events FILE|-
    std::optional<std::string> out;     ///< run --out FILE.h5
    std::optional<std::string> metrics; ///< run --metrics FILE.csv|-
    bool reproducible = false;
    bool quiet = false;
    bool progress = true;
    std::optional<std::string> graph; ///< validate --graph[=text|dot]
    std::uint32_t slowest = 0;        ///< run --slowest N
    std::optional<std::string> by;    ///< run --by SERVICE: what --slowest ranks by
    // Andon for a browser and Jaeger: --traces FILE [--traces-format F], --html FILE.
    std::optional<std::string> traces;
    std::optional<TraceFormat> traces_format;
    std::optional<std::string> html;
    // Andon in Prometheus, Grafana and the terminal (docs/andon.md).
    std::optional<std::string> openmetrics;      ///< run --openmetrics FILE
    std::optional<std::string> prometheus_rules; ///< run --prometheus-rules FILE
    std::optional<std::string> grafana;          ///< run --grafana FILE.json
    bool dashboard = false;                      ///< run --dashboard
};

RunArgs parse_run_args(std::span<const std::string> args, bool validate_only) {
    RunArgs a;
    FlagReader flags(args);
    while (flags.next()) {
        const std::string& flag = flags.flag();
        if (flag == "--set") {
            a.overrides.push_back(scenarios::parse_override(flags.value()));
        } else if (flag == "--chaos") {
            a.chaos.push_back(flags.value());
        } else if (validate_only && flag == "--graph") {
            a.graph = flags.inline_value().value_or("text");
            if (*a.graph != "text" && *a.graph != "dot")
                bad_flag(flag, fmt::format("expected text or dot, got \"{}\"", *a.graph));
        } else if (validate_only) {
            if (flag.starts_with("-"))
                bad_flag(flag, "unknown option for validate (try --set, --chaos or --graph)");
            if (!a.file.empty())
                bad_flag(flag,
                         fmt::format("expected one scenario file, got a second: \"{}\"", flag));
            a.file = flag;
        } else if (flag == "--seed") {
            a.seed = parse_integer<std::uint64_t>(flag, flags.value(), 0, UINT64_MAX,
                                                  "a non-negative integer");
        } else if (flag == "--until") {
            const std::string v = flags.value();
            auto parsed = scenarios::parse_duration(v);
            if (const auto* msg = std::get_if<std::string>(&parsed)) bad_flag(flag, *msg);
            const auto t = std::get<sim::SimTime>(parsed);
            if (t <= sim::SimTime::zero())
                bad_flag(flag, fmt::format("expected a duration > 0, got \"{}\"", v));
            a.until = t;
        } else if (flag == "--replications") {
            a.replications = parse_integer<std::uint32_t>(flag, flags.value(), 1, 100000,
                                                          "an integer from 1 to 100000");
        } else if (flag == "--threads") {
            a.threads = parse_integer<std::uint32_t>(flag, flags.value(), 1, 1024,
                                                     "an integer from 1 to 1024");
        } else if (flag == "--summary-json") {
            a.summary_json = flags.value();
            if (a.summary_json->empty()) bad_flag(flag, "expected a file name or -, got \"\"");
        } else if (flag == "--events") {
            a.events = flags.value();
            if (a.events->empty()) bad_flag(flag, "expected a file name or -, got \"\"");
        } else if (flag == "--out") {
            a.out = flags.value();
            if (a.out->empty() || *a.out == "-")
                bad_flag(flag, fmt::format("expected a file name, got \"{}\"", *a.out));
        } else if (flag == "--metrics") {
            a.metrics = flags.value();
            if (a.metrics->empty()) bad_flag(flag, "expected a file name or -, got \"\"");
        } else if (flag == "--openmetrics" || flag == "--prometheus-rules" || flag == "--grafana") {
            auto& path = flag == "--openmetrics"        ? a.openmetrics
                         : flag == "--prometheus-rules" ? a.prometheus_rules
                                                        : a.grafana;
            path = flags.value();
            if (path->empty() || *path == "-")
                bad_flag(flag, fmt::format("expected a file name, got \"{}\"", *path));
        } else if (flag == "--dashboard") {
            flags.no_value();
            a.dashboard = true;
        } else if (flag == "--slowest") {
            a.slowest = parse_integer<std::uint32_t>(flag, flags.value(), 1, 1000,
                                                     "an integer from 1 to 1000");
        } else if (flag == "--by") {
            a.by = flags.value();
        } else if (flag == "--traces" || flag == "--html") {
            auto& path = flag == "--traces" ? a.traces : a.html;
            path = flags.value();
            if (path->empty() || *path == "-")
                bad_flag(flag, fmt::format("expected a file name, got \"{}\"", *path));
        } else if (flag == "--traces-format") {
            const std::string v = flags.value();
            a.traces_format = parse_trace_format(v);
            if (!a.traces_format)
                bad_flag(flag, fmt::format("expected jaeger or otlp, got \"{}\"", v));
        } else if (flag == "--reproducible") {
            flags.no_value();
            a.reproducible = true;
        } else if (flag == "--quiet" || flag == "-q") {
            flags.no_value();
            a.quiet = true;
        } else if (flag == "--no-progress") {
            flags.no_value();
            a.progress = false;
        } else if (flag.starts_with("-") && flag != "-") {
            bad_flag(flag, "unknown option (see tpssim --help)");
        } else {
            if (!a.file.empty())
                bad_flag(flag,
                         fmt::format("expected one scenario file, got a second: \"{}\"", flag));
            a.file = flag;
        }
    }
    if (a.file.empty()) bad_flag("SCENARIO", "expected a scenario file, got nothing");
    if (a.traces_format && !a.traces)
        bad_flag("--traces-format", "expected --traces FILE with it (it says that file's format)");
    if (a.by && a.slowest == 0)
        bad_flag("--by", "expected --slowest N with it (--by says what --slowest ranks by)");
    // At most one output goes to stdout.
    const std::optional<std::string>* to_stdout = nullptr;
    for (const auto* o : {&a.summary_json, &a.events, &a.metrics}) {
        if (!*o || **o != "-") continue;
        if (to_stdout)
            bad_flag(
                o == &a.events ? "--events" : "--metrics",
                fmt::format("expected a file name: {} already goes to stdout (-)",
                            to_stdout == &a.summary_json ? "the summary JSON" : "the event log"));
        to_stdout = o;
    }
    return a;
}

// The service --by names (one with spans of its own: not a queue), or a bad-input error that
// lists them.
std::uint32_t service_by_name(const models::ModelParams& model, const std::string& name) {
    std::string names;
    for (std::uint32_t i = 0; i < model.services.size(); ++i) {
        const auto& sp = model.services[i];
        if (sp.kind == models::ServiceKind::Queue) continue;
        if (sp.name == name) return i;
        names += (names.empty() ? "" : ", ") + sp.name;
    }
    for (const auto& sp : model.services)
        if (sp.kind == models::ServiceKind::Queue && sp.name == name)
            bad_flag("--by", fmt::format("expected a service (one of {}), got \"{}\", a queue "
                                         "(its items' spans are its consumer's, {})",
                                         names, name, model.services[sp.consumer].name));
    bad_flag("--by", fmt::format("expected a service (one of {}), got \"{}\"", names, name));
}

bool asks_for_help(std::span<const std::string> args) {
    return std::any_of(args.begin(), args.end(),
                       [](const std::string& a) { return a == "--help" || a == "-h"; });
}

int cmd_validate(std::span<const std::string> args, std::FILE* out) {
    const RunArgs a = parse_run_args(args, true);
    const auto sc = scenarios::load_scenario_file(a.file, a.overrides, a.chaos);
    if (a.graph) {
        const models::CallGraph graph(sc.model);
        fmt::print(out, "{}", *a.graph == "dot" ? graph.to_dot(sc.name) : graph.to_text());
        return kExitOk;
    }
    fmt::print(out, "{}: ok: scenario \"{}\", {} service(s), {} load source(s), {} simulated",
               a.file, sc.name, sc.model.services.size(), sc.model.load.size(),
               scenarios::format_duration(sc.model.duration));
    if (sc.model.warmup > sim::SimTime::zero())
        fmt::print(out, " (warm-up {})", scenarios::format_duration(sc.model.warmup));
    fmt::print(out, "\n");
    return kExitOk;
}

int cmd_run(std::span<const std::string> args, std::FILE* out, std::FILE* err) {
    const RunArgs a = parse_run_args(args, false);
    auto sc = scenarios::load_scenario_file(a.file, a.overrides, a.chaos);
    const std::uint64_t seed = a.seed.value_or(sc.seed);
    if (a.until) sc.model.duration = *a.until;
    if (a.slowest > 0) {
        // Trace every request unless the file samples; keep at least the N slowest.
        auto& tracing = sc.model.tracing;
        if (tracing.sample_fraction == 0.0) tracing.sample_fraction = 1.0;
        tracing.keep_slowest = std::max(tracing.keep_slowest, a.slowest);
        if (a.by) tracing.rank_service = service_by_name(sc.model, *a.by);
    }
    if ((a.traces || a.html) && sc.model.tracing.sample_fraction == 0.0)
        sc.model.tracing.sample_fraction = 1.0; // the traces file and the page show traces
    if (sc.model.warmup >= sc.model.duration)
        bad_flag("--until", fmt::format("expected a horizon longer than the warm-up ({}), got {}",
                                        scenarios::format_duration(sc.model.warmup),
                                        scenarios::format_duration(sc.model.duration)));

    // Before anything is simulated: every output file can be written, and --out would not
    // overwrite a file that is not a results file.
    auto check_output = [](const char* flag, const std::optional<std::string>& path) {
        if (!path || *path == "-") return;
        try {
            check_can_write(*path);
        } catch (const std::runtime_error& e) {
            bad_flag(flag, e.what());
        }
    };
    check_output("--summary-json", a.summary_json);
    check_output("--events", a.events);
    check_output("--metrics", a.metrics);
    check_output("--traces", a.traces);
    check_output("--html", a.html);
    check_output("--openmetrics", a.openmetrics);
    check_output("--prometheus-rules", a.prometheus_rules);
    check_output("--grafana", a.grafana);
    if (a.out) {
        try {
            check_results_file_target(*a.out);
        } catch (const std::runtime_error& e) {
            bad_flag("--out", e.what());
        }
    }

    // Whatever goes to stdout (the summary JSON, the event log or the metrics) moves the
    // report to stderr.
    const bool json_to_stdout = (a.summary_json && *a.summary_json == "-") ||
                                (a.events && *a.events == "-") || (a.metrics && *a.metrics == "-");
    ProgressBar bar(a.progress && !a.quiet && ProgressBar::stderr_is_terminal(), err);
    g_interrupted.store(false);
    const auto wall_start = std::chrono::steady_clock::now();
    std::vector<models::RunResult> runs;
    const double horizon = sc.model.duration.seconds();
    if (a.replications == 1) {
        models::RunOptions ro;
        ro.seed = seed;
        ro.keep_event_log = a.events || a.out || a.html; // only these read the rows
        ro.progress = [&](double simulated, std::uint64_t events) {
            bar.update(simulated / horizon,
                       fmt::format("{} / {} simulated, {} events", human_seconds(simulated),
                                   human_seconds(horizon), thousands(static_cast<double>(events))));
            return !g_interrupted.load();
        };
        runs.push_back(models::run_model(sc.model, ro));
    } else {
        models::ReplicationOptions ro;
        ro.seed = seed;
        ro.replications = a.replications;
        ro.threads = a.threads;
        ro.keep_first_event_log = a.events || a.html;
        ro.keep_every_event_log = a.out.has_value(); // one group per replication
        ro.keep_going = [] { return !g_interrupted.load(); };
        ro.progress = [&](std::uint32_t done, std::uint32_t total) {
            bar.update(static_cast<double>(done) / total,
                       fmt::format("{} / {} replications", done, total));
            return !g_interrupted.load();
        };
        runs = models::run_replications(sc.model, ro);
    }
    bar.finish();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const bool interrupted = g_interrupted.load();
    if (runs.empty()) {
        fmt::print(err, "tpssim: interrupted before any replication finished; nothing kept\n");
        return kExitInterrupted;
    }
    RunSummary summary = summarise(runs, sc.name, a.file, seed, wall);
    summary.interrupted = summary.interrupted || interrupted;
    if (sc.model.tracing.rank_service != models::TracingParams::kEndToEnd)
        summary.traces_ranked_by = sc.model.services[sc.model.tracing.rank_service].name;

    if (!a.quiet) fmt::print(json_to_stdout ? err : out, "{}", format_report(summary));
    if (a.slowest > 0)
        fmt::print(json_to_stdout ? err : out, "{}", format_slowest(summary, a.slowest));
    if (a.dashboard)
        fmt::print(
            json_to_stdout ? err : out, "{}",
            format_dashboard(runs.front(), sc.model.start, terminal_width_from_environment()));
    auto write = [&](const char* flag, const std::string& path, const std::string& text) {
        if (path == "-") {
            fmt::print(out, "{}", text);
            return;
        }
        try {
            write_file_atomically(path, text);
        } catch (const std::runtime_error& e) {
            bad_flag(flag, e.what());
        }
    };
    if (a.summary_json)
        write("--summary-json", *a.summary_json, summary_json(summary, {a.reproducible}));
    if (a.events) {
        const auto& log = runs.front().event_log;
        if (*a.events == "-") {
            write_event_log_jsonl(log, sc.model.start,
                                  [&](std::string_view lines) { fmt::print(out, "{}", lines); });
        } else {
            try {
                AtomicFile file(*a.events);
                write_event_log_jsonl(log, sc.model.start,
                                      [&](std::string_view lines) { file.write(lines); });
                file.commit();
            } catch (const std::runtime_error& e) {
                bad_flag("--events", e.what());
            }
        }
    }
    if (a.metrics) {
        const auto& run = runs.front();
        if (*a.metrics == "-") {
            write_metrics_csv(run, sc.model.start,
                              [&](std::string_view lines) { fmt::print(out, "{}", lines); });
        } else {
            try {
                AtomicFile file(*a.metrics);
                write_metrics_csv(run, sc.model.start,
                                  [&](std::string_view lines) { file.write(lines); });
                file.commit();
            } catch (const std::runtime_error& e) {
                bad_flag("--metrics", e.what());
            }
        }
    }
    if (a.traces) {
        const TraceExportContext context{sc.name, seed, kVersion};
        write("--traces", *a.traces,
              traces_json(a.traces_format.value_or(TraceFormat::Jaeger), runs.front(), context));
    }
    if (a.html) write("--html", *a.html, html_dashboard(runs.front(), summary));
    if (a.openmetrics) {
        try {
            AtomicFile file(*a.openmetrics);
            write_openmetrics(runs.front(), sc.model.start,
                              [&](std::string_view lines) { file.write(lines); });
            file.commit();
        } catch (const std::runtime_error& e) {
            bad_flag("--openmetrics", e.what());
        }
    }
    if (a.prometheus_rules)
        write("--prometheus-rules", *a.prometheus_rules,
              prometheus_rules_yaml(sc.name, sc.model.operations.alerts,
                                    sc.model.operations.monitoring.scrape_interval));
    if (a.grafana)
        write("--grafana", *a.grafana,
              grafana_dashboard_json(sc.name, runs.front(), sc.model.start,
                                     sc.model.operations.monitoring.scrape_interval.seconds()));
    if (a.out) {
        ResultsFileHeader header;
        header.tpssim_version = kVersion;
        header.scenario_name = sc.name;
        header.scenario_file = a.file;
        header.scenario_yaml = sc.resolved_yaml;
        header.seed = seed;
        header.start = sc.model.start;
        header.reproducible = a.reproducible;
        try {
            write_results_file(*a.out, header, runs, summary);
        } catch (const std::runtime_error& e) {
            bad_flag("--out", e.what());
        }
    }
    if (interrupted) {
        fmt::print(err, "tpssim: interrupted: kept {} of {} replication(s){}\n", runs.size(),
                   a.replications,
                   a.replications == 1 ? fmt::format(", {} of {} simulated",
                                                     human_seconds(runs[0].simulated_seconds),
                                                     human_seconds(horizon))
                                       : std::string());
        return kExitInterrupted;
    }
    if (!summary.expectations_passed()) {
        if (a.quiet) {
            std::size_t failed = 0;
            for (const auto& e : summary.expectations)
                failed += e.passed ? 0 : 1;
            fmt::print(err, "tpssim: expectations: {} of {} failed\n", failed,
                       summary.expectations.size());
        }
        return kExitExpectFailed;
    }
    return kExitOk;
}

} // namespace

void install_interrupt_handler() {
    std::signal(SIGINT, on_sigint);
}

int run_cli(std::span<const std::string> args, std::FILE* out, std::FILE* err) {
    try {
        if (args.empty()) {
            fmt::print(err, "{}", usage_text());
            return kExitBadInput;
        }
        const std::string& cmd = args[0];
        const auto rest = args.subspan(1);
        if (cmd == "help" || cmd == "--help" || cmd == "-h") {
            const std::string topic = rest.empty() ? "" : rest[0];
            if (topic == "run")
                fmt::print(out, "{}", run_help_text());
            else if (topic == "validate")
                fmt::print(out, "{}", validate_help_text());
            else if (topic == "sweep")
                fmt::print(out, "{}{}", kSweepUsage, kExitCodes);
            else if (topic == "forecast")
                fmt::print(out, "{}{}", kForecastUsage, kExitCodes);
            else if (topic == "exam")
                fmt::print(out, "{}", kExamUsage);
            else if (topic.empty())
                fmt::print(out, "{}", usage_text());
            else
                bad_flag(topic, "unknown command; expected run, validate, sweep, forecast or exam");
            return kExitOk;
        }
        if (cmd == "--version") {
            fmt::print(out, "tpssim {}\n", kVersion);
            return kExitOk;
        }
        // `tpssim run --help`: the command's help, whatever else is on the line.
        if ((cmd == "run" || cmd == "validate") && asks_for_help(rest)) {
            fmt::print(out, "{}", cmd == "run" ? run_help_text() : validate_help_text());
            return kExitOk;
        }
        if (cmd == "run") return cmd_run(rest, out, err);
        if (cmd == "validate") return cmd_validate(rest, out);
        if (cmd == "sweep") {
            if (asks_for_help(rest)) {
                fmt::print(out, "{}{}", kSweepUsage, kExitCodes);
                return kExitOk;
            }
            g_interrupted.store(false);
            return run_sweep_command(rest, out, err, g_interrupted);
        }
        if (cmd == "forecast") {
            if (asks_for_help(rest)) {
                fmt::print(out, "{}{}", kForecastUsage, kExitCodes);
                return kExitOk;
            }
            g_interrupted.store(false);
            return run_forecast_command(rest, out, err, g_interrupted);
        }
        if (cmd == "exam") {
            if (asks_for_help(rest)) {
                fmt::print(out, "{}", kExamUsage);
                return kExitOk;
            }
            g_interrupted.store(false);
            return run_exam_command(rest, out, err, g_interrupted);
        }
        bad_flag(cmd, "unknown command; expected run, validate, sweep, forecast, exam or help");
    } catch (const scenarios::ScenarioError& e) {
        for (const auto& d : e.diagnostics())
            fmt::print(err, "{}\n", d.format());
        return kExitBadInput;
    } catch (const std::exception& e) {
        fmt::print(err, "tpssim: internal error: {}\n", e.what());
        return kExitInternal;
    }
}

} // namespace tpssim

#pragma once
/// The one recording interface of a run: everything a run observes goes through a
/// `RunRecorder`, one method per kind of record, each taking typed values (indices into the
/// model's parameters, enums, numbers), never text. It owns the tables the records land in (the
/// event log, the monitoring record, the tracer's spans, the breaker transitions, the alerts'
/// firings, the expectations' observations) and fills a `RunResult` from them at the end, so
/// the summary JSON, the report, every file and Python read the same tables. The names a reader
/// sees (a service's, an edge's "caller->key", an enum's) are looked up here, once per record,
/// from strings made when the recorder was built: recording allocates no text.
///
/// Memory is bounded as each table bounds it: the event log keeps at most EventLog::kMaxRows
/// rows (none when no output reads it), the monitoring record keeps every stride-th scrape past
/// MetricsRecorder::kMaxRows rows (the stride rule), the tracer keeps its slowest traces, a
/// breaker's transitions are bounded by CircuitBreaker::kMaxRecordedTransitions.
/// Why: docs/decisions/0010-one-run-recorder.md.

#include "models/alerts.hpp"
#include "models/autoscaler.hpp"
#include "models/canary.hpp"
#include "models/circuit_breaker.hpp"
#include "models/enum_names.hpp"
#include "models/event_log.hpp"
#include "models/expectation_observation.hpp"
#include "models/metrics.hpp"
#include "models/params.hpp"
#include "models/run_result.hpp"
#include "models/tracer.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::models {

/// Why a replica was killed: the event log's `cause` of a `crash`.
enum class KillCause : std::uint8_t {
    Crash,       ///< a crash fault
    Replaced,    ///< an operator's action replaced an unhealthy replica
    OomKill,     ///< it exceeded its memory limit
    HealthCheck, ///< its health check failed
};
inline constexpr std::array<EnumName<KillCause>, 4> kKillCauseNames{{
    {KillCause::Crash, "crash"},
    {KillCause::Replaced, "replaced"},
    {KillCause::OomKill, "oom_kill"},
    {KillCause::HealthCheck, "health_check"},
}};
static_assert(is_dense_table(kKillCauseNames));
constexpr std::span<const EnumName<KillCause>> enum_names(KillCause) {
    return kKillCauseNames;
}

/// Who changed a service's replica count: the event log's `by` of a `scale`.
enum class ScaleCause : std::uint8_t {
    Autoscaler, ///< its autoscaler's decision
    Action,     ///< an operator's action
};
inline constexpr std::array<EnumName<ScaleCause>, 2> kScaleCauseNames{{
    {ScaleCause::Autoscaler, "autoscaler"},
    {ScaleCause::Action, "action"},
}};
static_assert(is_dense_table(kScaleCauseNames));
constexpr std::span<const EnumName<ScaleCause>> enum_names(ScaleCause) {
    return kScaleCauseNames;
}

class RunRecorder {
public:
    /// The tables of a run of `params` (which must outlive the recorder): a tracer when it
    /// samples traces (its random stream from `seed`), the monitoring record's columns for
    /// every service, edge and link. `keep_event_log`: store the event log's rows (else only
    /// count them: no output reads them).
    RunRecorder(const ModelParams& params, std::uint64_t seed, bool keep_event_log = true);

    // ---- events: one row of the event log each ----
    void scale(SimTime at, std::uint32_t service, std::uint32_t from, std::uint32_t to,
               ScaleCause by);
    void crash(SimTime at, std::uint32_t service, std::uint32_t replica, KillCause cause);
    void oom_kill(SimTime at, std::uint32_t service, std::uint32_t replica, double memory_bytes);
    void health_check_failed(SimTime at, std::uint32_t service, std::uint32_t replica,
                             std::uint32_t failed_probes);
    void unhealthy(SimTime at, std::uint32_t service, std::uint32_t replica);
    void fault_start(SimTime at, std::uint32_t fault);
    void fault_ramp(SimTime at, std::uint32_t fault, double level);
    void fault_end(SimTime at, std::uint32_t fault);
    /// A queue's backend is back; `replayed` items are delivered again.
    void backend_up(SimTime at, std::uint32_t queue, std::uint64_t replayed);
    /// Operator action number `action` runs.
    void action(SimTime at, std::uint32_t action);
    /// A canary's analysis step (or its start).
    void canary_step(SimTime at, std::uint32_t service, const CanaryAnalysis::Step& step);
    /// A canary rolled back by an operator's action on `target`.
    void canary_aborted(SimTime at, FaultTarget target, const CanaryAnalysis::Step& step);

    // ---- the other kinds of record ----
    /// One scrape of the monitoring record, readings in its subjects' order (services, edges,
    /// links); rows follow the stride rule (MetricsRecorder).
    void metric_row(SimTime now, const std::vector<ServiceReading>& services,
                    const std::vector<EdgeReading>& edges, const std::vector<LinkReading>& links) {
        metrics_.record(now, services, edges, links);
    }
    /// Spans: the tracer's open_span and close_span; nullptr when the run samples no traces.
    Tracer* tracer() { return tracer_ ? &*tracer_ : nullptr; }
    /// Edge `edge`'s breaker's recorded transitions and how many it dropped (its log's bound).
    /// Handed over at the end of a run: time-driven transitions are applied lazily, after
    /// later events, so a breaker's log, not the time of the call, orders them.
    void breaker_transitions(std::uint32_t edge, std::span<const CircuitBreaker::Transition> log,
                             std::uint64_t dropped);
    /// An alert rule fired or resolved: a row of the event log and its firings.
    void alert_change(SimTime at, const AlertChange& change);
    /// An autoscaler's decision about `service`.
    void autoscaler_decision(SimTime at, std::uint32_t service,
                             const Autoscaler::Decision& decision);
    /// What `expect:` check number `check` observed, and its verdict.
    void expectation(std::uint32_t check, bool passed, ExpectationObservation observation);

    // ---- reading ----
    const MetricsRecorder& metrics() const { return metrics_; }
    const EventLog& event_log() const { return events_; }
    /// "caller->key": edge `edge`'s name in the record, the log and the outputs.
    std::string_view edge_label(std::uint32_t edge) const { return edge_labels_[edge]; }

    /// Moves every table into `out` (whose services and calls are filled already, in the
    /// model's order): the monitoring record, the spans, the breaker transitions (into their
    /// calls, and into the event log in time order), the alerts, the expectations, the event
    /// log. The recorder is empty afterwards; copy it first to go on recording.
    void move_into(RunResult& out);
    /// The expectations recorded since the last take, in the order recorded, with their
    /// checks' text as written.
    std::vector<ExpectationResult> take_expectations();

private:
    std::string_view service_name(std::uint32_t s) const;
    std::string_view target_name(FaultTarget target) const;

    struct BreakerRow {
        std::uint32_t edge;
        CircuitBreaker::Transition transition;
    };
    struct ExpectationRow {
        std::uint32_t check;
        bool passed;
        ExpectationObservation observation;
    };
    struct CallPlace {
        std::uint32_t service; ///< the caller
        std::uint32_t call;    ///< its place among the caller's calls (ServiceResult::calls)
    };

    const ModelParams* params_;
    std::vector<std::string> edge_labels_; ///< "caller->key", in edge order
    std::vector<CallPlace> call_places_;   ///< in edge order
    EventLog events_;
    MetricsRecorder metrics_;
    std::optional<Tracer> tracer_;
    std::vector<BreakerRow> breaker_rows_;          ///< edge by edge, each edge's in time order
    std::vector<std::uint64_t> breaker_dropped_;    ///< per edge
    std::vector<std::vector<AlertFiring>> firings_; ///< per alert rule
    std::vector<ExpectationRow> expectations_;
};

} // namespace tpssim::models

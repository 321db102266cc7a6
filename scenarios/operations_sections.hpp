#pragma once
/// The operations reader's sections (internal to scenarios/): the schemas and limits of the
/// operations blocks and the Reader that walks them, shared by operations_reader.cpp (the
/// entry points) and one file per section: operations_services.cpp, operations_monitoring.cpp,
/// operations_network.cpp, operations_deployments.cpp, operations_chaos.cpp and
/// operations_actions.cpp.

#include "scenarios/expression_reader.hpp"
#include "scenarios/key_table.hpp"
#include "scenarios/operations_reader.hpp"
#include "scenarios/overrides.hpp"
#include "scenarios/step_reader.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/value_readers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <stdexcept>

namespace tpssim::scenarios::detail::ops {

using sim::SimTime;
using FaultKind = models::FaultKind;
using TargetKind = models::FaultTarget::Kind;
using ActionKind = models::ActionParams::Kind;

// --- the schema ---------------------------------------------------------------------------
// Every key each map may hold, in the order the documentation lists them.

inline const KeySchema kNetworkSchema({"links"});
inline const std::vector<std::string> kNetworkKeys = kNetworkSchema.keys();
inline const std::vector<std::string> kSeverities{"page", "ticket", "info"};
// The enum's own table (index = value, see models/enum_names.hpp).
inline const std::vector<std::string> kFaultKinds = models::names_of<models::FaultKind>();
// --- limits (docs/scenario-format.md#limits) -------------------------------------------------

inline constexpr std::uint64_t kMaxReplicas = 1'000'000;
inline constexpr std::uint64_t kMaxThreshold = 1'000'000;
inline constexpr std::uint64_t kMaxPercentPolicy = 100'000;
inline constexpr double kMaxFactor = 1000.0;
inline constexpr double kMaxQueueTarget = 1e9;
inline constexpr std::uint64_t kMaxMinRequests = 1'000'000'000'000ULL;
inline constexpr std::uint64_t kMaxQueueCapacity = 1ULL << 40;
/// Monitoring keeps one row per scrape: at most this many over the run.
inline constexpr std::int64_t kMaxScrapes = 10'000'000;

// --- tables (each defined in the file of its section) ------------------------------------

// The keys of tables whose types stay in their section's file, for operations_schemas().
extern const KeySchema& kAutoscalerSchema; // operations_services.cpp
extern const KeySchema& kPolicySchema;     // operations_services.cpp
extern const KeySchema& kAlertSchema;      // operations_monitoring.cpp
extern const KeySchema& kFaultSchema;      // operations_chaos.cpp
extern const KeySchema& kActionSchema;     // operations_actions.cpp
extern const KeySchema& kDeploymentSchema; // operations_deployments.cpp

extern const KeyTable<models::HealthCheckParams> kHealthCheck; // operations_services.cpp
extern const KeyTable<models::ScalingRules> kRules;            // operations_services.cpp
extern const KeyTable<models::ResourcesParams> kResources;     // operations_services.cpp
extern const KeyTable<models::PlacementParams> kPlacement;     // operations_services.cpp

/// A link as read: its parameters, and the services `between` names when known (named apart
/// from LinkParams' own `from` and `to`, set once the link is checked).
struct LinkRead : models::LinkParams {
    std::optional<std::uint32_t> caller;
    std::optional<std::uint32_t> callee;
};
/// What a link is read against: the lookup of a service named at a value (reporting an
/// unknown name).
using ServiceLookup = std::function<std::optional<std::uint32_t>(const Value&)>;
extern const KeyTable<LinkRead, ServiceLookup> kLink; // operations_network.cpp

/// What thresholds are read against: the autoscaler's metric.
struct ThresholdContext {
    bool by_queue = false; ///< levels are waiting items per replica, not utilisations
};
extern const KeyTable<models::ThresholdParams, ThresholdContext> kThresholds; // ..._services.cpp

/// What a canary's settings are read against.
struct CanaryContext {
    const OperationsContext& run;             ///< the calendar and the duration
    const std::string& service;               ///< whose canary
    const std::vector<std::string>& versions; ///< the service's versions, by name
};

extern const KeyTable<models::VersionParams> kVersion;              // operations_deployments.cpp
extern const KeyTable<models::CanaryParams, CanaryContext> kGates;  // operations_deployments.cpp
extern const KeyTable<models::CanaryParams, CanaryContext> kCanary; // operations_deployments.cpp
extern const KeyTable<models::FaultRamp> kRamp;                     // operations_chaos.cpp
extern const KeyTable<models::FaultParams> kFaultErrors;            // operations_chaos.cpp
extern const KeyTable<models::FaultParams> kUnhealthy;              // operations_chaos.cpp
extern const KeyTable<models::FaultParams> kSlowQuery;
extern const KeyTable<models::FaultParams> kLeak; // operations_chaos.cpp
extern const KeyTable<models::MonitoringParams, OperationsContext>
    kMonitoring; // ..._monitoring.cpp

// --- small readers ----------------------------------------------------------------------------

/// Alert names follow Prometheus' (CamelCase is customary): letters, digits, '_' and '-',
/// starting with a letter.
inline constexpr std::string_view kAlertNameRule =
    "letters, digits, '_' and '-', starting with a letter, at most 63 characters";

inline bool is_alert_name(std::string_view s) {
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (s.empty() || s.size() > 63 || !letter(s.front())) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

inline std::string first_line(const YAML::Mark& mark) {
    return mark.is_null() ? std::string("the first is on the command line")
                          : fmt::format("the first is at line {}", mark.line + 1);
}

/// A service named at `v` (a name), resolved against `scope` (an unknown name reported);
/// nothing when the services are unknown.
std::optional<std::uint32_t> service_named(DiagnosticSink& sink, const OperationsScope& scope,
                                           const Value& v); // operations_network.cpp

/// Whether `t`, read at `v`, falls within the run; says so when not.
bool before_end(DiagnosticSink& sink, const OperationsContext& c, const Value& v, SimTime t,
                std::string_view what);

// --- the reader: its sections are defined in operations_*.cpp ----------------------------

class Reader {
public:
    Reader(DiagnosticSink& sink, const OperationsContext& c) : sink_(sink), c_(c) {
        scope_.services_known = c.services_known;
        for (const auto& s : c.model.services)
            scope_.services.push_back(s.name);
        scope_.kinds = c.kinds;
        scope_.kinds.resize(scope_.services.size());
        scope_.edges_known = c.services_known && c.calls_resolved;
        if (scope_.edges_known) {
            scope_.edges = models::edge_names(c.model);
            for (const auto& e : scope_.edges) {
                scope_.edge_texts.push_back(
                    models::call_label(c.model.services[e.caller].name, e.key));
                scope_.edge_has_breaker.push_back(c.model.services[e.caller]
                                                      .steps[e.step]
                                                      .calls[e.call]
                                                      .circuit_breaker.has_value());
            }
        }
        scope_.has_autoscaler.assign(scope_.services.size(), false);
        scope_.has_canary.assign(scope_.services.size(), false);
        scope_.start = &c.start;
        out_.services.resize(scope_.services.size());
    }

    models::OperationsParams read(const OperationsValues& v) {
        for (std::size_t i = 0; i < v.services.size() && i < out_.services.size(); ++i)
            read_service_ops(v.services[i], out_.services[i], c_.model.services[i]);
        scope_.placement_nodes.assign(out_.services.size(), 0);
        for (std::size_t i = 0; i < out_.services.size(); ++i)
            if (out_.services[i].placement)
                scope_.placement_nodes[i] = out_.services[i].placement->nodes;
            else if (i < v.services.size() && v.services[i].placement)
                scope_.placement_nodes[i] = OperationsScope::kUnknownNodes;
        // A broken autoscaler (reported) still counts as one, so nothing naming it cascades.
        for (std::size_t i = 0; i < out_.services.size(); ++i)
            scope_.has_autoscaler[i] = out_.services[i].autoscaler.has_value() ||
                                       (i < v.services.size() && v.services[i].autoscaler);
        if (v.monitoring) read_monitoring(*v.monitoring);
        scope_.scrape_interval = out_.monitoring.scrape_interval;
        scope_.links_known = !v.network || read_network(*v.network);
        if (v.deployments) read_deployments(*v.deployments);
        scope_.alerts_known = !v.alerts || read_alerts(*v.alerts);
        read_chaos(v.chaos, v.command_line_chaos);
        if (v.actions) read_actions(*v.actions);
        if (v.expect) read_expect(*v.expect);
        return std::move(out_);
    }

private:
    // --- services -----------------------------------------------------------------------------

    void read_service_ops(const ServiceOpsValues& v, models::ServiceOpsParams& ops,
                          const models::ServiceParams& service);

    void read_autoscaler(const Value& v, models::ServiceOpsParams& ops);

    // --- monitoring, network, deployments -------------------------------------------------

    void read_monitoring(const Value& v);

    /// A service named at `v` (a name), resolved; `what` says what it must be for messages.
    std::optional<std::uint32_t> service_at(const Value& v);

    /// Whether `caller` has a call to `callee` anywhere in its steps.
    bool calls(std::uint32_t caller, std::uint32_t callee) const;

    /// False when anything in `network` was wrong (links are then not checked by name).
    bool read_network(const Value& v);

    void read_deployments(const Value& v);

    // --- alerts ---------------------------------------------------------------------------

    /// False when an alert's name could not be read (alert names are then not checked).
    bool read_alerts(const Value& v);

    // --- chaos ----------------------------------------------------------------------------

    void read_chaos(const std::optional<Value>& v, const std::vector<YAML::Node>& flags);

    void read_fault(const Value& v);

    // --- actions --------------------------------------------------------------------------

    void read_actions(const Value& v);

    void read_action(const Value& v);

    // --- expectations ---------------------------------------------------------------------

    void read_expect(const Value& v);

    DiagnosticSink& sink_;
    const OperationsContext& c_;
    OperationsScope scope_;
    models::OperationsParams out_;
    std::vector<std::string> fault_names_; ///< per fault, in order ("" when unreadable)
    std::vector<YAML::Mark> fault_marks_;
    std::vector<bool> fault_ok_; ///< per fault: read without a problem
    bool faults_known_ = true;   ///< every fault's name is known
};

} // namespace tpssim::scenarios::detail::ops
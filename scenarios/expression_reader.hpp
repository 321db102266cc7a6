#pragma once
/// The small language of alert conditions (`when: "error_rate(api) > 5%"`) and expectations
/// (`expect: ["p99(api) < 100ms after 16:00"]`), internal to scenarios/. A hand-written
/// tokenizer and recursive-descent parser: each problem is reported at the column inside the
/// string where it is, saying what was expected and what was found.
///
///     condition   := METRIC "(" subject ")" op value
///                  | ("increase" | "rate") "(" METRIC "(" subject ")" "[" DURATION "]" ")" op
///                  value
///                                                     (alerts only: PromQL on a counter)
///     subject     := NAME | NAME "->" NAME           (a service or queue; a call edge; a link)
///     op          := "<" | "<=" | ">" | ">=" | "==" | "!="
///     expectation := condition [window] ["at some point"]  (Always, or Ever with at some point)
///                  | TOTAL "(" NAME ")" op value             (Total: no window)
///                  | "alert" NAME ["never"] "fires" [window]
///                  | "breaker" "(" NAME "->" NAME ")" ["never"] "opens" [window]
///                  | "canary" "(" NAME ")" ("promoted" | "rolled back")
///     window      := "during" "[" time "," time "]" | "after" time | "before" time
///                  | "between" time "and" time

#include "models/operations_params.hpp"
#include "models/params.hpp"
#include "scenarios/load_reader.hpp"
#include "scenarios/yaml_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tpssim::scenarios::detail {

/// What the names in operations (fault targets, actions, expressions) are checked against,
/// built from the model being loaded. A list that is not `known` (its block had a problem) is
/// not checked: the user sees that problem first, not a cascade of unknown names.
struct OperationsScope {
    bool services_known = false;
    std::vector<std::string> services;                     ///< names, in model order
    std::vector<std::optional<models::ServiceKind>> kinds; ///< per service; empty if unreadable
    bool edges_known = false; ///< every call was read and resolved: edge indices are the model's
    std::vector<models::EdgeName> edges; ///< edge_names(model)
    std::vector<std::string> edge_texts; ///< "caller->key" per edge
    std::vector<bool> edge_has_breaker;  ///< per edge
    bool links_known = false;
    std::vector<std::string> links; ///< "from->to" per link
    bool alerts_known = false;
    std::vector<std::string> alerts;  ///< names, in order
    std::vector<bool> has_autoscaler; ///< per service
    std::vector<bool> has_canary;     ///< per service
    /// Per service: the nodes of its placement; 0: none; kUnknownNodes: one unreadable.
    std::vector<std::uint32_t> placement_nodes;
    static constexpr std::uint32_t kUnknownNodes = 0xffffffffu;
    const CalendarStart* start = nullptr;
    /// The monitoring's: a condition's range (`increase(m[5m])`) spans at least one.
    sim::SimTime scrape_interval = sim::SimTime::from_s(15);

    /// The index of service `name`, or a message ("unknown service "x"; did you mean ...").
    std::variant<std::uint32_t, std::string> find_service(std::string_view name) const;
    /// The index of edge `caller->key`, or a message saying which calls `caller` makes.
    std::variant<std::uint32_t, std::string> find_edge(std::string_view caller,
                                                       std::string_view key) const;
    /// The index of link `from->to`, or a message listing the links.
    std::variant<std::uint32_t, std::string> find_link(std::string_view from,
                                                       std::string_view to) const;
    /// The index of alert `name`, or a message.
    std::variant<std::uint32_t, std::string> find_alert(std::string_view name) const;
    /// Whether service `s` is known to be a queue.
    bool is_queue(std::uint32_t s) const {
        return kinds[s] && *kinds[s] == models::ServiceKind::Queue;
    }
};

/// An alert rule's `when:`: one condition on a metric, no window.
std::optional<models::Condition> read_alert_condition(DiagnosticSink& sink, const Value& v,
                                                      const OperationsScope& scope);

/// One item of `expect:`.
std::optional<models::ExpectationParams> read_expectation(DiagnosticSink& sink, const Value& v,
                                                          const OperationsScope& scope);

} // namespace tpssim::scenarios::detail
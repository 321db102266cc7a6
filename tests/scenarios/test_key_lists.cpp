// The maps that were read by hand and are now KeyTables (scenarios/key_table.hpp) list their
// keys as before: the order "expected one of ..." and the did-you-mean show them in, and which
// of them hold a settings block (for --set). These are the lists the hand-written readers kept;
// a table that reads its keys in another order than it lists them says so (listed_last,
// listed_before), and this catches a declaration moved by mistake.
#include "scenarios/key_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace tpssim;
using scenarios::detail::KeySchema;

namespace {

using Keys = std::vector<std::string>;

std::vector<const KeySchema*> every_schema() {
    std::vector<const KeySchema*> all;
    for (const auto& list :
         {scenarios::detail::scenario_schemas(), scenarios::detail::load_schemas(),
          scenarios::detail::step_schemas(), scenarios::detail::operations_schemas()})
        all.insert(all.end(), list.begin(), list.end());
    return all;
}

/// The one schema whose keys are `keys`, in this order; null when none or several.
const KeySchema* schema_of(const Keys& keys) {
    const KeySchema* found = nullptr;
    for (const auto* s : every_schema()) {
        if (s->keys() != keys) continue;
        if (found != nullptr) return nullptr;
        found = s;
    }
    return found;
}

void check_schema(const Keys& keys, const Keys& blocks) {
    CAPTURE(keys.front());
    const KeySchema* s = schema_of(keys);
    REQUIRE(s != nullptr);
    CHECK(s->blocks() == blocks);
}

} // namespace

TEST_CASE("the maps turned into tables list their keys and blocks as their readers did") {
    check_schema({"name", "description", "seed", "start", "duration", "warmup", "load", "services",
                  "tracing", "deployments", "network", "monitoring", "alerts", "chaos", "actions",
                  "expect"},
                 {"tracing", "network", "monitoring"});
    check_schema({"min", "max", "metric", "target", "sync_period", "tolerance", "scale_up",
                  "scale_down", "scale_down_stabilization", "thresholds", "startup"},
                 {"scale_up", "scale_down", "thresholds"});
    check_schema({"type", "value", "period"}, {});
    check_schema({"versions", "canary"}, {"versions", "canary"});
    check_schema({"name", "when", "for", "severity"}, {});
    check_schema({"name", "at", "for", "until", "target", "latency", "errors", "crash",
                  "restart_after", "unhealthy", "slow_query", "memory_leak", "bandwidth_used",
                  "backend_down", "monitoring_down", "autoscaler_broken", "node_crash"},
                 {"errors", "unhealthy", "slow_query", "memory_leak"});
    check_schema({"probability", "ramp"}, {"ramp"});
    check_schema({"at", "on", "after", "repeat", "scale", "set", "restart", "replace_unhealthy",
                  "disable_autoscaler", "repair_autoscaler", "rollback", "stop_fault", "to", "by"},
                 {});
    check_schema({"work", "call", "parallel", "publish", "operation", "errors", "probability",
                  "timeout", "retry", "circuit_breaker", "fallback", "cache"},
                 {"errors", "retry", "circuit_breaker", "fallback", "cache"});
    check_schema({"to", "probability"}, {});
    check_schema({"max_attempts", "backoff", "max_backoff", "jitter", "budget", "on_refused"},
                 {"budget"});
    check_schema({"hit_ratio", "keys", "zipf", "capacity", "policy", "latency"}, {});
    check_schema({"factor", "periods"}, {});
    check_schema({"from", "to"}, {});
    check_schema({"at", "rate", "from", "to", "ramp_to"}, {});
    check_schema({"file", "interpolation"}, {});
    check_schema({"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, {});
    check_schema({"name", "target", "arrivals", "rate", "multiplier", "steps", "trace", "states",
                  "users", "think_time", "timeout"},
                 {"multiplier", "trace", "think_time"});
    check_schema({"rate", "mean_duration"}, {});
    check_schema({"kind", "workers", "queue", "service_time", "steps", "errors", "work_factor",
                  "rate_limit", "capacity", "consumers", "max_deliver", "autoscaler", "startup",
                  "resources", "health_check", "placement"},
                 {"queue", "service_time", "errors", "rate_limit", "autoscaler", "resources",
                  "health_check", "placement"});
    check_schema({"nodes", "replicas_per_node"}, {});
}

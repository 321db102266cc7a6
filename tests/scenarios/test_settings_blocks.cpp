// The keys `--set` may create as a block of settings (scenarios/overrides.cpp) come from the
// readers' key declarations (scenarios/key_table.hpp). This is the list overrides.cpp held by
// hand before they did: the derived set must stay equal to it unless a block is added on
// purpose (then add it here too: rate_limit, Envoy's token bucket {max_tokens, tokens_per_fill,
// fill_interval}, is one).
#include "scenarios/overrides.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace tpssim;

TEST_CASE("the --set settings blocks derived from the key tables are the hand-kept list") {
    const std::set<std::string> hand_kept{
        "queue",      "service_time",    "errors",         "tracing",    "retry",
        "budget",     "circuit_breaker", "sliding_window", "fallback",   "cache",
        "multiplier", "daily",           "weekly",         "holiday",    "trace",
        "think_time", "autoscaler",      "thresholds",     "scale_up",   "scale_down",
        "resources",  "health_check",    "monitoring",     "network",    "canary",
        "gates",      "versions",        "unhealthy",      "slow_query", "memory_leak",
        "ramp",       "placement",       "rate_limit"};
    const auto& derived = scenarios::detail::settings_blocks();
    CHECK(std::set<std::string>(derived.begin(), derived.end()) == hand_kept);
    // Each block once.
    CHECK(std::set<std::string>(derived.begin(), derived.end()).size() == derived.size());
}

// The event log as JSON Lines (`tpssim run --events FILE`): one parseable object a line, the
// fields in the model's order, clock times only with a calendar start.
#include "apps/tpssim/summary_json.hpp"

#include <chrono>
#include <cmath>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace tpssim;

namespace {

models::EventLog sample_log() {
    models::EventLog log;
    log.add(15.0, "autoscaler", "worker",
            {{"current", 2.0},
             {"metric", std::nan("")},
             {"recommendation", 2.0},
             {"desired", 2.0},
             {"reason", "within_tolerance"},
             {"limit", "none"}});
    log.add(30.25, "scale", "worker", {{"from", 2.0}, {"to", 4.0}, {"by", "autoscaler"}});
    log.add(3725.5, "fault_end", "db-slow");
    return log;
}

std::vector<nlohmann::ordered_json> parse_lines(const std::string& text) {
    std::vector<nlohmann::ordered_json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        out.push_back(nlohmann::ordered_json::parse(line));
    return out;
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
    std::vector<std::string> out;
    for (const auto& [k, v] : j.items())
        out.push_back(k);
    return out;
}

} // namespace

TEST_CASE("event log JSONL: one object a line, fields in order, NaN as null") {
    const std::string text = tpssim::event_log_jsonl(sample_log(), std::nullopt);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');
    const auto lines = parse_lines(text);
    REQUIRE(lines.size() == 3);
    CHECK(keys(lines[0]) == std::vector<std::string>{"t", "type", "subject", "current", "metric",
                                                     "recommendation", "desired", "reason",
                                                     "limit"});
    CHECK(lines[0]["t"] == 15.0);
    CHECK(lines[0]["metric"].is_null());
    CHECK(lines[0]["reason"] == "within_tolerance");
    CHECK(lines[1]["type"] == "scale");
    CHECK(lines[1]["subject"] == "worker");
    CHECK(lines[1]["to"] == 4.0);
    CHECK(lines[1]["by"] == "autoscaler");
    CHECK(keys(lines[2]) == std::vector<std::string>{"t", "type", "subject"});
    // No calendar start: no clock time.
    for (const auto& l : lines)
        CHECK_FALSE(l.contains("time"));
    CHECK(tpssim::event_log_jsonl(models::EventLog{}, std::nullopt).empty());
}

TEST_CASE("event log JSONL: with a calendar start every event has its local date and time") {
    using namespace std::chrono;
    const local_seconds start = local_days{year{2026} / December / 24} + hours{14};
    const auto lines = parse_lines(tpssim::event_log_jsonl(sample_log(), start));
    REQUIRE(lines.size() == 3);
    CHECK(keys(lines[1])[1] == "time");
    CHECK(lines[0]["time"] == "2026-12-24T14:00:15.000");
    CHECK(lines[1]["time"] == "2026-12-24T14:00:30.250");
    CHECK(lines[2]["time"] == "2026-12-24T15:02:05.500");
    // Past midnight the date moves on.
    CHECK(tpssim::local_time_text(10 * 3600.0 + 0.001, start) == "2026-12-25T00:00:00.001");
}

TEST_CASE("event log JSONL: the same log gives the same bytes") {
    CHECK(tpssim::event_log_jsonl(sample_log(), std::nullopt) ==
          tpssim::event_log_jsonl(sample_log(), std::nullopt));
}

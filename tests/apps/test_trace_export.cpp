// The traces file (`tpssim run --traces FILE [--traces-format jaeger|otlp]`), checked against
// the formats' published schemas, field by field, on the traces of a real run (Lab 2.6: calls,
// a cache, a queue whose consumer's span follows from the publisher's):
//
// - Jaeger's JSON, the structs its query service and UI read and write:
//   https://github.com/jaegertracing/jaeger/blob/v1.50.0/model/json/model.go
//   (Trace{traceID, spans, processes}, Span{traceID, spanID, operationName, references,
//   startTime, duration (microseconds), tags, processID}, Reference{refType CHILD_OF |
//   FOLLOWS_FROM, traceID, spanID}, Process{serviceName, tags}, KeyValue{key, type string |
//   bool | int64 | float64 | binary, value}).
// - OTLP JSON: the TracesData message of
//   https://github.com/open-telemetry/opentelemetry-proto/blob/v1.0.0/opentelemetry/proto/trace/v1/trace.proto
//   in the JSON encoding of https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
//   (lowerCamelCase keys; trace ids 16 bytes and span ids 8 bytes as hex, not base64; 64-bit
//   integers as decimal strings; enums as numbers), service.name from
//   https://opentelemetry.io/docs/specs/semconv/resource/#service and follows-from links from
//   https://opentelemetry.io/docs/specs/semconv/general/trace-compatibility/ .
#include "apps/tpssim/trace_export.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include "command.hpp"
#include "files.hpp"
#include "run_inspection.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

using namespace tpssim;
using Json = nlohmann::json;

namespace {

const std::string kLab = TPSSIM_SOURCE_DIR "/scenarios/labs/2.6-traces.yaml";

models::RunResult lab_run(bool with_start) {
    std::vector<scenarios::Override> overrides{{"duration", "3m"}};
    if (with_start) overrides.push_back({"start", "2026-12-25T14:00"});
    return run_inspection::run(scenarios::load_scenario_file(kLab, overrides));
}

bool is_hex(const std::string& s, std::size_t digits) {
    return s.size() == digits && s.find_first_not_of("0123456789abcdef") == std::string::npos &&
           s.find_first_not_of('0') != std::string::npos; // all zeros is "no id" in both
}

// Nanoseconds since the Unix epoch of the run's t = 0, computed here from the calendar: the
// scenario's start read as UTC, else Monday 1970-01-05.
std::int64_t expected_epoch_ns(bool with_start) {
    using namespace std::chrono;
    const sys_seconds t0 = with_start ? sys_days{year{2026} / December / 25} + hours{14}
                                      : sys_days{year{1970} / January / 5};
    return duration_cast<nanoseconds>(t0.time_since_epoch()).count();
}

std::int64_t ns_of(double seconds) {
    return std::llround(seconds * 1e9);
}

const TraceExportContext kContext{"lab-2.6-traces", 26, "0.1.0"};

// Jaeger's KeyValue: a key, a known type, a value of that type.
void check_jaeger_tags(const Json& tags) {
    REQUIRE(tags.is_array());
    for (const auto& kv : tags) {
        REQUIRE(kv["key"].is_string());
        const std::string type = kv["type"];
        if (type == "string")
            CHECK(kv["value"].is_string());
        else if (type == "bool")
            CHECK(kv["value"].is_boolean());
        else if (type == "int64")
            CHECK(kv["value"].is_number_integer());
        else if (type == "float64")
            CHECK(kv["value"].is_number());
        else
            FAIL("unknown tag type " << type);
    }
}

const Json* find_tag(const Json& tags, const std::string& key) {
    for (const auto& kv : tags)
        if (kv["key"] == key) return &kv;
    return nullptr;
}

} // namespace

TEST_CASE("--traces jaeger: ids, references, microseconds and processes as Jaeger's model") {
    for (const bool with_start : {false, true}) {
        CAPTURE(with_start);
        const auto run = lab_run(with_start);
        REQUIRE(run.slowest_traces.size() >= 2);
        const Json doc = Json::parse(jaeger_traces_json(run, kContext));
        REQUIRE(doc["data"].is_array());
        REQUIRE(doc["data"].size() == run.slowest_traces.size());
        const std::int64_t epoch = expected_epoch_ns(with_start);
        std::set<std::string> trace_ids, span_ids;
        std::size_t spans_seen = 0;
        for (std::size_t t = 0; t < run.slowest_traces.size(); ++t) {
            const auto& summary = run.slowest_traces[t];
            const Json& trace = doc["data"][t];
            const std::string trace_id = trace["traceID"];
            CHECK(is_hex(trace_id, 32));
            CHECK(trace_ids.insert(trace_id).second);
            // The trace's number, as the report prints it, ends the id.
            CHECK(trace_id.substr(16) == fmt::format("{:016x}", summary.trace_id));
            REQUIRE(trace["processes"].is_object());
            for (const auto& [id, process] : trace["processes"].items()) {
                CHECK(process["serviceName"].is_string());
                check_jaeger_tags(process["tags"]);
            }
            REQUIRE(trace["spans"].size() == summary.rows);
            std::map<std::string, const Json*> by_id;
            for (const auto& span : trace["spans"])
                by_id[span["spanID"]] = &span;
            for (std::uint32_t i = 0; i < summary.rows; ++i) {
                const std::uint32_t row = summary.first_row + i;
                const Json& span = trace["spans"][i];
                ++spans_seen;
                CHECK(span["traceID"] == trace_id);
                const std::string span_id = span["spanID"];
                CHECK(is_hex(span_id, 16));
                CHECK(span_ids.insert(span_id).second); // unique in the whole file
                CHECK(span["operationName"] == run.spans.operations[run.spans.operation[row]]);
                // The process: the span's service.
                const Json& process = trace["processes"][span["processID"].get<std::string>()];
                CHECK(process["serviceName"] == run.services[run.spans.service[row]].name);
                // Microseconds since the epoch, both ends rounded down.
                const std::int64_t start_ns = epoch + ns_of(run.spans.start_seconds[row]);
                const std::int64_t end_ns = start_ns + ns_of(run.spans.duration_seconds[row]);
                REQUIRE(span["startTime"].is_number_unsigned());
                REQUIRE(span["duration"].is_number_unsigned());
                CHECK(span["startTime"].get<std::int64_t>() == start_ns / 1000);
                CHECK(span["startTime"].get<std::int64_t>() +
                          span["duration"].get<std::int64_t>() ==
                      end_ns / 1000);
                check_jaeger_tags(span["tags"]);
                const Json* replica = find_tag(span["tags"], "tpssim.replica");
                if (run.spans.replica[row] == models::SpanColumns::kNoReplica)
                    CHECK(replica == nullptr);
                else
                    CHECK((replica && (*replica)["value"] == run.spans.replica[row]));
                CHECK((*find_tag(span["tags"], "tpssim.outcome"))["value"] ==
                      models::to_string(run.spans.outcome[row]));
                // References: none for the entry span, else one to the parent, of its kind,
                // resolving inside this trace.
                const Json& refs = span["references"];
                REQUIRE(refs.is_array());
                if (run.spans.parent_id[row] == models::SpanColumns::kNoParent) {
                    CHECK(refs.empty());
                    CHECK(i == 0);
                    continue;
                }
                REQUIRE(refs.size() == 1);
                CHECK(refs[0]["traceID"] == trace_id);
                CHECK(refs[0]["refType"] == (run.spans.ref[row] == models::SpanRef::FollowsFrom
                                                 ? "FOLLOWS_FROM"
                                                 : "CHILD_OF"));
                REQUIRE(by_id.count(refs[0]["spanID"]) == 1);
                const Json& parent = *by_id[refs[0]["spanID"]];
                CHECK(parent["startTime"].get<std::int64_t>() <=
                      span["startTime"].get<std::int64_t>());
            }
        }
        CHECK(spans_seen == run.spans.size());
    }
}

TEST_CASE("--traces otlp: hex ids, parents, follows-from links, nanoseconds, resources") {
    const auto run = lab_run(true);
    const Json doc = Json::parse(otlp_traces_json(run, kContext));
    REQUIRE(doc["resourceSpans"].is_array());
    const std::int64_t epoch = expected_epoch_ns(true);
    // Index every span by (traceId, spanId), checking the structure on the way.
    std::map<std::pair<std::string, std::string>, const Json*> spans;
    std::map<std::pair<std::string, std::string>, std::string> service_of;
    std::set<std::string> services;
    auto attribute = [](const Json& attributes, const std::string& key) -> const Json* {
        for (const auto& kv : attributes) {
            REQUIRE(kv["key"].is_string());
            REQUIRE(kv["value"].is_object());
            REQUIRE(kv["value"].size() == 1); // AnyValue: exactly one of its fields
            if (kv["key"] == key) return &kv["value"];
        }
        return nullptr;
    };
    for (const auto& rs : doc["resourceSpans"]) {
        const Json* name = attribute(rs["resource"]["attributes"], "service.name");
        REQUIRE(name != nullptr);
        const std::string service = (*name)["stringValue"];
        CHECK(services.insert(service).second); // one resource per service
        REQUIRE(rs["scopeSpans"].is_array());
        for (const auto& ss : rs["scopeSpans"]) {
            CHECK(ss["scope"]["name"] == "tpssim");
            for (const auto& span : ss["spans"]) {
                const std::string trace_id = span["traceId"], span_id = span["spanId"];
                CHECK(is_hex(trace_id, 32)); // 16 bytes
                CHECK(is_hex(span_id, 16));  // 8 bytes
                CHECK(spans.emplace(std::pair(trace_id, span_id), &span).second);
                service_of[{trace_id, span_id}] = service;
                CHECK(span["name"].is_string());
                CHECK(span["kind"].is_number_integer());
                CHECK(span["kind"].get<int>() >= 1);
                CHECK(span["kind"].get<int>() <= 5);
                // fixed64 as decimal strings.
                for (const char* key : {"startTimeUnixNano", "endTimeUnixNano"}) {
                    REQUIRE(span[key].is_string());
                    CHECK(span[key].get<std::string>().find_first_not_of("0123456789") ==
                          std::string::npos);
                }
                for (const auto& kv : span["attributes"])
                    if (kv["value"].contains("intValue"))
                        CHECK(kv["value"]["intValue"].is_string());
                if (span.contains("status")) {
                    CHECK(span["status"]["code"] == 2); // STATUS_CODE_ERROR
                    CHECK(span["status"]["message"].is_string());
                }
            }
        }
    }
    REQUIRE(spans.size() == run.spans.size());
    const std::uint64_t high = trace_export::trace_id_high(kContext.scenario, kContext.seed);
    for (std::size_t row = 0; row < run.spans.size(); ++row) {
        const std::string trace_id = trace_export::trace_id_hex(high, run.spans.trace_id[row]);
        const std::string span_id =
            trace_export::span_id_hex(run.spans.trace_id[row], run.spans.span_id[row]);
        REQUIRE(spans.count({trace_id, span_id}) == 1);
        const Json& span = *spans[{trace_id, span_id}];
        CHECK(service_of[{trace_id, span_id}] == run.services[run.spans.service[row]].name);
        const std::int64_t start = epoch + ns_of(run.spans.start_seconds[row]);
        CHECK(span["startTimeUnixNano"] == std::to_string(start));
        CHECK(span["endTimeUnixNano"] ==
              std::to_string(start + ns_of(run.spans.duration_seconds[row])));
        const bool root = run.spans.parent_id[row] == models::SpanColumns::kNoParent;
        const bool follows = run.spans.ref[row] == models::SpanRef::FollowsFrom;
        if (root || follows) {
            CHECK_FALSE(span.contains("parentSpanId"));
        } else {
            REQUIRE(span.contains("parentSpanId"));
            CHECK(spans.count({trace_id, span["parentSpanId"]}) == 1); // resolves
        }
        if (follows) {
            REQUIRE(span["links"].size() == 1);
            const Json& link = span["links"][0];
            CHECK(spans.count({link["traceId"], link["spanId"]}) == 1); // resolves
            const Json* ref = attribute(link["attributes"], "opentracing.ref_type");
            REQUIRE(ref != nullptr);
            CHECK((*ref)["stringValue"] == "follows_from");
            CHECK(span["kind"] == 5); // SPAN_KIND_CONSUMER
        } else {
            CHECK_FALSE(span.contains("links"));
        }
        const Json* replica = attribute(span["attributes"], "tpssim.replica");
        if (run.spans.replica[row] != models::SpanColumns::kNoReplica) {
            REQUIRE(replica != nullptr);
            CHECK((*replica)["intValue"] == std::to_string(run.spans.replica[row]));
        }
        CHECK(span.contains("status") == trace_export::is_error(run.spans.outcome[row]));
    }
}

TEST_CASE("span kinds follow the trace's shape; ids never zero") {
    const auto run = lab_run(false);
    const auto kinds = trace_export::span_kinds(run.spans);
    bool saw_consumer = false, saw_client = false, saw_server = false;
    for (std::size_t row = 0; row < run.spans.size(); ++row) {
        using K = trace_export::SpanKind;
        saw_consumer |= kinds[row] == K::Consumer;
        saw_client |= kinds[row] == K::Client;
        saw_server |= kinds[row] == K::Server;
        if (run.spans.parent_id[row] == models::SpanColumns::kNoParent)
            CHECK(kinds[row] == K::Server);
    }
    CHECK(saw_consumer);
    CHECK(saw_client);
    CHECK(saw_server);
    CHECK(trace_export::span_id_hex(0, 0) == "0000000000000001");
    CHECK(trace_export::trace_id_hex(trace_export::trace_id_high("x", 0), 0).substr(0, 16) !=
          "0000000000000000");
    CHECK(trace_export::trace_id_high("a", 1) != trace_export::trace_id_high("a", 2));
}

namespace {

struct Ran {
    int exit_code;
    std::string err;
};

// Runs `tpssim ARGS` from the repository root: its exit code and stderr (kept in `dir`).
Ran run_tpssim(const test_support::ScratchDir& dir, const std::string& args) {
    const std::string err = dir.path("stderr.txt");
    const auto r =
        test_support::run_command(test_support::tpssim_command(args) + " 2>'" + err + "'");
    return {r.exit_code, test_support::slurp(err)};
}

} // namespace

TEST_CASE("tpssim run --traces: bad input stops before the run; files whole and repeatable") {
    const test_support::ScratchDir dir("traces");
    const std::string lab = "scenarios/labs/2.6-traces.yaml --until 2m --quiet";
    const auto summary = dir.path() / "not-written.json";
    std::filesystem::remove(summary);
    auto bad =
        run_tpssim(dir, "run " + lab + " --traces-format xml --traces t.json --summary-json '" +
                            summary.string() + "'");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "<command line>: error: --traces-format: expected jaeger or otlp, got "
                     "\"xml\"\n");
    CHECK_FALSE(std::filesystem::exists(summary)); // nothing ran, nothing written
    bad = run_tpssim(dir, "run " + lab + " --traces-format otlp");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--traces-format: expected --traces FILE with it") != std::string::npos);
    bad = run_tpssim(dir, "run " + lab + " --traces /no/such/folder/t.json");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--traces") != std::string::npos);
    CHECK(run_tpssim(dir, "run " + lab + " --traces -").exit_code == 2);

    for (const char* format : {"jaeger", "otlp"}) {
        CAPTURE(format);
        const auto a = dir.path() / "a.json", b = dir.path() / "b.json";
        REQUIRE(run_tpssim(dir, "run " + lab + " --traces-format " + format + " --traces '" +
                                    a.string() + "'")
                    .exit_code == 0);
        REQUIRE(
            run_tpssim(dir, "run " + lab + " --traces=" + b.string() + " --traces-format=" + format)
                .exit_code == 0);
        const std::string text = test_support::slurp(a);
        CHECK(text == test_support::slurp(b));
        const Json doc = Json::parse(text);
        CHECK(doc.contains(std::string(format) == "jaeger" ? "data" : "resourceSpans"));
    }
}

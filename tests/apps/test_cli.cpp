// The `tpssim` executable, run as a user runs it: exit codes, outputs, determinism.
#include "command.hpp"
#include "files.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

struct Result {
    int exit_code = -1;
    std::string out; ///< stdout
    std::string err; ///< stderr
};

using test_support::slurp;

// This process's scratch folder (several test runs may share a machine), removed at exit.
const std::filesystem::path& scratch_dir() {
    static const test_support::ScratchDir dir("cli");
    return dir.path();
}

// Runs tpssim with `args` (shell words) from the source folder; captures both streams.
Result tpssim(const std::string& args) {
    const std::string err_path = (scratch_dir() / "stderr.txt").string();
    const std::string cmd = test_support::tpssim_command(args) + " 2>'" + err_path + "'";
    auto ran = test_support::run_command(cmd);
    Result r;
    r.exit_code = ran.exit_code;
    r.out = std::move(ran.out);
    r.err = slurp(err_path);
    return r;
}

const char* kMM1 = "scenarios/validation/mm1.yaml";

} // namespace

TEST_CASE("--help and --version exit 0; no arguments is bad input") {
    CHECK(tpssim("--help").exit_code == 0);
    CHECK(tpssim("--help").out.find("tpssim run SCENARIO.yaml") != std::string::npos);
    CHECK(tpssim("--version").out.starts_with("tpssim "));
    CHECK(tpssim("").exit_code == 2);
}

TEST_CASE("run --help and validate --help print that command's help") {
    const auto run = tpssim("run --help");
    CHECK(run.exit_code == 0);
    CHECK(run.out.starts_with("usage: tpssim run SCENARIO.yaml"));
    CHECK(run.out.find("--out FILE.h5") != std::string::npos);
    CHECK(run.out.find("--metrics FILE.csv") != std::string::npos);
    CHECK(run.out.find("--graph") == std::string::npos);
    CHECK(run.err.empty());
    // Whatever else is on the line: help, not a run.
    CHECK(tpssim(std::string("run ") + kMM1 + " --until 1h -h").out == run.out);
    CHECK(tpssim("help run").out == run.out);
    const auto validate = tpssim("validate --help");
    CHECK(validate.exit_code == 0);
    CHECK(validate.out.starts_with("usage: tpssim validate SCENARIO.yaml"));
    CHECK(validate.out.find("--graph") != std::string::npos);
    CHECK(validate.out.find("--out") == std::string::npos);
    CHECK(tpssim("help validate").out == validate.out);
    CHECK(tpssim("help fly").exit_code == 2);
}

TEST_CASE("run prints a report with every service") {
    const auto r = tpssim(std::string("run ") + kMM1 + " --until 30m --no-progress");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("tpssim: ") == 0);
    CHECK(r.out.find("wait mean") != std::string::npos);
    CHECK(r.err.empty());
}

TEST_CASE("summary JSON has every key of docs/outputs.md") {
    const auto r = tpssim(std::string("run ") + kMM1 + " --until 30m --quiet --summary-json -");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* k : {"scenario", "seed", "simulated_seconds", "warmup_seconds", "wall_seconds",
                          "events", "services"})
        CHECK_MESSAGE(j.contains(k), k);
    CHECK(j["simulated_seconds"] == 1800.0);
    CHECK(j["warmup_seconds"] == 600.0);
    REQUIRE(j["services"].size() >= 1);
    for (const auto& item : j["services"].items()) {
        // Not a structured binding: clang 14 cannot capture one in CHECK_MESSAGE's lambda.
        const std::string name = item.key();
        const auto& s = item.value();
        for (const char* k :
             {"arrivals", "completed", "rejected", "failed", "timed_out", "dead_lettered",
              "throughput_per_second", "utilization", "mean_queue_length", "mean_in_system",
              "wait_seconds", "latency_seconds", "replicas"})
            CHECK_MESSAGE(s.contains(k), name << "." << k);
        for (const char* k : {"mean", "p50", "p90", "p99", "max"}) {
            CHECK(s["wait_seconds"].contains(k));
            CHECK(s["latency_seconds"].contains(k));
        }
        for (const char* k : {"min", "max", "time_mean"})
            CHECK(s["replicas"].contains(k));
        CHECK(s["arrivals"].is_number_integer());
    }
}

TEST_CASE("same scenario and seed give the same bytes; another seed other numbers") {
    const std::string base = std::string("run ") + kMM1 +
                             " --until 30m --quiet --reproducible "
                             "--summary-json - ";
    const auto a = tpssim(base + "--seed 7");
    const auto b = tpssim(base + "--seed 7");
    const auto c = tpssim(base + "--seed 8");
    REQUIRE(a.exit_code == 0);
    CHECK(a.out == b.out);
    CHECK(a.out != c.out);
    CHECK(a.out.find("wall_seconds") == std::string::npos);
}

TEST_CASE("replications give the same bytes for any thread count") {
    const std::string base = std::string("run ") + kMM1 +
                             " --until 30m --quiet --reproducible --replications 4 "
                             "--summary-json - --threads ";
    const auto one = tpssim(base + "1");
    const auto two = tpssim(base + "2");
    REQUIRE(one.exit_code == 0);
    CHECK(one.out == two.out);
    const auto j = nlohmann::json::parse(one.out);
    CHECK(j["replications"] == 4);
    CHECK(j["services"].begin().value().contains("ci95_half_width"));
}

TEST_CASE("--set overrides a scalar and --seed replaces the file's seed") {
    const auto r = tpssim(std::string("run ") + kMM1 +
                          " --until 30m --quiet --summary-json - --seed 99 "
                          "--set services.api.workers=3");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["seed"] == 99);
    CHECK(j["services"]["api"]["replicas"]["max"] == 3.0);
}

TEST_CASE("--chaos adds a fault to the timeline; a bad one names <--chaos>") {
    const std::string base = std::string("run ") + kMM1 + " --until 30m --quiet --summary-json -";
    const auto plain = tpssim(base);
    const auto faulty = tpssim(base + " --chaos 'target=api,errors=20%,at=10m,for=10m'");
    REQUIRE(plain.exit_code == 0);
    REQUIRE(faulty.exit_code == 0);
    const auto p = nlohmann::json::parse(plain.out);
    const auto f = nlohmann::json::parse(faulty.out);
    CHECK(p["services"]["api"]["failed"] == 0.0);
    // 20% of the requests ending in [10m, 20m]: 0.2 x 8/s x 600 s = 960 (binomial sd ~28).
    const double failed = f["services"]["api"]["failed"].get<double>();
    CHECK(failed > 960.0 * 0.85);
    CHECK(failed < 960.0 * 1.15);
    const auto bad = tpssim(std::string("validate ") + kMM1 + " --chaos 'target=apj,crash=2'");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("<--chaos>") != std::string::npos);
    CHECK(bad.err.find("did you mean \"api\"") != std::string::npos);
}

TEST_CASE("--summary-json FILE writes the file whole") {
    const auto path = scratch_dir() / "s.json";
    std::filesystem::remove(path);
    const auto r = tpssim(std::string("run ") + kMM1 + " --until 20m --quiet --summary-json '" +
                          path.string() + "'");
    CHECK(r.exit_code == 0);
    CHECK(nlohmann::json::parse(slurp(path.string()))["scenario"].is_string());
    // A folder that does not exist: a clear error naming the flag, exit 2, nothing written.
    const auto bad = tpssim(std::string("run ") + kMM1 +
                            " --until 20m --quiet --summary-json /nonexistent/dir/s.json");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--summary-json") != std::string::npos);
}

TEST_CASE("bad flags are bad input (exit 2) with a message naming the flag") {
    struct Case {
        std::string args;
        std::string message;
    };
    const Case cases[] = {
        {"run", "<command line>: error: SCENARIO: expected a scenario file, got nothing"},
        {std::string("run ") + kMM1 + " --seed -1",
         "<command line>: error: --seed: expected a non-negative integer, got \"-1\""},
        {std::string("run ") + kMM1 + " --until 10",
         "<command line>: error: --until: expected a duration"},
        {std::string("run ") + kMM1 + " --until 0s",
         "<command line>: error: --until: expected a duration > 0, got \"0s\""},
        {std::string("run ") + kMM1 + " --replications 0",
         "<command line>: error: --replications: expected an integer from 1 to 100000, got \"0\""},
        {std::string("run ") + kMM1 + " --frobnicate",
         "<command line>: error: --frobnicate: unknown option (see tpssim --help)"},
        {std::string("run ") + kMM1 + " --quiet=yes",
         "<command line>: error: --quiet: takes no value"},
        {std::string("run ") + kMM1 + " --seed", "<command line>: error: --seed: expected a value"},
        {"fly", "<command line>: error: fly: unknown command; expected run, validate, sweep, "
                "forecast, exam or help"},
        {"run no-such-file.yaml", "no-such-file.yaml"},
    };
    for (const auto& c : cases) {
        const auto r = tpssim(c.args);
        INFO(c.args << " -> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(c.message) == 0);
    }
}

TEST_CASE("validate checks a file without running it") {
    const auto ok = tpssim(std::string("validate ") + kMM1);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find(": ok: ") != std::string::npos);
    const auto bad = tpssim(std::string("validate ") + kMM1 + " --set services.api.workers=0");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("services.api.workers") != std::string::npos);
}

TEST_CASE("run --slowest N prints span trees with the bottleneck marked") {
    const auto r = tpssim("run scenarios/examples/three-tier.yaml --until 7m --no-progress "
                          "--slowest 2 --summary-json -");
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("slowest requests end to end (2 shown of ") != std::string::npos);
    CHECK(r.err.find("<- bottleneck") != std::string::npos);
    CHECK(r.err.find("  bottleneck: ") != std::string::npos);
    // The worker's span follows from api's publish, in the same trace.
    CHECK(r.err.find("~worker handle") != std::string::npos);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.contains("traces"));
    const auto& traces = j["traces"];
    CHECK(traces["ranked_by"] == "end_to_end");
    REQUIRE(traces["slowest"].size() >= 2);
    CHECK(traces["slowest"][0].contains("bottleneck"));
    // Ranked end to end: the first is the slowest, and ends after its entry span.
    CHECK(traces["slowest"][0]["duration_seconds"] >= traces["slowest"][1]["duration_seconds"]);
    CHECK(traces["slowest"][0]["duration_seconds"] > traces["slowest"][0]["entry_seconds"]);
    // The shares of the time by span add up to the whole.
    double total = 0.0;
    for (const auto& b : traces["time_by_span"])
        total += b["share"].get<double>();
    CHECK(total == doctest::Approx(1.0));
    CHECK(traces["bottleneck"] == traces["time_by_span"][0]);
}

TEST_CASE("run --slowest N --by SERVICE ranks by that service's longest span") {
    const auto r = tpssim("run scenarios/examples/three-tier.yaml --until 7m --quiet "
                          "--slowest 3 --by service-b --summary-json -");
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("slowest requests by service-b's longest span (3 shown of ") !=
          std::string::npos);
    const auto j = nlohmann::json::parse(r.out);
    const auto& slowest = j["traces"]["slowest"];
    CHECK(j["traces"]["ranked_by"] == "service-b");
    REQUIRE(slowest.size() >= 3);
    for (std::size_t i = 1; i < slowest.size(); ++i)
        CHECK(slowest[i - 1]["ranked_seconds"] >= slowest[i]["ranked_seconds"]);
    // A service's span lies within its trace.
    CHECK(slowest[0]["ranked_seconds"] <= slowest[0]["duration_seconds"]);

    // A name that is not a service: the services are listed, exit 2.
    const auto bad = tpssim("run scenarios/examples/three-tier.yaml --until 1m --quiet "
                            "--slowest 3 --by dbx");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("<command line>: error: --by: expected a service (one of api, worker, "
                       "service-b, service-c, db), got \"dbx\"") == 0);
    const auto queue = tpssim("run scenarios/examples/three-tier.yaml --until 1m --quiet "
                              "--slowest 3 --by jobs");
    CHECK(queue.exit_code == 2);
    CHECK(queue.err.find("a queue (its items' spans are its consumer's, worker)") !=
          std::string::npos);
    const auto alone = tpssim("run scenarios/examples/three-tier.yaml --until 1m --quiet --by db");
    CHECK(alone.exit_code == 2);
    CHECK(alone.err.find("--by: expected --slowest N with it") != std::string::npos);
}

TEST_CASE("validate --graph prints the call graph as text or DOT") {
    const auto text = tpssim("validate scenarios/examples/three-tier.yaml --graph");
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("users -> api") == 0);
    CHECK(text.out.find("call -> service-b") != std::string::npos);
    const auto dot = tpssim("validate scenarios/examples/three-tier.yaml --graph=dot");
    CHECK(dot.exit_code == 0);
    CHECK(dot.out.find("digraph") != std::string::npos);
    const auto bad = tpssim("validate scenarios/examples/three-tier.yaml --graph=svg");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--graph: expected text or dot, got \"svg\"") != std::string::npos);
}

namespace {
std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        out.push_back(nlohmann::json::parse(line)); // throws (fails the test) on a bad line
    return out;
}
} // namespace

TEST_CASE("--events writes the event log as JSON lines, the same bytes on every run") {
    const auto path = scratch_dir() / "events.jsonl";
    std::filesystem::remove(path);
    const std::string run = "run scenarios/labs/3.1-cascade-contained.yaml --until 3m --quiet ";
    const auto r = tpssim(run + "--summary-json - --events '" + path.string() + "'");
    REQUIRE(r.exit_code == 0);
    const std::string text = slurp(path.string());
    const auto events = json_lines(text);
    REQUIRE(!events.empty());
    double previous = 0.0;
    bool breaker = false;
    for (const auto& e : events) {
        REQUIRE(e["t"].is_number());
        CHECK(e["t"].get<double>() >= previous);
        previous = e["t"].get<double>();
        CHECK(e["type"].is_string());
        CHECK(e["subject"].is_string());
        CHECK_FALSE(e.contains("time")); // no calendar start
        if (e["type"] == "breaker") {
            breaker = true;
            CHECK(e.contains("from"));
            CHECK(e.contains("to"));
            CHECK(e.contains("cause"));
        }
    }
    CHECK(breaker);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["event_log"]["events"] == events.size());
    // `-` writes to stdout; the same bytes as the file, and for any thread count.
    const auto again = tpssim(run + "--events -");
    REQUIRE(again.exit_code == 0);
    CHECK(again.out == text);
    const auto one = tpssim(run + "--replications 3 --threads 1 --events -");
    const auto two = tpssim(run + "--replications 3 --threads 2 --events -");
    CHECK(one.out == text); // replication 0 is the plain run
    CHECK(two.out == text);
}

TEST_CASE("--events: bad paths and two outputs on stdout are bad input") {
    const auto bad = tpssim(std::string("run ") + kMM1 +
                            " --until 20m --quiet --events /nonexistent/dir/e.jsonl");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--events") != std::string::npos);
    const auto both =
        tpssim(std::string("run ") + kMM1 + " --until 20m --quiet --events - --summary-json -");
    CHECK(both.exit_code == 2);
    CHECK(both.err.find("--events") != std::string::npos);
}

TEST_CASE("summary JSON has the operations keys even without operations") {
    const auto r = tpssim(std::string("run ") + kMM1 + " --until 20m --quiet --summary-json -");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* k : {"alerts", "expectations", "monitoring", "event_log"})
        CHECK_MESSAGE(j.contains(k), k);
    CHECK(j["expectations"]["passed"] == true);
    CHECK(j["monitoring"]["scrapes"].get<int>() > 0);
    CHECK(j["monitoring"]["series"].contains("api"));
    for (const char* k :
         {"scale_ups", "scale_downs", "crashes", "oom_kills", "replaced", "duplicates"})
        CHECK_MESSAGE(j["services"]["api"].contains(k), k);
}

namespace {
// A scenario with operations: an autoscaled service, a crash, an alert rule and two checks,
// the second failing unless `passing`.
std::string ops_scenario(bool passing) {
    const auto path = scratch_dir() / (passing ? "ops-pass.yaml" : "ops-fail.yaml");
    std::filesystem::create_directories(path.parent_path());
    std::ofstream f(path);
    f << "name: ops-cli-test\n"
         "seed: 7\n"
         "start: 2026-12-24T14:00\n"
         "duration: 20m\n"
         "warmup: 1m\n"
         "load:\n"
         "  - {name: users, target: api, arrivals: poisson, rate: 30/s}\n"
         "services:\n"
         "  api:\n"
         "    workers: 2\n"
         "    service_time: {dist: exponential, mean: 100ms}\n"
         "    queue: {capacity: 200}\n"
         "    autoscaler: {min: 2, max: 8, target: 70%, sync_period: 15s}\n"
         "chaos:\n"
         "  - {at: 10m, for: 2m, target: api, crash: 1}\n"
         "alerts:\n"
         "  - {name: Busy, when: \"utilization(api) > 90%\", for: 30s, severity: page}\n"
         "expect:\n"
         "  - \"replicas_max(api) >= 3\"\n"
      << (passing ? "  - \"p99(api) < 1h\"\n" : "  - \"p99(api) < 1ms\"\n");
    return path.string();
}
} // namespace

TEST_CASE("operations: --events has scale events with clock times; a failed check exits 1") {
    const auto dir = scratch_dir();
    const auto events = (dir / "ops-events.jsonl").string();
    const auto summary = (dir / "ops-summary.json").string();
    std::filesystem::remove(events);
    std::filesystem::remove(summary);
    const auto r = tpssim("run '" + ops_scenario(false) + "' --no-progress --events '" + events +
                          "' --summary-json '" + summary + "'");
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    // The report says which check failed; every output was written before the exit.
    CHECK(r.out.find("\u2717 p99(api) < 1ms; observed: ") != std::string::npos);
    CHECK(r.out.find("expectations: 1 passed, 1 failed") != std::string::npos);
    CHECK(r.out.find("\noperations ") != std::string::npos);
    CHECK(r.out.find("\nalert ") != std::string::npos);
    const auto j = nlohmann::json::parse(slurp(summary));
    CHECK(j["expectations"]["passed"] == false);
    REQUIRE(j["expectations"]["checks"].size() == 2);
    CHECK(j["expectations"]["checks"][0]["passed_replications"] == 1);
    CHECK(j["expectations"]["checks"][1]["passed_replications"] == 0);
    CHECK(j["services"]["api"]["scale_ups"].get<int>() >= 1);
    CHECK(j["services"]["api"]["crashes"] == 1);
    REQUIRE(j["alerts"].size() == 1);
    CHECK(j["alerts"][0]["name"] == "Busy");
    const auto lines = json_lines(slurp(events));
    CHECK(j["event_log"]["events"] == lines.size());
    std::size_t scales = 0, crashes = 0, autoscaler = 0;
    for (const auto& e : lines) {
        REQUIRE(e.contains("time"));
        CHECK(e["time"].get<std::string>().starts_with("2026-12-24T"));
        if (e["type"] == "scale") {
            ++scales;
            CHECK(e["subject"] == "api");
            CHECK(e["by"] == "autoscaler");
            CHECK(e["to"].get<double>() > e["from"].get<double>());
        }
        crashes += e["type"] == "crash" ? 1 : 0;
        autoscaler += e["type"] == "autoscaler" ? 1 : 0;
    }
    CHECK(scales >= 1);
    CHECK(crashes == 1);
    CHECK(autoscaler >= 70); // every 15 s of 20 minutes
    REQUIRE(!lines.empty());
    CHECK(lines[0]["time"] == "2026-12-24T14:00:15.000");

    // --quiet: no report, so stderr says why the exit code is 1.
    const auto quiet = tpssim("run '" + ops_scenario(false) + "' --quiet");
    CHECK(quiet.exit_code == 1);
    CHECK(quiet.err.find("expectations: 1 of 2 failed") != std::string::npos);
    // Replications: a check failing in any of them fails the run.
    const auto reps = tpssim("run '" + ops_scenario(false) + "' --quiet --replications 3");
    CHECK(reps.exit_code == 1);
    const auto pass = tpssim("run '" + ops_scenario(true) + "' --quiet --summary-json -");
    CHECK(pass.exit_code == 0);
    CHECK(nlohmann::json::parse(pass.out)["expectations"]["passed"] == true);
}

TEST_CASE("operations: the event log is the same bytes for any thread count") {
    const std::string base = "run '" + ops_scenario(true) + "' --quiet --events - ";
    const auto plain = tpssim(base);
    const auto one = tpssim(base + "--replications 3 --threads 1");
    const auto two = tpssim(base + "--replications 3 --threads 2");
    REQUIRE(plain.exit_code == 0);
    CHECK(!plain.out.empty());
    CHECK(one.out == plain.out);
    CHECK(two.out == plain.out);
}

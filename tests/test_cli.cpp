// The `tpssim` executable, run as a user runs it: exit codes, outputs, determinism.
#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace {

struct Result {
    int exit_code = -1;
    std::string out; ///< stdout
    std::string err; ///< stderr
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Runs tpssim with `args` (shell words) from the source folder; captures both streams.
Result tpssim(const std::string& args) {
    const auto dir = std::filesystem::temp_directory_path() / "tpssim-cli-test";
    std::filesystem::create_directories(dir);
    const std::string err_path = (dir / "stderr.txt").string();
    const std::string cmd = std::string("cd '") + TPSSIM_SOURCE_DIR + "' && '" + TPSSIM_BINARY +
                            "' " + args + " 2>'" + err_path + "'";
    Result r;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
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

TEST_CASE("run prints a report with every service") {
    const auto r = tpssim(std::string("run ") + kMM1 + " --until 30m --no-progress");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("tpssim: ") == 0);
    CHECK(r.out.find("wait mean") != std::string::npos);
    CHECK(r.err.empty());
}

TEST_CASE("summary JSON has every key of ARCHITECTURE.md") {
    const auto r = tpssim(std::string("run ") + kMM1 + " --until 30m --quiet --summary-json -");
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    for (const char* k : {"scenario", "seed", "simulated_seconds", "warmup_seconds", "wall_seconds",
                          "events", "services"})
        CHECK_MESSAGE(j.contains(k), k);
    CHECK(j["simulated_seconds"] == 1800.0);
    CHECK(j["warmup_seconds"] == 600.0);
    REQUIRE(j["services"].size() >= 1);
    for (const auto& [name, s] : j["services"].items()) {
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

TEST_CASE("--summary-json FILE writes the file whole") {
    const auto path = std::filesystem::temp_directory_path() / "tpssim-cli-test" / "s.json";
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
        {"fly", "<command line>: error: fly: unknown command; expected run, validate or help"},
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
    CHECK(r.err.find("slowest requests (2 shown of ") != std::string::npos);
    CHECK(r.err.find("<- bottleneck") != std::string::npos);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.contains("traces"));
    CHECK(j["traces"]["slowest"].size() >= 2);
    CHECK(j["traces"]["slowest"][0].contains("bottleneck"));
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

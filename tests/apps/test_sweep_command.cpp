// `tpssim sweep` as a user runs it (apps/tpssim/sweep_command.*, sweep_runner.*): the same CSV
// bytes with 1 and 2 threads, the report's best point, common random numbers, bad input exit 2,
// and an interrupted sweep keeping only whole points.

#include "apps/tpssim/sweep_runner.hpp"
#include "command.hpp"
#include "files.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>

extern char** environ;

using namespace tpssim;
namespace fs = std::filesystem;

namespace {

// api -> backend; backend is short of workers (2 at ~75% busy), so more workers cut api's p99.
const char* kBase = R"(name: sweep-command-base
seed: 5
duration: 3m
warmup: 20s
load:
  - {name: users, target: api, rate: 100/s}
services:
  api:
    workers: 16
    steps:
      - work: {dist: exponential, mean: 2ms}
      - call: backend
        timeout: 2s
  backend:
    workers: 2
    queue: {capacity: 100}
    service_time: {dist: exponential, mean: 15ms}
)";

const char* kSweep = R"(base: base.yaml
vary:
  services.backend.workers: [2, 3, 4]
replications: 3
figures: [p99(api), throughput(api), utilization(backend)]
objective: minimise p99(api)
constraints:
  - error_rate(api) < 1%
  - utilization(backend) within 40%..80%
)";

struct SweepDir : test_support::ScratchDir {
    explicit SweepDir(const std::string& tag) : ScratchDir("sweep-cmd-" + tag) {
        write("base.yaml", kBase);
        write("sweep.yaml", kSweep);
    }
};

using test_support::tpssim_command;

} // namespace

TEST_CASE("tpssim sweep: same CSV bytes with 1 and 2 threads; the report names the best point") {
    SweepDir d("threads");
    const auto one = test_support::run_command(
        tpssim_command("sweep " + d.path("sweep.yaml") + " --threads 1 --csv " + d.path("one.csv") +
                       " --points-csv " + d.path("points1.csv") + " --out " + d.path("one.h5")));
    const auto two = test_support::run_command(
        tpssim_command("sweep " + d.path("sweep.yaml") + " --threads 2 --csv " + d.path("two.csv") +
                       " --points-csv " + d.path("points2.csv") + " --out " + d.path("two.h5")));
    REQUIRE(one.exit_code == 0);
    REQUIRE(two.exit_code == 0);
    const std::string csv = test_support::slurp(d.path("one.csv"));
    CHECK(csv == test_support::slurp(d.path("two.csv")));
    CHECK(test_support::slurp(d.path("points1.csv")) == test_support::slurp(d.path("points2.csv")));
    // The HDF5 file: the same bytes too, and the tables as h5py reads them.
    CHECK(test_support::slurp(d.path("one.h5")) == test_support::slurp(d.path("two.h5")));
    const auto h5 = test_support::run_command(
        "/usr/bin/python3 -c \"import h5py; f = h5py.File('" + d.path("one.h5") +
        "'); print(f.attrs['format'], f['runs']['point'].shape[0], f['points']['point'].shape[0], "
        "f.attrs['best_point'], f['runs']['p99(api)'][3] > 0)\"");
    CHECK(h5.exit_code == 0);
    CHECK(h5.out == "tpssim-sweep 12 4 2 True\n");
    // Header, then 4 points (baseline + 3) x 3 replications.
    CHECK(csv.starts_with("point,replication,seed,services.backend.workers,p99(api),"
                          "throughput(api),utilization(backend),error_rate(api)\n"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 13);
    // Common random numbers: replication 1 has the same seed at every point.
    CHECK(csv.find("\n0,1,") != std::string::npos);
    // 2 workers (the baseline and point 1) are ~75% busy; 3 are 50%, 4 are ~38% (out of the
    // 40%..80% constraint): the best point is 3 workers (point 2), a significant gain.
    CHECK(one.out.find("best point meeting the constraints: point 2\n  "
                       "services.backend.workers=3\n") != std::string::npos);
    std::size_t start = 0, widest = 0;
    while (start < one.out.size()) {
        const auto end = one.out.find('\n', start);
        const std::string line = one.out.substr(start, end - start);
        // Columns, not bytes: "±" is two bytes of UTF-8.
        std::size_t cols = 0;
        for (unsigned char c : line)
            cols += (c & 0xC0) != 0x80;
        widest = std::max(widest, cols);
        start = end + 1;
    }
    CHECK(widest <= 100);
    // The base as the sweep file names it, beside it: not a second absolute path.
    CHECK(one.out.find("sweep.yaml: base base.yaml\n") != std::string::npos);
    CHECK(one.out.find("significant (paired 95% CI excludes 0)") != std::string::npos);
}

TEST_CASE("tpssim sweep: bad input exits 2 with the sweep file's line") {
    SweepDir d("bad");
    std::ofstream(d.path() / "bad.yaml") << "base: base.yaml\nvary:\n  services.backend.workers: "
                                            "[2, -1]\nobjective: minimise p99(api)\n";
    const auto r =
        test_support::run_command(tpssim_command("sweep " + d.path("bad.yaml") + " 2>&1"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("bad.yaml:3:33: error: services.backend.workers:") != std::string::npos);
    std::ofstream(d.path() / "nosvc.yaml")
        << "base: base.yaml\nvary:\n  services.backend.workers: [2]\nobjective: minimise "
           "p99(nope)\n";
    const auto s =
        test_support::run_command(tpssim_command("sweep " + d.path("nosvc.yaml") + " 2>&1"));
    CHECK(s.exit_code == 2);
    CHECK(s.out.find("p99(nope): expected a service of the base scenario (one of api, backend)") !=
          std::string::npos);
    const auto t = test_support::run_command(
        tpssim_command("sweep " + d.path("sweep.yaml") + " --threads 0 2>&1"));
    CHECK(t.exit_code == 2);
}

TEST_CASE("tpssim sweep --out: refuses a file that is not a sweep file; overwrites a sweep file") {
    SweepDir d("out");
    std::ofstream(d.path() / "notes.h5") << "someone's data";
    const auto r = test_support::run_command(tpssim_command("sweep " + d.path("sweep.yaml") +
                                                            " --replications 2 --out " +
                                                            d.path("notes.h5") + " 2>&1"));
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("notes.h5: exists and is not a tpssim sweep file") != std::string::npos);
    CHECK(test_support::slurp(d.path("notes.h5")) == "someone's data");
    // Refused before anything ran: no report.
    CHECK(r.out.find("best point") == std::string::npos);
    const std::string again =
        "sweep " + d.path("sweep.yaml") + " --replications 2 --quiet --out " + d.path("sweep.h5");
    CHECK(test_support::run_command(tpssim_command(again)).exit_code == 0);
    CHECK(test_support::run_command(tpssim_command(again)).exit_code == 0);
}

TEST_CASE("sweep runner: a stop keeps only points whose every replication finished") {
    SweepDir d("stop");
    const auto sc = scenarios::load_scenario_file(d.path("base.yaml"));
    const std::vector<models::ModelParams> models(4, sc.model);
    const std::vector<scenarios::SweepFigure> figures = {
        {scenarios::SweepFigure::Kind::p99, "api", "p99(api)"}};
    SweepRunOptions o;
    o.replications = 2;
    o.threads = 1;
    std::atomic<int> finished{0};
    o.progress = [&](std::size_t done, std::size_t) { finished = static_cast<int>(done); };
    o.keep_going = [&] { return finished.load() < 3; }; // stop after the third run
    const auto runs = run_sweep(models, figures, o);
    CHECK(runs.interrupted);
    CHECK(runs.point_complete == std::vector<bool>{true, false, false, false});
    // One thread: the same figures as an uninterrupted run of point 0.
    o.keep_going = nullptr;
    const auto full = run_sweep(models, figures, o);
    CHECK_FALSE(full.interrupted);
    CHECK(full.at(0, 1, 0) == runs.at(0, 1, 0));
    // Every point is the same model: common random numbers give the same figures.
    CHECK(full.at(3, 1, 0) == full.at(0, 1, 0));
    CHECK(full.at(0, 0, 0) != full.at(0, 1, 0));
}

TEST_CASE("tpssim sweep: Ctrl-C keeps the finished points, written whole, and exits 130") {
    SweepDir d("sigint");
    // Long enough to be running after a second on any machine: 50 replications of 9 points.
    const std::string csv = d.path("runs.csv");
    const std::string sweep = TPSSIM_SOURCE_DIR "/scenarios/labs/3.2-tuning.sweep.yaml";
    std::vector<std::string> args = {TPSSIM_BINARY,    "sweep", sweep,     "--threads", "2",
                                     "--replications", "50",    "--quiet", "--csv",     csv};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, TPSSIM_BINARY, nullptr, nullptr, argv.data(), environ) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    kill(pid, SIGINT);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    // The CSV holds whole points only: a header and 50 rows per finished point.
    const std::string text = test_support::slurp(csv);
    REQUIRE(text.starts_with("point,replication,seed,"));
    const auto rows = std::count(text.begin(), text.end(), '\n') - 1;
    CHECK(rows % 50 == 0);
    CHECK(rows < 9 * 50);
}

// Ctrl-C on a long run, automated: the binary is started on a run that would take hours, sent
// SIGINT once it is running, and must stop on its own with exit code 130, saying what it kept,
// and leave a whole summary file and results file (`--out`) marked interrupted. No timing is
// asserted: the long wait below only guards the test against a hang.

#include "apps/tpssim/results_file.hpp"

#include "files.hpp"

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;

using test_support::slurp;

/// Waits for `pid` for at most `limit`; kills it (and fails) if it is still running then.
int wait_exit_code(pid_t pid, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    for (;;) {
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            FAIL("tpssim did not stop after SIGINT (killed)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

TEST_CASE("SIGINT stops a long run and a long set of replications, keeping what was done") {
    const fs::path dir =
        fs::temp_directory_path() / ("tpssim-interrupt-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const fs::path summary = dir / "summary.json";
    const fs::path results = dir / "results.h5";
    const fs::path err = dir / "stderr.txt";
    const std::string scenario = std::string(TPSSIM_SOURCE_DIR) + "/scenarios/validation/mmc.yaml";
    for (const char* replications : {"1", "4"}) {
        CAPTURE(replications);
        fs::remove(summary);
        fs::remove(results);
        // About a simulated year: hours of wall time if nothing stops it.
        std::array<std::string, 14> args{TPSSIM_BINARY,
                                         "run",
                                         scenario,
                                         "--until",
                                         "8760h",
                                         "--replications",
                                         replications,
                                         "--threads",
                                         "2",
                                         "--summary-json",
                                         summary.string(),
                                         "--quiet",
                                         "--out",
                                         results.string()};
        std::array<char*, args.size() + 1> argv{};
        for (std::size_t i = 0; i < args.size(); ++i)
            argv[i] = args[i].data();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        pid_t pid = 0;
        REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0);
        posix_spawn_file_actions_destroy(&actions);
        // Let it get going (load, start every replication), then interrupt it.
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        REQUIRE(kill(pid, SIGINT) == 0);
        CHECK(wait_exit_code(pid, std::chrono::seconds(120)) == 130);
        const std::string message = slurp(err);
        std::size_t files = 0; // no temporary file is left behind
        for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir))
            ++files;
        if (std::string(replications) == "1") {
            // One run: what was simulated so far is reported and written, marked interrupted.
            CHECK(message.find("interrupted: kept 1 of 1 replication(s)") != std::string::npos);
            REQUIRE(fs::exists(summary));
            const std::string json = slurp(summary);
            CHECK(json.find("\"interrupted\": true") != std::string::npos);
            CHECK(json.back() == '\n'); // whole: written to a temporary name, then renamed
            CHECK(tpssim::is_results_file(results.string()));
            CHECK(files == 3);
        } else {
            // Replications: none had finished, so none is kept and no file is written.
            CHECK(message.find("nothing kept") != std::string::npos);
            CHECK(!fs::exists(summary));
            CHECK(!fs::exists(results));
            CHECK(files == 1);
        }
    }
    fs::remove_all(dir);
}

// The results file (`tpssim run --out`, apps/tpssim/results_file.*): determinism, what the
// file holds at its root, bad targets refused before anything runs, nothing half-written.
// What the tables hold, read as a user reads them (h5py + pandas), is checked by the ctest
// `results_file_python` (tests/apps/check_results_file.py).
#include "apps/tpssim/results_file.hpp"

#include "command.hpp"
#include "files.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <spawn.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace tpssim;
using test_support::slurp;

struct Result {
    int exit_code = -1;
    std::string out, err;
};

// A fresh folder for one test case, removed at the end.
struct TempDir : test_support::ScratchDir {
    explicit TempDir(const std::string& name) : ScratchDir("results-" + name) {}
};

Result run_tpssim(const TempDir& dir, const std::string& args) {
    const std::string err_path = (dir.path() / "stderr.txt").string();
    const std::string cmd = test_support::tpssim_command(args) + " 2>'" + err_path + "'";
    auto ran = test_support::run_command(cmd);
    Result r{ran.exit_code, std::move(ran.out), slurp(err_path)};
    fs::remove(err_path);
    return r;
}

const char* kOperations = "scenarios/examples/operations.yaml";

// The run finished and wrote its outputs: 0, or 1 when an `expect:` check of the example
// missed under another seed or override.
bool finished(const Result& r) {
    return r.exit_code == 0 || r.exit_code == 1;
}

// A root attribute of an HDF5 file as text (strings) or a number printed ("42"), "" if none.
std::string root_attribute(const fs::path& file, const char* name) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    std::string value;
    if (H5Aexists(f, name) > 0) {
        const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
        const hid_t t = H5Aget_type(a);
        if (H5Tget_class(t) == H5T_STRING) {
            const hid_t s = H5Tcopy(H5T_C_S1);
            H5Tset_size(s, H5T_VARIABLE);
            H5Tset_cset(s, H5T_CSET_UTF8); // as written: HDF5 converts no character set
            char* p = nullptr;
            REQUIRE(H5Aread(a, s, &p) >= 0);
            value = p;
            H5free_memory(p);
            H5Tclose(s);
        } else {
            std::uint64_t n = 0;
            REQUIRE(H5Aread(a, H5T_NATIVE_UINT64, &n) >= 0);
            value = std::to_string(n);
        }
        H5Tclose(t);
        H5Aclose(a);
    }
    H5Fclose(f);
    return value;
}

} // namespace

TEST_CASE("--out: the same bytes for any --threads under --reproducible, and on every run") {
    TempDir dir("determinism");
    const auto a = dir.path() / "a.h5", b = dir.path() / "b.h5", c = dir.path() / "c.h5";
    const std::string run =
        std::string("run ") + kOperations + " --quiet --reproducible --replications 3 --out ";
    REQUIRE(finished(run_tpssim(dir, run + a.string() + " --threads 1")));
    REQUIRE(finished(run_tpssim(dir, run + b.string() + " --threads 2")));
    const std::string bytes = slurp(a);
    CHECK(bytes.size() > 1000);
    CHECK(bytes == slurp(b));
    // A plain run, twice.
    const std::string plain = std::string("run ") + kOperations + " --quiet --reproducible --out ";
    REQUIRE(finished(run_tpssim(dir, plain + a.string())));
    REQUIRE(finished(run_tpssim(dir, plain + b.string())));
    CHECK(slurp(a) == slurp(b));
    CHECK(slurp(a) != bytes);
    // Without --reproducible the wall-clock attributes are there (and only then).
    CHECK(root_attribute(a, "created").empty());
    REQUIRE(finished(
        run_tpssim(dir, std::string("run ") + kOperations + " --quiet --out " + c.string())));
    CHECK(root_attribute(c, "created").size() == std::string("2026-12-07T16:00:00Z").size());
    CHECK(dir.entries() == 3); // no temporary file left beside them
}

TEST_CASE("--out: the root says what the file is and which run it holds") {
    TempDir dir("root");
    const auto file = dir.path() / "r.h5";
    REQUIRE(finished(run_tpssim(dir, std::string("run ") + kOperations +
                                         " --quiet --reproducible --seed 9 --set "
                                         "services.api.workers=7 --out " +
                                         file.string())));
    CHECK(is_results_file(file.string()));
    CHECK(root_attribute(file, "format") == "tpssim-results");
    CHECK(root_attribute(file, "format_version") == std::to_string(kResultsFormatVersion));
    CHECK(root_attribute(file, "seed") == "9");
    CHECK(root_attribute(file, "scenario_name") == "operations");
    CHECK(root_attribute(file, "replications") == "1");
    // The example has a calendar start (docs/scenario-format.md): ISO 8601, to the second.
    const std::string start = root_attribute(file, "start");
    CHECK(start.size() == std::string("2026-12-24T14:00:00").size());
    CHECK(start[10] == 'T');
    // The resolved scenario, with the override applied.
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const hid_t d = H5Dopen2(f, "scenario", H5P_DEFAULT);
    REQUIRE(d >= 0);
    const hid_t s = H5Tcopy(H5T_C_S1);
    H5Tset_size(s, H5T_VARIABLE);
    H5Tset_cset(s, H5T_CSET_UTF8); // as written: HDF5 converts no character set
    char* text = nullptr;
    REQUIRE(H5Dread(d, s, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) >= 0);
    const std::string yaml = text;
    H5free_memory(text);
    H5Tclose(s);
    H5Dclose(d);
    H5Fclose(f);
    CHECK(yaml.find("name: operations") != std::string::npos);
    CHECK(yaml.find("workers: 7") != std::string::npos);
}

TEST_CASE("--out: a bad target is bad input before anything runs, and is left as it was") {
    TempDir dir("bad");
    const fs::path text_file = dir.path() / "notes.txt";
    std::ofstream(text_file) << "not ours\n";
    // An HDF5 file of someone else's.
    const fs::path foreign = dir.path() / "foreign.h5";
    {
        const hid_t f = H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        REQUIRE(f >= 0);
        H5Fclose(f);
    }
    const std::string foreign_bytes = slurp(foreign);
    const fs::path locked = dir.path() / "locked";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    struct Case {
        std::string target;
        std::string message;
    };
    const Case cases[] = {
        {dir.path().string(), "is a folder; expected the name of a results file"},
        {(dir.path() / "no" / "such" / "folder" / "r.h5").string(), "cannot write"},
        {text_file.string(), "exists and is not a tpssim results file"},
        {foreign.string(), "exists and is not a tpssim results file"},
        {(locked / "r.h5").string(), "cannot write"},
    };
    // A run of a simulated year: hours if the check came after it.
    const std::string run =
        std::string("run ") + kOperations + " --until 8760h --no-progress --out ";
    for (const auto& c : cases) {
        if (c.target.find("locked") != std::string::npos && geteuid() == 0) continue; // root
        const auto r = run_tpssim(dir, run + "'" + c.target + "'");
        INFO(c.target << " -> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty()); // no report: nothing was simulated
        CHECK(r.err.find("--out") != std::string::npos);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(slurp(text_file) == "not ours\n");
    CHECK(slurp(foreign) == foreign_bytes);
    CHECK(dir.entries() == 3); // stderr.txt is removed; nothing was added
}

TEST_CASE("--out: an existing results file is replaced") {
    TempDir dir("replace");
    const auto file = dir.path() / "r.h5";
    const std::string run = std::string("run ") + kOperations + " --quiet --reproducible --out " +
                            file.string() + " --seed ";
    REQUIRE(finished(run_tpssim(dir, run + "1")));
    const std::string first = slurp(file);
    REQUIRE(finished(run_tpssim(dir, run + "2")));
    CHECK(is_results_file(file.string()));
    CHECK(slurp(file) != first);
}

TEST_CASE("write_results_file: a failure midway leaves the target as it was, and no temporary") {
    TempDir dir("failure");
    const auto file = dir.path() / "r.h5";
    std::ofstream(file) << "old";
    models::RunResult run;
    run.services.push_back(models::ServiceResult{});
    run.services[0].name = "api";
    run.traced = 1;
    run.spans.trace_id = {1};
    run.spans.span_id = {0}; // the other span columns are missing: the writer stops at them
    RunSummary summary;
    ResultsFileHeader header;
    header.reproducible = true;
    std::string message;
    try {
        write_results_file(file.string(), header, {run}, summary);
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    CHECK(message.starts_with(file.string() + ": cannot write: "));
    CHECK(slurp(file) == "old");
    CHECK(dir.entries() == 1);
}

TEST_CASE("--out: a run killed outright leaves no results file, whole or partial") {
    TempDir dir("killed");
    const auto file = dir.path() / "r.h5";
    const std::string scenario = std::string(TPSSIM_SOURCE_DIR) + "/" + kOperations;
    std::array<std::string, 9> args{TPSSIM_BINARY,   "run",     scenario, "--until",    "8760h",
                                    "--no-progress", "--quiet", "--out",  file.string()};
    std::array<char*, args.size() + 1> argv{};
    for (std::size_t i = 0; i < args.size(); ++i)
        argv[i] = args[i].data();
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(!fs::exists(file));
    CHECK(dir.entries() == 0);
}

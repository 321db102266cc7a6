// The scenario loader (scenarios/scenario.hpp): from YAML text or a file to a validated
// models::ModelParams, and the errors it reports. Broken files with their exact messages live
// in tests/bad/ (test_bad_scenarios.cpp); this file tells the story of good files and the API.
#include "scenarios/scenario.hpp"
#include "scenarios/units.hpp"

#include "diagnostics.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tpssim;

using scenarios::Diagnostic;
using scenarios::load_scenario_file;
using scenarios::load_scenario_text;
using scenarios::ScenarioError;
using sim::SimTime;
namespace fs = std::filesystem;

namespace {

// A minimal valid scenario; tests append to it or replace parts.
const std::string kMinimal = R"(name: minimal
duration: 1h
load:
  - {name: users, target: api, rate: 10/s}
services:
  api:
    service_time: {dist: constant, value: 10ms}
)";

/// The formatted diagnostics of loading `text` (empty when it loads).
std::vector<std::string> errors_of(const std::string& text, const std::string& name = "t.yaml") {
    return test_support::diagnostics_of([&] { load_scenario_text(text, name); });
}

/// A fresh, empty folder under the system's temporary folder.
fs::path temp_folder(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() /
                         ("tpssim-loader-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string with_service_time(const std::string& dist) {
    return "name: d\nduration: 1h\nload: [{name: u, target: s, rate: 1/s}]\n"
           "services:\n  s:\n    service_time: " +
           dist + "\n";
}

} // namespace

TEST_CASE("a complete scenario becomes ModelParams, field by field") {
    const auto sc = load_scenario_text(R"(name: mm3-validation
description: three workers at 90% load
seed: 42
duration: 2h
warmup: 10m
load:
  - name: users
    target: api
    arrivals: poisson
    rate: 90/s
  - name: batch
    target: db
    arrivals: constant
    rate: 6000/m
services:
  api:
    workers: 10
    service_time: {dist: exponential, mean: 100ms}
    queue: {capacity: unbounded}
  db:
    workers: 3
    service_time: {dist: lognormal, mean: 3ms, cv: 1.5}
    queue: {capacity: 20}
)",
                                       "mm3.yaml");
    CHECK(sc.name == "mm3-validation");
    CHECK(sc.file == "mm3.yaml");
    CHECK(sc.seed == 42);
    CHECK(sc.model.duration == SimTime::from_s(7200));
    CHECK(sc.model.warmup == SimTime::from_s(600));

    REQUIRE(sc.model.services.size() == 2);
    const auto& api = sc.model.services[0];
    CHECK(api.name == "api"); // file order
    CHECK(api.workers == 10);
    CHECK(api.queue_capacity == models::kUnbounded);
    CHECK(api.service_time.kind() == sim::Distribution::Kind::Exponential);
    CHECK(api.service_time.mean_seconds() == doctest::Approx(0.1));
    const auto& db = sc.model.services[1];
    CHECK(db.name == "db");
    CHECK(db.workers == 3);
    CHECK(db.queue_capacity == 20);
    CHECK(db.service_time.kind() == sim::Distribution::Kind::Lognormal);
    CHECK(db.service_time.mean_seconds() == doctest::Approx(0.003));
    CHECK(db.service_time.cv() == doctest::Approx(1.5));

    REQUIRE(sc.model.load.size() == 2);
    CHECK(sc.model.load[0].name == "users");
    CHECK(sc.model.load[0].target == 0);
    CHECK(sc.model.load[0].arrivals == models::ArrivalProcess::Poisson);
    CHECK(sc.model.load[0].rate_per_second == 90.0);
    CHECK(sc.model.load[1].name == "batch");
    CHECK(sc.model.load[1].target == 1);
    CHECK(sc.model.load[1].arrivals == models::ArrivalProcess::Constant);
    CHECK(sc.model.load[1].rate_per_second == 100.0);
}

TEST_CASE("optional keys take their documented defaults") {
    const auto sc = load_scenario_text(kMinimal, "minimal.yaml");
    CHECK(sc.seed == 1);
    CHECK(sc.model.warmup == SimTime::zero());
    REQUIRE(sc.model.services.size() == 1);
    CHECK(sc.model.services[0].workers == 1);
    CHECK(sc.model.services[0].queue_capacity == models::kUnbounded);
    CHECK(sc.model.load[0].arrivals == models::ArrivalProcess::Poisson);
    // An empty queue block is allowed and means the default.
    CHECK(load_scenario_text(kMinimal + "    queue: {}\n", "q.yaml")
              .model.services[0]
              .queue_capacity == models::kUnbounded);
}

TEST_CASE("every distribution maps to its sim::Distribution") {
    using K = sim::Distribution::Kind;
    const auto dist = [](const std::string& text) {
        return load_scenario_text(with_service_time(text), "d.yaml").model.services[0].service_time;
    };
    const auto e = dist("{dist: exponential, mean: 100ms}");
    CHECK(e.kind() == K::Exponential);
    CHECK(e.mean_seconds() == doctest::Approx(0.1));
    const auto c = dist("{dist: constant, value: 1.5s}");
    CHECK(c.kind() == K::Constant);
    CHECK(c.mean_seconds() == doctest::Approx(1.5));
    CHECK(dist("{dist: constant, value: 0s}").mean_seconds() == 0.0);
    const auto u = dist("{dist: uniform, min: 10ms, max: 30ms}");
    CHECK(u.kind() == K::Uniform);
    CHECK(u.mean_seconds() == doctest::Approx(0.02));
    CHECK(dist("{dist: uniform, min: 5ms, max: 5ms}").mean_seconds() == doctest::Approx(0.005));
    const auto l = dist("{dist: lognormal, mean: 2ms, cv: 0.5}");
    CHECK(l.kind() == K::Lognormal);
    CHECK(l.mean_seconds() == doctest::Approx(0.002));
    CHECK(l.cv() == doctest::Approx(0.5));
    const auto g = dist("{dist: gamma, mean: 10ms, cv: 0.8}");
    CHECK(g.kind() == K::Gamma);
    CHECK(g.mean_seconds() == doctest::Approx(0.01));
    CHECK(g.cv() == doctest::Approx(0.8));
    // Block style reads the same as flow style.
    CHECK(dist("\n      dist: gamma\n      mean: 10ms\n      cv: 2\n").cv() == doctest::Approx(2));
}

TEST_CASE("empirical distributions read a CSV beside the scenario, in the header's unit") {
    const fs::path dir = temp_folder("empirical");
    fs::create_directories(dir / "data");
    write(dir / "data" / "seconds.csv", "latency_seconds\n0.1\n0.3\n\n");
    write(dir / "data" / "ms.csv", "service_time_ms\r\n100\r\n300\r\n");
    write(dir / "data" / "us.csv", "\xEF\xBB\xBFlatency_us\n100000\n 300000 \n");
    write(dir / "data" / "ns.csv", "latency_ns\n1e8\n3e8\n");
    for (const char* csv : {"seconds.csv", "ms.csv", "us.csv", "ns.csv"}) {
        CAPTURE(csv);
        write(dir / "s.yaml",
              with_service_time(std::string("{dist: empirical, file: data/") + csv + "}"));
        const auto sc = load_scenario_file((dir / "s.yaml").string());
        const auto& d = sc.model.services[0].service_time;
        CHECK(d.kind() == sim::Distribution::Kind::Empirical);
        CHECK(d.mean_seconds() == doctest::Approx(0.2));
    }
}

TEST_CASE("CSV errors name the CSV file and its line") {
    const fs::path dir = temp_folder("bad-csv");
    write(dir / "bad.csv", "latency_ms\n1\nabc\n-2\n3,4\n");
    write(dir / "s.yaml", with_service_time("{dist: empirical, file: bad.csv}"));
    const std::string csv = (dir / "bad.csv").string();
    const std::string key = ": error: services.s.service_time.file: ";
    try {
        load_scenario_file((dir / "s.yaml").string());
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 3);
        CHECK(e.diagnostics()[0].format() ==
              csv + ":3" + key + "expected a non-negative number of milliseconds, got \"abc\"");
        CHECK(e.diagnostics()[1].format() ==
              csv + ":4" + key + "expected a non-negative number of milliseconds, got \"-2\"");
        CHECK(e.diagnostics()[2].format() ==
              csv + ":5" + key +
                  "expected a non-negative number of milliseconds, got \"3,4\" (one column only)");
    }
    // After ten bad lines the rest are counted, not listed.
    std::string many = "latency_ms\n";
    for (int i = 0; i < 25; ++i)
        many += "x\n";
    write(dir / "bad.csv", many);
    try {
        load_scenario_file((dir / "s.yaml").string());
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 11);
        CHECK(e.diagnostics()[10].format() ==
              csv + ":26" + key + "15 more lines are not valid samples (not listed)");
    }
}

TEST_CASE("a file that cannot be read is an error naming the file") {
    const fs::path dir = temp_folder("unreadable");
    const std::string missing = (dir / "nope.yaml").string();
    try {
        load_scenario_file(missing);
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].format() ==
              missing + ": error: cannot read the scenario: No such file or directory");
    }
    try {
        load_scenario_file(dir.string());
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        CHECK(e.diagnostics()[0].format() ==
              dir.string() + ": error: cannot read the scenario: it is a directory, not a file");
    }
}

TEST_CASE("all problems of a file are reported at once, in file order") {
    const auto errors = errors_of(R"(name: x
duration: 0s
load:
  - {name: users, target: nope, rate: 90}
services:
  api:
    workers: 0
    service_time: {dist: exponential, mean: 100}
)",
                                  "lab.yaml");
    REQUIRE(errors.size() == 5);
    CHECK(errors[0] == "lab.yaml:2:11: error: duration: expected a duration > 0, got \"0s\"");
    CHECK(errors[1] == "lab.yaml:4:27: error: load.0.target: unknown service \"nope\" "
                       "(services: api)");
    CHECK(errors[2] == "lab.yaml:4:39: error: load.0.rate: expected a rate with a unit (/ns, "
                       "/us, /ms, /s, /m, /h, /d), e.g. 100/s, got \"90\"");
    CHECK(errors[3] == "lab.yaml:7:14: error: services.api.workers: expected an integer >= 1, "
                       "got 0");
    CHECK(errors[4] == "lab.yaml:8:45: error: services.api.service_time.mean: expected a "
                       "duration with a unit (ns, us, ms, s, m, h, d), got \"100\"");
}

TEST_CASE("ScenarioError::what holds every formatted line") {
    try {
        load_scenario_text("name: x\nduration: 1\n", "w.yaml");
        FAIL("expected an error");
    } catch (const ScenarioError& e) {
        std::string joined;
        for (const auto& d : e.diagnostics())
            joined += (joined.empty() ? "" : "\n") + d.format();
        CHECK(std::string(e.what()) == joined);
        CHECK(e.diagnostics().size() == 3); // the bad duration, no load, no services
    }
}

TEST_CASE("Diagnostic::format leaves out what is unknown") {
    CHECK(Diagnostic{"f.yaml", 3, 7, "a.b", "msg"}.format() == "f.yaml:3:7: error: a.b: msg");
    CHECK(Diagnostic{"f.csv", 12, 0, "a.b", "msg"}.format() == "f.csv:12: error: a.b: msg");
    CHECK(Diagnostic{"<--set>", 0, 0, "a.b", "msg"}.format() == "<--set>: error: a.b: msg");
    CHECK(Diagnostic{"f.yaml", 0, 0, "", "msg"}.format() == "f.yaml: error: msg");
    CHECK(Diagnostic{"", 0, 0, "", "msg"}.format() == "error: msg");
}

TEST_CASE("limits: the largest allowed values load, one more is an error") {
    const auto at = [](const std::string& workers, const std::string& capacity) {
        return "name: x\nduration: 36500d\nload: [{name: u, target: s, rate: 1000000000/s}]\n"
               "services:\n  s:\n    workers: " +
               workers + "\n    queue: {capacity: " + capacity +
               "}\n    service_time: {dist: constant, value: 36500d}\n";
    };
    const auto sc = load_scenario_text(at("1000000", "1099511627776"), "max.yaml");
    CHECK(sc.model.services[0].workers == 1'000'000);
    CHECK(sc.model.services[0].queue_capacity == 1ULL << 40);
    CHECK(sc.model.duration == scenarios::kMaxDuration);
    const auto errors = errors_of(at("1000001", "1099511627777"), "max.yaml");
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] == "max.yaml:6:14: error: services.s.workers: expected an integer <= 1000000 "
                       "(the limit on workers per service), got 1000001");
    CHECK(errors[1] ==
          "max.yaml:7:23: error: services.s.queue.capacity: expected an integer <= "
          "1099511627776 (2^40, the limit on a queue's capacity; write unbounded for no limit), "
          "got 1099511627777");
    // The seed takes any 64-bit value.
    CHECK(load_scenario_text("seed: 18446744073709551615\n" + kMinimal, "s.yaml").seed ==
          18446744073709551615ULL);
    CHECK(errors_of("seed: 18446744073709551616\n" + kMinimal, "s.yaml") ==
          std::vector<std::string>{"s.yaml:1:7: error: seed: expected an integer <= "
                                   "18446744073709551615, got 18446744073709551616"});
}

TEST_CASE("YAML types are respected: a quoted number is text") {
    CHECK(errors_of(kMinimal + "    workers: \"3\"\n", "q.yaml") ==
          std::vector<std::string>{"q.yaml:8:14: error: services.api.workers: expected an "
                                   "integer >= 1, got \"3\" (quoted, so a string)"});
    // Text keys accept quoted and plain scalars alike, and units may be quoted.
    const auto sc = load_scenario_text("name: \"42\"\ndescription: 'yes'\n" +
                                           kMinimal.substr(kMinimal.find('\n') + 1) +
                                           "    queue: {capacity: +7}\n",
                                       "q.yaml");
    CHECK(sc.name == "42");
    CHECK(sc.model.services[0].queue_capacity == 7);
}

TEST_CASE("warm-up must end before the run does") {
    CHECK(load_scenario_text("warmup: 59m59.999999999s\n" + kMinimal, "w.yaml").model.warmup ==
          SimTime::from_ns(3'599'999'999'999));
    CHECK(errors_of("warmup: 60m\n" + kMinimal, "w.yaml") ==
          std::vector<std::string>{"w.yaml:1:9: error: warmup: expected a warm-up shorter than "
                                   "duration (1h), got \"60m\""});
}

TEST_CASE("resolved_yaml is the document itself: loading it gives the same scenario") {
    const auto a = load_scenario_text(kMinimal, "a.yaml");
    CHECK(a.resolved_yaml.find("name: minimal") != std::string::npos);
    const auto b = load_scenario_text(a.resolved_yaml, "b.yaml");
    CHECK(b.name == a.name);
    CHECK(b.model.duration == a.model.duration);
    CHECK(b.model.services[0].service_time.describe() ==
          a.model.services[0].service_time.describe());
    CHECK(b.resolved_yaml == a.resolved_yaml);
}

TEST_CASE("every scenario file shipped in scenarios/ loads") {
    const fs::path root = fs::path(TPSSIM_SOURCE_DIR) / "scenarios";
    int count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".yaml") continue;
        // A sweep file, a forecast file, an exam's key or a playbook is not a scenario of its own.
        const auto kind = entry.path().stem().extension();
        if (kind == ".sweep" || kind == ".forecast" || kind == ".key" || kind == ".playbook")
            continue;
        CAPTURE(entry.path().string());
        try {
            load_scenario_file(entry.path().string());
        } catch (const ScenarioError& e) {
            FAIL(e.what());
        }
        ++count;
    }
    MESSAGE(count << " scenario files load");
}

TEST_CASE("the file must be UTF-8 text; its position is reported") {
    // Multi-byte characters are fine where text is free.
    CHECK(load_scenario_text("description: caf\u00e9 \u00b5s \u2014 \U0001F680\n" + kMinimal,
                             "u.yaml")
              .name == "minimal");
    const auto first_error = [](const std::string& text) {
        const auto errors = errors_of(text, "u.yaml");
        REQUIRE(!errors.empty());
        return errors[0];
    };
    const std::string tail = " (a binary file, or text in another encoding?)";
    CHECK(first_error("name: a\x01") ==
          "u.yaml:1:8: error: the file is not UTF-8 text: control character 0x01" + tail);
    CHECK(first_error(std::string("name: a\nb: \0", 12)) ==
          "u.yaml:2:4: error: the file is not UTF-8 text: control character 0x00" + tail);
    CHECK(first_error("x: \xC0\xAF") == // an overlong '/'
          "u.yaml:1:4: error: the file is not UTF-8 text: invalid byte 0xc0" + tail);
    CHECK(first_error("x: \xED\xA0\x80") == // a UTF-16 surrogate
          "u.yaml:1:4: error: the file is not UTF-8 text: invalid byte 0xed" + tail);
    CHECK(first_error("x: \xF4\x90\x80\x80") == // past U+10FFFF
          "u.yaml:1:4: error: the file is not UTF-8 text: invalid byte 0xf4" + tail);
    CHECK(first_error("x: \xE2\x82") == // cut short at the end
          "u.yaml:1:4: error: the file is not UTF-8 text: invalid byte 0xe2" + tail);
    // Columns count characters, not bytes; a byte order mark is not one.
    CHECK(first_error("\u00e9\u00e9: \xff") ==
          "u.yaml:1:5: error: the file is not UTF-8 text: invalid byte 0xff" + tail);
    CHECK(first_error("\xEF\xBB\xBFname: a\n\u00e9\x7f") ==
          "u.yaml:2:2: error: the file is not UTF-8 text: control character 0x7f" + tail);
}

TEST_CASE("a token no document can start with is an error, not an endless loop") {
    // yaml-cpp 0.7 alone loops forever on these (found by fuzz_scenario_loader).
    CHECK(errors_of(",", "c.yaml") ==
          std::vector<std::string>{"c.yaml:1:1: error: invalid YAML: unexpected \",\"; a comma "
                                   "separates items only inside [...] or {...}"});
    CHECK(errors_of("\xEF\xBB\xBF# a byte order mark first\n  , name: x\n", "c.yaml") ==
          std::vector<std::string>{"c.yaml:2:3: error: invalid YAML: unexpected \",\"; a comma "
                                   "separates items only inside [...] or {...}"});
    CHECK(errors_of("# caf\u00e9 \U0001F680\n ,\n", "c.yaml") ==
          std::vector<std::string>{"c.yaml:2:2: error: invalid YAML: unexpected \",\"; a comma "
                                   "separates items only inside [...] or {...}"});
    CHECK(errors_of(kMinimal + "---\n,\n", "c.yaml").size() == 1);
}

TEST_CASE("a trailing --- is harmless; a second document is not") {
    CHECK(load_scenario_text(kMinimal + "---\n", "d.yaml").name == "minimal");
    CHECK(errors_of(kMinimal + "---\nname: other\n", "d.yaml") ==
          std::vector<std::string>{"d.yaml:9:1: error: expected one YAML document, got more: a "
                                   "scenario file holds one (remove the extra ---)"});
}

TEST_CASE("anchors and aliases share settings, and survive resolved_yaml") {
    const auto sc = load_scenario_text(R"(name: aliases
duration: 1h
load:
  - {name: users, target: api, rate: 10/s}
  - {name: batch, target: db, rate: 1/s}
services:
  api: &service
    workers: 3
    service_time: {dist: exponential, mean: 10ms}
  db: *service
)",
                                       "a.yaml");
    REQUIRE(sc.model.services.size() == 2);
    CHECK(sc.model.services[1].name == "db");
    CHECK(sc.model.services[1].workers == 3);
    const auto again = load_scenario_text(sc.resolved_yaml, "again.yaml");
    CHECK(again.model.services[1].workers == 3);
}

// `extends: PATH` (scenarios/extends.hpp): a file built on a base file, merged as `--set`
// applies values; chains, cycles, a missing base, and errors pointing into the file that holds
// the bad value.
#include "scenarios/scenario.hpp"

#include "diagnostics.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tpssim;

using scenarios::load_scenario_file;
using scenarios::ScenarioError;
namespace fs = std::filesystem;

namespace {

const std::string kBase = R"(name: base
seed: 3
duration: 1h
load:
  - {name: users, target: api, rate: 10/s}
  - {name: batch, target: db, rate: 2/s}
services:
  api:
    workers: 4
    queue: {capacity: 50}
    service_time: {dist: exponential, mean: 10ms}
  db:
    workers: 2
    service_time: {dist: constant, value: 3ms}
)";

/// A fresh, empty folder under the system's temporary folder.
fs::path temp_folder(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() /
                         ("tpssim-extends-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

/// The one diagnostic among `errors` that mentions `text` (empty when none does).
std::string the_one(const std::vector<std::string>& errors, const std::string& text) {
    std::string found;
    for (const auto& e : errors)
        if (e.find(text) != std::string::npos) {
            CHECK(found.empty());
            found = e;
        }
    return found;
}

/// The formatted diagnostics of loading `path` (empty when it loads).
std::vector<std::string> errors_of(const fs::path& path) {
    return test_support::diagnostics_of([&] { load_scenario_file(path.string()); });
}

} // namespace

TEST_CASE("extends: the base's values, with the file's merged over them as --set does") {
    const fs::path dir = temp_folder("merge");
    fs::create_directories(dir / "labs");
    write(dir / "base.yaml", kBase);
    write(dir / "labs" / "child.yaml", R"(extends: ../base.yaml
name: child
load:
  - {name: users, target: api, rate: 20/s}
  - {name: batch, target: db, rate: 2/s}
  - {name: warm, target: cache, rate: 1/s}
services:
  api:
    queue: {capacity: 7}
  cache:
    service_time: {dist: constant, value: 1ms}
)");
    const auto sc = load_scenario_file((dir / "labs" / "child.yaml").string());
    CHECK(sc.name == "child");
    CHECK(sc.seed == 3); // from the base
    // A list replaces the base's list whole.
    REQUIRE(sc.model.load.size() == 3);
    CHECK(sc.model.load[0].rate_per_second == 20.0);
    // Maps merge key by key: api keeps the base's workers and service time.
    REQUIRE(sc.model.services.size() == 3);
    CHECK(sc.model.services[0].name == "api");
    CHECK(sc.model.services[0].workers == 4);
    CHECK(sc.model.services[0].queue_capacity == 7);
    CHECK(sc.model.services[0].service_time.mean_seconds() == doctest::Approx(0.010));
    CHECK(sc.model.services[1].name == "db");
    CHECK(sc.model.services[2].name == "cache"); // a new key goes after the base's
    // The resolved document stands alone: no `extends`, and it loads to the same scenario.
    CHECK(sc.resolved_yaml.find("error: extends:") == std::string::npos);
    const auto again = scenarios::load_scenario_text(sc.resolved_yaml, "again.yaml");
    CHECK(again.resolved_yaml == sc.resolved_yaml);
}

TEST_CASE("extends: --set applies after the merge") {
    const fs::path dir = temp_folder("set");
    write(dir / "base.yaml", kBase);
    write(dir / "child.yaml", "extends: base.yaml\nservices: {api: {workers: 6}}\n");
    const std::vector<scenarios::Override> set{scenarios::parse_override("services.api.workers=9")};
    CHECK(load_scenario_file((dir / "child.yaml").string(), set).model.services[0].workers == 9);
    CHECK(load_scenario_file((dir / "child.yaml").string()).model.services[0].workers == 6);
}

TEST_CASE("extends: chains apply from the first base to the file") {
    const fs::path dir = temp_folder("chain");
    write(dir / "base.yaml", kBase);
    write(dir / "middle.yaml", "extends: base.yaml\nseed: 5\nservices: {api: {workers: 6}}\n");
    write(dir / "child.yaml", "extends: middle.yaml\nservices: {api: {workers: 8}}\n");
    const auto sc = load_scenario_file((dir / "child.yaml").string());
    CHECK(sc.seed == 5);
    CHECK(sc.model.services[0].workers == 8);
    CHECK(sc.model.services[0].queue_capacity == 50);
}

TEST_CASE("extends: a cycle is reported at the `extends` that closes it") {
    const fs::path dir = temp_folder("cycle");
    write(dir / "a.yaml", "extends: b.yaml\nname: a\n");
    write(dir / "b.yaml", "# b\nextends: a.yaml\n");
    const std::string cycle = the_one(errors_of(dir / "a.yaml"), "error: extends: a cycle");
    const std::string b = (dir / "b.yaml").lexically_normal().string();
    CHECK(cycle.find(b + ":2:10: error: extends: a cycle of extends: ") == 0);

    write(dir / "self.yaml", "extends: self.yaml\n");
    CHECK(the_one(errors_of(dir / "self.yaml"), "error: extends: a cycle")
              .find("self.yaml:1:10: error: extends: a cycle of extends") != std::string::npos);
}

TEST_CASE("extends: a missing base, or a value that is not a path") {
    const fs::path dir = temp_folder("missing");
    write(dir / "child.yaml", "name: c\nextends: nope.yaml\n");
    CHECK(the_one(errors_of(dir / "child.yaml"), "error: extends:") ==
          (dir / "child.yaml").string() +
              ":2:10: error: extends: cannot read the base scenario \"" +
              (dir / "nope.yaml").string() + "\": no such file");

    write(dir / "list.yaml", "extends: [a.yaml]\n");
    CHECK(the_one(errors_of(dir / "list.yaml"), "error: extends:")
              .find(":1:10: error: extends: expected the path of a base scenario file") !=
          std::string::npos);
}

TEST_CASE("extends: an error points into the file that holds the bad value") {
    const fs::path dir = temp_folder("where");
    // The bad value in the base (line 12: db's workers), untouched by the child.
    std::string bad_base = kBase;
    bad_base.replace(bad_base.find("workers: 2"), 10, "workers: -1");
    write(dir / "base.yaml", bad_base);
    write(dir / "child.yaml", "extends: base.yaml\nname: c\nservices:\n  api: {workers: zero}\n");
    const auto errors = errors_of(dir / "child.yaml");
    REQUIRE(errors.size() == 2);
    // The file's own problems first, then the base's, each at its own line and column.
    CHECK(errors[0].find((dir / "child.yaml").string() + ":4:18: error: services.api.workers:") ==
          0);
    CHECK(errors[1].find((dir / "base.yaml").string() + ":13:14: error: services.db.workers:") ==
          0);

    // Invalid YAML in the base names the base, at its own line.
    write(dir / "broken.yaml", "name: b\nservices: [\n");
    write(dir / "on-broken.yaml", "extends: broken.yaml\n");
    const auto broken = errors_of(dir / "on-broken.yaml");
    REQUIRE(broken.size() == 1);
    CHECK(broken[0].find((dir / "broken.yaml").string() + ":3:") == 0);
}

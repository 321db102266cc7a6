// `--set PATH=VALUE` overrides (scenarios/scenario.hpp): parsing the flag, finding the path in
// the YAML tree before validation, and reporting problems against "<--set>".
#include "scenarios/scenario.hpp"

#include "diagnostics.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace tpssim;

using scenarios::load_scenario_text;
using scenarios::Override;
using scenarios::parse_override;
using scenarios::Scenario;
using scenarios::ScenarioError;

namespace {

const std::string kBase = R"(name: base
duration: 1h
load:
  - {name: users, target: api, rate: 10/s}
  - {name: batch, target: db, rate: 1/s}
services:
  api:
    workers: 2
    service_time: {dist: exponential, mean: 100ms}
  db:
    workers: 1
    service_time: {dist: constant, value: 5ms}
    queue: {capacity: 10}
)";

Scenario with(const std::vector<std::string>& sets, const std::string& text = kBase) {
    std::vector<Override> overrides;
    for (const auto& s : sets)
        overrides.push_back(parse_override(s));
    return load_scenario_text(text, "base.yaml", overrides);
}

/// The formatted diagnostics of loading kBase (or `text`) with `sets`.
std::vector<std::string> errors_with(const std::vector<std::string>& sets,
                                     const std::string& text = kBase) {
    return test_support::diagnostics_of([&] { with(sets, text); });
}

/// The message parse_override throws for `text`.
std::string parse_error(const std::string& text) {
    try {
        parse_override(text);
    } catch (const ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        return e.diagnostics()[0].format();
    }
    FAIL("expected parse_override(\"" << text << "\") to throw");
    return {};
}

} // namespace

TEST_CASE("parse_override splits at the first '='") {
    const auto o = parse_override("services.api.workers=8");
    CHECK(o.path == "services.api.workers");
    CHECK(o.value == "8");
    CHECK(parse_override("description=a=b").value == "a=b");
    CHECK(parse_override("description=").value.empty());
    CHECK(parse_override(" load.0.rate =5/s").path == "load.0.rate");
    CHECK(parse_override("load[0].rate=5/s").path == "load[0].rate");
}

TEST_CASE("parse_override rejects malformed flags, naming <--set>") {
    CHECK(parse_error("services.api.workers") ==
          "<--set>: error: expected PATH=VALUE, e.g. services.api.workers=8, got "
          "\"services.api.workers\"");
    CHECK(parse_error("=8") ==
          "<--set>: error: expected PATH=VALUE, e.g. services.api.workers=8, got \"=8\"");
    const auto path_error = [](const std::string& path) {
        return "<--set>: error: " + path +
               ": expected a dotted key path such as services.api.workers or load.0.rate, got "
               "\"" +
               path + "\"";
    };
    for (const std::string path :
         {"a..b", ".a", "a.", "a[x]", "a[]", "a[1", "a b", "[0]", "a[0]b", "a]"}) {
        CAPTURE(path);
        CHECK(parse_error(path + "=1") == path_error(path));
    }
}

TEST_CASE("a --set must be UTF-8 text, as a file must") {
    // Found by fuzz_set_override: invalid UTF-8 in a name reached the summary JSON, whose
    // writer refused it (an internal error, exit 3).
    CHECK(parse_error("name=ab\xff") ==
          "<--set>: error: expected UTF-8 text, got \"name=ab\\xff\": invalid byte 0xff");
    CHECK(parse_error("name=a\x01") ==
          "<--set>: error: expected UTF-8 text, got \"name=a\\x01\": control character 0x01");
    CHECK(parse_override("name=caf\u00e9\tbar").value == "caf\u00e9\tbar");
}

TEST_CASE("a scalar is replaced, by index or by an item's name") {
    CHECK(with({"services.api.workers=8"}).model.services[0].workers == 8);
    CHECK(with({"load.0.rate=20/s"}).model.load[0].rate_per_second == 20.0);
    CHECK(with({"load.batch.rate=3/s"}).model.load[1].rate_per_second == 3.0);
    CHECK(with({"load[1].rate=4/s"}).model.load[1].rate_per_second == 4.0);
    CHECK(with({"seed=7"}).seed == 7);
    CHECK(with({"duration=2h"}).model.duration == sim::SimTime::from_s(7200));
    CHECK(with({"services.db.service_time.value=7ms"})
              .model.services[1]
              .service_time.mean_seconds() == doctest::Approx(0.007));
    // Later overrides see earlier ones; the last one wins.
    CHECK(with({"services.api.workers=8", "services.api.workers=9"}).model.services[0].workers ==
          9);
    CHECK(with({"load.users.name=people", "load.people.rate=2/s"}).model.load[0].rate_per_second ==
          2.0);
}

TEST_CASE("missing keys are added and missing settings blocks created") {
    // A final key missing from an existing map is added.
    CHECK(with({"warmup=5m"}).model.warmup == sim::SimTime::from_s(300));
    CHECK(with({"load.0.arrivals=constant"}).model.load[0].arrivals ==
          models::ArrivalProcess::Constant);
    // `queue` is absent from api: the override creates it.
    CHECK(with({"services.api.queue.capacity=5"}).model.services[0].queue_capacity == 5);
    // An empty block in the file is filled in.
    std::string empty_queue = kBase + "  web:\n    service_time: {dist: constant, value: "
                                      "1ms}\n    queue:\n";
    const std::string batch = "  - {name: batch, target: db, rate: 1/s}\n";
    empty_queue.insert(empty_queue.find(batch) + batch.size(),
                       "  - {name: browsers, target: web, rate: 1/s}\n");
    CHECK(with({"services.web.queue.capacity=3"}, empty_queue).model.services[2].queue_capacity ==
          3);
    // A whole block can be given as a flow map.
    CHECK(with({"services.api.service_time={dist: gamma, mean: 50ms, cv: 0.5}"})
              .model.services[0]
              .service_time.kind() == sim::Distribution::Kind::Gamma);
}

TEST_CASE("the value is YAML: numbers, text and quotes mean what they mean in the file") {
    CHECK(errors_with({"services.api.workers=\"8\""}) ==
          std::vector<std::string>{"<--set>: error: services.api.workers: expected an integer "
                                   ">= 1, got \"8\" (quoted, so a string)"});
    CHECK(errors_with({"services.api.workers=eight"}) ==
          std::vector<std::string>{
              "<--set>: error: services.api.workers: expected an integer >= 1, got \"eight\""});
    CHECK(errors_with({"services.api.workers="}) ==
          std::vector<std::string>{"<--set>: error: services.api.workers: expected an integer "
                                   ">= 1, got an empty value"});
    CHECK(errors_with({"load.0.rate=[1,"}) ==
          std::vector<std::string>{"<--set>: error: load.0.rate: the value \"[1,\" is not valid "
                                   "YAML: end of sequence flow not found"});
}

TEST_CASE("problems with an overridden value point at <--set>, not at the file's old line") {
    CHECK(errors_with({"services.api.workers=-3"}) ==
          std::vector<std::string>{
              "<--set>: error: services.api.workers: expected an integer >= 1, got -3"});
    // A key added by --set is checked like any other.
    CHECK(errors_with({"services.api.wokers=3"}) ==
          std::vector<std::string>{"<--set>: error: services.api.wokers: unknown key "
                                   "\"wokers\"; did you mean \"workers\"?"});
    // Cross-key checks too: the warm-up came from --set.
    CHECK(errors_with({"warmup=2h"}) ==
          std::vector<std::string>{"<--set>: error: warmup: expected a warm-up shorter than "
                                   "duration (1h), got \"2h\""});
    // A renamed load source that now clashes.
    CHECK(errors_with({"load.batch.name=users"}) ==
          std::vector<std::string>{"<--set>: error: load.1.name: duplicate load source name "
                                   "\"users\"; the first is at line 4"});
    // A new target that does not exist.
    CHECK(errors_with({"load.users.target=dbb"}) ==
          std::vector<std::string>{
              "<--set>: error: load.0.target: unknown service \"dbb\"; did you mean \"db\"?"});
}

TEST_CASE("a path that leads nowhere is an error naming <--set> and the path") {
    CHECK(errors_with({"services.nope.workers=1"}) ==
          std::vector<std::string>{"<--set>: error: services.nope.workers: cannot set: "
                                   "\"services\" has no \"nope\" (it has: api, db)"});
    CHECK(errors_with({"services.apj.workers=1"}) ==
          std::vector<std::string>{"<--set>: error: services.apj.workers: cannot set: "
                                   "\"services\" has no \"apj\"; did you mean \"api\"?"});
    CHECK(errors_with({"servics.api.workers=1"}) ==
          std::vector<std::string>{"<--set>: error: servics.api.workers: cannot set: the "
                                   "document has no \"servics\"; did you mean \"services\"?"});
    CHECK(errors_with({"load.userz.rate=1/s"}) ==
          std::vector<std::string>{"<--set>: error: load.userz.rate: cannot set: \"load\" has "
                                   "no item named \"userz\"; did you mean \"users\"?"});
    CHECK(errors_with({"load.2.rate=1/s"}) ==
          std::vector<std::string>{"<--set>: error: load.2.rate: cannot set: \"load\" has 2 "
                                   "items, so there is no item 2"});
    CHECK(errors_with({"services.api.workers.max=1"}) ==
          std::vector<std::string>{"<--set>: error: services.api.workers.max: cannot set: "
                                   "\"services.api.workers\" is 2, not a map or a sequence"});
}

TEST_CASE("--set problems come first, then the file's, and nothing is lost") {
    const std::string broken = kBase + "  cache:\n    wokers: 1\n    service_time: {dist: "
                                       "constant, value: 1ms}\n";
    CHECK(errors_with({"services.nope.workers=1", "services.api.workers=0"}, broken) ==
          std::vector<std::string>{
              "<--set>: error: services.nope.workers: cannot set: \"services\" has no \"nope\" "
              "(it has: api, db, cache)",
              "<--set>: error: services.api.workers: expected an integer >= 1, got 0",
              "base.yaml:15:5: error: services.cache.wokers: unknown key \"wokers\"; did you "
              "mean \"workers\"?"});
}

TEST_CASE("resolved_yaml is the document after overrides") {
    const auto sc = with({"services.api.workers=8", "services.api.queue.capacity=5"});
    CHECK(sc.resolved_yaml.find("workers: 8") != std::string::npos);
    CHECK(sc.resolved_yaml.find("workers: 2") == std::string::npos);
    CHECK(sc.resolved_yaml.find("capacity: 5") != std::string::npos);
    // It loads to the same model, with no overrides needed.
    const auto again = load_scenario_text(sc.resolved_yaml, "resolved.yaml");
    CHECK(again.model.services[0].workers == 8);
    CHECK(again.model.services[0].queue_capacity == 5);
    CHECK(again.resolved_yaml == sc.resolved_yaml);
}

// KeyTable (scenarios/key_table.hpp) for the shapes of maps the scenario format has beyond a
// flat list of settings: keys that exclude each other (`either`), keys that go with another or
// with a kind (`when`), a kind key that says what the rest of the map means (`gate`), keys read
// in another order than messages list them (`listed_last`, `listed_before`), a reader that
// needs another key (a fifth parameter, `KeysRead`), another table's keys read over the same
// map (`keys_of`), a nested block read over its field (`nested`) and lists of maps (`each`).
#include "scenarios/key_table.hpp"
#include "scenarios/value_readers.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace tpssim;

using namespace scenarios::detail;
using sim::SimTime;

namespace {

/// A made-up job: runs `at` a time or `every` period; `kind` is `copy` (with `to`) or `wait`.
struct Job {
    SimTime at = SimTime::zero();
    SimTime every = SimTime::zero();
    std::string kind; ///< set by the gate
    std::string from; ///< what copy or wait names
    std::string to;
    std::uint32_t retries = 0;
    std::uint32_t limit = 10;
};

const KeyTable<Job> kJob =
    KeyTable<Job>("a job, e.g. {at: 1m, copy: a, to: b}")
        .either("at", "every", "expected either at or every, got both")
        .optional("at", &Job::at, positive_duration())
        .optional("every", &Job::every, positive_duration())
        .gate([](DiagnosticSink& sink, const KeysRead& keys, Job& j, const NoContext&) {
            const bool copy = keys.get("copy").has_value();
            const bool wait = keys.get("wait").has_value();
            if (copy == wait) {
                sink.error(keys.self().mark, keys.self().path,
                           "expected exactly one of copy or wait");
                return false;
            }
            j.kind = copy ? "copy" : "wait";
            return true;
        })
        .optional("copy", &Job::from,
                  [](DiagnosticSink& sink, const Value& v) { return read_string(sink, v); })
        .optional("wait", &Job::from,
                  [](DiagnosticSink& sink, const Value& v) { return read_string(sink, v); })
        // Read here, listed at the end: how it was before it was a table.
        .optional("retries", &Job::retries, integer(0, 5))
        .listed_last()
        .custom("to",
                [](DiagnosticSink& sink, const Value& v, Job& j, const NoContext&,
                   const KeysRead& keys) {
                    const auto s = read_string(sink, v);
                    if (!s) return false;
                    if (*s == keys.get("copy")->node.Scalar()) {
                        sink.error(v.mark, v.path, "expected another place than copy's");
                        return false;
                    }
                    j.to = *s;
                    return true;
                })
        .when([](const KeysRead&, const Job& j) { return j.kind == "copy"; })
        .optional("limit", &Job::limit, integer(1, 100))
        .listed_before("retries");

struct Read {
    std::optional<Job> job;
    std::string diagnostics;
};

Read job(const std::string& yaml) {
    DiagnosticSink sink("job.yaml");
    Read r;
    r.job = kJob.read(sink, root_value(YAML::Load(yaml)));
    for (const auto& d : sink.sorted())
        r.diagnostics += d.format() + "\n";
    return r;
}

} // namespace

TEST_CASE("either: two keys that exclude each other are reported at the second, neither read") {
    const auto r = job("{at: 1m, copy: a, to: b}");
    REQUIRE(r.job);
    CHECK(r.job->at == SimTime::from_s(60));
    CHECK(r.job->to == "b");
    CHECK(r.job->kind == "copy");
    CHECK(r.job->from == "a");
    // Both: one message at the second key, and neither is read (their values are not judged).
    CHECK(job("{every: x, copy: a, at: 0s}").diagnostics ==
          "job.yaml:1:21: error: at: expected either at or every, got both\n");
    CHECK_FALSE(job("{every: 1m, at: 2m, wait: a}").job);
}

TEST_CASE("gate: without its kind, nothing after it is read") {
    // The gate runs whatever came before it (by position, the map's message comes first).
    CHECK(job("{at: 0s}").diagnostics ==
          "job.yaml:1:1: error: expected exactly one of copy or wait\n"
          "job.yaml:1:6: error: at: expected a duration > 0, got \"0s\"\n");
    // `limit` comes after the gate: not read, so its wrong value is not reported.
    CHECK(job("{copy: a, wait: b, limit: 0}").diagnostics ==
          "job.yaml:1:1: error: expected exactly one of copy or wait\n");
    CHECK(job("{wait: a, limit: 0}").diagnostics ==
          "job.yaml:1:18: error: limit: expected an integer >= 1, got 0\n");
}

TEST_CASE("when: a key that goes with a kind is looked at only with it; a reader sees the others") {
    // With wait, `to` is not read (its own check is for copy).
    const auto wait = job("{wait: a, to: a}");
    REQUIRE(wait.job);
    CHECK(wait.job->to.empty());
    CHECK(job("{copy: a, to: a}").diagnostics ==
          "job.yaml:1:15: error: to: expected another place than copy's\n");
}

TEST_CASE("listed_last and listed_before: messages list keys apart from the reading order") {
    CHECK(kJob.keys() ==
          std::vector<std::string>{"at", "every", "copy", "wait", "to", "limit", "retries"});
    CHECK(job("{wait: a, retires: 1}").diagnostics ==
          "job.yaml:1:11: error: retires: unknown key \"retires\"; did you mean \"retries\"?\n");
    CHECK(job("{wait: a, zzz: 1}").diagnostics ==
          "job.yaml:1:11: error: zzz: unknown key \"zzz\"; expected one of: at, every, copy, "
          "wait, to, limit, retries\n");
}

namespace {

struct Level {
    double low = 0.1;
    double high = 0.9;
};

struct Holder {
    Level level{0.2, 0.8}; ///< defaults unlike a fresh Level's
    std::vector<Level> levels;
    std::string name;
};

const KeyTable<Level> kLevel = KeyTable<Level>("a level, e.g. {low: 10%, high: 90%}")
                                   .optional("low", &Level::low, ratio(false))
                                   .optional("high", &Level::high, ratio(false));

/// A holder's own keys, and the level's read over the same map.
const KeyTable<Holder> kHolder =
    KeyTable<Holder>("a holder, e.g. {name: h, low: 10%}")
        .custom("name",
                [](DiagnosticSink& sink, const Value& v, Holder& h, const NoContext&,
                   const KeysRead& keys) {
                    const auto s = read_string(sink, v);
                    if (s) h.name = *s;
                    return s && kLevel.read_map(sink, keys.map(), h.level);
                })
        .keys_of(kLevel);

const KeyTable<Holder> kNested =
    KeyTable<Holder>("a holder, e.g. {level: {low: 10%}, levels: [{high: 50%}]}")
        .nested("level", &Holder::level, kLevel)
        .optional("levels", &Holder::levels,
                  each(kLevel, "a list of levels", "expected at least one level"));

std::string diagnostics(const KeyTable<Holder>& table, const std::string& yaml,
                        Holder* out = nullptr) {
    DiagnosticSink sink("holder.yaml");
    Holder h;
    table.read_into(sink, root_value(YAML::Load(yaml)), h);
    if (out) *out = h;
    std::string text;
    for (const auto& d : sink.sorted())
        text += d.format() + "\n";
    return text;
}

} // namespace

TEST_CASE("keys_of: another table's keys are allowed here and read by an entry over the map") {
    CHECK(kHolder.keys() == std::vector<std::string>{"name", "low", "high"});
    Holder h;
    CHECK(diagnostics(kHolder, "{name: h, high: 50%}", &h).empty());
    CHECK(h.level.high == doctest::Approx(0.5));
    CHECK(h.level.low == doctest::Approx(0.2));
    CHECK(diagnostics(kHolder, "{name: h, high: 2}") ==
          "holder.yaml:1:17: error: high: expected a ratio from 0% to 100% (as 80% or 0.8), got "
          "\"2\" (a bare number is a fraction: write 80% for a percentage)\n");
}

TEST_CASE("nested: a block read over its field keeps the field's defaults") {
    Holder h;
    CHECK(diagnostics(kNested, "{level: {high: 50%}}", &h).empty());
    CHECK(h.level.low == doctest::Approx(0.2));
    CHECK(h.level.high == doctest::Approx(0.5));
    CHECK(kNested.blocks() == std::vector<std::string>{"level"});
}

TEST_CASE("each: every item of a list of maps is read, all problems reported") {
    Holder h;
    CHECK(diagnostics(kNested, "{levels: [{low: 1%}, {high: 2%}]}", &h).empty());
    REQUIRE(h.levels.size() == 2);
    CHECK(h.levels[1].high == doctest::Approx(0.02));
    CHECK(diagnostics(kNested, "{levels: [{low: x}, {hgh: 1%}]}", &h) ==
          "holder.yaml:1:17: error: levels.0.low: expected a ratio from 0% to 100% (as 80% or "
          "0.8), got \"x\"\n"
          "holder.yaml:1:22: error: levels.1.hgh: unknown key \"hgh\"; did you mean "
          "\"high\"?\n");
    CHECK(diagnostics(kNested, "{levels: []}") ==
          "holder.yaml:1:10: error: levels: expected at least one level\n");
    CHECK(diagnostics(kNested, "{levels: 3}") ==
          "holder.yaml:1:10: error: levels: expected a list of levels, got 3\n");
}

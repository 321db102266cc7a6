// KeyTable (scenarios/key_table.hpp): a map's keys declared once, bound to their fields and
// checks; unknown, duplicate and missing keys, wrong values and failed checks reported with
// the scenario diagnostics (file:line:column: error: key.path: message).
#include "scenarios/key_table.hpp"
#include "scenarios/value_readers.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>

using namespace tpssim;

using namespace scenarios::detail;
using sim::SimTime;

namespace {

struct Inner {
    double share = 0.0;
};

struct Probe {
    SimTime period = SimTime::from_s(1);
    std::uint32_t count = 1;
    std::optional<Inner> inner;
    SimTime until = SimTime::zero();
};

/// What the "until" key needs of the run: its duration.
struct RunContext {
    SimTime duration = SimTime::from_s(3600);
};

const KeyTable<Inner, RunContext> kInner =
    KeyTable<Inner, RunContext>("inner settings, e.g. {share: 10%}")
        .optional("share", &Inner::share, ratio(true));

const KeyTable<Probe, RunContext> kProbe =
    KeyTable<Probe, RunContext>("probe settings, e.g. {period: 10s, count: 3}")
        .required("period", "how often, e.g. 10s", &Probe::period, positive_duration())
        .optional("count", &Probe::count, integer(1, 10))
        .block("inner", &Probe::inner, kInner)
        .optional("until", &Probe::until,
                  [](DiagnosticSink& sink, const Value& v, const RunContext& c) {
                      return duration_between(sink, v, SimTime::zero(), c.duration);
                  })
        .finish([](DiagnosticSink& sink, const KeysRead& map, Probe& p, const RunContext&) {
            if (p.count <= 5 || p.inner) return true;
            const auto count = map.get("count");
            sink.error(count->mark, count->path,
                       expected_got("at most 5 without inner settings", count->node));
            return false;
        });

struct Result {
    std::optional<Probe> probe;
    std::string diagnostics; ///< one formatted diagnostic a line
};

Result read(const std::string& yaml, RunContext c = {}) {
    DiagnosticSink sink("probe.yaml");
    Result r;
    r.probe = kProbe.read(sink, root_value(YAML::Load(yaml)), c);
    for (const auto& d : sink.sorted())
        r.diagnostics += d.format() + "\n";
    return r;
}

} // namespace

TEST_CASE("a key table reads each key into its field") {
    const auto r = read("period: 10s\ncount: 3\ninner: {share: 50%}\nuntil: 30m\n");
    REQUIRE(r.probe);
    CHECK(r.diagnostics.empty());
    CHECK(r.probe->period == SimTime::from_s(10));
    CHECK(r.probe->count == 3);
    REQUIRE(r.probe->inner);
    CHECK(r.probe->inner->share == doctest::Approx(0.5));
    CHECK(r.probe->until == SimTime::from_s(1800));
    const auto defaults = read("period: 2s\n");
    REQUIRE(defaults.probe);
    CHECK(defaults.probe->count == 1);
    CHECK_FALSE(defaults.probe->inner);
}

TEST_CASE("a key table reports unknown keys with a did-you-mean") {
    const auto r = read("period: 10s\ncuont: 3\n");
    // Reported, not fatal to the map: the keys it knows are read (as the hand-written readers
    // did), and the load fails on the diagnostic.
    CHECK(r.probe);
    CHECK(r.diagnostics == "probe.yaml:2:1: error: cuont: unknown key \"cuont\"; did you mean "
                           "\"count\"?\n");
    CHECK(read("period: 10s\nzzz: 3\n").diagnostics ==
          "probe.yaml:2:1: error: zzz: unknown key \"zzz\"; expected one of: period, count, "
          "inner, until\n");
}

TEST_CASE("a key table reports duplicate keys; the first stays in effect") {
    const auto r = read("period: 10s\ncount: 3\ncount: 4\n");
    REQUIRE(r.probe);
    CHECK(r.probe->count == 3);
    CHECK(r.diagnostics ==
          "probe.yaml:3:1: error: count: duplicate key \"count\"; the first is at line 2\n");
}

TEST_CASE("a key table reports a missing required key at its map") {
    CHECK(read("count: 3\n").diagnostics ==
          "probe.yaml:1:1: error: missing required key \"period\" (how often, e.g. 10s)\n");
    // ... unless a misspelt key was reported with it as the did-you-mean.
    CHECK(read("perod: 3s\n").diagnostics ==
          "probe.yaml:1:1: error: perod: unknown key \"perod\"; did you mean \"period\"?\n");
}

TEST_CASE("a key table reports values of the wrong type, and what the map should be") {
    CHECK(read("period: 10s\ncount: many\n").diagnostics ==
          "probe.yaml:2:8: error: count: expected an integer >= 1, got \"many\"\n");
    CHECK(read("period: 10s\ninner: 5\n").diagnostics ==
          "probe.yaml:2:8: error: inner: expected inner settings, e.g. {share: 10%}, got 5\n");
    CHECK(read("[1, 2]\n").diagnostics ==
          "probe.yaml:1:1: error: expected probe settings, e.g. {period: 10s, count: 3}, got a "
          "sequence\n");
}

TEST_CASE("a key table runs its checks: per value, with the run's context, and across keys") {
    CHECK(read("period: 10s\nuntil: 2h\n").diagnostics ==
          "probe.yaml:2:8: error: until: expected a duration <= 1h, got \"2h\"\n");
    CHECK(read("period: 10s\nuntil: 2h\n", RunContext{SimTime::from_s(3 * 3600)}).probe);
    CHECK(read("period: 10s\ncount: 7\n").diagnostics ==
          "probe.yaml:2:8: error: count: expected at most 5 without inner settings, got 7\n");
    // The check across keys runs only when every key was right.
    CHECK(read("period: 0s\ncount: 7\n").diagnostics ==
          "probe.yaml:1:9: error: period: expected a duration > 0, got \"0s\"\n");
}

namespace {

struct Pair {
    double low = 0.0;
    double high = 1.0;
    double extra = 0.0;
};

const KeyTable<Pair> kExtra = KeyTable<Pair>("extra settings, e.g. {extra: 5%}")
                                  .optional("extra", &Pair::extra, ratio(false));

const KeyTable<Pair> kPair =
    KeyTable<Pair>("a pair, e.g. {low: 10%, high: 90%}")
        .optional("low", &Pair::low, ratio(false))
        .optional("high", &Pair::high, ratio(false))
        .check([](DiagnosticSink& sink, const KeysRead& map, Pair& p, const NoContext&) {
            if (p.low < p.high) return true;
            const auto high = map.get("high");
            sink.error(high->mark, high->path, expected_got("a level above low", high->node));
            return false;
        })
        .into("more", kExtra)
        .check_always([](DiagnosticSink& sink, const KeysRead& map, Pair&, const NoContext&) {
            if (map.get("low") || map.get("high")) return true;
            sink.error(map.self().mark, map.self().path, "expected low or high, got neither");
            return false;
        });

std::string pair_diagnostics(const std::string& yaml, Pair* out = nullptr) {
    DiagnosticSink sink("pair.yaml");
    Pair p;
    kPair.read_into(sink, root_value(YAML::Load(yaml)), p);
    if (out) *out = p;
    std::string text;
    for (const auto& d : sink.sorted())
        text += d.format() + "\n";
    return text;
}

} // namespace

TEST_CASE("a key table's checks run where they stand: after the keys before them") {
    Pair p;
    CHECK(pair_diagnostics("{low: 10%, high: 90%, more: {extra: 5%}}", &p).empty());
    CHECK(p.extra == doctest::Approx(0.05));
    CHECK(pair_diagnostics("{low: 90%, high: 10%}") ==
          "pair.yaml:1:18: error: high: expected a level above low, got \"10%\"\n");
    // A wrong value before a check keeps it silent; check_always runs anyway.
    CHECK(pair_diagnostics("{low: x, high: 10%}") ==
          "pair.yaml:1:7: error: low: expected a ratio from 0% to 100% (as 80% or 0.8), got "
          "\"x\"\n");
    CHECK(
        pair_diagnostics("{more: {extra: 2}}") ==
        "pair.yaml:1:1: error: expected low or high, got neither\n"
        "pair.yaml:1:16: error: more.extra: expected a ratio from 0% to 100% (as 80% or 0.8), got "
        "\"2\" (a bare number is a fraction: write 80% for a percentage)\n");
    CHECK(kPair.blocks() == std::vector<std::string>{"more"});
}

namespace {

struct Window {
    bool by_time = false;
    double size = 0.0;
};

// `size` is read by a check, since how it reads depends on `time`; the check sees which keys
// were read right.
const KeyTable<Window> kWindow =
    KeyTable<Window>("a window, e.g. {time: true, size: 3}")
        .optional("time", &Window::by_time,
                  [](DiagnosticSink& sink, const Value& v) { return read_bool(sink, v); })
        .read_by_check("size")
        .check_always([](DiagnosticSink& sink, const KeysRead& keys, Window& w, const NoContext&) {
            const auto size = keys.get("size");
            if (!size || keys.wrong("time")) return true;
            CHECK(keys.read_ok("time") == keys.get("time").has_value());
            const auto x = w.by_time ? read_number_above(sink, *size, 0.0, 60.0, "a minute")
                                     : read_number_above(sink, *size, 0.0, 10.0, "ten calls");
            if (x) w.size = *x;
            return x.has_value();
        });

std::string window_diagnostics(const std::string& yaml, Window* out = nullptr) {
    DiagnosticSink sink("window.yaml");
    Window w;
    kWindow.read_into(sink, root_value(YAML::Load(yaml)), w);
    if (out) *out = w;
    std::string text;
    for (const auto& d : sink.sorted())
        text += d.format() + "\n";
    return text;
}

} // namespace

TEST_CASE("a key read by a check keeps its place in the schema and reads after its dependency") {
    CHECK(kWindow.keys() == std::vector<std::string>{"time", "size"});
    Window w;
    CHECK(window_diagnostics("{time: true, size: 30}", &w).empty());
    CHECK(w.size == doctest::Approx(30.0));
    CHECK(window_diagnostics("{size: 30}") ==
          "window.yaml:1:8: error: size: expected a number <= 10 (ten calls), got 30\n");
    // A wrong `time`: the size is not read (its limit is unknown).
    CHECK(window_diagnostics("{time: maybe, size: 30}") ==
          "window.yaml:1:8: error: time: expected true or false, got \"maybe\"\n");
    CHECK(window_diagnostics("{time: true, sise: 3}") ==
          "window.yaml:1:14: error: sise: unknown key \"sise\"; did you mean \"size\"?\n");
}

TEST_CASE("a key table's schema lists its keys in order and which hold a block") {
    CHECK(kProbe.keys() == std::vector<std::string>{"period", "count", "inner", "until"});
    CHECK(kProbe.blocks() == std::vector<std::string>{"inner"});
    const KeySchema plain({"a", "b", "c"}, {"b"});
    CHECK(plain.blocks() == std::vector<std::string>{"b"});
    CHECK(plain.has("c"));
    CHECK_FALSE(plain.has("d"));
}

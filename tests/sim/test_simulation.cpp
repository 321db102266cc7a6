#include "sim/simulation.hpp"

#include <doctest/doctest.h>
#include <vector>

using namespace tpssim;

using sim::SimTime;

namespace {
// A model that records what it sees and reschedules itself `repeats` times.
struct Recorder {
    std::vector<std::pair<std::int64_t, std::uint64_t>> seen;
    int repeats = 0;
    void handle(sim::Simulation& s, const sim::Event& e) {
        seen.emplace_back(s.now().ns(), e.arg);
        if (repeats-- > 0) s.schedule_in(SimTime::from_ns(10), e.kind, e.target, e.arg + 1);
    }
};
} // namespace

TEST_CASE("run processes events strictly before `until` and leaves the clock at until") {
    sim::Simulation s;
    Recorder r;
    r.repeats = 100;
    s.schedule_at(SimTime::from_ns(0), 0, 0, 0);
    const auto why = s.run(r, {SimTime::from_ns(35)});
    CHECK(why == sim::StopReason::ReachedUntil);
    CHECK(s.now() == SimTime::from_ns(35));
    REQUIRE(r.seen.size() == 4); // t = 0, 10, 20, 30
    CHECK(r.seen.back().first == 30);
    // Continue: the event at 40 is next.
    s.run(r, {SimTime::from_ns(41)});
    CHECK(r.seen.back().first == 40);
}

TEST_CASE("run stops after max_events and can resume exactly") {
    sim::Simulation s;
    Recorder r;
    r.repeats = 10;
    s.schedule_at(SimTime::zero(), 0, 0, 0);
    CHECK(s.run(r, {SimTime::max(), 3}) == sim::StopReason::MaxEvents);
    CHECK(s.events_processed() == 3);
    CHECK(s.run(r) == sim::StopReason::NoMoreEvents);
    CHECK(s.events_processed() == 11);
}

TEST_CASE("an empty calendar advances the clock to a finite until") {
    sim::Simulation s;
    Recorder r;
    CHECK(s.run(r, {SimTime::from_s(5)}) == sim::StopReason::NoMoreEvents);
    CHECK(s.now() == SimTime::from_s(5));
}

TEST_CASE("a model can stop the run") {
    struct Stopper {
        void handle(sim::Simulation& s, const sim::Event&) { s.stop(); }
    } m;
    sim::Simulation s;
    s.schedule_at(SimTime::from_ns(1), 0, 0);
    s.schedule_at(SimTime::from_ns(2), 0, 0);
    CHECK(s.run(m) == sim::StopReason::Stopped);
    CHECK(s.pending() == 1);
}

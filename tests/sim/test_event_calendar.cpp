#include "sim/event_calendar.hpp"
#include "sim/random_stream.hpp"

#include <doctest/doctest.h>
#include <queue>
#include <tuple>
#include <vector>

using namespace tpssim;

using sim::Event;
using sim::EventCalendar;
using sim::SimTime;

namespace {
Event ev(std::int64_t ns, std::uint64_t arg) {
    return Event{SimTime::from_ns(ns), 0, 0, arg};
}
} // namespace

TEST_CASE("an empty calendar reports empty and size 0") {
    EventCalendar c;
    CHECK(c.empty());
    CHECK(c.size() == 0);
}

TEST_CASE("events come out in time order") {
    EventCalendar c;
    for (std::int64_t t : {50, 10, 40, 0, 30, 20})
        c.push(ev(t, static_cast<std::uint64_t>(t)));
    std::vector<std::int64_t> out;
    while (!c.empty())
        out.push_back(c.pop().time.ns());
    CHECK(out == std::vector<std::int64_t>{0, 10, 20, 30, 40, 50});
}

TEST_CASE("equal times come out in insertion order (FIFO), also when pushed while popping") {
    EventCalendar c;
    for (std::uint64_t i = 0; i < 5; ++i)
        c.push(ev(100, i));
    c.push(ev(7, 99));
    CHECK(c.pop().arg == 99);
    // Now at t=7; push more events at t=100 after the first five, and some due now.
    for (std::uint64_t i = 5; i < 8; ++i)
        c.push(ev(100, i));
    c.push(ev(7, 100));
    c.push(ev(7, 101));
    CHECK(c.pop().arg == 100);
    CHECK(c.pop().arg == 101);
    for (std::uint64_t i = 0; i < 8; ++i)
        CHECK(c.pop().arg == i);
    CHECK(c.empty());
}

TEST_CASE("top() shows what pop() returns") {
    EventCalendar c;
    c.push(ev(5, 1));
    c.push(ev(3, 2));
    CHECK(c.top().arg == 2);
    CHECK(c.pop().arg == 2);
    CHECK(c.top().arg == 1);
}

TEST_CASE("matches a (time, sequence) priority queue on a long random hold model") {
    // The reference order: a binary heap keyed by (time, insertion sequence).
    using Key = std::tuple<std::int64_t, std::uint64_t>;
    std::priority_queue<Key, std::vector<Key>, std::greater<>> ref;
    EventCalendar c;
    sim::RandomStream rng(7, "calendar-test", "hold");
    std::uint64_t seq = 0;
    for (int i = 0; i < 1000; ++i) {
        const auto t = static_cast<std::int64_t>(rng.next_below(1000));
        c.push(ev(t, seq));
        ref.emplace(t, seq++);
    }
    for (int i = 0; i < 200000; ++i) {
        const Event e = c.pop();
        const auto [t, s] = ref.top();
        ref.pop();
        REQUIRE(e.time.ns() == t);
        REQUIRE(e.arg == s);
        // Coarse delays so that many events share a time, and some are due now (delay 0).
        const auto next = t + (static_cast<std::int64_t>(rng.next_below(4)) << rng.next_below(40));
        c.push(ev(next, seq));
        ref.emplace(next, seq++);
    }
    CHECK(c.size() == ref.size());
}

TEST_CASE("clear() empties the calendar and restarts time") {
    EventCalendar c;
    c.push(ev(1000, 1));
    c.pop();
    c.push(ev(2000, 2));
    c.clear();
    CHECK(c.empty());
    c.push(ev(1, 3)); // earlier than the last popped time before clear(): allowed again
    CHECK(c.pop().arg == 3);
}

TEST_CASE("handles times near the top of the int64 range") {
    EventCalendar c;
    const std::int64_t big = SimTime::max().ns() - 10;
    c.push(ev(big, 1));
    c.push(ev(0, 0));
    c.push(ev(big - 1, 2));
    CHECK(c.pop().arg == 0);
    CHECK(c.pop().arg == 2);
    CHECK(c.pop().arg == 1);
}

TEST_CASE("events pushed inside the front run keep time order and FIFO among equal times") {
    // Three events: few enough to become one sorted run; then pushes land inside it.
    EventCalendar c;
    c.push(ev(30, 1));
    c.push(ev(10, 2));
    c.push(ev(20, 3));
    CHECK(c.pop().arg == 2); // now = 10
    c.push(ev(15, 4));
    c.push(ev(10, 5)); // due now: after nothing else at 10
    c.push(ev(20, 6)); // after the earlier event at 20
    c.push(ev(30, 7)); // after the earlier event at 30 (the run's last time)
    c.push(ev(25, 8));
    std::vector<std::uint64_t> out;
    while (!c.empty())
        out.push_back(c.pop().arg);
    CHECK(out == std::vector<std::uint64_t>{5, 4, 3, 6, 8, 1, 7});
}

TEST_CASE("matches the reference with few and many pending events and delays of every scale") {
    // Pending counts around the sort/split threshold and far above it; delays from 0 (due now)
    // through shorter than the front run's span to far beyond it; top() between pops.
    using Key = std::tuple<std::int64_t, std::uint64_t>;
    for (const int pending : {1, 5, 31, 33, 200, 5000}) {
        CAPTURE(pending);
        std::priority_queue<Key, std::vector<Key>, std::greater<>> ref;
        EventCalendar c;
        sim::RandomStream rng(11, "calendar-test", "scales");
        std::uint64_t seq = 0;
        for (int i = 0; i < pending; ++i) {
            const auto t = static_cast<std::int64_t>(rng.next_below(64));
            c.push(ev(t, seq));
            ref.emplace(t, seq++);
        }
        for (int i = 0; i < 50000; ++i) {
            REQUIRE(c.top().arg == std::get<1>(ref.top()));
            const Event e = c.pop();
            const auto [t, s] = ref.top();
            ref.pop();
            REQUIRE(e.time.ns() == t);
            REQUIRE(e.arg == s);
            const auto scale = rng.next_below(4) == 0 ? 0 : rng.next_below(30);
            const auto delay = static_cast<std::int64_t>(rng.next_below(std::uint64_t{1} << scale));
            c.push(ev(t + delay, seq));
            ref.emplace(t + delay, seq++);
            if (rng.next_below(8) == 0) { // sometimes grow by one more, due now
                c.push(ev(t, seq));
                ref.emplace(t, seq++);
            }
            if (rng.next_below(8) == 0 && c.size() > 1) { // and sometimes shrink
                REQUIRE(c.pop().arg == std::get<1>(ref.top()));
                ref.pop();
            }
        }
        CHECK(c.size() == ref.size());
    }
}

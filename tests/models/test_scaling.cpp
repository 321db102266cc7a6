// No quadratic behaviour as the pending events, the queues or the requests in flight grow. Time
// is never measured here: the calendar counts the moves it makes beyond one per push and pop
// (EventCalendar::extra_moves), the model counts its events and its peak of requests in flight,
// and these must grow with the work, not with the work times the backlog.

#include "models/model.hpp"
#include "sim/event_calendar.hpp"
#include "sim/random_stream.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace tpssim;

using sim::SimTime;

namespace {

/// Extra moves per hold of the classic hold model with `pending` events and exponential
/// increments (mean 1 ms).
double extra_moves_per_hold(std::size_t pending, std::uint64_t holds) {
    sim::EventCalendar cal;
    sim::RandomStream rng(1, "hold", "increments");
    auto increment = [&] {
        return SimTime::from_ns(static_cast<SimTime::Rep>(-1e6 * std::log(rng.next_open01())));
    };
    for (std::size_t i = 0; i < pending; ++i)
        cal.push({increment(), 0, static_cast<std::uint32_t>(i), 0});
    for (std::uint64_t h = 0; h < pending; ++h) { // warm-up: reach the steady state
        const auto e = cal.pop();
        cal.push({e.time + increment(), 0, e.target, 0});
    }
    const std::uint64_t before = cal.extra_moves();
    for (std::uint64_t h = 0; h < holds; ++h) {
        const auto e = cal.pop();
        cal.push({e.time + increment(), 0, e.target, 0});
    }
    return static_cast<double>(cal.extra_moves() - before) / static_cast<double>(holds);
}

struct Growth {
    double events_per_request = 0.0;
    double extra_moves_per_event = 0.0;
    std::size_t peak_in_flight = 0;
};

/// One service with `workers` workers and constant work, constant arrivals at `rate` for
/// `seconds`: run through the engine directly, to read the calendar's counter.
Growth run_growth(double rate, std::uint32_t workers, double work_seconds, double seconds) {
    models::ModelParams p;
    p.duration = SimTime::from_s(static_cast<SimTime::Rep>(seconds));
    models::ServiceParams s;
    s.name = "api";
    s.workers = workers;
    s.service_time = sim::Distribution::constant(
        SimTime::from_ns(static_cast<SimTime::Rep>(work_seconds * 1e9)));
    p.services.push_back(s);
    p.load.push_back({"users", 0, models::ArrivalProcess::Constant, rate});
    sim::Simulation engine;
    models::Model model(p, 1);
    model.start(engine);
    engine.run(model, {p.duration});
    const auto r = model.result(engine);
    Growth g;
    g.events_per_request =
        static_cast<double>(r.events) / static_cast<double>(r.services[0].arrivals);
    g.extra_moves_per_event =
        static_cast<double>(engine.calendar_extra_moves()) / static_cast<double>(r.events);
    g.peak_in_flight = r.peak_in_flight;
    return g;
}

} // namespace

TEST_CASE("scaling: the calendar's work per event grows like log N, not like N") {
    const double small = extra_moves_per_hold(1'000, 200'000);
    const double large = extra_moves_per_hold(100'000, 200'000);
    MESSAGE("extra moves per hold: N=1e3 " << small << ", N=1e5 " << large);
    // A radix heap of 4-bit digits re-files an event at most once per level it descends (16
    // levels) and sorts runs of at most 32 events (about 8 moves each): at most 24 extra moves
    // per event whatever N. 100 times more pending events spread their times over about
    // log16(100) < 2 more levels; allow 6 moves more. Work linear in N would add thousands.
    CHECK(large < 24.0);
    CHECK(large <= small + 6.0);
}

TEST_CASE("scaling: a queue 10 times longer costs the same per request") {
    // D/D/1 at twice its capacity: the queue grows linearly, to 10^4 and then 10^5 waiting.
    const Growth short_run = run_growth(20.0, 1, 0.1, 1'000);
    const Growth long_run = run_growth(20.0, 1, 0.1, 10'000);
    CHECK(long_run.peak_in_flight > 9 * short_run.peak_in_flight);
    CHECK(long_run.events_per_request ==
          doctest::Approx(short_run.events_per_request).epsilon(0.01));
    CHECK(long_run.extra_moves_per_event <= short_run.extra_moves_per_event + 0.5);
}

TEST_CASE("scaling: 100 times more requests in flight cost the same per request") {
    // Infinite-server-like: 10^3, then 10^5 requests in service at once, each pending event in
    // the calendar.
    const Growth few = run_growth(1'000.0, 200'000, 1.0, 300);
    const Growth many = run_growth(1'000.0, 200'000, 100.0, 300);
    CHECK(few.peak_in_flight >= 1'000);
    CHECK(many.peak_in_flight >= 99'000);
    CHECK(many.events_per_request <= few.events_per_request + 0.01);
    CHECK(many.extra_moves_per_event <= few.extra_moves_per_event + 4.0);
}

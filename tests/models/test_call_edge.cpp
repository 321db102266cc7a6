#include "models/call_edge.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::CallEdge;
using models::LinkParams;
using models::NetworkLink;
using sim::SimTime;

TEST_CASE("NetworkLink: a transfer takes payload / bandwidth, stretched by last second's use") {
    LinkParams p;
    p.bandwidth_bytes_per_second = 1000.0;
    p.payload_bytes = 100.0;
    NetworkLink link;
    // An idle link: 100 B at 1000 B/s.
    CHECK(link.transfer(SimTime::from_ms(10), p) == SimTime::from_ms(100));
    for (int k = 0; k < 4; ++k)
        link.transfer(SimTime::from_ms(20), p);
    CHECK(link.bytes_total() == 500.0);
    // In the next second, the last one's 500 B use half the bandwidth: twice as long.
    CHECK(link.utilization(SimTime::from_ms(1500), p) == doctest::Approx(0.5));
    CHECK(link.transfer(SimTime::from_ms(1500), p) == SimTime::from_ms(200));
    // A second later nothing of it counts; a fault's background traffic does, capped.
    link.set_background(0.25);
    CHECK(link.utilization(SimTime::from_ms(3500), p) == doctest::Approx(0.25));
    link.set_background(2.0);
    CHECK(link.utilization(SimTime::from_ms(3500), p) == doctest::Approx(0.99));
}

TEST_CASE("CallEdge: a shorter timeout cuts pending deadlines, keeping them in order") {
    models::CallParams c;
    CallEdge e(&c, 0, sim::RandomStream(1, "a", "call b"), "b");
    e.timeout = SimTime::from_s(10);
    e.deadlines.push({SimTime::from_s(10), 0, 0});
    e.deadlines.push({SimTime::from_s(11), 1, 0});
    e.deadlines.push({SimTime::from_s(12), 2, 0});
    e.set_timeout(SimTime::from_s(3), SimTime::from_s(8)); // cap: 11 s
    CHECK(e.timeout == SimTime::from_s(8));
    CHECK(e.deadlines[0].at == SimTime::from_s(10));
    CHECK(e.deadlines[1].at == SimTime::from_s(11));
    CHECK(e.deadlines[2].at == SimTime::from_s(11));
    e.set_timeout(SimTime::from_s(4), SimTime::from_s(60)); // longer: pending ones keep theirs
    CHECK(e.deadlines[2].at == SimTime::from_s(11));
    CHECK(e.timeout == SimTime::from_s(60));
}

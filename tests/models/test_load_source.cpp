#include "models/load_sources.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::ArrivalProcess;
using models::LoadSource;
using models::LoadSourceParams;
using models::ModelParams;
using sim::SimTime;

namespace {
LoadSourceParams open_source(ArrivalProcess arrivals, double rate) {
    LoadSourceParams l;
    l.name = "users";
    l.arrivals = arrivals;
    l.rate_per_second = rate;
    return l;
}
} // namespace

TEST_CASE("LoadSource: a constant rate puts the k-th arrival at round(k x period), no drift") {
    const ModelParams m;
    const auto l = open_source(ArrivalProcess::Constant, 3.0); // period 333,333,333.3 ns
    LoadSource s(l, m, 1);
    SimTime now = SimTime::zero();
    for (std::uint64_t k = 1; k <= 3000; ++k) {
        now = s.next_arrival(now, l, SimTime::max());
        s.count_emitted();
    }
    CHECK(now == SimTime::from_s(1000));
    CHECK(s.emitted() == 3000);
}

TEST_CASE("LoadSource: Poisson arrivals average the period, and the same seed repeats them") {
    const ModelParams m;
    const auto l = open_source(ArrivalProcess::Poisson, 100.0);
    LoadSource a(l, m, 7), b(l, m, 7);
    SimTime now = SimTime::zero();
    constexpr int n = 20000;
    for (int k = 0; k < n; ++k) {
        const SimTime next = a.next_arrival(now, l, SimTime::max());
        REQUIRE(next >= now);
        REQUIRE(next == b.next_arrival(now, l, SimTime::max()));
        now = next;
    }
    CHECK(now.seconds() / n == doctest::Approx(0.01).epsilon(0.03));
}

TEST_CASE("LoadSource: an MMPP whose only busy state lies past the end has no arrival") {
    const ModelParams m;
    auto l = open_source(ArrivalProcess::Mmpp, 0.0);
    l.mmpp = {{0.0, SimTime::from_s(3600)}, {50.0, SimTime::from_s(60)}};
    LoadSource s(l, m, 3);
    // A silent first state of mean one hour: nothing before an end a millisecond away.
    CHECK(s.next_arrival(SimTime::zero(), l, SimTime::from_ms(1)) == SimTime::max());
}

#include "models/chaos.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::FaultParams;
using models::FaultRamp;
using models::FaultState;
using sim::SimTime;

TEST_CASE("FaultState: a start while in force is ignored, and so is a stale end") {
    FaultParams f;
    f.probability = 0.3;
    FaultState st;
    CHECK(st.start(f));
    CHECK(st.level == 0.3);
    CHECK_FALSE(st.start(f));
    CHECK(st.activation == 1);
    CHECK(st.end(1));
    CHECK_FALSE(st.end(1)); // ended already
    CHECK(st.start(f));
    CHECK_FALSE(st.end(1)); // the first activation's end, after a restart: stale
    CHECK(st.active);
    CHECK(st.end(2));
}

TEST_CASE("FaultState: a stepped ramp stops at its target, in either direction") {
    FaultParams f;
    f.ramp = FaultRamp{0.1, 0.35, 0.1, SimTime::from_s(60)};
    FaultState st;
    st.start(f);
    CHECK(st.level == 0.1);
    CHECK(st.ramp(f, SimTime::from_s(60)) == doctest::Approx(0.2));
    CHECK(st.ramp(f, SimTime::from_s(120)) == doctest::Approx(0.3));
    CHECK(st.ramp(f, SimTime::from_s(180)) == 0.35);
    f.ramp = FaultRamp{0.5, 0.2, 0.25, SimTime::from_s(60)};
    FaultState down;
    down.start(f);
    CHECK(down.ramp(f, SimTime::from_s(60)) == 0.25);
    CHECK(down.ramp(f, SimTime::from_s(120)) == 0.2);
}

TEST_CASE("FaultState: a linear ramp follows the fault's span") {
    FaultParams f;
    f.start = SimTime::from_s(100);
    f.end = SimTime::from_s(500);
    f.ramp = FaultRamp{0.0, 0.8, 0.0, SimTime::from_s(100)};
    FaultState st;
    st.start(f);
    CHECK(st.ramp(f, SimTime::from_s(200)) == doctest::Approx(0.2));
    CHECK(st.ramp(f, SimTime::from_s(400)) == doctest::Approx(0.6));
    CHECK(st.ramp(f, SimTime::from_s(900)) == doctest::Approx(0.8)); // capped at the end
}

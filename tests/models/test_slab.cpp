#include "models/slab.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

namespace {
struct Record {
    int value = 0;
    unsigned gen = 0;
};
} // namespace

TEST_CASE("Slab reuses released slots, so its size follows the peak in flight") {
    models::Slab<Record> slab;
    for (int round = 0; round < 1000; ++round) {
        const auto a = slab.acquire();
        const auto b = slab.acquire();
        slab[a].value = round;
        slab.release(a);
        slab.release(b);
    }
    CHECK(slab.capacity() == 2);
    CHECK(slab.in_flight() == 0);
    const auto c = slab.acquire();
    CHECK(c < 2);
    CHECK(slab.in_flight() == 1);
}

TEST_CASE("a reused slot keeps its contents, so a generation counter survives reuse") {
    models::Slab<Record> slab;
    const auto a = slab.acquire();
    slab[a].gen = 7;
    slab.release(a);
    const auto b = slab.acquire();
    CHECK(b == a);
    CHECK(slab[b].gen == 7);
}

#include "models/fifo_queue.hpp"

#include <cstdint>

#include <deque>
#include <doctest/doctest.h>

using namespace tpssim;

TEST_CASE("FifoQueue keeps order across growth and wrap-around") {
    models::FifoQueue q;
    std::deque<std::uint32_t> ref;
    std::uint32_t next = 0;
    // Interleave pushes and pops so the ring wraps many times while growing to 1000.
    for (int round = 0; round < 2000; ++round) {
        for (int i = 0; i < 3; ++i) {
            q.push(next);
            ref.push_back(next++);
        }
        for (int i = 0; i < (round < 1000 ? 2 : 4) && !ref.empty(); ++i) {
            REQUIRE(q.front() == ref.front());
            CHECK(q.pop() == ref.front());
            ref.pop_front();
        }
        REQUIRE(q.size() == ref.size());
    }
    q.clear();
    CHECK(q.empty());
}

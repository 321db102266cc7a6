#include "models/request_pool.hpp"

#include <doctest/doctest.h>

TEST_CASE("RequestPool reuses freed slots, so its size follows the peak in flight") {
    models::RequestPool pool;
    for (int round = 0; round < 1000; ++round) {
        const auto a = pool.acquire();
        const auto b = pool.acquire();
        pool[a].counted = true;
        pool.release(a);
        pool.release(b);
    }
    CHECK(pool.capacity() == 2);
    CHECK(pool.in_flight() == 0);
    const auto c = pool.acquire();
    CHECK(c < 2);
    CHECK(pool.in_flight() == 1);
}

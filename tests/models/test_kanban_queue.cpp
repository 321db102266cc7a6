#include "models/kanban_queue.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

using models::KanbanQueue;
using sim::SimTime;

TEST_CASE("KanbanQueue: the capacity bounds what is stored until acknowledged") {
    KanbanQueue q(2, 0);
    CHECK(q.offer(false));
    CHECK(q.offer(false));
    CHECK_FALSE(q.offer(false)); // full
    CHECK(q.offer(true));        // a redelivery is stored already: never turned away
    CHECK(q.stored() == 2);
    q.ack();
    CHECK(q.stored() == 1);
    CHECK(q.offer(false));
}

TEST_CASE("KanbanQueue: deliveries run out at max_deliver, then the message is dead-lettered") {
    KanbanQueue q(10, 3);
    CHECK(q.offer(false));
    CHECK_FALSE(q.exhausted(1));
    CHECK_FALSE(q.exhausted(2));
    CHECK(q.exhausted(3));
    q.dead_letter(SimTime::from_s(5), 3, SimTime::from_s(1));
    CHECK(q.stored() == 0);
    REQUIRE(q.dead_letters().size() == 1);
    CHECK(q.dead_letters().front().at_seconds == 5.0);
    CHECK(q.dead_letters().front().deliveries == 3);
    CHECK(q.dead_letters().front().first_arrival_seconds == 1.0);
    CHECK_FALSE(KanbanQueue(10, 0).exhausted(1000)); // 0: no limit
}

TEST_CASE("KanbanQueue: only the latest dead letters are kept") {
    KanbanQueue q(models::kUnbounded, 1);
    for (std::uint32_t i = 0; i < KanbanQueue::kMaxDeadLettersKept + 5; ++i) {
        REQUIRE(q.offer(false));
        q.dead_letter(SimTime::from_s(i), 1, SimTime::zero());
    }
    CHECK(q.dead_letters().size() == KanbanQueue::kMaxDeadLettersKept);
    CHECK(q.dead_letters().front().at_seconds == 5.0);
}

TEST_CASE("KanbanQueue: a backend outage turns publishes away and holds lost acknowledgements") {
    KanbanQueue q(10, 0);
    CHECK(q.offer(false));
    q.backend_fails();
    CHECK(q.backend_down());
    CHECK_FALSE(q.offer(false));
    q.hold_unacked({SimTime::from_s(1), 1, 0xffffffffu, 0, true, true});
    q.hold_unacked({SimTime::from_s(2), 2, 0xffffffffu, 0, true, false});
    CHECK(q.unacked() == 2);
    const auto replay = q.backend_returns();
    CHECK_FALSE(q.backend_down());
    CHECK(q.unacked() == 0);
    REQUIRE(replay.size() == 2);
    CHECK(replay[0].first_arrival == SimTime::from_s(1)); // oldest first
    CHECK(replay[1].deliveries == 2);
    CHECK(q.stored() == 1); // still stored: delivered again, not lost
}

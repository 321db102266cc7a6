#include "models/kanban_queue.hpp"

namespace tpssim::models {

void KanbanQueue::dead_letter(sim::SimTime now, std::uint32_t deliveries,
                              sim::SimTime first_arrival) {
    --stored_;
    dead_letters_.push_back({now.seconds(), deliveries, first_arrival.seconds()});
    if (dead_letters_.size() > kMaxDeadLettersKept) dead_letters_.pop_front();
}

} // namespace tpssim::models
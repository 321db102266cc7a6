#pragma once
/// A Kanban queue (a JetStream-like stream with one pull consumer): a message is stored from
/// its publish until its consumer acknowledges it or it is dead-lettered, and the capacity
/// bounds what is stored. A failed delivery is delivered again until `max_deliver`; during a
/// backend outage nothing is published or pulled, and acknowledgements that cannot reach the
/// backend leave their items unacknowledged, delivered again when it returns (at-least-once).
/// The queue keeps the messages' accounting; `Model` moves the requests that carry them.

#include "models/events.hpp"
#include "models/params.hpp"
#include "models/run_result.hpp"
#include "sim/sim_time.hpp"

#include <cstdint>
#include <deque>
#include <vector>

namespace tpssim::models {

class KanbanQueue {
public:
    /// The latest dead letters kept for the results.
    static constexpr std::size_t kMaxDeadLettersKept = 100;

    /// An item whose acknowledgement was lost in a backend outage.
    struct Unacked {
        sim::SimTime first_arrival;
        std::uint32_t deliveries = 0;
        std::uint32_t user = kNone;     ///< the closed-load user waiting for it, if any
        std::uint32_t user_request = 0; ///< that user's request number then
        bool counted = false;
        bool processed = false;            ///< it was processed (its replay is a duplicate)
        std::uint32_t trace = kNone;       ///< its trace (Tracer handle), if traced
        std::uint32_t parent_span = kNone; ///< the span its deliveries follow from
        std::uint32_t held_span = kNone;   ///< its span while held, in that trace
    };

    KanbanQueue() = default;
    /// `capacity`: the most messages stored; `max_deliver`: deliveries before a message is
    /// dead-lettered (0: no limit).
    KanbanQueue(std::uint64_t capacity, std::uint32_t max_deliver)
        : capacity_(capacity), max_deliver_(max_deliver) {}

    /// A publish (a first delivery) is stored if there is room and the backend is up; a
    /// redelivery is a message stored already and is never turned away.
    bool offer(bool redelivery) {
        const bool ok = redelivery || (stored_ < capacity_ && !backend_down_);
        if (ok && !redelivery) ++stored_;
        return ok;
    }
    /// The consumer acknowledged a message: it leaves the stream.
    void ack() { --stored_; }
    /// Whether a message delivered `deliveries` times has used up its deliveries.
    bool exhausted(std::uint32_t deliveries) const {
        return max_deliver_ != 0 && deliveries >= max_deliver_;
    }
    /// A message leaves the stream for the dead letters (the latest kept).
    void dead_letter(sim::SimTime now, std::uint32_t deliveries, sim::SimTime first_arrival);
    /// Items waiting at the consumer (delivered, not yet pulled).
    void waiting_added() { ++depth_; }
    void waiting_pulled() { --depth_; }
    /// A processed duplicate (an item delivered again after an outage had processed it).
    void duplicate_processed() { ++duplicates_; }

    /// The backend goes down: nothing is published or pulled until `backend_returns`.
    void backend_fails() { backend_down_ = true; }
    /// An acknowledgement (or a nack) lost in the outage: the item is delivered again.
    void hold_unacked(const Unacked& item) { unacked_.push_back(item); }
    /// The backend is back: the unacknowledged items, oldest first, to deliver again.
    std::vector<Unacked> backend_returns() {
        backend_down_ = false;
        std::vector<Unacked> replay;
        replay.swap(unacked_);
        return replay;
    }

    void set_capacity(std::uint64_t capacity) { capacity_ = capacity; }
    std::uint64_t capacity() const { return capacity_; }
    bool backend_down() const { return backend_down_; }
    std::uint64_t stored() const { return stored_; }
    std::uint64_t depth() const { return depth_; }
    std::uint64_t duplicates() const { return duplicates_; }
    std::size_t unacked() const { return unacked_.size(); }
    const std::deque<DeadLetter>& dead_letters() const { return dead_letters_; }

private:
    std::uint64_t capacity_ = kUnbounded;
    std::uint32_t max_deliver_ = 0;
    bool backend_down_ = false;
    std::uint64_t stored_ = 0; ///< published, not yet acknowledged or dead
    std::uint64_t depth_ = 0;  ///< waiting at the consumer
    std::uint64_t duplicates_ = 0;
    std::vector<Unacked> unacked_;
    std::deque<DeadLetter> dead_letters_; ///< the latest, bounded
};

} // namespace tpssim::models
// Placement: a service's replicas on a cluster of nodes with room for so many each, as
// Kubernetes schedules pods. A replica asked for beyond the room left waits pending (an
// unschedulable pod) in the pool as starting or down, with no event scheduled, until room
// appears: a scale-down, a node's return. A node crash kills the replicas it held and takes
// its room away until it returns. Rare events: clarity wins over speed.

#include "models/model.hpp"

#include <algorithm>

namespace tpssim::models {

std::uint32_t Model::room(std::uint32_t service) {
    auto& s = services_[service];
    const auto& placement = ops_of(service).placement;
    // Entries whose replica has since been removed (a scale-down) or placed are stale.
    std::erase_if(s.pending, [&](const auto& p) {
        const Replica& r = s.pool.replica(p.first);
        return r.gen != p.second ||
               (r.state != Replica::State::Starting && r.state != Replica::State::Down);
    });
    if (!placement) return kNone;
    const std::uint32_t capacity = placement->capacity(s.nodes_down);
    const auto placed = static_cast<std::uint32_t>(s.pool.desired() - s.pending.size());
    return capacity > placed ? capacity - placed : 0;
}

void Model::make_pending(sim::Simulation& sim, std::uint32_t service, std::uint32_t replica) {
    auto& s = services_[service];
    room(service);
    const bool first = s.pending.empty();
    s.pending.emplace_back(replica, s.pool.replica(replica).gen);
    ++s.pool.counters().unschedulable;
    if (!first) return;
    const auto& placement = *ops_of(service).placement;
    recorder_.unschedulable(sim.now(), service, s.pool.desired(), placement.capacity(s.nodes_down),
                            s.nodes_down);
}

void Model::schedule_pending(sim::Simulation& sim, std::uint32_t service) {
    auto& s = services_[service];
    std::uint32_t placed = 0;
    for (std::uint32_t free = room(service); free > 0 && !s.pending.empty(); --free) {
        const auto [replica, gen] = s.pending.front();
        s.pending.erase(s.pending.begin());
        // Placed now: it starts (a crashed one restarts), ready after its start-up.
        sim.schedule_in(SimTime::zero(), kReplicaUp, service, pack_ref(replica, gen));
        ++placed;
    }
    if (placed > 0) recorder_.scheduled(sim.now(), service, placed, s.pending.size());
}

void Model::node_crash(sim::Simulation& sim, std::uint32_t fault, bool on) {
    const auto& f = params_.operations.faults[fault];
    auto& st = faults_[fault];
    const std::uint32_t t = f.target.index;
    auto& s = services_[t];
    const auto& placement = *ops_of(t).placement;
    if (!on) {
        s.nodes_down -= std::min(s.nodes_down, st.nodes);
        recorder_.node_up(sim.now(), t, st.nodes, placement.capacity(s.nodes_down));
        st.nodes = 0;
        schedule_pending(sim, t);
        return;
    }
    const std::uint32_t up = placement.nodes - std::min(placement.nodes, s.nodes_down);
    st.nodes = std::min(f.count, up);
    if (st.nodes == 0) return;
    room(t);
    const auto placed = static_cast<std::uint32_t>(s.pool.desired() - s.pending.size());
    s.nodes_down += st.nodes;
    const std::uint32_t capacity = placement.capacity(s.nodes_down);
    // The scheduler spreads replicas evenly over the nodes: the crashed ones held their share
    // (rounded up), and at least what no longer fits.
    std::uint32_t lost =
        static_cast<std::uint32_t>((static_cast<std::uint64_t>(placed) * st.nodes + up - 1) / up);
    if (placed > capacity) lost = std::max(lost, placed - capacity);
    const std::size_t waiting_before = s.pending.size();
    std::vector<std::uint32_t> ready = s.pool.ready_ids(false);
    std::uint32_t killed = 0;
    for (; killed < lost && !ready.empty(); ++killed) {
        const auto pick = std::min(
            static_cast<std::size_t>(ops_rng_.next_open01() * static_cast<double>(ready.size())),
            ready.size() - 1);
        const std::uint32_t id = ready[pick];
        ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(pick));
        kill_replica(sim, t, id, kNever, KillCause::NodeCrash);
    }
    recorder_.node_crash(sim.now(), t, st.nodes, killed, capacity);
    // Their replacements go wherever there is room; the rest wait for it.
    schedule_pending(sim, t);
    if (s.pending.size() > waiting_before) {
        const auto newly = s.pending.size() - waiting_before;
        s.pool.counters().unschedulable += newly;
        if (waiting_before == 0)
            recorder_.unschedulable(sim.now(), t, s.pool.desired(), capacity, s.nodes_down);
    }
}

} // namespace tpssim::models

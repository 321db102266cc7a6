#include "models/worker_pool.hpp"

#include <algorithm>

namespace tpssim::models {

WorkerPool::WorkerPool(std::uint32_t workers) : replicas_(workers) {
    for (auto& r : replicas_)
        r.state = Replica::State::Ready;
    // Taken from the back: replica 0 first.
    for (std::uint32_t r = workers; r-- > 0;)
        idle_.push_back(r);
    ready_ = desired_ = workers;
}

WorkerPool::Release WorkerPool::release(std::uint32_t replica, std::uint32_t job) {
    --busy_;
    if (replica == kNone) return Release::Gone; // its replica died while it worked
    Replica& r = replicas_[replica];
    if (r.job != job) return Release::Gone;
    r.job = kNone;
    if (r.state != Replica::State::Ready) return Release::Gone;
    if (r.draining) { // scaled down: it leaves now that its request is done
        r.draining = false;
        retire(replica);
        --draining_;
        return Release::Left;
    }
    return Release::Free;
}

void WorkerPool::retire(std::uint32_t replica) {
    Replica& r = replicas_[replica];
    if (r.state == Replica::State::Ready) leave_serving(r);
    r.state = Replica::State::Removed;
    ++r.gen;
    free_.push_back(replica);
}

std::uint32_t WorkerPool::add(bool surge) {
    std::uint32_t id;
    if (!free_.empty()) {
        id = free_.back();
        free_.pop_back();
    } else {
        id = static_cast<std::uint32_t>(replicas_.size());
        replicas_.emplace_back();
    }
    Replica& r = replicas_[id];
    const std::uint32_t gen = r.gen + 1;
    r = Replica{};
    r.gen = gen;
    r.state = Replica::State::Starting;
    r.surge = surge;
    if (!surge) ++desired_;
    return id;
}

void WorkerPool::make_ready(std::uint32_t replica, sim::SimTime now) {
    Replica& r = replicas_[replica];
    r.state = Replica::State::Ready;
    r.started = now;
    ++ready_;
    enter_serving(r);
    // A rolling restart: each new replica retires one old one once it is ready, and takes
    // its place in the count asked for; with none left to retire it is simply one more.
    const bool surge = r.surge;
    r.surge = false;
    bool retired = false;
    while (surge && !to_retire_.empty()) {
        const auto [old, gen] = to_retire_.back();
        to_retire_.pop_back();
        Replica& o = replicas_[old];
        if (o.gen != gen || o.state != Replica::State::Ready || o.draining) continue;
        retired = true;
        --ready_;
        if (o.job == kNone) {
            idle_.erase(std::find(idle_.begin(), idle_.end(), old));
            retire(old);
        } else {
            o.draining = true;
            ++draining_;
        }
        break;
    }
    if (surge && !retired) ++desired_;
    idle_.push_back(replica);
}

WorkerPool::Killed WorkerPool::kill(std::uint32_t replica) {
    Replica& r = replicas_[replica];
    const std::uint32_t job = r.job;
    const bool was_draining = r.draining;
    if (job == kNone) idle_.erase(std::find(idle_.begin(), idle_.end(), replica));
    if (r.unhealthy) --unhealthy_;
    leave_serving(r);
    const std::uint32_t gen = r.gen + 1;
    r = Replica{};
    r.gen = gen;
    ++counters_.crashes;
    if (was_draining) {
        --draining_;
        r.state = Replica::State::Removed;
        free_.push_back(replica);
        return {job, false, gen};
    }
    --ready_;
    r.state = Replica::State::Down;
    return {job, true, gen};
}

void WorkerPool::remove_not_ready(std::uint32_t replica) {
    const Replica& r = replicas_[replica];
    if ((r.state != Replica::State::Starting || r.surge) && r.state != Replica::State::Down) return;
    retire(replica);
    --desired_;
}

void WorkerPool::remove(std::uint32_t surplus) {
    for (std::uint32_t id = 0; id < replicas_.size() && surplus > 0; ++id) {
        Replica& r = replicas_[id];
        if ((r.state == Replica::State::Starting && !r.surge) || r.state == Replica::State::Down) {
            retire(id);
            --desired_;
            --surplus;
        }
    }
    while (surplus > 0 && !idle_.empty()) {
        const std::uint32_t id = take_idle();
        if (replicas_[id].unhealthy) --unhealthy_;
        retire(id);
        --desired_;
        --ready_;
        --surplus;
    }
    for (std::uint32_t id = 0; id < replicas_.size() && surplus > 0; ++id) {
        Replica& r = replicas_[id];
        if (r.state == Replica::State::Ready && !r.draining) {
            r.draining = true;
            ++draining_;
            --desired_;
            --ready_;
            --surplus;
        }
    }
}

std::size_t WorkerPool::begin_rolling_restart() {
    to_retire_.clear();
    for (std::uint32_t id = 0; id < replicas_.size(); ++id)
        if (replicas_[id].state == Replica::State::Ready && !replicas_[id].draining)
            to_retire_.push_back({id, replicas_[id].gen});
    return to_retire_.size();
}

void WorkerPool::make_unhealthy(std::uint32_t replica, double slow_factor,
                                double fail_probability) {
    Replica& r = replicas_[replica];
    r.unhealthy = true;
    r.slow_factor = slow_factor;
    r.fail_probability = fail_probability;
    r.failed_probes = 0;
    ++unhealthy_;
}

void WorkerPool::heal(std::uint32_t replica, std::uint32_t gen) {
    Replica& r = replicas_[replica];
    if (r.gen != gen || !r.unhealthy) return;
    r.unhealthy = false;
    r.slow_factor = 1.0;
    r.fail_probability = 0.0;
    --unhealthy_;
}

std::vector<std::uint32_t> WorkerPool::ready_ids(bool healthy_only) const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t id = 0; id < replicas_.size(); ++id) {
        const Replica& r = replicas_[id];
        if (r.state == Replica::State::Ready && !r.draining && !(healthy_only && r.unhealthy))
            out.push_back(id);
    }
    return out;
}

void WorkerPool::enter_serving(const Replica& r) {
    if (serving() == 1) {    // the only one (counted already): the sums start again from zero,
        leaked_bytes_ = 0.0; // so rounding left by those that left does not accumulate
        leak_clock_ns_ = 0.0;
    }
    leaked_bytes_ += r.leaked_bytes;
    leak_clock_ns_ += static_cast<double>(std::max(r.started, leak_since_).ns());
}

void WorkerPool::leave_serving(const Replica& r) {
    leaked_bytes_ -= r.leaked_bytes;
    leak_clock_ns_ -= static_cast<double>(std::max(r.started, leak_since_).ns());
}

void WorkerPool::set_leak_since(sim::SimTime since) {
    leak_since_ = since;
    leak_clock_ns_ = static_cast<double>(serving()) * static_cast<double>(since.ns());
}

void WorkerPool::add_leaked(std::uint32_t replica, double bytes) {
    replicas_[replica].leaked_bytes += bytes;
    leaked_bytes_ += bytes;
}

double WorkerPool::mean_memory_bytes(double base_bytes, double leak_bytes_per_second,
                                     sim::SimTime now) const {
    const std::uint32_t n = serving();
    if (n == 0) return 0.0;
    double extra = leaked_bytes_;
    if (leak_bytes_per_second > 0.0)
        extra += leak_bytes_per_second *
                 (static_cast<double>(n) * static_cast<double>(now.ns()) - leak_clock_ns_) / 1e9;
    return base_bytes + extra / static_cast<double>(n);
}

} // namespace tpssim::models

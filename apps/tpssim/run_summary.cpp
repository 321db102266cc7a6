#include "apps/tpssim/run_summary.hpp"

#include "sim/confidence_interval.hpp"

#include <cassert>
#include <functional>

namespace tpssim {

namespace {
// The figure `get` over all runs: the value itself for one run, else mean and t-interval.
template <class Get>
Figure figure(const std::vector<models::RunResult>& runs, std::size_t service, Get get) {
    std::vector<double> xs;
    xs.reserve(runs.size());
    for (const auto& r : runs)
        xs.push_back(get(r.services[service]));
    const auto ci = sim::mean_confidence_interval(xs, 0.95);
    return Figure{ci.mean, ci.half_width};
}
} // namespace

RunSummary summarise(const std::vector<models::RunResult>& runs, const std::string& scenario,
                     const std::string& file, std::uint64_t seed, double wall_seconds) {
    assert(!runs.empty());
    RunSummary s;
    s.scenario = scenario;
    s.file = file;
    s.seed = seed;
    s.replications = static_cast<std::uint32_t>(runs.size());
    s.simulated_seconds = runs.front().simulated_seconds;
    s.warmup_seconds = runs.front().warmup_seconds;
    s.wall_seconds = wall_seconds;
    for (const auto& r : runs) {
        s.events += r.events;
        s.interrupted = s.interrupted || r.interrupted;
    }
    using SR = models::ServiceResult;
    for (std::size_t i = 0; i < runs.front().services.size(); ++i) {
        ServiceFigures f;
        f.name = runs.front().services[i].name;
        auto fig = [&](auto member) {
            return figure(runs, i, [member](const SR& sr) {
                return static_cast<double>(std::invoke(member, sr));
            });
        };
        auto dur = [&](auto member) {
            DurationFigures d;
            d.mean = figure(runs, i, [member](const SR& sr) { return (sr.*member).mean; });
            d.p50 = figure(runs, i, [member](const SR& sr) { return (sr.*member).p50; });
            d.p90 = figure(runs, i, [member](const SR& sr) { return (sr.*member).p90; });
            d.p99 = figure(runs, i, [member](const SR& sr) { return (sr.*member).p99; });
            d.max = figure(runs, i, [member](const SR& sr) { return (sr.*member).max; });
            return d;
        };
        f.arrivals = fig(&SR::arrivals);
        f.completed = fig(&SR::completed);
        f.rejected = fig(&SR::rejected);
        f.failed = fig(&SR::failed);
        f.timed_out = fig(&SR::timed_out);
        f.dead_lettered = fig(&SR::dead_lettered);
        f.throughput_per_second = fig(&SR::throughput_per_second);
        f.utilization = fig(&SR::utilization);
        f.mean_queue_length = fig(&SR::mean_queue_length);
        f.mean_in_system = fig(&SR::mean_in_system);
        f.wait_seconds = dur(&SR::wait_seconds);
        f.latency_seconds = dur(&SR::latency_seconds);
        f.replicas_min = fig(&SR::replicas_min);
        f.replicas_max = fig(&SR::replicas_max);
        f.replicas_time_mean = fig(&SR::replicas_time_mean);
        s.services.push_back(std::move(f));
    }
    return s;
}

} // namespace tpssim

#include "apps/tpssim/summary_json.hpp"

#include <nlohmann/json.hpp>

namespace tpssim {

using Json = nlohmann::ordered_json;

namespace {

// A count is written as an integer for one run; as a mean over replications it is a number.
Json count(const Figure& f, bool replicated) {
    if (!replicated) return static_cast<std::uint64_t>(f.value);
    return f.value;
}

Json durations(const DurationFigures& d, bool half_width) {
    auto v = [half_width](const Figure& f) { return half_width ? f.half_width : f.value; };
    return Json{{"mean", v(d.mean)},
                {"p50", v(d.p50)},
                {"p90", v(d.p90)},
                {"p99", v(d.p99)},
                {"max", v(d.max)}};
}

// The per-service figures, as values (half_width = false) or as CI half-widths (true).
Json service_json(const ServiceFigures& f, bool replicated, bool half_width) {
    auto c = [&](const Figure& x) {
        return half_width ? Json(x.half_width) : count(x, replicated);
    };
    auto v = [&](const Figure& x) { return half_width ? x.half_width : x.value; };
    Json j;
    j["arrivals"] = c(f.arrivals);
    j["completed"] = c(f.completed);
    j["rejected"] = c(f.rejected);
    j["failed"] = c(f.failed);
    j["timed_out"] = c(f.timed_out);
    j["dead_lettered"] = c(f.dead_lettered);
    j["throughput_per_second"] = v(f.throughput_per_second);
    j["utilization"] = v(f.utilization);
    j["mean_queue_length"] = v(f.mean_queue_length);
    j["mean_in_system"] = v(f.mean_in_system);
    j["wait_seconds"] = durations(f.wait_seconds, half_width);
    j["latency_seconds"] = durations(f.latency_seconds, half_width);
    j["replicas"] = Json{{"min", v(f.replicas_min)},
                         {"max", v(f.replicas_max)},
                         {"time_mean", v(f.replicas_time_mean)}};
    return j;
}

} // namespace

std::string summary_json(const RunSummary& s, const SummaryJsonOptions& options) {
    const bool replicated = s.replications > 1;
    Json j;
    j["scenario"] = s.scenario;
    j["seed"] = s.seed;
    j["simulated_seconds"] = s.simulated_seconds;
    j["warmup_seconds"] = s.warmup_seconds;
    if (!options.reproducible) j["wall_seconds"] = s.wall_seconds;
    j["events"] = s.events;
    j["replications"] = s.replications;
    if (s.interrupted) j["interrupted"] = true;
    Json services = Json::object();
    for (const auto& f : s.services) {
        Json sj = service_json(f, replicated, false);
        if (replicated) sj["ci95_half_width"] = service_json(f, replicated, true);
        services[f.name] = std::move(sj);
    }
    j["services"] = std::move(services);
    return j.dump(2) + "\n";
}

} // namespace tpssim

#include "apps/tpssim/sweep_runner.hpp"

#include "models/model.hpp"
#include "models/replications.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace tpssim {

namespace {

double figure_of(const models::RunResult& run, const scenarios::SweepFigure& f) {
    const auto it =
        std::find_if(run.services.begin(), run.services.end(),
                     [&](const models::ServiceResult& s) { return s.name == f.service; });
    if (it == run.services.end())
        throw std::invalid_argument(fmt::format("{}: no service \"{}\"", f.text, f.service));
    const models::ServiceResult& s = *it;
    using K = scenarios::SweepFigure::Kind;
    switch (f.kind) {
    case K::p50:
        return s.latency_seconds.p50;
    case K::p90:
        return s.latency_seconds.p90;
    case K::p99:
        return s.latency_seconds.p99;
    case K::mean_latency:
        return s.latency_seconds.mean;
    case K::throughput:
        return s.throughput_per_second;
    case K::error_rate:
        // Requests that did not complete well: rejected at a full queue, failed, timed out.
        return s.arrivals == 0 ? 0.0
                               : static_cast<double>(s.rejected + s.failed + s.timed_out) /
                                     static_cast<double>(s.arrivals);
    case K::utilization:
        return s.utilization;
    case K::mean_queue_length:
        return s.mean_queue_length;
    case K::replica_seconds:
        return s.replicas_time_mean * (run.simulated_seconds - run.warmup_seconds);
    case K::scaling_events:
        return static_cast<double>(s.scale_ups + s.scale_downs);
    }
    return std::nan("");
}

} // namespace

std::vector<double> sweep_figures(const models::RunResult& run,
                                  const std::vector<scenarios::SweepFigure>& figures) {
    std::vector<double> out;
    out.reserve(figures.size());
    for (const auto& f : figures)
        out.push_back(figure_of(run, f));
    return out;
}

std::string check_sweep_figures(const models::ModelParams& model,
                                const std::vector<scenarios::SweepFigure>& figures) {
    std::string names;
    for (const auto& s : model.services)
        if (s.kind != models::ServiceKind::Queue) names += (names.empty() ? "" : ", ") + s.name;
    for (const auto& f : figures) {
        const bool found = std::any_of(model.services.begin(), model.services.end(), [&](auto& s) {
            return s.name == f.service && s.kind != models::ServiceKind::Queue;
        });
        if (!found)
            return fmt::format("{}: expected a service of the base scenario (one of {}), got "
                               "\"{}\"",
                               f.text, names, f.service);
    }
    return {};
}

std::vector<models::ModelParams> load_sweep_models(const scenarios::SweepSpec& spec,
                                                   const std::vector<SweepPoint>& points,
                                                   std::uint64_t& seed) {
    std::vector<models::ModelParams> models;
    models.reserve(points.size());
    for (std::size_t p = 0; p < points.size(); ++p) {
        std::vector<scenarios::Override> overrides;
        for (std::size_t i = 0; i < points[p].values.size(); ++i)
            overrides.push_back({spec.vary[i].key_path, points[p].values[i]});
        try {
            auto sc = scenarios::load_scenario_file(spec.base_file, overrides);
            if (p == 0) seed = sc.seed;
            if (spec.until) sc.model.duration = *spec.until;
            if (sc.model.warmup >= sc.model.duration)
                throw scenarios::ScenarioError({scenarios::Diagnostic{
                    spec.file, 0, 0, "until",
                    "expected a horizon longer than the base scenario's warm-up"}});
            models.push_back(std::move(sc.model));
        } catch (const scenarios::ScenarioError& e) {
            std::vector<scenarios::Diagnostic> ds = e.diagnostics();
            for (auto& d : ds) {
                if (d.file != "<--set>") continue;
                d.file = spec.file;
                d.message = fmt::format("{} (point {})", d.message, p);
            }
            throw scenarios::ScenarioError(std::move(ds));
        }
    }
    return models;
}

std::size_t SweepRuns::complete_points() const {
    return static_cast<std::size_t>(std::count(point_complete.begin(), point_complete.end(), true));
}

SweepRuns run_sweep(const std::vector<models::ModelParams>& models,
                    const std::vector<scenarios::SweepFigure>& figures,
                    const SweepRunOptions& options) {
    SweepRuns out;
    out.points = models.size();
    out.replications = options.replications;
    out.figures = figures.size();
    const std::size_t jobs = out.points * out.replications;
    out.values.assign(jobs * out.figures, std::nan(""));
    for (std::uint32_t k = 0; k < out.replications; ++k)
        out.seeds.push_back(models::replication_seed(options.seed, k));
    std::vector<char> job_done(jobs, 0);
    std::vector<std::uint64_t> job_events(jobs, 0);

    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex progress_mutex;
    std::size_t finished = 0;
    std::exception_ptr failure;
    auto keep_going = [&] {
        if (stop.load(std::memory_order_relaxed)) return false;
        if (options.keep_going && !options.keep_going()) {
            stop.store(true);
            return false;
        }
        return true;
    };
    auto worker = [&] {
        for (;;) {
            if (!keep_going()) return;
            const std::size_t j = next.fetch_add(1);
            if (j >= jobs) return;
            const std::size_t p = j / out.replications;
            const auto k = static_cast<std::uint32_t>(j % out.replications);
            try {
                models::RunOptions ro;
                ro.seed = out.seeds[k];
                ro.keep_event_log = false;
                ro.progress = [&](double, std::uint64_t) { return keep_going(); };
                const models::RunResult r = models::run_model(models[p], ro);
                if (r.interrupted) return;
                const auto v = sweep_figures(r, figures);
                std::copy(v.begin(), v.end(),
                          out.values.begin() + static_cast<long>(j * out.figures));
                job_events[j] = r.events;
                job_done[j] = 1;
            } catch (...) {
                std::lock_guard lock(progress_mutex);
                if (!failure) failure = std::current_exception();
                stop.store(true);
                return;
            }
            std::lock_guard lock(progress_mutex);
            ++finished;
            if (options.progress) options.progress(finished, jobs);
        }
    };
    std::uint32_t threads = options.threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads =
        static_cast<std::uint32_t>(std::min<std::size_t>(threads, std::max<std::size_t>(jobs, 1)));
    {
        std::vector<std::jthread> pool;
        for (std::uint32_t t = 0; t < threads; ++t)
            pool.emplace_back(worker);
    }
    if (failure) std::rethrow_exception(failure);
    out.point_complete.assign(out.points, false);
    for (std::size_t p = 0; p < out.points; ++p) {
        bool all = true;
        for (std::uint32_t k = 0; k < out.replications; ++k)
            all = all && job_done[p * out.replications + k];
        out.point_complete[p] = all;
    }
    for (std::size_t j = 0; j < jobs; ++j)
        out.events += job_events[j];
    out.interrupted = out.complete_points() < out.points;
    return out;
}

} // namespace tpssim

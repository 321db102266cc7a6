#include "apps/tpssim/sweep_job.hpp"

#include "models/model.hpp"
#include "models/replications.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpssim {

std::vector<SweepJob> sweep_jobs(const SweepPlan& plan, const std::string& scenario_text,
                                 const std::string& display_name) {
    std::vector<std::string> figures;
    for (const auto& f : plan.spec.figures)
        figures.push_back(f.text);
    std::vector<SweepJob> jobs;
    jobs.reserve(plan.points.size() * plan.spec.replications);
    for (const auto& point : plan.points) {
        std::vector<scenarios::Override> overrides;
        for (std::size_t i = 0; i < point.values.size(); ++i)
            overrides.push_back({plan.spec.vary[i].key_path, point.values[i]});
        for (std::uint32_t k = 0; k < plan.spec.replications; ++k)
            jobs.push_back({scenario_text, display_name, overrides, plan.spec.until,
                            models::replication_seed(plan.seed, k), figures});
    }
    return jobs;
}

std::vector<double> run_sweep_job(const SweepJob& job) {
    std::vector<scenarios::SweepFigure> figures;
    for (const auto& f : job.figures)
        figures.push_back(scenarios::parse_sweep_figure(f));
    // As load_sweep_models builds each point's model: the same text and overrides.
    auto sc = scenarios::load_scenario_text(job.scenario_text, job.display_name, job.overrides);
    if (job.until) sc.model.duration = *job.until;
    if (sc.model.warmup >= sc.model.duration)
        throw std::invalid_argument("until: expected a horizon longer than the warm-up");
    models::RunOptions ro;
    ro.seed = job.seed;
    ro.keep_event_log = false;
    return sweep_figures(models::run_model(sc.model, ro), figures);
}

SweepRuns gather_sweep_runs(const SweepPlan& plan, std::vector<double> values,
                            const std::vector<bool>& job_done) {
    SweepRuns out;
    out.points = plan.points.size();
    out.replications = plan.spec.replications;
    out.figures = plan.spec.figures.size();
    const std::size_t jobs = out.points * out.replications;
    if (values.size() != jobs * out.figures || job_done.size() != jobs)
        throw std::invalid_argument("gathered sweep results: expected one value per job and "
                                    "figure and one flag per job");
    out.values = std::move(values);
    for (std::uint32_t k = 0; k < out.replications; ++k)
        out.seeds.push_back(models::replication_seed(plan.seed, k));
    out.point_complete.assign(out.points, false);
    for (std::size_t p = 0; p < out.points; ++p)
        out.point_complete[p] =
            std::all_of(job_done.begin() + static_cast<long>(p * out.replications),
                        job_done.begin() + static_cast<long>((p + 1) * out.replications),
                        [](bool b) { return b; });
    out.interrupted = out.complete_points() < out.points;
    return out;
}

} // namespace tpssim

#include "apps/tpssim/sweep_plan.hpp"

#include "apps/tpssim/sweep_runner.hpp"
#include "scenarios/scenario.hpp"

#include <stdexcept>
#include <utility>

namespace tpssim {

SweepPlan plan_sweep(scenarios::SweepSpec spec) {
    SweepPlan plan;
    plan.spec = std::move(spec);
    try {
        plan.points = design_points(plan.spec);
    } catch (const std::invalid_argument& e) {
        throw scenarios::ScenarioError(
            {scenarios::Diagnostic{plan.spec.file, 0, 0, "vary", e.what()}});
    }
    plan.models = load_sweep_models(plan.spec, plan.points, plan.seed);
    if (const std::string problem = check_sweep_figures(plan.models.front(), plan.spec.figures);
        !problem.empty())
        throw scenarios::ScenarioError(
            {scenarios::Diagnostic{plan.spec.file, 0, 0, "figures", problem}});
    return plan;
}

} // namespace tpssim

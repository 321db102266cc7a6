#include "bindings/sweep.hpp"

#include "apps/tpssim/output_file.hpp"
#include "apps/tpssim/sweep_analysis.hpp"
#include "apps/tpssim/sweep_job.hpp"
#include "apps/tpssim/sweep_plan.hpp"
#include "apps/tpssim/sweep_report.hpp"
#include "apps/tpssim/sweep_results_file.hpp"
#include "apps/tpssim/sweep_runner.hpp"
#include "bindings/scenario_error.hpp"
#include "scenarios/scenario.hpp"

#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <sstream>

namespace py = pybind11;

namespace tpssim::python {

namespace {

/// A planned sweep and the base scenario's text, which every shipped job carries.
struct SweepHandle {
    SweepPlan plan;
    std::string base_text;
    std::string base_display_name; ///< absolute: a worker in another folder reads the same
};

/// A sweep's runs (finished or not) and their analysis.
struct SweepOutcome {
    std::shared_ptr<const SweepHandle> handle;
    SweepRuns runs;
    SweepAnalysis analysis;
    bool keyboard_interrupt = false; ///< stopped by Ctrl-C (the finished points are kept)
};

std::shared_ptr<SweepOutcome> outcome_of(std::shared_ptr<const SweepHandle> handle,
                                         SweepRuns runs) {
    auto out = std::make_shared<SweepOutcome>();
    out->analysis = analyse_sweep(handle->plan.spec, runs);
    out->runs = std::move(runs);
    out->handle = std::move(handle);
    return out;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Reads the sweep (a file, or text standing for `display_name`), applies the keyword
// overrides of the sweep file's keys, and plans it as `tpssim sweep` does.
std::shared_ptr<SweepHandle> sweep_plan(const std::string& source, const std::string& display_name,
                                        bool is_text, std::optional<std::uint32_t> replications,
                                        std::optional<double> until_seconds,
                                        std::optional<std::uint64_t> seed,
                                        std::optional<std::uint32_t> points) {
    auto handle = std::make_shared<SweepHandle>();
    try {
        scenarios::SweepSpec spec = is_text ? scenarios::read_sweep_text(source, display_name)
                                            : scenarios::read_sweep_file(source);
        if (replications) spec.replications = *replications;
        if (until_seconds) spec.until = sim::SimTime::from_seconds(*until_seconds);
        if (seed) spec.design_seed = *seed;
        if (points) {
            if (spec.design == scenarios::SweepDesign::grid)
                throw py::value_error("points: for random and latin_hypercube designs; a grid "
                                      "runs every combination");
            spec.points = *points;
        }
        handle->plan = plan_sweep(std::move(spec));
    } catch (const scenarios::ScenarioError& e) {
        raise_scenario_error(e);
    }
    handle->base_text = read_text(handle->plan.spec.base_file);
    handle->base_display_name = std::filesystem::absolute(handle->plan.spec.base_file).string();
    return handle;
}

// Runs every job on `threads` threads while this thread, GIL released, wakes every
// `poll_seconds` to report progress(jobs finished, jobs in all) and check for Ctrl-C, as
// Scenario.run does (module.cpp). Ctrl-C stops the sweep and keeps the finished points;
// any other exception raised by `progress` stops it and is raised.
std::shared_ptr<SweepOutcome> run_local(const std::shared_ptr<SweepHandle>& handle,
                                        std::uint32_t threads, const py::object& progress,
                                        double poll_seconds) {
    const SweepPlan& plan = handle->plan;
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> finished{0};
    const std::size_t total = plan.points.size() * plan.spec.replications;
    std::exception_ptr error;
    bool keyboard_interrupt = false;
    SweepRuns runs;
    {
        py::gil_scoped_release release;
        auto work = std::async(std::launch::async, [&] {
            SweepRunOptions ro;
            ro.seed = plan.seed;
            ro.replications = plan.spec.replications;
            ro.threads = threads;
            ro.keep_going = [&] { return !stop.load(std::memory_order_relaxed); };
            ro.progress = [&](std::size_t done, std::size_t) { finished.store(done); };
            return run_sweep(plan.models, plan.spec.figures, ro);
        });
        const auto poll = std::chrono::duration<double>(poll_seconds);
        while (work.wait_for(poll) != std::future_status::ready) {
            if (stop.load()) continue;
            py::gil_scoped_acquire acquire;
            try {
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                if (!progress.is_none()) progress(finished.load(), total);
            } catch (py::error_already_set& e) {
                if (e.matches(PyExc_KeyboardInterrupt))
                    keyboard_interrupt = true;
                else
                    error = std::current_exception();
                stop.store(true);
            } catch (...) {
                error = std::current_exception();
                stop.store(true);
            }
        }
        try {
            runs = work.get();
        } catch (const std::exception& e) {
            // A figure the run cannot give (checked before, so not expected): a Python error.
            py::gil_scoped_acquire acquire;
            throw std::runtime_error(e.what());
        }
    }
    if (error) std::rethrow_exception(error);
    if (!progress.is_none() && !keyboard_interrupt) progress(finished.load(), total);
    auto out = outcome_of(handle, std::move(runs));
    out->keyboard_interrupt = keyboard_interrupt;
    return out;
}

// A job as plain Python data (picklable, to ship to an executor):
// (scenario_text, display_name, ((key_path, value), ...), until_seconds or None, seed,
// (figure, ...)).
using JobTuple =
    std::tuple<std::string, std::string, std::vector<std::pair<std::string, std::string>>,
               std::optional<double>, std::uint64_t, std::vector<std::string>>;

std::vector<JobTuple> jobs_of(const SweepHandle& handle) {
    std::vector<JobTuple> out;
    for (const auto& job : sweep_jobs(handle.plan, handle.base_text, handle.base_display_name)) {
        std::vector<std::pair<std::string, std::string>> overrides;
        for (const auto& o : job.overrides)
            overrides.emplace_back(o.path, o.value);
        std::optional<double> until;
        if (job.until) until = job.until->seconds();
        out.emplace_back(job.scenario_text, job.display_name, std::move(overrides), until, job.seed,
                         job.figures);
    }
    return out;
}

std::vector<double> run_job(const JobTuple& t) {
    SweepJob job;
    job.scenario_text = std::get<0>(t);
    job.display_name = std::get<1>(t);
    for (const auto& [path, value] : std::get<2>(t))
        job.overrides.push_back({path, value});
    if (std::get<3>(t)) job.until = sim::SimTime::from_seconds(*std::get<3>(t));
    job.seed = std::get<4>(t);
    job.figures = std::get<5>(t);
    try {
        py::gil_scoped_release release; // a thread pool's jobs run side by side
        return run_sweep_job(job);
    } catch (const scenarios::ScenarioError& e) {
        raise_scenario_error(e);
    } catch (const std::invalid_argument& e) {
        throw py::value_error(e.what());
    }
}

std::shared_ptr<SweepOutcome> gather(const std::shared_ptr<SweepHandle>& handle,
                                     std::vector<double> values, const std::vector<bool>& job_done,
                                     bool keyboard_interrupt) {
    SweepRuns runs;
    try {
        runs = gather_sweep_runs(handle->plan, std::move(values), job_done);
    } catch (const std::invalid_argument& e) {
        throw py::value_error(e.what());
    }
    auto out = outcome_of(handle, std::move(runs));
    out->keyboard_interrupt = keyboard_interrupt;
    return out;
}

void write_text(const std::string& path, const std::string& text) {
    try {
        write_file_atomically(path, text);
    } catch (const std::runtime_error& e) {
        PyErr_SetString(PyExc_OSError, e.what());
        throw py::error_already_set();
    }
}

} // namespace

void bind_sweep(py::module_& m) {
    py::class_<SweepHandle, std::shared_ptr<SweepHandle>>(
        m, "SweepHandle", "A planned sweep (internal: tpssim.sweep uses it).")
        .def_property_readonly("file", [](const SweepHandle& h) { return h.plan.spec.file; })
        .def_property_readonly("base_file",
                               [](const SweepHandle& h) { return h.plan.spec.base_file; })
        .def_property_readonly("keys",
                               [](const SweepHandle& h) {
                                   std::vector<std::string> keys;
                                   for (const auto& v : h.plan.spec.vary)
                                       keys.push_back(v.key_path);
                                   return keys;
                               })
        .def_property_readonly("points",
                               [](const SweepHandle& h) {
                                   std::vector<std::vector<std::string>> points;
                                   for (const auto& p : h.plan.points)
                                       points.push_back(p.values);
                                   return points;
                               })
        .def_property_readonly("replications",
                               [](const SweepHandle& h) { return h.plan.spec.replications; })
        .def_property_readonly("seed", [](const SweepHandle& h) { return h.plan.seed; })
        .def_property_readonly("figures",
                               [](const SweepHandle& h) {
                                   std::vector<std::string> figures;
                                   for (const auto& f : h.plan.spec.figures)
                                       figures.push_back(f.text);
                                   return figures;
                               })
        .def_property_readonly("objective",
                               [](const SweepHandle& h) {
                                   const auto& o = h.plan.spec.objective;
                                   return py::make_tuple(o.minimise ? "minimise" : "maximise",
                                                         h.plan.spec.figures[o.figure].text);
                               })
        .def_property_readonly("constraints",
                               [](const SweepHandle& h) {
                                   std::vector<std::string> out;
                                   for (const auto& c : h.plan.spec.constraints)
                                       out.push_back(c.text);
                                   return out;
                               })
        .def_property_readonly("simulated_seconds",
                               [](const SweepHandle& h) { return h.plan.simulated_seconds(); })
        .def("jobs", [](const SweepHandle& h) { return jobs_of(h); })
        .def("run", &run_local, py::arg("threads"), py::arg("progress"), py::arg("poll_seconds"))
        .def("gather", &gather, py::arg("values"), py::arg("job_done"),
             py::arg("keyboard_interrupt"));

    py::class_<SweepOutcome, std::shared_ptr<SweepOutcome>>(
        m, "SweepOutcome", "A sweep's runs and analysis (internal: tpssim.SweepResult wraps it).")
        .def_readonly("keyboard_interrupt", &SweepOutcome::keyboard_interrupt)
        .def_property_readonly("interrupted",
                               [](const SweepOutcome& o) { return o.runs.interrupted; })
        .def_property_readonly("complete_points",
                               [](const SweepOutcome& o) { return o.runs.complete_points(); })
        .def_property_readonly("best_point",
                               [](const SweepOutcome& o) -> std::optional<std::size_t> {
                                   if (!o.analysis.best) return std::nullopt;
                                   return o.analysis.points[*o.analysis.best].point;
                               })
        .def_property_readonly(
            "best_is_significant_gain",
            [](const SweepOutcome& o) { return o.analysis.best_is_significant_gain; })
        .def_property_readonly("ranking",
                               [](const SweepOutcome& o) {
                                   std::vector<std::size_t> points;
                                   for (auto i : o.analysis.ranking)
                                       points.push_back(o.analysis.points[i].point);
                                   return points;
                               })
        .def(
            "report",
            [](const SweepOutcome& o, double wall_seconds, std::size_t top) {
                const SweepPlan& plan = o.handle->plan;
                return format_sweep_report({plan.spec, plan.points, o.runs, o.analysis,
                                            plan.simulated_seconds(), wall_seconds, top});
            },
            py::arg("wall_seconds"), py::arg("top"))
        .def("runs_csv",
             [](const SweepOutcome& o) {
                 return sweep_runs_csv(o.handle->plan.spec, o.handle->plan.points, o.runs);
             })
        .def("points_csv",
             [](const SweepOutcome& o) {
                 return sweep_points_csv(o.handle->plan.spec, o.handle->plan.points, o.analysis);
             })
        .def(
            "write_hdf5",
            [](const SweepOutcome& o, const std::string& path) {
                try {
                    check_sweep_results_file_target(path);
                    write_sweep_results_file(path, o.handle->plan.spec, o.handle->plan.points,
                                             o.runs, o.analysis);
                } catch (const std::runtime_error& e) {
                    PyErr_SetString(PyExc_OSError, e.what());
                    throw py::error_already_set();
                }
            },
            py::arg("path"));

    m.def("sweep_plan", &sweep_plan, py::arg("source"), py::arg("display_name"), py::arg("is_text"),
          py::arg("replications"), py::arg("until_seconds"), py::arg("seed"), py::arg("points"));
    m.def("run_sweep_job", &run_job, py::arg("job"),
          "Runs one sweep job (a tuple of SweepHandle.jobs()) and returns its figures.");
    m.def("write_text_whole", &write_text, py::arg("path"), py::arg("text"),
          "Writes text to path whole or not at all.");
}

} // namespace tpssim::python

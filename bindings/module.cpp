// The `tpssim._tpssim` extension module: a thin layer over the C++ API that the command line
// uses (scenarios::load_scenario_*, models::run_model / run_replications, summarise,
// summary_json). The pure-Python package `tpssim` (bindings/python/tpssim) is the public face.
#include "apps/tpssim/clock_format.hpp"
#include "apps/tpssim/run_summary.hpp"
#include "apps/tpssim/summary_json.hpp"
#include "bindings/analytic.hpp"
#include "bindings/forecast.hpp"
#include "bindings/run_record.hpp"
#include "bindings/scenario_error.hpp"
#include "bindings/sweep.hpp"
#include "models/model.hpp"
#include "models/replications.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/units.hpp"

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <thread>

namespace py = pybind11;

namespace tpssim::python {

namespace {

std::vector<scenarios::Override>
to_overrides(const std::vector<std::pair<std::string, std::string>>& set) {
    std::vector<scenarios::Override> out;
    for (const auto& [path, value] : set)
        out.push_back({path, value});
    return out;
}

scenarios::Scenario load_file(const std::string& path,
                              const std::vector<std::pair<std::string, std::string>>& set,
                              const std::vector<std::string>& chaos) {
    try {
        return scenarios::load_scenario_file(path, to_overrides(set), chaos);
    } catch (const scenarios::ScenarioError& e) {
        raise_scenario_error(e);
    }
}

scenarios::Scenario load_text(const std::string& text, const std::string& display_name,
                              const std::vector<std::pair<std::string, std::string>>& set,
                              const std::vector<std::string>& chaos) {
    try {
        return scenarios::load_scenario_text(text, display_name, to_overrides(set), chaos);
    } catch (const scenarios::ScenarioError& e) {
        raise_scenario_error(e);
    }
}

// Runs `sc` on a worker thread while this (the calling) thread, GIL released, wakes every
// `poll_seconds` to take the GIL, report progress to `progress(fraction, text)` and check for
// signals (Ctrl-C). A Python exception there (KeyboardInterrupt included) stops the run within
// a chunk of events and is re-raised once the worker has finished: Python code only ever runs
// on the calling thread.
std::shared_ptr<RunRecord> run(const scenarios::Scenario& sc, std::uint64_t seed,
                               std::optional<double> until_seconds, std::uint32_t replications,
                               std::uint32_t threads, const py::object& progress,
                               bool keep_event_logs, double poll_seconds) {
    models::ModelParams model = sc.model;
    if (until_seconds) model.duration = sim::SimTime::from_seconds(*until_seconds);
    if (model.warmup >= model.duration)
        throw py::value_error("until: expected a horizon longer than the warm-up (" +
                              scenarios::format_duration(model.warmup) + "), got " +
                              scenarios::format_duration(model.duration));
    const double horizon = model.duration.seconds();
    std::atomic<bool> stop{false};
    std::atomic<double> simulated{0.0};
    std::atomic<std::uint32_t> done{0};

    std::vector<models::RunResult> runs;
    double wall = 0.0;
    std::exception_ptr error; // raised by Python on this thread: re-raised after the run
    {
        py::gil_scoped_release release;
        const auto wall_start = std::chrono::steady_clock::now();
        auto work = std::async(std::launch::async, [&] {
            if (replications == 1) {
                models::RunOptions ro;
                ro.seed = seed;
                ro.keep_event_log = keep_event_logs;
                ro.progress = [&](double t, std::uint64_t) {
                    simulated.store(t, std::memory_order_relaxed);
                    return !stop.load(std::memory_order_relaxed);
                };
                std::vector<models::RunResult> one;
                one.push_back(models::run_model(model, ro));
                return one;
            }
            models::ReplicationOptions ro;
            ro.seed = seed;
            ro.replications = replications;
            ro.threads = threads;
            ro.keep_first_event_log = keep_event_logs;
            ro.keep_every_event_log = keep_event_logs;
            ro.keep_going = [&] { return !stop.load(std::memory_order_relaxed); };
            ro.progress = [&](std::uint32_t finished, std::uint32_t) {
                done.store(finished, std::memory_order_relaxed);
                return !stop.load(std::memory_order_relaxed);
            };
            return models::run_replications(model, ro);
        });
        const auto poll = std::chrono::duration<double>(poll_seconds);
        while (work.wait_for(poll) != std::future_status::ready) {
            if (stop.load()) continue;
            py::gil_scoped_acquire acquire;
            try {
                if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                if (!progress.is_none()) {
                    const double fraction = replications == 1
                                                ? simulated.load() / horizon
                                                : static_cast<double>(done.load()) / replications;
                    progress(fraction);
                }
            } catch (...) {
                error = std::current_exception();
                stop.store(true);
            }
        }
        runs = work.get();
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    }
    if (error) std::rethrow_exception(error);
    if (!progress.is_none()) progress(1.0);
    if (runs.empty()) throw py::value_error("the run stopped before any replication finished");
    auto record = std::make_shared<RunRecord>();
    RunSummary summary = summarise(runs, sc.name, sc.file, seed, wall);
    if (model.tracing.rank_service != models::TracingParams::kEndToEnd)
        summary.traces_ranked_by = model.services[model.tracing.rank_service].name;
    record->summary_json = summary_json(summary);
    record->interrupted = summary.interrupted;
    for (const auto& s : model.services)
        record->service_names.push_back(s.name);
    if (model.start) record->start_iso = local_date_time_text(0.0, *model.start);
    record->runs = std::move(runs);
    return record;
}

} // namespace

} // namespace tpssim::python

PYBIND11_MODULE(_tpssim, m) {
    using namespace tpssim;
    using namespace tpssim::python;
    m.doc() = "tpssim's C++ engine (internal: use the `tpssim` package).";

    py::class_<scenarios::Scenario>(m, "ScenarioHandle",
                                    "A validated scenario (internal: tpssim.Scenario wraps it).")
        .def_readonly("name", &scenarios::Scenario::name)
        .def_readonly("file", &scenarios::Scenario::file)
        .def_readonly("seed", &scenarios::Scenario::seed)
        .def_readonly("resolved_yaml", &scenarios::Scenario::resolved_yaml)
        .def_property_readonly(
            "duration_seconds",
            [](const scenarios::Scenario& s) { return s.model.duration.seconds(); })
        .def_property_readonly(
            "warmup_seconds", [](const scenarios::Scenario& s) { return s.model.warmup.seconds(); })
        .def_property_readonly("start",
                               [](const scenarios::Scenario& s) -> std::optional<std::string> {
                                   if (!s.model.start) return std::nullopt;
                                   return local_date_time_text(0.0, *s.model.start);
                               })
        .def_property_readonly("services", [](const scenarios::Scenario& s) {
            std::vector<std::string> names;
            for (const auto& sp : s.model.services)
                names.push_back(sp.name);
            return names;
        });

    m.def("load_file", &load_file, py::arg("path"), py::arg("set"), py::arg("chaos"));
    m.def("load_text", &load_text, py::arg("text"), py::arg("display_name"), py::arg("set"),
          py::arg("chaos"));
    m.def("run", &run, py::arg("scenario"), py::arg("seed"), py::arg("until_seconds"),
          py::arg("replications"), py::arg("threads"), py::arg("progress"),
          py::arg("keep_event_logs"), py::arg("poll_seconds"));
    m.def(
        "parse_duration",
        [](const std::string& text) {
            auto parsed = scenarios::parse_duration(text);
            if (const auto* msg = std::get_if<std::string>(&parsed)) throw py::value_error(*msg);
            return std::get<sim::SimTime>(parsed).seconds();
        },
        py::arg("text"));
    bind_run_record(m);
    bind_analytic(m);
    bind_sweep(m); // tpssim.sweep (bindings/sweep.cpp)
    // Capacity forecasts (tpssim.forecast, bindings/forecast.cpp).
    bind_forecast(m);
}

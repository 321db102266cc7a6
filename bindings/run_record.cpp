#include "bindings/run_record.hpp"

#include "apps/tpssim/observation_text.hpp"
#include "apps/tpssim/summary_json.hpp"
#include "models/tracer.hpp"

#include <pybind11/stl.h>

#include <stdexcept>

namespace py = pybind11;

namespace tpssim::python {

namespace {

// A read-only 1-D view of `count` values at `data`, kept alive by `owner` (the Python
// RunRecord that holds them).
template <class T>
py::array view(const T* data, std::size_t count, const py::object& owner) {
    py::array_t<T> a({static_cast<py::ssize_t>(count)}, {static_cast<py::ssize_t>(sizeof(T))}, data,
                     owner);
    py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return a;
}

template <class T>
py::array view(const std::vector<T>& values, const py::object& owner) {
    return view(values.data(), values.size(), owner);
}

const models::RunResult& replication(const RunRecord& r, std::size_t index) {
    if (index >= r.runs.size())
        throw py::index_error("replication: expected 0 to " + std::to_string(r.runs.size() - 1) +
                              ", got " + std::to_string(index));
    return r.runs[index];
}

// The metric columns of one replication: [(name, subject, unit, values view)], record order.
py::list metric_columns(const py::object& self, std::size_t index) {
    const auto& run = replication(self.cast<const RunRecord&>(), index);
    py::list out;
    for (const auto& c : run.metrics)
        out.append(py::make_tuple(c.name, c.subject, c.unit, view(c.values, self)));
    return out;
}

py::dict span_columns(const py::object& self, std::size_t index) {
    const auto& rec = self.cast<const RunRecord&>();
    const auto& s = replication(rec, index).spans;
    py::dict d;
    d["trace_id"] = view(s.trace_id, self);
    d["span_id"] = view(s.span_id, self);
    d["parent_id"] = view(s.parent_id, self);
    d["service"] = view(s.service, self);
    d["operation"] = view(s.operation, self);
    d["start_seconds"] = view(s.start_seconds, self);
    d["duration_seconds"] = view(s.duration_seconds, self);
    d["wait_seconds"] = view(s.wait_seconds, self);
    d["self_seconds"] = view(s.self_seconds, self);
    d["replica"] = view(s.replica, self);
    d["delivery"] = view(s.delivery, self);
    // SpanOutcome and SpanRef are dense uint8 enums: their codes are the categories' indices.
    static_assert(sizeof(models::SpanOutcome) == 1 && sizeof(models::SpanRef) == 1);
    d["outcome"] =
        view(reinterpret_cast<const std::uint8_t*>(s.outcome.data()), s.outcome.size(), self);
    d["ref"] = view(reinterpret_cast<const std::uint8_t*>(s.ref.data()), s.ref.size(), self);
    std::vector<std::string> outcomes, refs;
    for (const auto& e : models::kSpanOutcomeNames)
        outcomes.emplace_back(e.name);
    for (const auto& e : models::kSpanRefNames)
        refs.emplace_back(e.name);
    py::dict categories;
    categories["service"] = rec.service_names;
    categories["operation"] = s.operations;
    categories["outcome"] = outcomes;
    categories["ref"] = refs;
    d["_categories"] = categories;
    return d;
}

py::dict trace_columns(const RunRecord& rec, std::size_t index) {
    const auto& traces = replication(rec, index).slowest_traces;
    std::vector<std::uint64_t> id;
    std::vector<double> start, duration, entry, ranked;
    std::vector<std::uint32_t> first_row, rows, bottleneck;
    for (const auto& t : traces) {
        id.push_back(t.trace_id);
        start.push_back(t.start_seconds);
        duration.push_back(t.duration_seconds);
        entry.push_back(t.entry_seconds);
        ranked.push_back(t.ranked_seconds);
        first_row.push_back(t.first_row);
        rows.push_back(t.rows);
        bottleneck.push_back(t.bottleneck_row);
    }
    py::dict d;
    d["trace_id"] = py::array_t<std::uint64_t>(py::ssize_t(id.size()), id.data());
    d["start_seconds"] = py::array_t<double>(py::ssize_t(start.size()), start.data());
    d["duration_seconds"] = py::array_t<double>(py::ssize_t(duration.size()), duration.data());
    d["entry_seconds"] = py::array_t<double>(py::ssize_t(entry.size()), entry.data());
    d["ranked_seconds"] = py::array_t<double>(py::ssize_t(ranked.size()), ranked.data());
    d["first_row"] = py::array_t<std::uint32_t>(py::ssize_t(first_row.size()), first_row.data());
    d["spans"] = py::array_t<std::uint32_t>(py::ssize_t(rows.size()), rows.data());
    d["bottleneck_row"] =
        py::array_t<std::uint32_t>(py::ssize_t(bottleneck.size()), bottleneck.data());
    return d;
}

py::list alert_rows(const RunRecord& rec, std::size_t index) {
    py::list out;
    for (const auto& a : replication(rec, index).alerts)
        for (const auto& f : a.firings)
            out.append(
                py::make_tuple(a.name, a.severity, f.fired_seconds, f.resolved_seconds, f.value));
    return out;
}

py::list breaker_rows(const RunRecord& rec, std::size_t index) {
    py::list out;
    for (const auto& s : replication(rec, index).services)
        for (const auto& c : s.calls)
            for (const auto& t : c.breaker_transitions)
                out.append(py::make_tuple(s.name, c.key, t.at_seconds, t.from, t.to, t.cause));
    return out;
}

py::list expectation_rows(const RunRecord& rec, std::size_t index) {
    py::list out;
    const auto& run = replication(rec, index);
    const auto clock = observation_clock(run);
    for (const auto& e : run.expectations) {
        const auto& o = e.observation;
        out.append(py::make_tuple(e.text, e.passed, observation_text(o, clock),
                                  observation_kind_name(o.kind), o.value, o.unit, o.at_seconds,
                                  o.from_seconds, o.to_seconds, o.scrapes, o.scrapes_held, o.name,
                                  o.subject));
    }
    return out;
}

py::dict run_attributes(const RunRecord& rec, std::size_t index) {
    const auto& run = replication(rec, index);
    py::dict d;
    d["seed"] = run.seed;
    d["simulated_seconds"] = run.simulated_seconds;
    d["warmup_seconds"] = run.warmup_seconds;
    d["wall_seconds"] = run.wall_seconds;
    d["events"] = run.events;
    d["interrupted"] = run.interrupted;
    d["metric_scrapes"] = run.metric_scrapes;
    d["metric_stride"] = run.metric_stride;
    d["traced"] = run.traced;
    d["event_log_dropped"] = run.event_log.dropped();
    return d;
}

} // namespace

void bind_run_record(py::module_& m) {
    py::class_<RunRecord, std::shared_ptr<RunRecord>>(
        m, "RunRecord",
        "The finished replications of one run (internal: tpssim.Result wraps it). Arrays it "
        "hands out are read-only views of its columns and keep it alive.")
        .def_property_readonly("replications", [](const RunRecord& r) { return r.runs.size(); })
        .def_readonly("summary_json", &RunRecord::summary_json)
        .def_readonly("start", &RunRecord::start_iso)
        .def_readonly("interrupted", &RunRecord::interrupted)
        .def("attributes", &run_attributes, py::arg("replication"))
        .def(
            "metric_times",
            [](const py::object& self, std::size_t index) {
                return view(replication(self.cast<const RunRecord&>(), index).metric_times_seconds,
                            self);
            },
            py::arg("replication"))
        .def("metric_columns", &metric_columns, py::arg("replication"))
        .def("span_columns", &span_columns, py::arg("replication"))
        .def("trace_columns", &trace_columns, py::arg("replication"))
        .def("alert_rows", &alert_rows, py::arg("replication"))
        .def("breaker_rows", &breaker_rows, py::arg("replication"))
        .def("expectation_rows", &expectation_rows, py::arg("replication"))
        .def(
            "events_jsonl",
            [](const RunRecord& r, std::size_t index) {
                const auto& run = replication(r, index);
                return event_log_jsonl(run.event_log, std::nullopt);
            },
            py::arg("replication"));
}

} // namespace tpssim::python

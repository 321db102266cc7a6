#include "bindings/analytic.hpp"

#include "models/analytic/mva.hpp"
#include "models/analytic/queueing_theory.hpp"

#include <pybind11/stl.h>

#include <cmath>
#include <stdexcept>

namespace py = pybind11;

namespace tpssim::python {

namespace {

using namespace models::analytic;

py::dict to_dict(const QueueMetrics& q) {
    py::dict d;
    d["rho"] = q.rho;
    d["p_wait"] = q.p_wait;
    d["p_block"] = q.p_block;
    d["lambda_eff"] = q.lambda_eff;
    d["wq"] = q.wq;
    d["w"] = q.w;
    d["lq"] = q.lq;
    d["l"] = q.l;
    return d;
}

// The C++ throws std::invalid_argument on parameters out of range: Python's ValueError.
template <class F>
auto checked(F f) {
    try {
        return f();
    } catch (const std::invalid_argument& e) {
        throw py::value_error(e.what());
    }
}

std::uint32_t count(long long value, const char* name) {
    if (value < 1 || value > 0xffffffffLL)
        throw py::value_error(std::string(name) + ": expected an integer >= 1, got " +
                              std::to_string(value));
    return static_cast<std::uint32_t>(value);
}

} // namespace

void bind_analytic(py::module_& m) {
    auto a = m.def_submodule("analytic", "Closed forms of classic queues (models/analytic).");
    a.def(
        "erlang_b",
        [](long long c, double load) {
            return checked([&] { return erlang_b(count(c, "c"), load); });
        },
        py::arg("c"), py::arg("load"));
    a.def(
        "erlang_c",
        [](long long c, double load) {
            return checked([&] { return erlang_c(count(c, "c"), load); });
        },
        py::arg("c"), py::arg("load"));
    a.def(
        "mmc",
        [](double arrival_rate, double mean_service, long long c) {
            return checked([&] { return to_dict(mmc(arrival_rate, mean_service, count(c, "c"))); });
        },
        py::arg("arrival_rate"), py::arg("mean_service"), py::arg("c"));
    a.def(
        "mmck",
        [](double arrival_rate, double mean_service, long long c, long long k) {
            return checked([&] {
                return to_dict(mmck(arrival_rate, mean_service, count(c, "c"),
                                    static_cast<std::uint64_t>(count(k, "k"))));
            });
        },
        py::arg("arrival_rate"), py::arg("mean_service"), py::arg("c"), py::arg("k"));
    a.def(
        "mmck_state_probabilities",
        [](double arrival_rate, double mean_service, long long c, long long k) {
            return checked([&] {
                return mmck_state_probabilities(arrival_rate, mean_service, count(c, "c"),
                                                static_cast<std::uint64_t>(count(k, "k")));
            });
        },
        py::arg("arrival_rate"), py::arg("mean_service"), py::arg("c"), py::arg("k"));
    a.def(
        "mg1",
        [](double arrival_rate, double mean_service, double cv) {
            return checked([&] { return to_dict(mg1(arrival_rate, mean_service, cv)); });
        },
        py::arg("arrival_rate"), py::arg("mean_service"), py::arg("cv"));
    a.def(
        "littles_law_w",
        [](double l, double arrival_rate) {
            return checked([&] { return littles_law_w(l, arrival_rate); });
        },
        py::arg("l"), py::arg("arrival_rate"));
    a.def(
        "mva",
        [](long long users, double think_time,
           const std::vector<std::pair<double, long long>>& stations) {
            std::vector<ClosedStation> st;
            for (const auto& [demand, servers] : stations)
                st.push_back({demand, count(servers, "servers")});
            return checked([&] {
                const auto r = mva(count(users, "users"), think_time, st);
                py::dict d;
                d["throughput"] = r.throughput;
                d["response_time"] = r.response_time;
                d["residence"] = r.residence;
                d["in_station"] = r.in_station;
                d["utilization"] = r.utilization;
                return d;
            });
        },
        py::arg("users"), py::arg("think_time"), py::arg("stations"));
}

} // namespace tpssim::python

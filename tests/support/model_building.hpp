#pragma once
// ModelParams built by hand, for the tests of the model's operations and capacity
// (tests/models/test_model_operations.cpp, test_model_capacity.cpp): simulated times in
// seconds, a service with its workers and work, and a one-service model fed by load.

#include "models/model.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace test_support {

/// `seconds` of simulated time.
inline tpssim::sim::SimTime s(double seconds) {
    return tpssim::sim::SimTime::from_ns(static_cast<tpssim::sim::SimTime::Rep>(seconds * 1e9));
}

/// A service `name` of `workers` workers, each request taking `work`.
inline tpssim::models::ServiceParams service(std::string name, std::uint32_t workers,
                                             tpssim::sim::Distribution work) {
    tpssim::models::ServiceParams p;
    p.name = std::move(name);
    p.workers = workers;
    p.service_time = work;
    return p;
}

/// One service `api` fed by `arrivals` load at `rate` a second, for `seconds`.
inline tpssim::models::ModelParams
one_service(double rate, std::uint32_t workers, tpssim::sim::Distribution work, double seconds,
            tpssim::models::ArrivalProcess arrivals = tpssim::models::ArrivalProcess::Poisson) {
    tpssim::models::ModelParams p;
    p.duration = s(seconds);
    p.services.push_back(service("api", workers, work));
    p.load.push_back({"users", 0, arrivals, rate});
    p.operations.services.resize(1);
    return p;
}

} // namespace test_support

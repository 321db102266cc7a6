#pragma once
// Reading a finished run in the tests of scenario files (labs, exams): its services, metric
// columns and event log by name, the extremes of a column over a window, and the check that
// every `expect:` of the file passed. Shared so that each scenario test states only what its
// scenario must show.

#include "apps/tpssim/observation_text.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace run_inspection {

/// The scenario run once with its own seed.
inline tpssim::models::RunResult run(const tpssim::scenarios::Scenario& sc) {
    tpssim::models::RunOptions o;
    o.seed = sc.seed;
    return tpssim::models::run_model(sc.model, o);
}

inline const tpssim::models::ServiceResult& service(const tpssim::models::RunResult& r,
                                                    const std::string& name) {
    for (const auto& s : r.services)
        if (s.name == name) return s;
    FAIL("no service " << name);
    return r.services.front();
}

inline const std::vector<double>& column(const tpssim::models::RunResult& r,
                                         const std::string& name, const std::string& subject) {
    for (const auto& c : r.metrics)
        if (c.name == name && c.subject == subject) return c.values;
    FAIL("no column " << name << " " << subject);
    return r.metrics.front().values;
}

/// The largest value of a column at the scrapes in [from, to] seconds.
inline double max_in(const tpssim::models::RunResult& r, const std::vector<double>& values,
                     double from, double to) {
    double m = -INFINITY;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (r.metric_times_seconds[i] >= from && r.metric_times_seconds[i] <= to)
            m = std::max(m, values[i]);
    return m;
}

/// The smallest value of a column at the scrapes in [from, to] seconds.
inline double min_in(const tpssim::models::RunResult& r, const std::vector<double>& values,
                     double from, double to) {
    double m = INFINITY;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (r.metric_times_seconds[i] >= from && r.metric_times_seconds[i] <= to)
            m = std::min(m, values[i]);
    return m;
}

/// A numeric field of a logged event.
inline double number(const tpssim::models::EventLog::Event& e, const std::string& key) {
    const auto v = e.find(key);
    if (!v) FAIL("no field " << key);
    return std::get<double>(*v);
}

/// A text field of a logged event.
inline std::string text(const tpssim::models::EventLog::Event& e, const std::string& key) {
    const auto v = e.find(key);
    if (!v) FAIL("no field " << key);
    return std::string(std::get<std::string_view>(*v));
}

/// Every `expect:` of the file was evaluated and passed.
inline void check_all_passed(const tpssim::scenarios::Scenario& sc,
                             const tpssim::models::RunResult& r) {
    REQUIRE(r.expectations.size() == sc.model.operations.expectations.size());
    REQUIRE(!r.expectations.empty());
    for (const auto& e : r.expectations) {
        CAPTURE(e.text);
        const std::string observed = tpssim::observation_text(e, r);
        CAPTURE(observed);
        CHECK(e.passed);
    }
}

/// The texts of the `expect:` checks that failed, in the file's order.
inline std::vector<std::string> failed_check_texts(const tpssim::models::RunResult& r) {
    std::vector<std::string> failed;
    for (const auto& e : r.expectations)
        if (!e.passed) failed.push_back(e.text);
    return failed;
}

/// Whether the check written `text` was evaluated and failed.
inline bool check_failed(const tpssim::models::RunResult& r, const std::string& text) {
    for (const auto& e : r.expectations)
        if (e.text == text) return !e.passed;
    FAIL("no check " << text);
    return false;
}

} // namespace run_inspection

// The Level 3 practical exam, the holiday weekend: scenarios/exams/level3-holiday-weekend.yaml.
// Friday 14:00 at twice the normal load, the five failures of the grading key
// (level3-holiday-weekend.key.yaml) an hour apart from 15:00, and the instructor's playbook
// (level3-holiday-weekend.reference.playbook.yaml: alert-triggered actions), merged as
// `tpssim exam` merges them.
//
// What is checked, on the first 6.5 simulated hours (14:00 to 20:30, all five failures and
// their fixes; tests/labs/test_exam_grading.cpp grades the whole weekend):
//
// - with the playbook, the SLO holds: the worker's p99 (publish to done, as users see it) is
//   within 100 ms at nearly every 15 s scrape and over the run, and nothing is lost;
// - without it (the same model, `actions` and `expect` cleared), the SLO is violated;
// - each failure is detected by its own alert, and for most of them (4 of 5: all but the
//   downstream slowdown, which users and the alert see at the same scrape) that alert fires
//   before the first scrape at which users see the SLO violated, or users never see it.
//
// The detection and violation times are printed (MESSAGE) and are the figures quoted in the
// file's description. The runs are deterministic (the file's seed).

#include "apps/tpssim/exam_command.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace tpssim;

namespace {

const std::string kExam = TPSSIM_SOURCE_DIR "/scenarios/exams/level3-holiday-weekend.yaml";
const std::string kReference =
    TPSSIM_SOURCE_DIR "/scenarios/exams/level3-holiday-weekend.reference.playbook.yaml";

constexpr double kSloP99Seconds = 0.100;
constexpr double kHorizonSeconds = 6.5 * 3600.0; // 14:00 -> 20:30
constexpr double kNever = std::numeric_limits<double>::infinity();

// Each failure (a fault of the file's chaos, by name) and the alert that should detect it.
struct Failure {
    const char* fault;
    const char* alert;
};
constexpr Failure kFailures[] = {
    {"incident-1", "DownstreamSlow"},     // service-c slow
    {"incident-2", "WorkerReplicasLost"}, // a node crash
    {"incident-3", "DbSlow"},             // a slow query
    {"incident-4", "WorkerMemoryHigh"},   // a memory leak
    {"incident-5", "LinkSaturated"},      // the link saturated
};

models::RunResult run(const models::ModelParams& p, std::uint64_t seed) {
    models::RunOptions o;
    o.seed = seed;
    o.until = sim::SimTime::from_s(static_cast<std::int64_t>(kHorizonSeconds));
    return models::run_model(p, o);
}

const std::vector<double>& column(const models::RunResult& r, const std::string& name,
                                  const std::string& subject) {
    for (const auto& c : r.metrics)
        if (c.name == name && c.subject == subject) return c.values;
    FAIL("no metric " << name << " about " << subject);
    return r.metrics.front().values;
}

const models::ServiceResult& service(const models::RunResult& r, const std::string& name) {
    for (const auto& s : r.services)
        if (s.name == name) return s;
    FAIL("no service " << name);
    return r.services.front();
}

double fault_start(const models::ModelParams& p, const std::string& name) {
    for (const auto& f : p.operations.faults)
        if (f.name == name) return f.start.seconds();
    FAIL("no fault " << name);
    return 0.0;
}

// The first firing of `alert` at or after `from` (infinity: none).
double first_firing(const models::RunResult& r, const std::string& alert, double from) {
    for (const auto& a : r.alerts)
        if (a.name == alert) {
            for (const auto& f : a.firings)
                if (f.fired_seconds >= from) return f.fired_seconds;
            return kNever;
        }
    FAIL("no alert " << alert);
    return kNever;
}

// The first scrape in [from, to) at which users see the SLO violated: the worker's p99 over
// the scrape interval above 100 ms (infinity: none).
double first_violation(const models::RunResult& r, double from, double to) {
    const auto& p99 = column(r, "tps_latency_p99_seconds", "worker");
    for (std::size_t k = 0; k < p99.size(); ++k) {
        const double t = r.metric_times_seconds[k];
        if (t >= from && t < to && std::isfinite(p99[k]) && p99[k] > kSloP99Seconds) return t;
    }
    return kNever;
}

// Scrapes (with a p99) at which the SLO is violated, as a share of those scrapes.
double violated_share(const models::RunResult& r) {
    const auto& p99 = column(r, "tps_latency_p99_seconds", "worker");
    std::size_t n = 0, bad = 0;
    for (double v : p99)
        if (std::isfinite(v)) {
            ++n;
            if (v > kSloP99Seconds) ++bad;
        }
    return n == 0 ? 0.0 : static_cast<double>(bad) / static_cast<double>(n);
}

std::string clock(double seconds_after_start) {
    if (!std::isfinite(seconds_after_start)) return "never";
    const auto s = static_cast<std::int64_t>(seconds_after_start) + 14 * 3600; // start 14:00
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>((s / 3600) % 24),
                  static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
    return buf;
}

struct Timeline {
    std::vector<double> detected, violated;
};

Timeline timeline(const models::ModelParams& p, const models::RunResult& r) {
    Timeline t;
    constexpr std::size_t n = std::size(kFailures);
    for (std::size_t k = 0; k < n; ++k) {
        const double from = fault_start(p, kFailures[k].fault);
        const double to = k + 1 < n ? fault_start(p, kFailures[k + 1].fault) : kHorizonSeconds;
        t.detected.push_back(first_firing(r, kFailures[k].alert, from));
        t.violated.push_back(first_violation(r, from, to));
    }
    return t;
}

std::string describe(const models::RunResult& r, const Timeline& t) {
    std::ostringstream out;
    for (std::size_t k = 0; k < std::size(kFailures); ++k)
        out << "\n  " << kFailures[k].fault << ": " << kFailures[k].alert << " fired "
            << clock(t.detected[k]) << ", SLO first violated " << clock(t.violated[k]);
    const auto& w = service(r, "worker");
    out << "\n  worker p99 over the run " << w.latency_seconds.p99 << " s; scrapes over the SLO "
        << 100.0 * violated_share(r) << "%; dead-lettered " << service(r, "jobs").dead_lettered
        << "; jobs rejected " << service(r, "jobs").rejected << "; worker failed " << w.failed;
    // The spans of consecutive violating scrapes.
    const auto& p99 = column(r, "tps_latency_p99_seconds", "worker");
    const auto bad = [&](std::size_t k) {
        return std::isfinite(p99[k]) && p99[k] > kSloP99Seconds;
    };
    out << "\n  SLO violated at:";
    for (std::size_t k = 0; k < p99.size(); ++k) {
        if (!bad(k)) continue;
        std::size_t e = k;
        while (e + 1 < p99.size() && bad(e + 1))
            ++e;
        out << " " << clock(r.metric_times_seconds[k]) << "-" << clock(r.metric_times_seconds[e]);
        k = e;
    }
    return out.str();
}

} // namespace

TEST_CASE("exam level 3: the holiday weekend holds its SLO with the playbook, not without") {
    const auto sc = load_exam(kExam, kReference).scenario;
    const auto fixed = run(sc.model, sc.seed);
    const Timeline tf = timeline(sc.model, fixed);

    auto bare = sc.model;
    bare.operations.actions.clear();
    bare.operations.expectations.clear();
    const auto unfixed = run(bare, sc.seed);
    const Timeline tu = timeline(bare, unfixed);

    MESSAGE("with the playbook:" << describe(fixed, tf));
    MESSAGE("without it:" << describe(unfixed, tu));

    // Every failure is detected by its own alert, in both runs (the alerts do not depend on
    // the actions).
    for (std::size_t k = 0; k < std::size(kFailures); ++k) {
        CHECK(std::isfinite(tf.detected[k]));
        CHECK(std::isfinite(tu.detected[k]));
    }
    // Detection comes before users see the SLO violated (or they never do), for most
    // failures.
    int first = 0;
    for (std::size_t k = 0; k < std::size(kFailures); ++k)
        if (tf.detected[k] < tf.violated[k]) ++first;
    CHECK(first >= 4);

    // With the playbook the SLO holds; without it, it does not.
    const auto& wf = service(fixed, "worker");
    const auto& wu = service(unfixed, "worker");
    CHECK(wf.latency_seconds.p99 < kSloP99Seconds);
    CHECK(violated_share(fixed) < 0.02);
    CHECK(wu.latency_seconds.p99 > kSloP99Seconds);
    CHECK(violated_share(unfixed) > 2 * violated_share(fixed));
}

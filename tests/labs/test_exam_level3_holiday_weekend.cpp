// The Level 3 practical exam, the holiday weekend: scenarios/exams/level3-holiday-weekend.yaml.
// Friday 14:00 at twice the normal load (200 requests/s, 260/s at the 21:00 peak; the worker's
// 8 replicas on 4 full nodes), the five failures of the grading key
// (level3-holiday-weekend.key.yaml) an hour apart from 15:00, and the instructor's playbook
// (level3-holiday-weekend.reference.playbook.yaml: alert-triggered actions), merged as
// `tpssim exam` merges them.
//
// What is checked, on the first 6.5 simulated hours (14:00 to 20:30, all five failures and
// their fixes; tests/labs/test_exam_grading.cpp grades the whole weekend), with users' view
// of the SLO taken from the key's own alerts (the worker's p99 over 100 ms for a minute, or
// over 1% of requests refused at a scrape), each failure's window running from its start to
// the next failure's:
//
// - without the playbook (the same model, `actions` and `expect` cleared), the SLO is broken
//   in every window and still broken 15 minutes into it: no failure goes away by itself;
// - with it, each failure is detected by its own alert at or before the scrape at which users
//   first see the SLO violated (or they never do), the SLO holds from 15 minutes after each
//   failure started to the end of its window, and nothing is lost (no dead letter, no replica
//   killed by the leak).
//
// The detection and violation times are printed (MESSAGE) and are the figures quoted in the
// worked example's description. The runs are deterministic (the file's seed).

#include "apps/tpssim/exam_command.hpp"
#include "models/model.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <algorithm>
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

constexpr double kHorizonSeconds = 6.5 * 3600.0;  // 14:00 -> 20:30
constexpr double kRecoverWithinSeconds = 15 * 60; // the key's recover_within
constexpr double kNever = std::numeric_limits<double>::infinity();

// Each failure (a fault of the key's chaos, by name) and the alert that should detect it.
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

// The first firing of `alert` in [from, to) (infinity: none).
double first_firing(const models::RunResult& r, const std::string& alert, double from, double to) {
    for (const auto& a : r.alerts)
        if (a.name == alert) {
            for (const auto& f : a.firings)
                if (f.fired_seconds >= from && f.fired_seconds < to) return f.fired_seconds;
            return kNever;
        }
    FAIL("no alert " << alert);
    return kNever;
}

// Users' view: the spans during which one of the key's SLO alerts fired.
struct Span {
    double from, to;
};
std::vector<Span> violations(const models::RunResult& r, const std::vector<std::string>& slo) {
    std::vector<Span> out;
    for (const auto& a : r.alerts)
        if (std::find(slo.begin(), slo.end(), a.name) != slo.end())
            for (const auto& f : a.firings)
                out.push_back({f.fired_seconds,
                               std::isnan(f.resolved_seconds) ? kNever : f.resolved_seconds});
    std::sort(out.begin(), out.end(), [](const Span& a, const Span& b) { return a.from < b.from; });
    return out;
}

// What users saw in one failure's window [from, to).
struct Window {
    double from = 0, to = 0;
    double detected = kNever;        // the failure's own alert
    double first_violation = kNever; // users first see the SLO violated
    double last_violation_end = -1;  // ... and the last violation ends (kNever: still going on)
};

std::vector<Window> windows(const models::ModelParams& p, const models::RunResult& r,
                            const std::vector<std::string>& slo) {
    const auto spans = violations(r, slo);
    std::vector<Window> out;
    constexpr std::size_t n = std::size(kFailures);
    for (std::size_t k = 0; k < n; ++k) {
        Window w;
        w.from = fault_start(p, kFailures[k].fault);
        w.to = k + 1 < n ? fault_start(p, kFailures[k + 1].fault) : kHorizonSeconds;
        w.detected = first_firing(r, kFailures[k].alert, w.from, w.to);
        for (const auto& s : spans) {
            if (s.from >= w.to || s.to <= w.from) continue;
            w.first_violation = std::min(w.first_violation, std::max(s.from, w.from));
            w.last_violation_end = std::max(w.last_violation_end, s.to);
        }
        out.push_back(w);
    }
    return out;
}

std::string clock(double seconds_after_start) {
    if (!std::isfinite(seconds_after_start)) return "never";
    if (seconds_after_start < 0) return "-";
    const auto s = static_cast<std::int64_t>(seconds_after_start) + 14 * 3600; // start 14:00
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>((s / 3600) % 24),
                  static_cast<long long>((s / 60) % 60), static_cast<long long>(s % 60));
    return buf;
}

std::string describe(const models::RunResult& r, const std::vector<Window>& ws) {
    std::ostringstream out;
    for (std::size_t k = 0; k < ws.size(); ++k)
        out << "\n  " << kFailures[k].fault << ": " << kFailures[k].alert << " fired "
            << clock(ws[k].detected) << ", users first see the SLO violated "
            << clock(ws[k].first_violation) << ", the last violation ends "
            << clock(ws[k].last_violation_end);
    const auto& w = service(r, "worker");
    out << "\n  worker p99 over the run " << w.latency_seconds.p99 << " s; dead-lettered "
        << service(r, "jobs").dead_lettered << "; jobs rejected " << service(r, "jobs").rejected
        << "; worker OOM kills " << w.oom_kills;
    return out.str();
}

} // namespace

TEST_CASE("exam level 3: the holiday weekend holds its SLO with the playbook, not without") {
    const auto exam = load_exam(kExam, kReference);
    const auto& sc = exam.scenario;
    const auto& slo = exam.key.slo_alerts;
    REQUIRE(slo.size() == 2);
    const auto fixed = run(sc.model, sc.seed);
    const auto wf = windows(sc.model, fixed, slo);

    auto bare = sc.model;
    bare.operations.actions.clear();
    bare.operations.expectations.clear();
    const auto unfixed = run(bare, sc.seed);
    const auto wu = windows(bare, unfixed, slo);

    MESSAGE("with the playbook:" << describe(fixed, wf));
    MESSAGE("without it:" << describe(unfixed, wu));

    for (std::size_t k = 0; k < std::size(kFailures); ++k) {
        CAPTURE(kFailures[k].fault);
        // Left alone, each failure breaks the SLO, and it is still broken 15 min later.
        CHECK(std::isfinite(wu[k].first_violation));
        CHECK(wu[k].last_violation_end > wu[k].from + kRecoverWithinSeconds);
        // With the playbook: detected by its own alert, before users see it (or they never
        // do), and fixed: no violation from 15 min after the failure to the window's end.
        CHECK(wf[k].detected <= wf[k].first_violation);
        CHECK(std::isfinite(wf[k].detected));
        CHECK(wf[k].last_violation_end <= wf[k].from + kRecoverWithinSeconds);
    }
    CHECK(service(fixed, "jobs").dead_lettered == 0);
    CHECK(service(fixed, "worker").oom_kills == 0);
    // Without the playbook the leak kills the replicas (at its 1 GiB limit, ~42 min in).
    CHECK(service(unfixed, "worker").oom_kills > 0);
}

#pragma once
/// What every headline benchmark shares: wall-clock timing, peak RSS, and the provenance
/// record (git revision, compiler, flags) printed with the figures as one JSON line.

#include "bench_revision.hpp" // generated at build time: TPSSIM_BENCH_GIT_REVISION

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/resource.h>

namespace bench {

/// Seconds on a monotonic clock.
inline double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The process's peak resident set size so far, in MiB (Linux reports ru_maxrss in KiB). A
/// high-water mark: it never goes down, so a phase that needs less than an earlier one does
/// not show.
inline double peak_rss_mib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

/// Where and how this binary was built.
inline nlohmann::json provenance() {
    return {
        {"git_revision", TPSSIM_BENCH_GIT_REVISION},
        {"compiler", TPSSIM_BENCH_COMPILER " " __VERSION__},
        {"flags", TPSSIM_BENCH_FLAGS},
        {"build_type", TPSSIM_BENCH_BUILD_TYPE},
    };
}

/// Prints `record` (with the provenance merged in under "build") as one JSON line, prefixed so
/// a script can pick it out of the human-readable lines: `grep '^JSON ' | cut -c6-`.
inline void print_json(nlohmann::json record) {
    record["build"] = provenance();
    std::printf("JSON %s\n", record.dump().c_str());
    std::fflush(stdout);
}

/// Keeps the optimiser from deleting a computation whose result is otherwise unused.
template <class T>
inline void keep(const T& value) {
    asm volatile("" : : "r,m"(value) : "memory");
}

} // namespace bench

#pragma once
// Running a shell command from the tests, and the built `tpssim` as a user runs it: its exit
// code and everything it wrote on stdout.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace test_support {

struct CommandResult {
    int exit_code = -1; ///< -1 when the command did not exit normally
    std::string out;    ///< stdout
};

/// Runs `command` with /bin/sh and waits for it.
inline CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* p = popen(command.c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    const int status = pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

#if defined(TPSSIM_BINARY) && defined(TPSSIM_SOURCE_DIR)
/// The shell command that runs the built `tpssim` with `arguments` (shell words, quoted by the
/// caller; redirections allowed) from the repository root, so that the repository's relative
/// scenario paths work as in the docs. `environment` (`NAME=VALUE ...`) is set for it alone.
inline std::string tpssim_command(const std::string& arguments,
                                  const std::string& environment = "") {
    return std::string("cd '") + TPSSIM_SOURCE_DIR + "' && " + environment +
           (environment.empty() ? "'" : " '") + TPSSIM_BINARY + "' " + arguments;
}

/// Runs `tpssim arguments` from the repository root; stderr joins stdout.
inline CommandResult run_tpssim(const std::string& arguments) {
    return run_command(tpssim_command(arguments) + " 2>&1");
}
#endif

} // namespace test_support

// The command line as every command reads it: `--flag VALUE` and `--flag=VALUE`, positional
// arguments, and the messages for a missing value, a file name that is none, a value given to a
// flag that takes none, and a number out of range.
#include "apps/tpssim/command_flags.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace tpssim;

namespace {

// The one message a bad flag gives, "FLAG: MESSAGE".
template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const scenarios::ScenarioError& e) {
        REQUIRE(e.diagnostics().size() == 1);
        return e.diagnostics()[0].key_path + ": " + e.diagnostics()[0].message;
    }
    return "no error";
}

} // namespace

TEST_CASE("FlagReader: values after a space or an equals sign, positional arguments as given") {
    const std::vector<std::string> args = {"file.yaml", "--out",   "a.h5",   "--csv=b.csv",
                                           "-q",        "--graph", "--x=1=2"};
    FlagReader flags(args);
    REQUIRE(flags.next());
    CHECK(flags.flag() == "file.yaml");
    REQUIRE(flags.next());
    CHECK(flags.flag() == "--out");
    CHECK(flags.file_value() == "a.h5");
    REQUIRE(flags.next());
    CHECK(flags.flag() == "--csv");
    CHECK(flags.inline_value() == "b.csv");
    CHECK(flags.value() == "b.csv");
    REQUIRE(flags.next());
    CHECK(flags.flag() == "-q");
    CHECK_NOTHROW(flags.no_value());
    REQUIRE(flags.next());
    CHECK(flags.flag() == "--graph");
    CHECK(!flags.inline_value());
    REQUIRE(flags.next());
    CHECK(flags.flag() == "--x"); // split at the first '='
    CHECK(flags.value() == "1=2");
    CHECK(!flags.next());
    CHECK(!flags.next());
}

TEST_CASE("FlagReader and parse_integer_in_range: bad input names the flag and what was found") {
    const std::vector<std::string> missing = {"--out"};
    CHECK(message_of([&] {
              FlagReader f(missing);
              f.next();
              f.value();
          }) == "--out: expected a value after it, got nothing");
    const std::vector<std::string> dash = {"--csv", "-"};
    CHECK(message_of([&] {
              FlagReader f(dash);
              f.next();
              f.file_value();
          }) == "--csv: expected a file name, got \"-\"");
    const std::vector<std::string> given = {"--quiet=yes"};
    CHECK(message_of([&] {
              FlagReader f(given);
              f.next();
              f.no_value();
          }) == "--quiet: takes no value");
    CHECK(parse_integer_in_range<unsigned>("--threads", "16", 1, 1024) == 16);
    for (const char* bad : {"0", "1025", "-1", "2x", "", " 3"})
        CHECK(message_of([&] { parse_integer_in_range<unsigned>("--threads", bad, 1, 1024); }) ==
              std::string("--threads: expected an integer from 1 to 1024, got \"") + bad + "\"");
}

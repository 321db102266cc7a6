#pragma once
/// What every `tpssim` command shares in reading its command line: a bad flag reported like a
/// scenario diagnostic (exit 2), whole numbers in a range, and a reader that walks the
/// arguments, taking a flag's value as `--flag VALUE` or `--flag=VALUE`, so that every command
/// spells its flags and its messages the same way.
#include "scenarios/diagnostic.hpp"

#include <charconv>
#include <cstddef>
#include <fmt/format.h>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace tpssim {

/// Bad command-line input: thrown as a ScenarioError on `<command line>`, so exit code 2.
[[noreturn]] void bad_flag(const std::string& flag, const std::string& message);

/// `text` as a whole number from `min` to `max`, else bad input naming `flag` and the range.
template <class T>
T parse_integer_in_range(const std::string& flag, const std::string& text, T min, T max) {
    T v{};
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || p != end || v < min || v > max)
        bad_flag(flag,
                 fmt::format("expected an integer from {} to {}, got \"{}\"", min, max, text));
    return v;
}

/// Walks a command's arguments one at a time. `--flag=VALUE` is split into the flag and its
/// value; `value()` takes that value or else the next argument.
class FlagReader {
public:
    explicit FlagReader(std::span<const std::string> args) : args_(args) {}

    /// Moves to the next argument; false after the last.
    bool next();
    /// The argument (a flag without its `=VALUE`, or a positional argument as given).
    const std::string& flag() const { return flag_; }
    /// The flag's value: after `=`, else the next argument; bad input when there is none.
    std::string value();
    /// A value that names a file to write: not empty and not `-`.
    std::string file_value();
    /// For a flag that takes no value: bad input when one was given with `=`.
    void no_value() const;
    /// The value given with `=`, if any: for a flag whose value is optional (`--graph[=dot]`).
    const std::optional<std::string>& inline_value() const { return inline_value_; }

private:
    std::span<const std::string> args_;
    std::size_t next_ = 0;
    std::string flag_;
    std::optional<std::string> inline_value_;
};

} // namespace tpssim

#pragma once
/// Small text helpers shared by the scenario layer's messages (internal to scenarios/).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tpssim::scenarios::text {

/// `text` in double quotes with escapes, shortened with "..." past 60 characters, for the
/// "got ..." part of a message.
std::string quote(std::string_view text);

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions each cost 1, so "wokers" and "wokrers" are both 1 from "workers".
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo (case is
/// ignored), else empty. Ties go to the earlier candidate.
std::string closest(std::string_view word, std::span<const std::string> candidates);

/// Where and why `text` stops being UTF-8 text: the offset of the first bad byte (a byte that
/// starts no valid UTF-8 character, an overlong form, a surrogate, a code point past U+10FFFF,
/// or a control character YAML forbids: all but tab, newline and carriage return) and the
/// reason, e.g. "invalid byte 0xff", "control character 0x01". Nothing when it is text.
struct NotText {
    std::size_t offset = 0;
    std::string reason;
};
std::optional<NotText> first_non_text(std::string_view text);

/// `text` without the blanks (spaces, tabs) at either end.
std::string_view trim(std::string_view text);

/// "a, b, c".
std::string join(std::span<const std::string> items, std::string_view separator = ", ");

} // namespace tpssim::scenarios::text
#pragma once
/// Small text helpers shared by the scenario layer's messages (internal to scenarios/).

#include <span>
#include <string>
#include <string_view>

namespace scenarios::text {

/// `text` in double quotes with escapes, shortened with "..." past 60 characters, for the
/// "got ..." part of a message.
std::string quote(std::string_view text);

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions each cost 1, so "wokers" and "wokrers" are both 1 from "workers".
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo (case is
/// ignored), else empty. Ties go to the earlier candidate.
std::string closest(std::string_view word, std::span<const std::string> candidates);

/// "a, b, c".
std::string join(std::span<const std::string> items, std::string_view separator = ", ");

} // namespace scenarios::text

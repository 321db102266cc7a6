#include "scenarios/text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fmt/format.h>
#include <vector>

namespace tpssim::scenarios::text {

std::string quote(std::string_view text) {
    constexpr std::size_t kMax = 60;
    if (text.size() <= kMax) return fmt::format("{:?}", text);
    // Cut on a UTF-8 character boundary so the escape of a split character is not shown.
    std::size_t cut = kMax - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return fmt::format("{:?}", std::string(text.substr(0, cut)) + "...");
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rolling rows of the classic dynamic programme: names are short, so this is cheap.
    std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
} // namespace

std::string closest(std::string_view word, std::span<const std::string> candidates) {
    const std::string w = lower(word);
    std::string best;
    std::size_t best_distance = 0;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(w, lower(c));
        // Allow about one typo per four letters (at least one, at most three): close enough to
        // catch "wokers" and "servces", far enough that "foo" suggests nothing.
        const std::size_t allowed = std::clamp<std::size_t>(c.size() / 4, 1, 3);
        if (d <= allowed && (best.empty() || d < best_distance)) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

std::string join(std::span<const std::string> items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::optional<NotText> first_non_text(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                return NotText{i, fmt::format("control character 0x{:02x}", c)};
            ++i;
            continue;
        }
        // A multi-byte character: a lead byte, then 1-3 continuation bytes; no overlong forms,
        // surrogates or code points past U+10FFFF. A bad one is reported at its lead byte.
        const auto invalid = [&] { return NotText{i, fmt::format("invalid byte 0x{:02x}", c)}; };
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            cp = c & 0x07u;
        } else {
            return invalid();
        }
        if (i + length > text.size()) return invalid();
        for (std::size_t k = 1; k < length; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return invalid();
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
        if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return invalid();
        i += length;
    }
    return std::nullopt;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

} // namespace tpssim::scenarios::text
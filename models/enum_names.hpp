#pragma once
/// The words the scenario format, the event log, the report and the summary JSON use for a
/// model enum's values: one `{value, name}` table per enum, defined right below the enum in the
/// header that owns it, so that adding an enumerator and its name is one edit in one place.
///
/// A table is found by argument-dependent lookup: for an enum `E` the owning header defines
///
///     inline constexpr std::array<EnumName<E>, N> kENames{{{E::A, "a"}, {E::B, "b"}}};
///     constexpr std::span<const EnumName<E>> enum_names(E) { return kENames; }
///
/// and `name_of(E::A)`, `parse_name<E>("a")` and `names_of<E>()` work on it. The order of a
/// table is the order messages list the names in ("expected one of a, b"). Each table must
/// name every enumerator once: `is_dense_table` checks at compile time that the values are
/// 0, 1, ... in order (so none is named twice), and tests/scenarios/test_enum_names.cpp checks,
/// with a switch the compiler warns about when an enumerator is missing, that none is left out.

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tpssim::models {

template <class E>
struct EnumName {
    E value;
    std::string_view name;
};

/// The table of `E` (found by ADL).
template <class E>
constexpr std::span<const EnumName<E>> enum_table() {
    return enum_names(E{});
}

/// True when entry i of `table` holds the value i and no name is empty or repeated.
template <class E, std::size_t N>
constexpr bool is_dense_table(const std::array<EnumName<E>, N>& table) {
    for (std::size_t i = 0; i < N; ++i) {
        if (static_cast<std::size_t>(static_cast<std::underlying_type_t<E>>(table[i].value)) != i)
            return false;
        if (table[i].name.empty()) return false;
        for (std::size_t j = 0; j < i; ++j)
            if (table[j].name == table[i].name) return false;
    }
    return true;
}

/// The name of `value`; "?" for a value outside the table (a cast of a bad integer).
template <class E>
constexpr std::string_view name_of(E value) {
    for (const auto& entry : enum_table<E>())
        if (entry.value == value) return entry.name;
    return "?";
}

/// The value named `name`, if any.
template <class E>
constexpr std::optional<E> parse_name(std::string_view name) {
    for (const auto& entry : enum_table<E>())
        if (entry.name == name) return entry.value;
    return std::nullopt;
}

/// Every name of `E`, in the table's order (for "expected one of ..." and did-you-mean).
template <class E>
std::vector<std::string> names_of() {
    std::vector<std::string> names;
    for (const auto& entry : enum_table<E>())
        names.emplace_back(entry.name);
    return names;
}

} // namespace tpssim::models
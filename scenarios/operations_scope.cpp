#include "scenarios/expression_reader.hpp"

#include "scenarios/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace tpssim::scenarios::detail {

// --- names ----------------------------------------------------------------------------------

namespace {

std::string unknown(std::string_view what, std::string_view name,
                    const std::vector<std::string>& names, std::string_view plural) {
    std::string message = fmt::format("unknown {} {}", what, text::quote(name));
    const std::string suggestion = text::closest(name, names);
    if (!suggestion.empty())
        message += fmt::format("; did you mean {}?", text::quote(suggestion));
    else if (!names.empty())
        message += fmt::format(" ({}: {})", plural, text::join(names));
    return message;
}

template <class T>
std::variant<std::uint32_t, std::string> index_in(const std::vector<T>& list,
                                                  std::string_view name) {
    const auto it = std::find(list.begin(), list.end(), name);
    if (it == list.end()) return std::string();
    return static_cast<std::uint32_t>(it - list.begin());
}

} // namespace

std::variant<std::uint32_t, std::string>
OperationsScope::find_service(std::string_view name) const {
    auto found = index_in(services, name);
    if (std::holds_alternative<std::string>(found))
        return unknown("service", name, services, "services");
    return found;
}

std::variant<std::uint32_t, std::string> OperationsScope::find_edge(std::string_view caller,
                                                                    std::string_view key) const {
    const auto s = find_service(caller);
    if (std::holds_alternative<std::string>(s)) return s;
    const std::string wanted = fmt::format("{}->{}", caller, key);
    auto found = index_in(edge_texts, wanted);
    if (!std::holds_alternative<std::string>(found)) return found;
    std::vector<std::string> own;
    for (std::size_t e = 0; e < edges.size(); ++e)
        if (edges[e].caller == std::get<std::uint32_t>(s)) own.push_back(edge_texts[e]);
    if (own.empty())
        return fmt::format("no call {}: {} makes no calls", text::quote(wanted),
                           text::quote(caller));
    std::string message = fmt::format("no call {}", text::quote(wanted));
    const std::string suggestion = text::closest(wanted, own);
    if (!suggestion.empty())
        message += fmt::format("; did you mean {}?", text::quote(suggestion));
    else
        message += fmt::format(" ({} calls: {})", caller, text::join(own));
    return message;
}

std::variant<std::uint32_t, std::string> OperationsScope::find_link(std::string_view from,
                                                                    std::string_view to) const {
    const std::string wanted = fmt::format("{}->{}", from, to);
    auto found = index_in(links, wanted);
    if (!std::holds_alternative<std::string>(found)) return found;
    if (links.empty())
        return fmt::format("no network link {}: none is defined (network: {{links: [{{between: "
                           "[{}, {}], bandwidth: 1Gbit/s, payload: 20KiB}}]}})",
                           text::quote(wanted), from, to);
    return unknown("network link", wanted, links, "links");
}

std::variant<std::uint32_t, std::string> OperationsScope::find_alert(std::string_view name) const {
    auto found = index_in(alerts, name);
    if (!std::holds_alternative<std::string>(found)) return found;
    if (alerts.empty())
        return fmt::format("unknown alert {}: no alerts are defined (alerts: [{{name: ..., "
                           "when: ...}}])",
                           text::quote(name));
    return unknown("alert", name, alerts, "alerts");
}

} // namespace tpssim::scenarios::detail

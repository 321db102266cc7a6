// The operations reader's `network`: links between a caller and its callee (see
// operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

std::optional<std::uint32_t> Reader::service_at(const Value& v) {
    const auto name = read_name(sink_, v);
    if (!name) return std::nullopt;
    if (!scope_.services_known) return std::nullopt;
    const auto s = scope_.find_service(*name);
    if (const auto* m = std::get_if<std::string>(&s)) {
        sink_.error(v.mark, v.path, *m);
        return std::nullopt;
    }
    return std::get<std::uint32_t>(s);
}

bool Reader::calls(std::uint32_t caller, std::uint32_t callee) const {
    for (const auto& step : c_.model.services[caller].steps)
        for (const auto& call : step.calls)
            if (call.target == callee) return true;
    return false;
}

bool Reader::read_network(const Value& v) {
    MapReader map(sink_, v,
                  "network settings, e.g. {links: [{between: [worker, db], bandwidth: "
                  "1Gbit/s, payload: 20KiB}]}",
                  kNetworkKeys);
    if (!map.ok()) return false;
    const auto links = map.get("links");
    if (!links) return true;
    const auto items = read_sequence(sink_, *links, "a list of links");
    if (!items) return false;
    bool ok = true;
    std::vector<YAML::Mark> marks;
    for (const auto& item : *items) {
        MapReader link(sink_, item,
                       "a link, e.g. {between: [worker, db], bandwidth: 1Gbit/s, payload: "
                       "20KiB}",
                       kLinkKeys);
        if (!link.ok()) {
            ok = false;
            continue;
        }
        models::LinkParams l;
        bool link_ok = true;
        const auto between = link.require("between", "the caller and the callee, e.g. "
                                                     "between: [worker, db]");
        std::optional<std::uint32_t> from, to;
        if (between) {
            if (!between->node.IsSequence() || between->node.size() != 2) {
                const std::string expected =
                    "two service names, the caller and the callee, e.g. [worker, db]";
                sink_.error(between->mark, between->path,
                            between->node.IsSequence()
                                ? fmt::format("expected {}, got {} name{}", expected,
                                              between->node.size(),
                                              between->node.size() == 1 ? "" : "s")
                                : expected_got(expected, between->node));
                link_ok = false;
            } else if (const auto names = read_sequence(sink_, *between, "")) {
                from = service_at((*names)[0]);
                to = service_at((*names)[1]);
                if (!from || !to) link_ok = false;
            }
        } else {
            link_ok = false;
        }
        if (const auto b = link.require("bandwidth", "a data rate, e.g. 1Gbit/s")) {
            if (const auto r = read_data_rate(sink_, *b, true))
                l.bandwidth_bytes_per_second = *r;
            else
                link_ok = false;
        } else {
            link_ok = false;
        }
        if (const auto p = link.require("payload", "the bytes each call sends, e.g. 20KiB")) {
            if (const auto s = read_size(sink_, *p, true))
                l.payload_bytes = *s;
            else
                link_ok = false;
        } else {
            link_ok = false;
        }
        if (from && to && scope_.edges_known && !calls(*from, *to)) {
            const std::string& a = scope_.services[*from];
            const std::string& b = scope_.services[*to];
            sink_.error(
                between->mark, between->path,
                fmt::format("{} does not call {}: a link carries the calls from its "
                            "first service to its second{}",
                            text::quote(a), text::quote(b),
                            calls(*to, *from)
                                ? fmt::format(" ({} calls {}: write between: [{}, {}])", b, a, b, a)
                                : std::string()));
            link_ok = false;
        }
        if (from && to) {
            const std::string name =
                models::call_label(scope_.services[*from], scope_.services[*to]);
            const auto first = std::find(scope_.links.begin(), scope_.links.end(), name);
            if (first != scope_.links.end()) {
                sink_.error(between->mark, between->path,
                            fmt::format("a second link {}; {}", text::quote(name),
                                        first_line(marks[first - scope_.links.begin()])));
                link_ok = false;
            } else if (link_ok) {
                l.from = *from;
                l.to = *to;
                scope_.links.push_back(name);
                marks.push_back(between->mark);
                out_.links.push_back(l);
            }
        }
        ok = link_ok && ok;
    }
    return ok;
}

} // namespace tpssim::scenarios::detail::ops
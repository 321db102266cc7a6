// The operations reader's section for `network`: links between a caller and its callee (see
// operations_sections.hpp).
#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail::ops {

std::optional<std::uint32_t> service_named(DiagnosticSink& sink, const OperationsScope& scope,
                                           const Value& v) {
    const auto name = read_name(sink, v);
    if (!name) return std::nullopt;
    if (!scope.services_known) return std::nullopt;
    const auto s = scope.find_service(*name);
    if (const auto* m = std::get_if<std::string>(&s)) {
        sink.error(v.mark, v.path, *m);
        return std::nullopt;
    }
    return std::get<std::uint32_t>(s);
}

std::optional<std::uint32_t> Reader::service_at(const Value& v) {
    return service_named(sink_, scope_, v);
}

bool Reader::calls(std::uint32_t caller, std::uint32_t callee) const {
    for (const auto& step : c_.model.services[caller].steps)
        for (const auto& call : step.calls)
            if (call.target == callee) return true;
    return false;
}

namespace {

bool read_between(DiagnosticSink& sink, const Value& between, LinkRead& r,
                  const ServiceLookup& service_at) {
    if (!between.node.IsSequence() || between.node.size() != 2) {
        const std::string expected =
            "two service names, the caller and the callee, e.g. [worker, db]";
        sink.error(between.mark, between.path,
                   between.node.IsSequence()
                       ? fmt::format("expected {}, got {} name{}", expected, between.node.size(),
                                     between.node.size() == 1 ? "" : "s")
                       : expected_got(expected, between.node));
        return false;
    }
    const auto names = read_sequence(sink, between, "");
    if (!names) return false;
    r.caller = service_at((*names)[0]);
    r.callee = service_at((*names)[1]);
    return r.caller && r.callee;
}

} // namespace

const KeyTable<LinkRead, ServiceLookup> kLink =
    KeyTable<LinkRead, ServiceLookup>(
        "a link, e.g. {between: [worker, db], bandwidth: 1Gbit/s, payload: 20KiB}")
        .custom_required("between", "the caller and the callee, e.g. between: [worker, db]",
                         read_between)
        .required("bandwidth", "a data rate, e.g. 1Gbit/s", &LinkRead::bandwidth_bytes_per_second,
                  data_rate(true))
        .required("payload", "the bytes each call sends, e.g. 20KiB", &LinkRead::payload_bytes,
                  size_bytes(true));

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
    const ServiceLookup lookup = [this](const Value& name) { return service_at(name); };
    for (const auto& item : *items) {
        MapReader link(sink_, item, kLink.what(), kLink.keys());
        if (!link.ok()) {
            ok = false;
            continue;
        }
        LinkRead l;
        bool link_ok = kLink.read_map(sink_, link, l, lookup);
        const auto between = link.get("between");
        const auto from = l.caller;
        const auto to = l.callee;
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
                out_.links.push_back(static_cast<const models::LinkParams&>(l));
            }
        }
        ok = link_ok && ok;
    }
    return ok;
}

} // namespace tpssim::scenarios::detail::ops
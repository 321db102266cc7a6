#include "scenarios/sweep_reader.hpp"

#include "scenarios/scenario.hpp"
#include "scenarios/units.hpp"
#include "scenarios/yaml_reader.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tpssim::scenarios {

namespace fs = std::filesystem;
using detail::DiagnosticSink;
using detail::MapReader;
using detail::Value;

std::string SweepRange::at(double fraction) const {
    const double v = from + (to - from) * fraction;
    if (integer) return fmt::format("{}{}", std::llround(v), unit);
    return fmt::format("{}{}", v, unit);
}

const std::vector<std::string>& sweep_figure_kinds() {
    static const std::vector<std::string> kinds = {"p50",
                                                   "p90",
                                                   "p99",
                                                   "mean_latency",
                                                   "throughput",
                                                   "error_rate",
                                                   "utilization",
                                                   "mean_queue_length",
                                                   "replica_seconds",
                                                   "scaling_events"};
    return kinds;
}

bool SweepConstraint::holds(double value) const {
    switch (op) {
    case Op::less:
        return value < low;
    case Op::less_equal:
        return value <= low;
    case Op::greater:
        return value > low;
    case Op::greater_equal:
        return value >= low;
    case Op::within:
        return value >= low && value <= high;
    }
    return false;
}

namespace {

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

// `p99(api)` -> a figure, or an error message.
std::variant<SweepFigure, std::string> parse_figure(std::string_view text) {
    const std::string t = trim(text);
    const auto open = t.find('(');
    if (open == std::string::npos || t.back() != ')' || open + 2 > t.size() - 1)
        return fmt::format("expected a figure KIND(SERVICE) such as p99(api), got \"{}\"", t);
    const std::string kind = trim(t.substr(0, open));
    const std::string service = trim(t.substr(open + 1, t.size() - open - 2));
    const auto& kinds = sweep_figure_kinds();
    const auto it = std::find(kinds.begin(), kinds.end(), kind);
    if (it == kinds.end())
        return fmt::format("expected a figure kind (one of {}), got \"{}\"", fmt::join(kinds, ", "),
                           kind);
    if (!scenarios::detail::is_valid_name(service))
        return fmt::format("expected a service name in {}(...), got \"{}\"", kind, service);
    SweepFigure f;
    f.kind = static_cast<SweepFigure::Kind>(it - kinds.begin());
    f.service = service;
    f.text = fmt::format("{}({})", kind, service);
    return f;
}

// A number at the start of `text` and the unit after it ("250ms" -> 250, "ms").
std::optional<std::pair<double, std::string>> split_number(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !std::isfinite(v)) return std::nullopt;
    return std::pair{v, trim(end)};
}

// A bound of a constraint on `figure`: a ratio (`0.1%`, `0.001`), a duration (`250ms`, `0.25`
// seconds) or a plain number (`/s` allowed for throughput).
std::variant<double, std::string> parse_bound(const SweepFigure& figure, const std::string& t) {
    const auto n = split_number(t);
    if (!n) return fmt::format("expected a number after {}, got \"{}\"", figure.text, t);
    const auto& [v, unit] = *n;
    if (unit.empty()) return v;
    if (figure.is_ratio() && unit == "%") return v / 100.0;
    if (figure.kind == SweepFigure::Kind::throughput && unit == "/s") return v;
    if (figure.is_seconds()) {
        auto d = scenarios::parse_duration(t);
        if (const auto* st = std::get_if<sim::SimTime>(&d)) return st->seconds();
    }
    const char* expected = figure.is_ratio()     ? "a ratio such as 0.1% or 0.001"
                           : figure.is_seconds() ? "a duration such as 250ms or 0.25"
                           : figure.kind == SweepFigure::Kind::throughput
                               ? "a rate such as 100/s or 100"
                               : "a plain number";
    return fmt::format("expected {} for {}, got \"{}\"", expected, figure.text, t);
}

std::size_t figure_index(std::vector<SweepFigure>& figures, const SweepFigure& f) {
    for (std::size_t i = 0; i < figures.size(); ++i)
        if (figures[i].text == f.text) return i;
    figures.push_back(f);
    return figures.size() - 1;
}

// `FIGURE OP BOUND` or `FIGURE within LOW..HIGH`.
std::variant<SweepConstraint, std::string> parse_constraint(std::vector<SweepFigure>& figures,
                                                            const std::string& text) {
    SweepConstraint c;
    c.text = trim(text);
    const auto close = c.text.find(')');
    if (close == std::string::npos)
        return fmt::format("expected FIGURE < VALUE, <=, >, >= or FIGURE within LOW..HIGH, "
                           "got \"{}\"",
                           c.text);
    auto figure = parse_figure(c.text.substr(0, close + 1));
    if (auto* msg = std::get_if<std::string>(&figure)) return *msg;
    const SweepFigure& f = std::get<SweepFigure>(figure);
    std::string rest = trim(c.text.substr(close + 1));
    auto bound = [&](const std::string& t) -> std::variant<double, std::string> {
        return parse_bound(f, trim(t));
    };
    if (rest.starts_with("within ")) {
        const std::string range = trim(rest.substr(7));
        const auto dots = range.find("..");
        if (dots == std::string::npos)
            return fmt::format("expected LOW..HIGH after within, got \"{}\"", range);
        auto lo = bound(range.substr(0, dots));
        if (auto* msg = std::get_if<std::string>(&lo)) return *msg;
        auto hi = bound(range.substr(dots + 2));
        if (auto* msg = std::get_if<std::string>(&hi)) return *msg;
        c.op = SweepConstraint::Op::within;
        c.low = std::get<double>(lo);
        c.high = std::get<double>(hi);
        if (c.low > c.high) return fmt::format("expected LOW <= HIGH in within, got \"{}\"", range);
    } else {
        std::size_t len = 1;
        if (rest.starts_with("<=")) {
            c.op = SweepConstraint::Op::less_equal, len = 2;
        } else if (rest.starts_with(">=")) {
            c.op = SweepConstraint::Op::greater_equal, len = 2;
        } else if (rest.starts_with("<")) {
            c.op = SweepConstraint::Op::less;
        } else if (rest.starts_with(">")) {
            c.op = SweepConstraint::Op::greater;
        } else {
            return fmt::format("expected <, <=, >, >= or within after {}, got \"{}\"", f.text,
                               rest);
        }
        auto b = bound(rest.substr(len));
        if (auto* msg = std::get_if<std::string>(&b)) return *msg;
        c.low = std::get<double>(b);
    }
    c.figure = figure_index(figures, f);
    return c;
}

struct ValueAt {
    std::string text;
    YAML::Mark mark;
};

void read_vary(DiagnosticSink& sink, const Value& v, SweepSpec& spec,
               std::vector<std::vector<ValueAt>>& to_check) {
    auto map = MapReader::named_items(sink, v, "a map of key paths to values");
    if (!map.ok()) return;
    if (map.entries().empty()) {
        sink.error(v.mark, v.path, "expected at least one key path to vary, got an empty map");
        return;
    }
    for (const auto& e : map.entries()) {
        SweepVariable var;
        var.key_path = e.key;
        var.line = e.value.mark.line + 1;
        var.column = e.value.mark.column + 1;
        std::vector<ValueAt> checks;
        if (e.value.node.IsSequence()) {
            auto items = scenarios::detail::read_sequence(sink, e.value, "a list of values");
            if (!items) continue;
            if (items->empty()) {
                sink.error(e.value.mark, e.value.path,
                           "expected at least one value, got an empty sequence");
                continue;
            }
            for (const auto& item : *items) {
                if (!item.node.IsScalar()) {
                    sink.error(item.mark, item.path,
                               scenarios::detail::expected_got("a value", item.node));
                    continue;
                }
                var.values.push_back(item.node.Scalar());
                checks.push_back({item.node.Scalar(), item.mark});
            }
        } else if (e.value.node.IsMap()) {
            MapReader r(sink, e.value, "a range {from, to, steps}", {"from", "to", "steps"});
            if (!r.ok()) continue;
            auto from = r.require("from", "the range's first value");
            auto to = r.require("to", "the range's last value");
            if (!from || !to) continue;
            SweepRange range;
            bool ok = true;
            std::optional<std::pair<double, std::string>> ends[2];
            const Value* vals[2] = {&*from, &*to};
            for (int i = 0; i < 2; ++i) {
                const auto& node = vals[i]->node;
                if (node.IsScalar()) ends[i] = split_number(node.Scalar());
                if (!ends[i]) {
                    sink.error(
                        vals[i]->mark, vals[i]->path,
                        scenarios::detail::expected_got(
                            "a number, with a unit if the key takes one (250ms, 80%)", node));
                    ok = false;
                }
            }
            if (!ok) continue;
            if (ends[0]->second != ends[1]->second) {
                sink.error(to->mark, to->path,
                           fmt::format("expected the unit of from (\"{}\"), got \"{}\"",
                                       ends[0]->second, ends[1]->second));
                continue;
            }
            range.from = ends[0]->first;
            range.to = ends[1]->first;
            range.unit = ends[0]->second;
            auto whole = [](const std::string& s) {
                return s.find_first_of(".eE") == std::string::npos;
            };
            range.integer = whole(from->node.Scalar()) && whole(to->node.Scalar());
            if (auto steps = r.get("steps")) {
                if (spec.design != SweepDesign::grid) {
                    sink.error(steps->mark, steps->path,
                               "steps is for a grid; random and latin_hypercube draw from "
                               "{from, to}");
                    continue;
                }
                auto n = scenarios::detail::read_integer(sink, *steps, 2, 1000);
                if (!n) continue;
                range.steps = static_cast<std::uint32_t>(*n);
            } else if (spec.design == SweepDesign::grid) {
                sink.error(e.value.mark, e.value.path,
                           "expected steps (2 or more) in a grid's range, got none");
                continue;
            }
            var.range = range;
            checks.push_back({range.at(0.0), from->mark});
            checks.push_back({range.at(1.0), to->mark});
        } else {
            sink.error(e.value.mark, e.value.path,
                       scenarios::detail::expected_got("a list of values or a range {from, to}",
                                                       e.value.node));
            continue;
        }
        spec.vary.push_back(std::move(var));
        to_check.push_back(std::move(checks));
    }
}

// Applies each value to the base scenario as `--set` would; problems are moved to the value's
// line in the sweep file.
void check_values(const SweepSpec& spec, const std::vector<std::vector<ValueAt>>& to_check,
                  std::vector<Diagnostic>& out) {
    for (std::size_t i = 0; i < spec.vary.size(); ++i) {
        for (const auto& v : to_check[i]) {
            const scenarios::Override o{spec.vary[i].key_path, v.text};
            try {
                (void)scenarios::load_scenario_file(spec.base_file, std::span(&o, 1));
            } catch (const ScenarioError& e) {
                for (auto d : e.diagnostics()) {
                    if (d.file == scenarios::detail::kSetFile) {
                        d.file = spec.file;
                        d.line = v.mark.line + 1;
                        d.column = v.mark.column + 1;
                        d.message = fmt::format("{} (vary: {}={})", d.message,
                                                spec.vary[i].key_path, v.text);
                    }
                    out.push_back(std::move(d));
                }
            }
        }
    }
}

} // namespace

SweepFigure parse_sweep_figure(std::string_view text) {
    auto figure = parse_figure(text);
    if (auto* msg = std::get_if<std::string>(&figure)) throw std::invalid_argument(*msg);
    return std::get<SweepFigure>(figure);
}

SweepSpec read_sweep_text(const std::string& text, const std::string& display_name) {
    YAML::Node root;
    try {
        auto docs = scenarios::detail::load_all_documents(text);
        if (!docs.empty()) root = docs.front();
    } catch (const YAML::ParserException& e) {
        throw ScenarioError({Diagnostic{display_name, e.mark.line + 1, e.mark.column + 1, "",
                                        "invalid YAML: " + e.msg}});
    }
    SweepSpec spec;
    spec.file = display_name;
    DiagnosticSink sink(display_name);
    MapReader top(sink, scenarios::detail::root_value(root),
                  "a sweep: a map with base, vary, "
                  "objective and more",
                  {"base", "vary", "design", "points", "seed", "replications", "until", "figures",
                   "objective", "constraints"});
    if (!top.ok()) throw ScenarioError(sink.sorted());

    if (auto b = top.require("base", "the base scenario file")) {
        if (auto s = scenarios::detail::read_string(sink, *b)) {
            const fs::path p(*s);
            spec.base_file =
                p.is_absolute() ? *s : (fs::path(display_name).parent_path() / p).string();
        }
    }
    if (auto d = top.get("design")) {
        static const std::vector<std::string> designs = {"grid", "random", "latin_hypercube"};
        if (auto i = scenarios::detail::read_choice(sink, *d, designs))
            spec.design = static_cast<SweepDesign>(*i);
    }
    if (spec.design == SweepDesign::grid) {
        if (auto p = top.get("points"))
            sink.error(p->mark, p->path,
                       "points is for random and latin_hypercube; a grid runs every "
                       "combination");
    } else if (auto p = top.require("points", "how many points to draw (an integer >= 1)")) {
        if (auto n = scenarios::detail::read_integer(sink, *p, 1, 100000))
            spec.points = static_cast<std::uint32_t>(*n);
    }
    if (auto s = top.get("seed"))
        if (auto n = scenarios::detail::read_integer(sink, *s, 0, UINT64_MAX))
            spec.design_seed = *n;
    if (auto r = top.get("replications"))
        if (auto n = scenarios::detail::read_integer(sink, *r, 2, 10000,
                                                     "(2 at least: intervals need two)"))
            spec.replications = static_cast<std::uint32_t>(*n);
    if (auto u = top.get("until"))
        if (auto t = scenarios::detail::read_duration(sink, *u, true)) spec.until = *t;

    if (auto f = top.get("figures")) {
        if (auto items = scenarios::detail::read_sequence(sink, *f, "a list of figures")) {
            for (const auto& item : *items) {
                auto s = scenarios::detail::read_string(sink, item);
                if (!s) continue;
                auto fig = parse_figure(*s);
                if (auto* msg = std::get_if<std::string>(&fig))
                    sink.error(item.mark, item.path, *msg);
                else
                    figure_index(spec.figures, std::get<SweepFigure>(fig));
            }
        }
    }
    if (auto o = top.require("objective", "minimise FIGURE or maximise FIGURE")) {
        if (auto s = scenarios::detail::read_string(sink, *o)) {
            const std::string t = trim(*s);
            const auto space = t.find(' ');
            const std::string verb = t.substr(0, space);
            if (space == std::string::npos || (verb != "minimise" && verb != "minimize" &&
                                               verb != "maximise" && verb != "maximize")) {
                sink.error(
                    o->mark, o->path,
                    fmt::format("expected minimise FIGURE or maximise FIGURE, got \"{}\"", t));
            } else {
                auto fig = parse_figure(t.substr(space + 1));
                if (auto* msg = std::get_if<std::string>(&fig)) {
                    sink.error(o->mark, o->path, *msg);
                } else {
                    spec.objective.figure = figure_index(spec.figures, std::get<SweepFigure>(fig));
                    spec.objective.minimise = verb.starts_with("mini");
                }
            }
        }
    }
    if (auto c = top.get("constraints")) {
        if (auto items = scenarios::detail::read_sequence(sink, *c, "a list of constraints")) {
            for (const auto& item : *items) {
                auto s = scenarios::detail::read_string(sink, item);
                if (!s) continue;
                auto con = parse_constraint(spec.figures, *s);
                if (auto* msg = std::get_if<std::string>(&con))
                    sink.error(item.mark, item.path, *msg);
                else
                    spec.constraints.push_back(std::get<SweepConstraint>(con));
            }
        }
    }
    std::vector<std::vector<ValueAt>> to_check;
    if (auto v = top.require("vary", "a map of key paths to values"))
        read_vary(sink, *v, spec, to_check);

    std::vector<Diagnostic> problems = sink.sorted();
    if (!problems.empty()) throw ScenarioError(std::move(problems));
    // The base must load on its own before its values can be checked.
    (void)scenarios::load_scenario_file(spec.base_file);
    check_values(spec, to_check, problems);
    if (!problems.empty()) throw ScenarioError(std::move(problems));
    return spec;
}

SweepSpec read_sweep_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError({Diagnostic{path, 0, 0, "", "cannot open the sweep file"}});
    std::ostringstream ss;
    ss << in.rdbuf();
    return read_sweep_text(ss.str(), path);
}

} // namespace tpssim::scenarios

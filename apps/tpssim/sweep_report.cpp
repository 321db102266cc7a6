#include "apps/tpssim/sweep_report.hpp"

#include <cmath>
#include <filesystem>
#include <fmt/format.h>

namespace tpssim {

namespace {

// A CSV field: quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

// Shortest text that reads back as the same double; empty for NaN.
std::string number(double v) {
    return std::isnan(v) ? std::string() : fmt::format("{}", v);
}

std::string values_text(const scenarios::SweepSpec& spec, const SweepPoint& p) {
    if (p.is_baseline()) return "baseline (the base scenario unchanged)";
    std::string out;
    for (std::size_t i = 0; i < spec.vary.size(); ++i)
        out += fmt::format("{}{}={}", out.empty() ? "" : " ", spec.vary[i].key_path, p.values[i]);
    return out;
}

std::string fit(std::string s, std::size_t width) {
    if (s.size() > width) s = s.substr(0, width - 1) + "~";
    return s;
}

// The last step of a key path, for a column heading.
std::string short_key(const std::string& path) {
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}

// The base scenario as the sweep file names it, relative to the sweep file's folder where it
// lies there: two absolute paths on one line would not fit a terminal.
std::string base_as_named(const scenarios::SweepSpec& spec) {
    const std::filesystem::path folder = std::filesystem::path(spec.file).parent_path();
    const std::filesystem::path relative =
        std::filesystem::path(spec.base_file).lexically_relative(folder);
    if (relative.empty() || *relative.begin() == "..") return spec.base_file;
    return relative.string();
}

} // namespace

std::string format_sweep_value(const scenarios::SweepFigure& f, double v) {
    if (std::isnan(v)) return "-";
    if (f.is_ratio()) return fmt::format("{:.3g}%", v * 100.0);
    if (f.kind == scenarios::SweepFigure::Kind::replica_seconds) return fmt::format("{:.4g} s", v);
    if (f.is_seconds()) return fmt::format("{:.3g} ms", v * 1000.0);
    if (f.kind == scenarios::SweepFigure::Kind::throughput) return fmt::format("{:.4g}/s", v);
    return fmt::format("{:.4g}", v);
}

std::string format_sweep_report(const SweepReportInput& in) {
    const auto& spec = in.spec;
    const auto& an = in.analysis;
    const scenarios::SweepFigure& obj = spec.figures[spec.objective.figure];
    static const char* designs[] = {"grid", "random", "latin_hypercube"};
    std::string out;
    out += fmt::format("sweep {}: base {}\n", spec.file, base_as_named(spec));
    out +=
        fmt::format("  {} point(s) + baseline x {} replication(s), common random numbers\n"
                    "  {} design, {:.0f} s simulated each, {:.1f} s wall\n",
                    in.points.size() - 1, spec.replications, designs[static_cast<int>(spec.design)],
                    in.simulated_seconds, in.wall_seconds);
    out += fmt::format("  objective: {} {}\n", spec.objective.minimise ? "minimise" : "maximise",
                       obj.text);
    for (const auto& c : spec.constraints)
        out += fmt::format("  constraint: {}\n", c.text);
    if (in.runs.interrupted)
        out += fmt::format("  interrupted: {} of {} point(s) finished\n", an.points.size(),
                           in.points.size());

    // The table: point, up to three varied keys, the objective, its change, constraints.
    const std::size_t shown_keys = std::min<std::size_t>(spec.vary.size(), 3);
    out += fmt::format("\ntop {} point(s) by {} (change: paired vs baseline, * significant):\n",
                       std::min(in.top, an.ranking.size()), obj.text);
    std::string head = fmt::format("{:>5}", "point");
    for (std::size_t i = 0; i < shown_keys; ++i)
        head += fmt::format(" {:>12}", fit(short_key(spec.vary[i].key_path), 12));
    head += fmt::format(" {:>22} {:>18} {:>6}", fit(obj.text, 22), "change", "constr");
    out += head + "\n";
    for (std::size_t r = 0; r < an.ranking.size() && r < in.top; ++r) {
        const auto& ps = an.points[an.ranking[r]];
        const auto& pt = in.points[ps.point];
        std::string line = fmt::format("{:>5}", ps.point);
        for (std::size_t i = 0; i < shown_keys; ++i)
            line += fmt::format(" {:>12}", pt.is_baseline() ? "(base)" : fit(pt.values[i], 12));
        const auto& fs = ps.figures[spec.objective.figure];
        line +=
            fmt::format(" {:>22}", fmt::format("{} ± {}", format_sweep_value(obj, fs.value.mean),
                                               format_sweep_value(obj, fs.value.half_width)));
        std::string change = "-";
        if (ps.point != 0 && !std::isnan(fs.change_percent))
            change = fmt::format(
                "{:+.1f}% ± {:.1f}{}", fs.change_percent,
                std::abs(100.0 * fs.change.half_width / (fs.value.mean - fs.change.mean)),
                fs.significant() ? " *" : "");
        line += fmt::format(" {:>18} {:>6}", change, ps.meets_constraints ? "ok" : "no");
        out += line + "\n";
    }
    if (spec.vary.size() > shown_keys)
        out += fmt::format("  ({} more varied key(s): see --csv)\n", spec.vary.size() - shown_keys);

    // The best point.
    out += "\n";
    if (!an.best) {
        out += "no finished point meets the constraints\n";
        return out;
    }
    const auto& best = an.points[*an.best];
    out += fmt::format("best point meeting the constraints: point {}\n  {}\n", best.point,
                       values_text(spec, in.points[best.point]));
    for (std::size_t f = 0; f < spec.figures.size(); ++f) {
        const auto& fig = spec.figures[f];
        const auto& fs = best.figures[f];
        std::string line =
            fmt::format("  {:<24} {} ± {}", fig.text, format_sweep_value(fig, fs.value.mean),
                        format_sweep_value(fig, fs.value.half_width));
        if (an.has_baseline && best.point != 0) {
            const double base = fs.value.mean - fs.change.mean;
            line += fmt::format(
                "  baseline {}\n  {:<24} change {}, paired 95% CI {} .. {}{}",
                format_sweep_value(fig, base), "",
                std::isnan(fs.change_percent) ? std::string("-")
                                              : fmt::format("{:+.1f}%", fs.change_percent),
                format_sweep_value(fig, fs.change.low()), format_sweep_value(fig, fs.change.high()),
                fs.significant() ? ", significant" : "");
        }
        out += line + "\n";
    }
    if (best.point == 0) {
        out += "verdict: no point beats the baseline within the constraints\n";
    } else if (!an.has_baseline) {
        out += "verdict: the baseline did not finish; no comparison\n";
    } else {
        const auto& fs = best.figures[spec.objective.figure];
        out +=
            fmt::format("verdict: {} {} by {:.1f}% on the baseline: {}\n", obj.text,
                        (fs.change.mean < 0) == spec.objective.minimise ? "improves" : "worsens",
                        std::abs(fs.change_percent),
                        an.best_is_significant_gain ? "significant (paired 95% CI excludes 0)"
                                                    : "not significant (paired 95% CI includes 0)");
    }
    return out;
}

std::string sweep_runs_csv(const scenarios::SweepSpec& spec, const std::vector<SweepPoint>& points,
                           const SweepRuns& runs) {
    std::string out = "point,replication,seed";
    for (const auto& v : spec.vary)
        out += fmt::format(",{}", csv_field(v.key_path));
    for (const auto& f : spec.figures)
        out += fmt::format(",{}", csv_field(f.text));
    out += "\n";
    for (std::size_t p = 0; p < runs.points; ++p) {
        if (!runs.point_complete[p]) continue;
        for (std::uint32_t k = 0; k < runs.replications; ++k) {
            out += fmt::format("{},{},{}", p, k, runs.seeds[k]);
            for (std::size_t i = 0; i < spec.vary.size(); ++i)
                out += fmt::format(",{}", points[p].is_baseline() ? std::string()
                                                                  : csv_field(points[p].values[i]));
            for (std::size_t f = 0; f < runs.figures; ++f)
                out += fmt::format(",{}", number(runs.at(p, k, f)));
            out += "\n";
        }
    }
    return out;
}

std::string sweep_points_csv(const scenarios::SweepSpec& spec,
                             const std::vector<SweepPoint>& points, const SweepAnalysis& analysis) {
    std::string out = "point";
    for (const auto& v : spec.vary)
        out += fmt::format(",{}", csv_field(v.key_path));
    for (const auto& f : spec.figures)
        for (const char* s : {"", " half_width", " change", " change half_width", " change %"})
            out += fmt::format(",{}", csv_field(fmt::format("{}{}", f.text, s)));
    out += ",meets_constraints\n";
    for (const auto& ps : analysis.points) {
        out += fmt::format("{}", ps.point);
        for (std::size_t i = 0; i < spec.vary.size(); ++i)
            out += fmt::format(",{}", points[ps.point].is_baseline()
                                          ? std::string()
                                          : csv_field(points[ps.point].values[i]));
        for (const auto& fs : ps.figures)
            out += fmt::format(",{},{},{},{},{}", number(fs.value.mean),
                               number(fs.value.half_width), number(fs.change.mean),
                               number(fs.change.half_width), number(fs.change_percent));
        out += ps.meets_constraints ? ",true\n" : ",false\n";
    }
    return out;
}

} // namespace tpssim

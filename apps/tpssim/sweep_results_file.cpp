#include "apps/tpssim/sweep_results_file.hpp"

#include "apps/tpssim/hdf5_table.hpp"
#include "apps/tpssim/output_file.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>

namespace tpssim {

namespace {

using h5::Handle;

// Each varied key's values at `point_of[row]` (empty at the baseline).
void write_values(h5::Table& table, const scenarios::SweepSpec& spec,
                  const std::vector<SweepPoint>& points,
                  const std::vector<std::uint64_t>& point_of) {
    for (std::size_t i = 0; i < spec.vary.size(); ++i) {
        std::vector<std::string> values;
        for (auto p : point_of)
            values.push_back(points[p].is_baseline() ? std::string() : points[p].values[i]);
        table.strings(spec.vary[i].key_path, values);
    }
}

} // namespace

void check_sweep_results_file_target(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (fs::is_directory(status))
        throw std::runtime_error(
            fmt::format("{}: is a folder; expected the name of a sweep file", path));
    if (fs::exists(status)) {
        h5::silence_errors();
        bool ours = false;
        if (H5Fis_hdf5(path.c_str()) > 0) {
            try {
                Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open");
                ours = h5::string_attribute(f.get(), "format") == kSweepResultsFormat;
            } catch (const std::runtime_error&) {
                ours = false;
            }
        }
        if (!ours)
            throw std::runtime_error(fmt::format(
                "{}: exists and is not a tpssim sweep file (an HDF5 file with format = \"{}\"); "
                "not overwriting it",
                path, kSweepResultsFormat));
    }
    check_can_write(path);
}

void write_sweep_results_file(const std::string& path, const scenarios::SweepSpec& spec,
                              const std::vector<SweepPoint>& points, const SweepRuns& runs,
                              const SweepAnalysis& analysis) {
    h5::write_file_whole(path, [&](hid_t root) {
        h5::set_attribute(root, "format", std::string_view(kSweepResultsFormat));
        h5::set_attribute(root, "format_version", std::uint64_t{1});
        h5::set_attribute(root, "sweep_file", spec.file);
        h5::set_attribute(root, "base_file", spec.base_file);
        h5::set_attribute(root, "replications", std::uint64_t{runs.replications});
        h5::set_attribute(root, "interrupted", runs.interrupted);
        h5::set_attribute(root, "objective",
                          fmt::format("{} {}", spec.objective.minimise ? "minimise" : "maximise",
                                      spec.figures[spec.objective.figure].text));
        std::vector<std::string> constraints;
        for (const auto& c : spec.constraints)
            constraints.push_back(c.text);
        h5::set_attribute(root, "constraints", constraints);
        if (analysis.best)
            h5::set_attribute(root, "best_point",
                              std::uint64_t{analysis.points[*analysis.best].point});

        // runs: one row per finished point and replication.
        std::vector<std::uint64_t> point_of, replication, seed;
        for (std::size_t p = 0; p < runs.points; ++p) {
            if (!runs.point_complete[p]) continue;
            for (std::uint32_t k = 0; k < runs.replications; ++k) {
                point_of.push_back(p);
                replication.push_back(k);
                seed.push_back(runs.seeds[k]);
            }
        }
        {
            h5::Table t(root, "runs", point_of.size());
            t.integers("point", point_of);
            t.integers("replication", replication);
            t.integers("seed", seed);
            write_values(t, spec, points, point_of);
            for (std::size_t f = 0; f < runs.figures; ++f) {
                std::vector<double> v;
                for (std::size_t r = 0; r < point_of.size(); ++r)
                    v.push_back(
                        runs.at(point_of[r], static_cast<std::uint32_t>(replication[r]), f));
                t.numbers(spec.figures[f].text, v);
            }
            t.finish();
        }
        // points: one row per finished point.
        {
            std::vector<std::uint64_t> ps;
            std::vector<std::uint8_t> meets;
            for (const auto& s : analysis.points) {
                ps.push_back(s.point);
                meets.push_back(s.meets_constraints ? 1 : 0);
            }
            h5::Table t(root, "points", ps.size());
            t.integers("point", ps);
            write_values(t, spec, points, ps);
            for (std::size_t f = 0; f < spec.figures.size(); ++f) {
                std::vector<double> mean, hw, change, change_hw, pct;
                for (const auto& s : analysis.points) {
                    const auto& fs = s.figures[f];
                    mean.push_back(fs.value.mean);
                    hw.push_back(fs.value.half_width);
                    change.push_back(fs.change.mean);
                    change_hw.push_back(fs.change.half_width);
                    pct.push_back(fs.change_percent);
                }
                const std::string& name = spec.figures[f].text;
                t.numbers(name, mean);
                t.numbers(name + " half_width", hw);
                t.numbers(name + " change", change);
                t.numbers(name + " change half_width", change_hw);
                t.numbers(name + " change %", pct);
            }
            t.booleans("meets_constraints", meets);
            t.finish();
        }
    });
}

} // namespace tpssim

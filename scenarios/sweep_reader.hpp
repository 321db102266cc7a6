#pragma once
/// A sweep file (`tpssim sweep SWEEP.yaml`, docs/sweeps.md): the base scenario, the key paths
/// to vary and their values, the design, the replications, the figures, the objective and the
/// constraints. Read with the scenario layer's diagnostics (file:line:column: key path: expected
/// vs found); every value is checked through the same override path as `--set`.

#include "sim/sim_time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::scenarios {

/// A numeric range to vary over: `{from, to, steps}` (grid) or `{from, to}` (random, LHS).
/// Values keep the unit suffix of the endpoints (`100ms`, `80%`); `integer` when both endpoints
/// are written as whole numbers (workers, capacities), so drawn values are rounded.
struct SweepRange {
    double from = 0.0;
    double to = 0.0;
    std::uint32_t steps = 0; ///< grid only
    std::string unit;        ///< suffix after the number, e.g. "ms", "%", ""
    bool integer = false;
    /// The value at `fraction` (0..1) of the way from `from` to `to`, as text for `--set`.
    std::string at(double fraction) const;
};

/// One key path to vary: a list of values as written, or a range.
struct SweepVariable {
    std::string key_path;
    std::vector<std::string> values; ///< a list (empty with a range)
    std::optional<SweepRange> range;
    int line = 0, column = 0; ///< of the values in the sweep file (for diagnostics)
};

enum class SweepDesign { grid, random, latin_hypercube };

/// A figure of one service, `kind(service)`: `p99(api)`, `error_rate(api)`, ...
struct SweepFigure {
    enum class Kind {
        p50,
        p90,
        p99,
        mean_latency,
        throughput,
        error_rate,
        utilization,
        mean_queue_length,
        replica_seconds,
        scaling_events
    };
    Kind kind = Kind::p99;
    std::string service;
    std::string text; ///< as written, normalised: "p99(api)"
    /// Seconds, "/s", "" (ratio), ...: how values are printed and constraints read.
    bool is_ratio() const { return kind == Kind::error_rate || kind == Kind::utilization; }
    bool is_seconds() const {
        return kind == Kind::p50 || kind == Kind::p90 || kind == Kind::p99 ||
               kind == Kind::mean_latency || kind == Kind::replica_seconds;
    }
};

/// The names `kind(service)` accepts, for messages and docs.
const std::vector<std::string>& sweep_figure_kinds();

/// `p99(api)` as a figure; std::invalid_argument with the message of a sweep file otherwise.
SweepFigure parse_sweep_figure(std::string_view text);

/// `figure < value`, `<=`, `>`, `>=`, or `figure within low..high` (both inclusive), judged
/// on a point's mean over its replications.
struct SweepConstraint {
    enum class Op { less, less_equal, greater, greater_equal, within };
    std::size_t figure = 0; ///< index into SweepSpec::figures
    Op op = Op::less;
    double low = 0.0;  ///< the bound (or the lower one of `within`)
    double high = 0.0; ///< `within` only
    std::string text;  ///< as written
    bool holds(double value) const;
};

struct SweepObjective {
    std::size_t figure = 0; ///< index into SweepSpec::figures
    bool minimise = true;
};

struct SweepSpec {
    std::string file;      ///< the sweep file as given
    std::string base_file; ///< the base scenario, resolved against the sweep file's folder
    std::vector<SweepVariable> vary;
    SweepDesign design = SweepDesign::grid;
    std::uint32_t points = 0;          ///< random, latin_hypercube: how many points to draw
    std::uint64_t design_seed = 1;     ///< random, latin_hypercube: the draws' seed
    std::uint32_t replications = 5;    ///< per point
    std::optional<sim::SimTime> until; ///< replaces the base scenario's duration
    /// Reported figures; the objective's and the constraints' are added when not listed.
    std::vector<SweepFigure> figures;
    SweepObjective objective;
    std::vector<SweepConstraint> constraints;
};

/// Reads and checks `path`; every value of `vary` (each listed value, each range's endpoints)
/// is applied to the base scenario as `--set` would, and a problem is reported at the value's
/// line in the sweep file. Throws scenarios::ScenarioError listing every problem.
SweepSpec read_sweep_file(const std::string& path);
/// The same from text; `display_name` stands for the file (its folder anchors `base:`).
SweepSpec read_sweep_text(const std::string& text, const std::string& display_name);

} // namespace tpssim::scenarios

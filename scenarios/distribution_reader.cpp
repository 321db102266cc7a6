#include "scenarios/distribution_reader.hpp"

#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace tpssim::scenarios::detail {

namespace {

enum class DistKind : std::size_t { Exponential, Constant, Uniform, Lognormal, Gamma, Empirical };

const std::vector<std::string> kDistNames{"exponential", "constant", "uniform",
                                          "lognormal",   "gamma",    "empirical"};

/// The keys each kind takes besides `dist`, in the order the docs list them.
std::vector<std::string> keys_of(DistKind kind) {
    switch (kind) {
    case DistKind::Exponential:
        return {"dist", "mean"};
    case DistKind::Constant:
        return {"dist", "value"};
    case DistKind::Uniform:
        return {"dist", "min", "max"};
    case DistKind::Lognormal:
    case DistKind::Gamma:
        return {"dist", "mean", "cv"};
    case DistKind::Empirical:
        return {"dist", "file"};
    }
    return {"dist"};
}

constexpr std::string_view kDistributionExpected =
    "a distribution, e.g. {dist: exponential, mean: 100ms}";

// A larger cv is no model of a real service time (and a gamma shape of 1/cv^2 below 1e-4
// underflows its sampler); it is almost surely a unit mistake.
constexpr double kMaxCv = 100.0;
constexpr std::string_view kMaxCvNote = "a larger coefficient of variation is not a useful model";

std::optional<sim::SimTime> required_duration(DiagnosticSink& sink, MapReader& map,
                                              std::string_view key, bool positive) {
    const auto v =
        map.require(key, positive ? "a duration > 0, e.g. 100ms" : "a duration >= 0, e.g. 100ms");
    if (!v) return std::nullopt;
    return read_duration(sink, *v, positive);
}

std::optional<double> required_cv(DiagnosticSink& sink, MapReader& map) {
    const auto v = map.require("cv", "the coefficient of variation, a number > 0, e.g. 0.5");
    if (!v) return std::nullopt;
    return read_number_above(sink, *v, 0.0, kMaxCv, kMaxCvNote);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

struct CsvUnit {
    std::string_view suffix;
    std::string_view word;
    double seconds;
};
constexpr std::array kCsvUnits{
    CsvUnit{"_seconds", "seconds", 1.0},
    CsvUnit{"_ms", "milliseconds", 1e-3},
    CsvUnit{"_us", "microseconds", 1e-6},
    CsvUnit{"_ns", "nanoseconds", 1e-9},
};

/// Stop listing a CSV's problems after this many: the rest are likely the same mistake.
constexpr int kMaxCsvProblems = 10;

} // namespace

std::optional<std::vector<double>> read_samples_csv(DiagnosticSink& sink,
                                                    const std::filesystem::path& csv,
                                                    const std::string& display,
                                                    const Value& anchor) {
    std::error_code ec;
    if (std::filesystem::is_directory(csv, ec)) {
        sink.error(
            anchor.mark, anchor.path,
            fmt::format("cannot read {}: it is a directory, not a CSV file", text::quote(display)));
        return std::nullopt;
    }
    std::ifstream in(csv, std::ios::binary);
    if (!in) {
        sink.error(anchor.mark, anchor.path,
                   fmt::format("cannot read {}: {}", text::quote(display), std::strerror(errno)));
        return std::nullopt;
    }

    const auto problem = [&](int line, std::string message) {
        sink.error_in_file(display, line, anchor.mark, anchor.path, std::move(message));
    };

    std::string line;
    int line_no = 0;
    const CsvUnit* unit = nullptr;
    std::vector<double> samples;
    int problems = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back(); // files written on Windows
        std::string_view cell = trim(line);
        if (line_no == 1) {
            if (cell.starts_with("\xEF\xBB\xBF")) cell.remove_prefix(3); // a UTF-8 byte order mark
            for (const auto& u : kCsvUnits)
                if (cell.size() > u.suffix.size() && cell.ends_with(u.suffix) &&
                    cell.find(',') == std::string_view::npos)
                    unit = &u;
            if (unit == nullptr) {
                problem(line_no, fmt::format("expected a header naming the column and its unit, "
                                             "e.g. latency_seconds, latency_ms or latency_us; "
                                             "got {}",
                                             text::quote(cell)));
                return std::nullopt;
            }
            continue;
        }
        if (cell.empty()) continue;
        double value = 0.0;
        const char* first = cell.data();
        const char* last = cell.data() + cell.size();
        const auto [end, err] = std::from_chars(first, last, value);
        const bool number = err == std::errc() && end == last && std::isfinite(value);
        const double seconds = value * unit->seconds;
        if (!number || value < 0.0 || seconds > kMaxDuration.seconds()) {
            if (++problems <= kMaxCsvProblems) {
                const std::string_view why =
                    cell.find(',') != std::string_view::npos ? " (one column only)" : "";
                problem(line_no,
                        fmt::format("expected a non-negative number of {}{}, got {}{}", unit->word,
                                    number && value >= 0.0 ? " up to 100 years" : "",
                                    text::quote(cell), why));
            }
            continue;
        }
        samples.push_back(seconds);
    }
    if (line_no == 0) {
        problem(1, "the file is empty; expected a header such as latency_ms, then one number "
                   "per line");
        return std::nullopt;
    }
    if (problems > kMaxCsvProblems)
        problem(line_no, fmt::format("{} more lines are not valid samples (not listed)",
                                     problems - kMaxCsvProblems));
    if (problems > 0) return std::nullopt;
    if (samples.empty()) {
        problem(line_no, "no samples: expected one number per line after the header");
        return std::nullopt;
    }
    return samples;
}

std::optional<sim::Distribution> read_distribution(DiagnosticSink& sink, const Value& v,
                                                   const std::filesystem::path& base_dir) {
    if (!v.node.IsMap()) {
        sink.error(v.mark, v.path,
                   fmt::format("expected {}, got {}", kDistributionExpected, describe(v.node)));
        return std::nullopt;
    }
    // The kind decides which other keys are allowed, so find it first (without reporting
    // anything: the MapReader below checks every key once the allowed ones are known).
    std::optional<Value> dist;
    for (auto it = v.node.begin(); it != v.node.end() && !dist; ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == "dist")
            dist = child_value(v, "dist", it->first, it->second);
    }
    if (!dist) {
        sink.error(
            v.mark, v.path,
            fmt::format("missing required key \"dist\" (one of {})", text::join(kDistNames)));
        return std::nullopt;
    }
    const auto kind_index = read_choice(sink, *dist, kDistNames);
    if (!kind_index) return std::nullopt;
    const auto kind = static_cast<DistKind>(*kind_index);

    MapReader map(sink, v, kDistributionExpected, keys_of(kind));
    switch (kind) {
    case DistKind::Exponential: {
        const auto mean = required_duration(sink, map, "mean", true);
        if (!mean) return std::nullopt;
        return sim::Distribution::exponential(*mean);
    }
    case DistKind::Constant: {
        const auto value = required_duration(sink, map, "value", false);
        if (!value) return std::nullopt;
        return sim::Distribution::constant(*value);
    }
    case DistKind::Uniform: {
        const auto min = required_duration(sink, map, "min", false);
        const auto max = required_duration(sink, map, "max", false);
        if (!min || !max) return std::nullopt;
        if (*max < *min) {
            const auto max_value = map.get("max");
            sink.error(max_value->mark, max_value->path,
                       fmt::format("expected a duration >= min ({}), got {}", format_duration(*min),
                                   describe(max_value->node)));
            return std::nullopt;
        }
        return sim::Distribution::uniform(*min, *max);
    }
    case DistKind::Lognormal:
    case DistKind::Gamma: {
        const auto mean = required_duration(sink, map, "mean", true);
        const auto cv = required_cv(sink, map);
        if (!mean || !cv) return std::nullopt;
        return kind == DistKind::Lognormal ? sim::Distribution::lognormal(*mean, *cv)
                                           : sim::Distribution::gamma(*mean, *cv);
    }
    case DistKind::Empirical: {
        const auto file = map.require("file", "a CSV file of samples, relative to the "
                                              "scenario file's folder");
        if (!file) return std::nullopt;
        const auto name = read_string(sink, *file);
        if (!name) return std::nullopt;
        const std::filesystem::path given(*name);
        const std::filesystem::path csv =
            given.is_absolute() ? given : (base_dir / given).lexically_normal();
        auto samples = read_samples_csv(sink, csv, csv.generic_string(), *file);
        if (!samples) return std::nullopt;
        return sim::Distribution::empirical(std::move(*samples));
    }
    }
    return std::nullopt;
}

} // namespace tpssim::scenarios::detail
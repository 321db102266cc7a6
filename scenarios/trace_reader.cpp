// A load source's `trace`: the map, and the CSV file of its rates (see load_reader.hpp).
#include "scenarios/key_table.hpp"
#include "scenarios/load_reader.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"
#include "scenarios/value_readers.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>

namespace tpssim::scenarios::detail {

namespace {

namespace fs = std::filesystem;
using sim::SimTime;
using text::trim;

struct CsvUnit {
    std::string_view suffix;
    std::string_view word;
    double factor; ///< to seconds (times) or to per second (rates)
};
constexpr std::array kTimeUnits{
    CsvUnit{"_seconds", "seconds", 1.0},  CsvUnit{"_ms", "milliseconds", 1e-3},
    CsvUnit{"_us", "microseconds", 1e-6}, CsvUnit{"_ns", "nanoseconds", 1e-9},
    CsvUnit{"_minutes", "minutes", 60.0}, CsvUnit{"_hours", "hours", 3600.0},
};
constexpr std::array kRateUnits{
    CsvUnit{"_per_second", "per second", 1.0},
    CsvUnit{"_per_minute", "per minute", 1.0 / 60.0},
    CsvUnit{"_per_hour", "per hour", 1.0 / 3600.0},
};
constexpr int kMaxCsvProblems = 10;

template <std::size_t N>
const CsvUnit* unit_of(std::string_view column, const std::array<CsvUnit, N>& units) {
    for (const auto& u : units)
        if (column.size() > u.suffix.size() && column.ends_with(u.suffix)) return &u;
    return nullptr;
}

std::optional<double> number_in(std::string_view cell) {
    if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
    double value = 0.0;
    const auto [end, err] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (err != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

/// `trace:` the map; `interpolation` is read first, though listed after `file`, as it always
/// was (the order of messages about `--set` values).
const KeyTable<models::RateSeries, fs::path> kTrace =
    KeyTable<models::RateSeries, fs::path>("a rate trace, e.g. {file: rates.csv}")
        .optional("interpolation", &models::RateSeries::interpolation,
                  enum_choice<models::Interpolation>())
        .listed_last()
        .custom_required("file",
                         "a CSV file of TIME,RATE lines, relative to the scenario file's folder",
                         [](DiagnosticSink& sink, const Value& file, models::RateSeries& series,
                            const fs::path& base_dir) {
                             const auto name = read_string(sink, file);
                             if (!name) return false;
                             const fs::path given(*name);
                             const fs::path csv = given.is_absolute()
                                                      ? given
                                                      : (base_dir / given).lexically_normal();
                             auto read = read_rate_csv(sink, csv, csv.generic_string(), file);
                             if (!read) return false;
                             read->interpolation = series.interpolation;
                             series = std::move(*read);
                             return true;
                         });

} // namespace

bool read_trace(DiagnosticSink& sink, const Value& v, const fs::path& base_dir,
                models::RateSeries& series) {
    return kTrace.read_into(sink, v, series, base_dir);
}

const KeySchema& trace_schema() {
    return kTrace;
}

std::optional<models::RateSeries> read_rate_csv(DiagnosticSink& sink, const fs::path& csv,
                                                const std::string& display, const Value& anchor) {
    std::error_code ec;
    if (fs::is_directory(csv, ec)) {
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
    const CsvUnit* time_unit = nullptr;
    const CsvUnit* rate_unit = nullptr;
    models::RateSeries series;
    int problems = 0;
    double previous = -1.0; // the previous line's time in its unit
    const double max_seconds = kMaxDuration.seconds();
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back(); // files written on Windows
        std::string_view text = trim(line);
        if (line_no == 1) {
            if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3); // a UTF-8 byte order mark
            const std::size_t comma = text.find(',');
            if (comma != std::string_view::npos &&
                text.find(',', comma + 1) == std::string_view::npos) {
                time_unit = unit_of(trim(text.substr(0, comma)), kTimeUnits);
                rate_unit = unit_of(trim(text.substr(comma + 1)), kRateUnits);
            }
            if (time_unit == nullptr || rate_unit == nullptr) {
                problem(line_no, fmt::format("expected a header naming the two columns with their "
                                             "units, e.g. time_seconds,rate_per_second or "
                                             "time_minutes,requests_per_hour; got {}",
                                             text::quote(text)));
                return std::nullopt;
            }
            continue;
        }
        if (text.empty()) continue;
        const auto complain = [&](std::string message) {
            if (++problems <= kMaxCsvProblems) problem(line_no, std::move(message));
        };
        const std::size_t comma = text.find(',');
        if (comma == std::string_view::npos ||
            text.find(',', comma + 1) != std::string_view::npos) {
            complain(fmt::format("expected two numbers, TIME,RATE; got {}", text::quote(text)));
            continue;
        }
        const std::string_view time_cell = trim(text.substr(0, comma));
        const std::string_view rate_cell = trim(text.substr(comma + 1));
        const auto time = number_in(time_cell);
        const auto rate = number_in(rate_cell);
        if (!time || *time < 0.0 || *time * time_unit->factor > max_seconds) {
            complain(fmt::format("expected a time >= 0 in {}{}, got {}", time_unit->word,
                                 time && *time >= 0.0 ? " up to 100 years" : "",
                                 text::quote(time_cell)));
            continue;
        }
        if (!rate || *rate < 0.0 || *rate * rate_unit->factor > kMaxRatePerSecond) {
            complain(fmt::format("expected a rate >= 0 {}{}, got {}", rate_unit->word,
                                 rate && *rate >= 0.0 ? " up to 1000000000/s" : "",
                                 text::quote(rate_cell)));
            continue;
        }
        const auto ns = static_cast<SimTime::Rep>(std::llround(
            *time * time_unit->factor * static_cast<double>(SimTime::ticks_per_second)));
        if (*time <= previous ||
            (!series.times.empty() && SimTime::from_ns(ns) <= series.times.back())) {
            complain(fmt::format("expected a time after the previous line's ({:g} {}), got {}",
                                 previous, time_unit->word, text::quote(time_cell)));
            continue;
        }
        previous = *time;
        series.times.push_back(SimTime::from_ns(ns));
        series.rates.push_back(*rate * rate_unit->factor);
    }
    if (line_no == 0) {
        problem(1, "the file is empty; expected a header such as time_seconds,rate_per_second, "
                   "then one TIME,RATE line per point");
        return std::nullopt;
    }
    if (problems > kMaxCsvProblems)
        problem(line_no, fmt::format("{} more lines are not valid points (not listed)",
                                     problems - kMaxCsvProblems));
    if (problems > 0) return std::nullopt;
    if (series.times.empty()) {
        problem(line_no, "no points: expected TIME,RATE lines after the header");
        return std::nullopt;
    }
    return series;
}

} // namespace tpssim::scenarios::detail

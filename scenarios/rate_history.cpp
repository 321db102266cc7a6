#include "scenarios/rate_history.hpp"

#include "scenarios/text.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <optional>

namespace tpssim::scenarios {

namespace {

constexpr int kMaxProblems = 10;

std::optional<double> number_in(std::string_view cell) {
    if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
    double value = 0.0;
    const auto [end, err] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (err != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// `YYYY-MM-DD`, then optionally `THH:MM[:SS]` (or a space for the T) and `Z`: seconds since
// 1970 (UTC; a history without zones is read as one zone throughout).
std::optional<double> iso_seconds(std::string_view s) {
    auto digits = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        if (at + n > s.size()) return std::nullopt;
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
    if (!y || !mo || !d || s[4] != '-' || s[7] != '-') return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year(*y),
                                          std::chrono::month(static_cast<unsigned>(*mo)),
                                          std::chrono::day(static_cast<unsigned>(*d))};
    if (!ymd.ok()) return std::nullopt;
    double seconds =
        static_cast<double>(std::chrono::sys_days(ymd).time_since_epoch().count()) * 86400.0;
    std::size_t at = 10;
    if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
        const auto h = digits(at + 1, 2), mi = digits(at + 4, 2);
        if (!h || !mi || s.size() < at + 6 || s[at + 3] != ':' || *h > 23 || *mi > 59)
            return std::nullopt;
        seconds += *h * 3600.0 + *mi * 60.0;
        at += 6;
        if (at < s.size() && s[at] == ':') {
            const auto sec = digits(at + 1, 2);
            if (!sec || *sec > 59) return std::nullopt;
            seconds += *sec;
            at += 3;
        }
    }
    if (at < s.size() && s[at] == 'Z') ++at;
    if (at != s.size()) return std::nullopt;
    return seconds;
}

enum class Column { time_iso, time_seconds, time_days, rate, cpu, memory, queue_depth };

struct ColumnName {
    std::string_view name;
    Column column;
};
constexpr ColumnName kColumns[] = {
    {"time", Column::time_iso},          {"time_seconds", Column::time_seconds},
    {"time_days", Column::time_days},    {"rate_per_second", Column::rate},
    {"cpu_cores", Column::cpu},          {"memory_gib", Column::memory},
    {"queue_depth", Column::queue_depth}};

std::vector<std::pair<std::string_view, int>> split_cells(std::string_view line) {
    std::vector<std::pair<std::string_view, int>> cells; // (cell, 1-based column)
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        const std::string_view raw =
            line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
        const std::string_view cell = text::trim(raw);
        const auto lead = static_cast<int>(raw.find_first_not_of(" \t"));
        cells.push_back({cell, static_cast<int>(start) + 1 + std::max(0, lead)});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return cells;
}

} // namespace

RateHistory read_rate_history(const std::string& path, const std::string& display,
                              const std::string& key_path, std::vector<Diagnostic>& problems) {
    RateHistory h;
    h.file = display;
    int reported = 0, found = 0;
    auto problem = [&](int line, int column, std::string message) {
        if (++found <= kMaxProblems)
            problems.push_back({display, line, column, key_path, std::move(message)});
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        problem(0, 0, fmt::format("cannot read the history: {}", std::strerror(errno)));
        return h;
    }
    const std::string expected_header =
        "a header such as time,rate_per_second (time as ISO 8601 dates, or time_seconds or "
        "time_days as numbers; optional cpu_cores, memory_gib, queue_depth)";
    std::vector<Column> columns;
    std::string line;
    int line_no = 0;
    std::vector<double> seconds;
    std::vector<int> row_line;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string_view text = line;
        if (line_no == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
        if (text::trim(text).empty() || text::trim(text).starts_with("#")) continue;
        const auto cells = split_cells(text);
        if (columns.empty()) {
            for (const auto& [cell, col] : cells) {
                // By name: Clang 14 cannot capture a structured binding in a lambda.
                const std::string_view name = cell;
                const auto it = std::find_if(std::begin(kColumns), std::end(kColumns),
                                             [&](const ColumnName& c) { return c.name == name; });
                if (it == std::end(kColumns)) {
                    problem(line_no, col,
                            fmt::format("expected {}; got the column {}", expected_header,
                                        text::quote(cell)));
                    return h;
                }
                if (std::find(columns.begin(), columns.end(), it->column) != columns.end()) {
                    problem(line_no, col, fmt::format("column {} twice", text::quote(cell)));
                    return h;
                }
                columns.push_back(it->column);
            }
            const bool time_first = columns[0] == Column::time_iso ||
                                    columns[0] == Column::time_seconds ||
                                    columns[0] == Column::time_days;
            if (!time_first || columns.size() < 2 || columns[1] != Column::rate) {
                problem(line_no, 1,
                        fmt::format("expected {}; got {}", expected_header, text::quote(text)));
                return h;
            }
            for (Column c : columns) {
                if (c == Column::cpu) h.cpu_cores.reserve(512);
                if (c == Column::memory) h.memory_gib.reserve(512);
                if (c == Column::queue_depth) h.queue_depth.reserve(512);
            }
            continue;
        }
        if (cells.size() != columns.size()) {
            problem(line_no, 1,
                    fmt::format("expected {} values (as the header names), got {}", columns.size(),
                                cells.size()));
            continue;
        }
        bool ok = true;
        double t = 0.0, rate = 0.0, cpu = 0.0, memory = 0.0, depth = 0.0;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const auto [cell, col] = cells[i];
            switch (columns[i]) {
            case Column::time_iso:
                if (auto s = iso_seconds(cell)) {
                    t = *s;
                } else {
                    problem(line_no, col,
                            fmt::format("time: expected an ISO 8601 date or date-time such as "
                                        "2026-06-01 or 2026-06-01T12:00, got {}",
                                        text::quote(cell)));
                    ok = false;
                }
                break;
            case Column::time_seconds:
            case Column::time_days: {
                const auto v = number_in(cell);
                if (!v || *v < 0.0) {
                    problem(line_no, col,
                            fmt::format("time: expected a number >= 0 ({}), got {}",
                                        columns[i] == Column::time_days ? "days" : "seconds",
                                        text::quote(cell)));
                    ok = false;
                } else {
                    t = *v * (columns[i] == Column::time_days ? 86400.0 : 1.0);
                }
                break;
            }
            case Column::rate:
            case Column::cpu:
            case Column::memory:
            case Column::queue_depth: {
                const auto v = number_in(cell);
                static constexpr std::string_view names[] = {"rate_per_second", "cpu_cores",
                                                             "memory_gib", "queue_depth"};
                const auto k =
                    static_cast<std::size_t>(columns[i]) - static_cast<std::size_t>(Column::rate);
                if (!v || *v < 0.0) {
                    problem(line_no, col,
                            fmt::format("{}: expected a plain number >= 0 (the unit is in the "
                                        "column's name), got {}",
                                        names[k], text::quote(cell)));
                    ok = false;
                    break;
                }
                (columns[i] == Column::rate     ? rate
                 : columns[i] == Column::cpu    ? cpu
                 : columns[i] == Column::memory ? memory
                                                : depth) = *v;
                break;
            }
            }
        }
        if (!ok) continue;
        if (!seconds.empty() && t <= seconds.back()) {
            problem(line_no, cells[0].second,
                    fmt::format("time: expected a time after the previous row's (line {}), got "
                                "{}: timestamps must increase",
                                row_line.back(), text::quote(cells[0].first)));
            continue;
        }
        seconds.push_back(t);
        row_line.push_back(line_no);
        h.time.emplace_back(cells[0].first);
        h.rate_per_second.push_back(rate);
        for (Column c : columns) {
            if (c == Column::cpu) h.cpu_cores.push_back(cpu);
            if (c == Column::memory) h.memory_gib.push_back(memory);
            if (c == Column::queue_depth) h.queue_depth.push_back(depth);
        }
    }
    if (columns.empty() && found == 0)
        problem(line_no, 0,
                "expected " + expected_header +
                    ", then one row per point; the "
                    "file is empty");
    if (found == 0 && seconds.size() < 3)
        problem(line_no, 0,
                fmt::format("expected 3 rows at least (a fit with a residual error needs "
                            "n - 2 >= 1), got {}",
                            seconds.size()));
    if (found == 0) {
        // Gaps: a spacing over 1.5 times the median spacing.
        std::vector<double> steps;
        for (std::size_t i = 1; i < seconds.size(); ++i)
            steps.push_back(seconds[i] - seconds[i - 1]);
        std::vector<double> sorted = steps;
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2),
                         sorted.end());
        const double median = sorted.empty() ? 0.0 : sorted[sorted.size() / 2];
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (steps[i] > 1.5 * median)
                problem(row_line[i + 1], 1,
                        fmt::format("a gap: {:g} days since the previous row (line {}), over 1.5 "
                                    "times the history's step ({:g} days): fill the missing "
                                    "rows or start the history after the gap",
                                    steps[i] / 86400.0, row_line[i], median / 86400.0));
        }
    }
    if (found > kMaxProblems)
        problems.push_back({display, line_no, 0, key_path,
                            fmt::format("{} more problems (not listed)", found - kMaxProblems)});
    (void)reported;
    for (double s : seconds)
        h.t_months.push_back((s - seconds.front()) / kSecondsPerMonth);
    return h;
}

} // namespace tpssim::scenarios

#include "scenarios/expression_reader.hpp"

#include "models/expectations.hpp"
#include "models/metrics.hpp"
#include "scenarios/text.hpp"
#include "scenarios/units.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace tpssim::scenarios::detail {

// --- tokens ---------------------------------------------------------------------------------

namespace {

enum class Tok : std::uint8_t { Word, LParen, RParen, LBracket, RBracket, Comma, Arrow, Op, End };

struct Token {
    Tok kind = Tok::End;
    std::string_view text;
    std::size_t offset = 0;
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_punctuation(char c) {
    return c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '<' || c == '>' ||
           c == '=' || c == '!';
}

/// Words are runs of anything but spaces and punctuation (`100ms`, `5%`, `15:00`,
/// `2026-12-25T15:00`, `service-c`), except that `->` always separates.
std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (is_space(c)) {
            ++i;
            continue;
        }
        Token t;
        t.offset = i;
        if (c == '-' && i + 1 < s.size() && s[i + 1] == '>') {
            t.kind = Tok::Arrow;
            t.text = s.substr(i, 2);
            i += 2;
        } else if (c == '<' || c == '>' || c == '=' || c == '!') {
            const std::size_t n = i + 1 < s.size() && s[i + 1] == '=' ? 2 : 1;
            t.kind = Tok::Op;
            t.text = s.substr(i, n);
            i += n;
        } else if (is_punctuation(c)) {
            t.kind = c == '('   ? Tok::LParen
                     : c == ')' ? Tok::RParen
                     : c == '[' ? Tok::LBracket
                     : c == ']' ? Tok::RBracket
                                : Tok::Comma;
            t.text = s.substr(i, 1);
            ++i;
        } else {
            std::size_t j = i;
            while (j < s.size() && !is_space(s[j]) && !is_punctuation(s[j]) &&
                   !(s[j] == '-' && j + 1 < s.size() && s[j + 1] == '>'))
                ++j;
            t.kind = Tok::Word;
            t.text = s.substr(i, j - i);
            i = j;
        }
        out.push_back(t);
    }
    out.push_back(Token{Tok::End, {}, s.size()});
    return out;
}

std::string shown(const Token& t) {
    return t.kind == Tok::End ? std::string("the end of the text") : text::quote(t.text);
}

// --- values ---------------------------------------------------------------------------------

std::optional<double> plain_number(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty() || s.find_first_of("eE") == 0) return std::nullopt;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value))
        return std::nullopt;
    return value + 0.0;
}

/// The unit of summary total `name` (see models::summary_total_names).
std::string_view total_unit(std::string_view name) {
    if (name == "mean" || name == "p50" || name == "p90" || name == "p99" || name == "max")
        return "seconds";
    if (name == "utilization" || name == "error_rate") return "ratio";
    if (name == "throughput") return "1/s";
    return "count";
}

bool is_total(std::string_view name) {
    const auto& totals = models::summary_total_names();
    return std::find(totals.begin(), totals.end(), name) != totals.end();
}

std::vector<std::string> metric_names() {
    std::vector<std::string> names;
    for (const auto& m : models::metric_catalogue())
        names.emplace_back(m.alias);
    for (const auto& m : models::metric_catalogue())
        names.emplace_back(m.name);
    return names;
}

std::vector<std::string> total_names() {
    std::vector<std::string> names;
    for (const auto n : models::summary_total_names())
        names.emplace_back(n);
    return names;
}

// --- the parser -----------------------------------------------------------------------------

/// Thrown once a problem is reported: the rest of the text is not read.
struct Stop {};

struct Subject {
    std::string first;
    std::optional<std::string> second; ///< after "->"
    std::size_t offset = 0;
    std::string text() const { return second ? first + "->" + *second : first; }
};

struct RawCondition {
    std::optional<Token> range_fn; ///< "increase" or "rate" around the metric
    Token range;                   ///< with range_fn: the range's duration
    Token fn;
    Subject subject;
    Token op;
    models::Comparison comparison = models::Comparison::Greater;
    Token value;
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct Window {
    bool given = false;
    sim::SimTime from = sim::SimTime::zero();
    sim::SimTime to = models::kNever;
};

class Parser {
public:
    Parser(DiagnosticSink& sink, const Value& v, const OperationsScope& scope)
        : sink_(sink), v_(v), scope_(scope), text_(v.node.Scalar()), tokens_(tokenize(text_)) {}

    const std::string& text() const { return text_; }

    /// Reports `message` at `offset` inside the string, then stops.
    [[noreturn]] void fail(std::size_t offset, std::string message) {
        YAML::Mark mark = v_.mark;
        // The column inside the string when the string is on one line of the file (a quoted
        // scalar's mark is at its opening quote).
        if (!mark.is_null() && text_.find('\n') == std::string::npos) {
            const int shift = static_cast<int>(offset) + (v_.node.Tag() == "!" ? 1 : 0);
            mark.column += shift;
            mark.pos += shift;
        }
        sink_.error(mark, v_.path, std::move(message));
        throw Stop{};
    }

    const Token& peek(std::size_t ahead = 0) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    const Token& next() {
        const Token& t = peek();
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return t;
    }
    bool at_word(std::string_view w, std::size_t ahead = 0) const {
        return peek(ahead).kind == Tok::Word && peek(ahead).text == w;
    }
    void expect(Tok kind, std::string_view what, std::string_view after) {
        const Token& t = peek();
        if (t.kind != kind)
            fail(t.offset, fmt::format("expected {} {}, got {}", what, after, shown(t)));
        next();
    }
    void expect_word(std::string_view w, std::string_view after) {
        if (!at_word(w))
            fail(peek().offset, fmt::format("expected \"{}\" {}, got {}", w, after, shown(peek())));
        next();
    }
    const Token& word(std::string_view what) {
        const Token& t = peek();
        if (t.kind != Tok::Word) fail(t.offset, fmt::format("expected {}, got {}", what, shown(t)));
        return next();
    }
    void expect_end(std::string_view context) {
        if (peek().kind != Tok::End)
            fail(peek().offset,
                 fmt::format("expected the end of the text {}, got {}", context, shown(peek())));
    }

    Subject subject(std::string_view example) {
        Subject s;
        const Token& first = word(fmt::format("a name inside the parentheses, e.g. {}", example));
        s.first = first.text;
        s.offset = first.offset;
        if (peek().kind == Tok::Arrow) {
            next();
            s.second = std::string(word("the callee's name after \"->\"").text);
        }
        return s;
    }

    RawCondition condition() {
        RawCondition c;
        c.begin = peek().offset;
        if ((at_word("increase") || at_word("rate")) && peek(1).kind == Tok::LParen) {
            c.range_fn = next();
            next();
        }
        c.fn = word("a metric and its subject, e.g. error_rate(api) > 5%");
        if (peek().kind != Tok::LParen)
            fail(peek().offset,
                 fmt::format("expected \"(\" and the subject after {}, e.g. {}(api), got {}",
                             text::quote(c.fn.text), c.fn.text, shown(peek())));
        next();
        c.subject = subject("api or worker->db");
        expect(Tok::RParen, "\")\"", "after the subject");
        std::size_t subject_end = tokens_[pos_ - 1].offset + 1;
        if (c.range_fn) {
            const std::string_view fn = c.range_fn->text;
            if (peek().kind != Tok::LBracket)
                fail(peek().offset,
                     fmt::format("expected \"[\" and a range after {}, e.g. {}({}({})[5m]), got {}",
                                 text::quote(text_.substr(c.fn.offset, subject_end - c.fn.offset)),
                                 fn, c.fn.text, c.subject.text(), shown(peek())));
            next();
            c.range = word("a range, e.g. 5m");
            expect(Tok::RBracket, "\"]\"", "after the range");
            expect(Tok::RParen, "\")\"", fmt::format("to close {}(", fn));
            subject_end = tokens_[pos_ - 1].offset + 1;
        }
        c.op = peek();
        static constexpr std::array<std::pair<std::string_view, models::Comparison>, 6> kOps{
            {{"<", models::Comparison::Less},
             {"<=", models::Comparison::LessEqual},
             {">", models::Comparison::Greater},
             {">=", models::Comparison::GreaterEqual},
             {"==", models::Comparison::Equal},
             {"!=", models::Comparison::NotEqual}}};
        const auto op = std::find_if(kOps.begin(), kOps.end(), [&](const auto& o) {
            return c.op.kind == Tok::Op && o.first == c.op.text;
        });
        if (op == kOps.end())
            fail(c.op.offset,
                 fmt::format("expected a comparison (<, <=, >, >=, ==, !=) after {}, got {}{}",
                             text::quote(text_.substr(c.begin, subject_end - c.begin)), shown(c.op),
                             c.op.text == "=" ? "; did you mean \"==\"?" : ""));
        c.comparison = op->second;
        next();
        c.value = word("a value to compare with, e.g. 5% or 100ms");
        c.end = c.value.offset + c.value.text.size();
        return c;
    }

    /// A time inside a window; `rules` as for the load's times.
    sim::SimTime time(const TimeRules& rules) {
        const Token& t = word("a time, e.g. 10m or \"15:00\"");
        const CalendarStart none;
        auto parsed = parse_time_point(t.text, text::quote(t.text),
                                       scope_.start ? *scope_.start : none, rules);
        if (auto* message = std::get_if<std::string>(&parsed)) {
            if (message->empty()) throw Stop{}; // an unreadable start, already reported
            fail(t.offset, std::move(*message));
        }
        return std::get<sim::SimTime>(parsed);
    }

    /// A window, if the next word starts one.
    std::optional<Window> window() {
        Window w;
        w.given = true;
        if (at_word("during")) {
            next();
            expect(Tok::LBracket, "\"[\"", "after during (e.g. during [14:00, 15:00])");
            w.from = time({});
            expect(Tok::Comma, "\",\"", "between the window's two times");
            const std::size_t to_at = peek().offset;
            w.to = time(after(w.from));
            check_order(w, to_at);
            expect(Tok::RBracket, "\"]\"", "after the window's second time");
        } else if (at_word("after")) {
            next();
            w.from = time({});
        } else if (at_word("before")) {
            next();
            w.to = time({});
        } else if (at_word("between")) {
            next();
            w.from = time({});
            expect_word("and", "between the window's two times");
            const std::size_t to_at = peek().offset;
            w.to = time(after(w.from));
            check_order(w, to_at);
        } else {
            return std::nullopt;
        }
        return w;
    }

    void check_order(const Window& w, std::size_t to_at) {
        if (w.to < w.from)
            fail(to_at,
                 fmt::format("expected a time at or after the window's start ({}), got {}",
                             show_time(w.from, scope_.start ? *scope_.start : CalendarStart{}),
                             shown(tokens_[index_at(to_at)])));
    }

    std::size_t index_at(std::size_t offset) const {
        for (std::size_t i = 0; i < tokens_.size(); ++i)
            if (tokens_[i].offset == offset) return i;
        return tokens_.size() - 1;
    }

    static TimeRules after(sim::SimTime from) {
        TimeRules r;
        r.clock_from = from;
        return r;
    }

    // --- resolving names ------------------------------------------------------------------

    /// `subject` checked against what `kind` of metric `fn` is about.
    std::string resolve_subject(std::string_view fn, models::MetricSubject kind, const Subject& s) {
        const std::string shown_subject = text::quote(s.text());
        switch (kind) {
        case models::MetricSubject::Service:
            if (s.second)
                fail(s.offset, fmt::format("{} is about a service or queue: expected its name, "
                                           "e.g. {}(api), got {}",
                                           fn, fn, shown_subject));
            if (scope_.services_known) {
                const auto r = scope_.find_service(s.first);
                if (const auto* m = std::get_if<std::string>(&r)) fail(s.offset, *m);
            }
            break;
        case models::MetricSubject::Edge:
            if (!s.second)
                fail(s.offset, fmt::format("{} is about a call: expected caller->callee, e.g. "
                                           "{}(worker->db), got {}",
                                           fn, fn, shown_subject));
            if (scope_.services_known && scope_.edges_known) {
                const auto r = scope_.find_edge(s.first, *s.second);
                if (const auto* m = std::get_if<std::string>(&r)) fail(s.offset, *m);
            }
            break;
        case models::MetricSubject::Link:
            if (!s.second)
                fail(s.offset, fmt::format("{} is about a network link: expected from->to, e.g. "
                                           "{}(worker->db), got {}",
                                           fn, fn, shown_subject));
            if (scope_.links_known) {
                const auto r = scope_.find_link(s.first, *s.second);
                if (const auto* m = std::get_if<std::string>(&r)) fail(s.offset, *m);
            }
            break;
        }
        return s.text();
    }

    /// The threshold in `unit` ("seconds", "ratio", "bytes", ...), from `t`.
    double value(std::string_view fn, std::string_view unit, const Token& t) {
        const std::string got = shown(t);
        const auto number = plain_number(t.text);
        if (unit == "seconds") {
            const auto d = parse_duration(t.text);
            if (const auto* s = std::get_if<sim::SimTime>(&d)) return s->seconds();
            fail(t.offset, fmt::format("expected a duration with a unit, e.g. 100ms ({} is a "
                                       "time), got {}",
                                       fn, got));
        }
        if (unit == "ratio") {
            const auto r = parse_ratio(t.text);
            if (const auto* x = std::get_if<double>(&r)) return *x;
            fail(t.offset, std::get<std::string>(r));
        }
        if (number) return *number;
        if (unit == "bytes") {
            const auto b = parse_size_bytes(t.text);
            if (const auto* x = std::get_if<std::uint64_t>(&b)) return static_cast<double>(*x);
            fail(t.offset,
                 fmt::format("expected a size (e.g. 512MiB) or a number of bytes, got {}", got));
        }
        if (unit == "bytes/s") {
            const auto b = parse_data_rate(t.text);
            if (const auto* x = std::get_if<double>(&b)) return *x;
            fail(t.offset,
                 fmt::format("expected a data rate (e.g. 100MiB/s) or a number of bytes per "
                             "second, got {}",
                             got));
        }
        if (unit == "1/s") {
            const auto r = parse_rate_per_second(t.text);
            if (const auto* x = std::get_if<double>(&r)) return *x;
            fail(t.offset,
                 fmt::format("expected a rate (e.g. 100/s) or a number per second, got {}", got));
        }
        if (unit == "state") {
            if (t.text == "closed") return 0.0;
            if (t.text == "half_open") return 1.0;
            if (t.text == "open") return 2.0;
            fail(t.offset, fmt::format("expected closed, half_open, open or a number (0, 1, 2), "
                                       "got {}",
                                       got));
        }
        fail(t.offset, fmt::format("expected a number ({} is a {}), got {}", fn,
                                   unit == "cores" ? "number of cores" : "count", got));
    }

    /// `c` as a condition on a metric of the catalogue.
    models::Condition metric_condition(const RawCondition& c, bool alert) {
        const std::string_view fn = c.fn.text;
        const models::MetricInfo* info = models::find_metric(fn);
        if (info == nullptr) {
            if (is_total(fn))
                fail(c.fn.offset,
                     alert ? fmt::format("{} is a total of the run's final figures, not a metric "
                                         "an alert can watch; metrics: {}",
                                         text::quote(fn), aliases())
                           : fmt::format("{} is a total of the run's final figures: it takes no "
                                         "window (e.g. {}(api) == 0)",
                                         text::quote(fn), fn));
            fail(c.fn.offset, unknown_metric(fn, !alert));
        }
        models::Condition out;
        out.metric.name = std::string(info->name);
        out.metric.subject = resolve_subject(fn, info->subject, c.subject);
        out.op = c.comparison;
        std::string_view unit = info->unit;
        if (c.range_fn) {
            range_function(c, *info, alert, out);
            unit = out.range_function == models::RangeFunction::Rate ? "1/s" : "count";
        } else if (info->name == "tps_queue_depth" && c.value.text.ends_with('%')) {
            // A share of the capacity: the fill ratio.
            out.metric.name = "tps_queue_fill_ratio";
            unit = "ratio";
        }
        out.threshold = value(fn, unit, c.value);
        out.text = text_.substr(c.begin, c.end - c.begin);
        return out;
    }

    /// `increase(...)` or `rate(...)` around a counter: the function and its range into `out`.
    void range_function(const RawCondition& c, const models::MetricInfo& info, bool alert,
                        models::Condition& out) {
        const std::string_view fn = c.range_fn->text;
        std::vector<std::string> counters;
        for (const auto& m : models::metric_catalogue())
            if (m.name.ends_with("_total")) counters.emplace_back(m.alias);
        if (!alert)
            fail(c.range_fn->offset,
                 fmt::format("{}() is for alert rules; an expectation reads the metric itself "
                             "(e.g. {}({}) == 0 after 10m) or an alert (alert NAME never fires)",
                             fn, c.fn.text, c.subject.text()));
        if (!info.name.ends_with("_total"))
            fail(c.fn.offset,
                 fmt::format("{}() takes a counter ({}), got {}: a {} read at each "
                             "scrape; compare it directly, e.g. {}({}) > ...",
                             fn, text::join(counters), text::quote(c.fn.text),
                             info.unit == "1/s" ? "rate" : "gauge", c.fn.text, c.subject.text()));
        const auto range = parse_duration(c.range.text);
        const auto* at = std::get_if<sim::SimTime>(&range);
        if (at == nullptr)
            fail(c.range.offset,
                 fmt::format("expected a range with a unit, e.g. 5m, got {}", shown(c.range)));
        const sim::SimTime interval = scope_.scrape_interval;
        if (*at < interval)
            fail(c.range.offset,
                 fmt::format("expected a range of at least the scrape interval ({}): {}() needs "
                             "two scrapes in it; got {}",
                             format_duration(interval), fn, shown(c.range)));
        if (at->ns() / interval.ns() > kMaxRangeScrapes)
            fail(c.range.offset,
                 fmt::format("expected a range of at most {} scrape intervals (the samples it "
                             "keeps), got {}",
                             kMaxRangeScrapes, shown(c.range)));
        out.range_function =
            fn == "rate" ? models::RangeFunction::Rate : models::RangeFunction::Increase;
        out.range = *at;
    }
    static constexpr std::int64_t kMaxRangeScrapes = 100'000;

    models::Condition total_condition(const RawCondition& c) {
        const std::string_view fn = c.fn.text;
        models::Condition out;
        out.metric.name = std::string(fn);
        out.metric.subject = resolve_subject(fn, models::MetricSubject::Service, c.subject);
        out.op = c.comparison;
        out.threshold = value(fn, total_unit(fn), c.value);
        out.text = text_.substr(c.begin, c.end - c.begin);
        return out;
    }

    static std::string aliases() {
        std::vector<std::string> names;
        for (const auto& m : models::metric_catalogue())
            names.emplace_back(m.alias);
        return text::join(names);
    }

    std::string unknown_metric(std::string_view fn, bool with_totals) const {
        std::vector<std::string> names = metric_names();
        if (with_totals)
            for (auto& t : total_names())
                names.push_back(std::move(t));
        std::string message = fmt::format("unknown metric {}", text::quote(fn));
        const std::string suggestion = text::closest(fn, names);
        if (!suggestion.empty())
            message += fmt::format("; did you mean {}?", text::quote(suggestion));
        else
            message +=
                fmt::format(" (metrics: {}{})", aliases(),
                            with_totals ? fmt::format("; totals: {}", text::join(total_names()))
                                        : std::string());
        return message;
    }

    // --- the forms --------------------------------------------------------------------------

    models::Condition alert_condition() {
        if (at_word("absent") && peek(1).kind == Tok::LParen) return watchdog_absent();
        const RawCondition c = condition();
        if (at_word("during") || at_word("after") || at_word("before") || at_word("between") ||
            at_word("at"))
            fail(peek().offset,
                 fmt::format("an alert's condition takes no window: it is checked at every "
                             "scrape, and for: says how long it must hold; got {}",
                             shown(peek())));
        expect_end("after the condition");
        return metric_condition(c, true);
    }

    /// `absent(watchdog)`: the dead man's switch on the monitoring's heartbeat.
    models::Condition watchdog_absent() {
        next();
        next();
        if (!at_word("watchdog"))
            fail(peek().offset,
                 fmt::format("absent() takes watchdog (the monitoring's heartbeat: "
                             "absent(watchdog) holds while monitoring is down), got {}",
                             shown(peek())));
        next();
        expect(Tok::RParen, "\")\"", "after watchdog");
        expect_end("after absent(watchdog): it holds or not, with no comparison");
        models::Condition out;
        out.watchdog_absent = true;
        out.text = text_;
        return out;
    }

    models::ExpectationParams expectation() {
        models::ExpectationParams e;
        e.text = text_;
        if (at_word("alert") && peek(1).kind != Tok::LParen) {
            if (peek(1).kind != Tok::Word)
                fail(peek(1).offset,
                     fmt::format("expected the alert's name after \"alert\", got {}",
                                 shown(peek(1))));
            return alert_form(e);
        }
        if (at_word("breaker") && peek(1).kind == Tok::LParen) return breaker_form(e);
        if (at_word("canary") && peek(1).kind == Tok::LParen) return canary_form(e);

        const RawCondition c = condition();
        if (c.range_fn) {
            // Checked with its metric first, so a misspelt one is named as such.
            if (models::find_metric(c.fn.text) == nullptr)
                fail(c.fn.offset, unknown_metric(c.fn.text, true));
            models::Condition unused;
            range_function(c, *models::find_metric(c.fn.text), false, unused);
        }
        std::optional<Window> w;
        bool ever = false;
        while (peek().kind != Tok::End) {
            const std::size_t at = peek().offset;
            if (at_word("at")) {
                next();
                expect_word("some", "in \"at some point\"");
                expect_word("point", "in \"at some point\"");
                if (ever) fail(at, "\"at some point\" is given twice");
                ever = true;
                continue;
            }
            auto found = window();
            if (!found)
                fail(at, fmt::format("expected a window (during [a, b], after t, before t, "
                                     "between a and b), \"at some point\" or the end of the "
                                     "text, got {}",
                                     shown(peek())));
            if (w) fail(at, "expected one window, got a second");
            w = found;
        }
        if (!w && !ever) {
            if (is_total(c.fn.text)) {
                e.kind = models::ExpectationParams::Kind::Total;
                e.condition = total_condition(c);
                return e;
            }
            if (models::find_metric(c.fn.text) != nullptr)
                fail(c.end, fmt::format("a condition on the metric {} needs a window: add during "
                                        "[a, b], after t, before t, between a and b or at some "
                                        "point (or use a total of the run's final figures: {})",
                                        text::quote(c.fn.text), text::join(total_names())));
            fail(c.fn.offset, unknown_metric(c.fn.text, true));
        }
        e.kind =
            ever ? models::ExpectationParams::Kind::Ever : models::ExpectationParams::Kind::Always;
        e.condition = metric_condition(c, false);
        if (w) {
            e.from = w->from;
            e.to = w->to;
        }
        return e;
    }

    void optional_window(models::ExpectationParams& e) {
        if (peek().kind == Tok::End) return;
        const std::size_t at = peek().offset;
        const auto w = window();
        if (!w)
            fail(at, fmt::format("expected a window (during [a, b], after t, before t, between a "
                                 "and b) or the end of the text, got {}",
                                 shown(peek())));
        e.from = w->from;
        e.to = w->to;
        expect_end("after the window");
    }

    models::ExpectationParams alert_form(models::ExpectationParams& e) {
        next(); // alert
        const Token& name = next();
        if (scope_.alerts_known) {
            const auto a = scope_.find_alert(name.text);
            if (const auto* m = std::get_if<std::string>(&a)) fail(name.offset, *m);
            e.alert = std::get<std::uint32_t>(a);
        }
        if (at_word("never")) {
            next();
            expect_word("fires", "after never");
            e.kind = models::ExpectationParams::Kind::AlertNeverFires;
        } else if (at_word("fires")) {
            next();
            e.kind = models::ExpectationParams::Kind::AlertFires;
        } else {
            fail(peek().offset,
                 fmt::format("expected \"fires\" or \"never fires\" after the alert's name, got {}",
                             shown(peek())));
        }
        optional_window(e);
        return e;
    }

    models::ExpectationParams breaker_form(models::ExpectationParams& e) {
        next(); // breaker
        next(); // (
        const Subject s = subject("worker->db");
        if (!s.second)
            fail(s.offset, fmt::format("a breaker is on a call: expected caller->callee, e.g. "
                                       "breaker(worker->db), got {}",
                                       text::quote(s.text())));
        expect(Tok::RParen, "\")\"", "after the call");
        e.edge_key = *s.second;
        if (scope_.services_known) {
            const auto caller = scope_.find_service(s.first);
            if (const auto* m = std::get_if<std::string>(&caller)) fail(s.offset, *m);
            e.service = std::get<std::uint32_t>(caller);
            if (scope_.edges_known) {
                const auto edge = scope_.find_edge(s.first, *s.second);
                if (const auto* m = std::get_if<std::string>(&edge)) fail(s.offset, *m);
                if (!scope_.edge_has_breaker[std::get<std::uint32_t>(edge)])
                    fail(s.offset, fmt::format("the call {} has no circuit_breaker", s.text()));
            }
        }
        if (at_word("never")) {
            next();
            expect_word("opens", "after never");
            e.kind = models::ExpectationParams::Kind::BreakerNeverOpens;
        } else if (at_word("opens")) {
            next();
            e.kind = models::ExpectationParams::Kind::BreakerOpens;
        } else {
            fail(peek().offset,
                 fmt::format("expected \"opens\" or \"never opens\" after breaker(...), got {}",
                             shown(peek())));
        }
        optional_window(e);
        return e;
    }

    models::ExpectationParams canary_form(models::ExpectationParams& e) {
        next(); // canary
        next(); // (
        const Subject s = subject("worker");
        if (s.second)
            fail(s.offset, fmt::format("a canary is a service's: expected its name, e.g. "
                                       "canary(worker), got {}",
                                       text::quote(s.text())));
        expect(Tok::RParen, "\")\"", "after the service");
        if (scope_.services_known) {
            const auto svc = scope_.find_service(s.first);
            if (const auto* m = std::get_if<std::string>(&svc)) fail(s.offset, *m);
            e.service = std::get<std::uint32_t>(svc);
            if (!scope_.has_canary[e.service])
                fail(s.offset, fmt::format("{} has no canary (deployments: {{{}: {{canary: "
                                           "...}}}})",
                                           text::quote(s.first), s.first));
        }
        if (at_word("promoted")) {
            next();
            e.kind = models::ExpectationParams::Kind::CanaryPromoted;
        } else if (at_word("rolled") && at_word("back", 1)) {
            next();
            next();
            e.kind = models::ExpectationParams::Kind::CanaryRolledBack;
        } else {
            fail(peek().offset,
                 fmt::format("expected \"promoted\" or \"rolled back\" after canary(...), got {}",
                             shown(peek())));
        }
        expect_end("after the canary's outcome");
        return e;
    }

private:
    DiagnosticSink& sink_;
    const Value& v_;
    const OperationsScope& scope_;
    std::string text_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

bool is_text(DiagnosticSink& sink, const Value& v, std::string_view example) {
    if (v.node.IsScalar() && !v.node.Scalar().empty()) return true;
    sink.error(v.mark, v.path, fmt::format("expected {}, got {}", example, describe(v.node)));
    return false;
}

} // namespace

std::optional<models::Condition> read_alert_condition(DiagnosticSink& sink, const Value& v,
                                                      const OperationsScope& scope) {
    if (!is_text(sink, v, "a condition, e.g. \"error_rate(api) > 5%\"")) return std::nullopt;
    Parser parser(sink, v, scope);
    try {
        return parser.alert_condition();
    } catch (const Stop&) {
        return std::nullopt;
    }
}

std::optional<models::ExpectationParams> read_expectation(DiagnosticSink& sink, const Value& v,
                                                          const OperationsScope& scope) {
    if (!is_text(sink, v, "an expectation, e.g. \"p99(api) < 100ms after 10m\""))
        return std::nullopt;
    Parser parser(sink, v, scope);
    try {
        return parser.expectation();
    } catch (const Stop&) {
        return std::nullopt;
    }
}

} // namespace tpssim::scenarios::detail
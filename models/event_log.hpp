#pragma once
/// The event log: what happened to a run's operations over time (scalings, crashes, faults,
/// alerts, actions, canary steps, autoscaler decisions), one row per event, kept as columns.
///
/// Memory follows what an output asks for, not the length of the run: a log that is not kept
/// (no output reads it: `tpssim run` without `--events`, or a replication other than the
/// first) only counts its events. A kept log stores each row compactly (its time, the ids of
/// its type and subject in an interned string table, the id of its field layout, and one
/// double per field, a text field holding its string's id), about 24 bytes plus 8 per field,
/// and keeps at most `max_rows` rows: later events are counted as dropped.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace tpssim::models {

class EventLog {
public:
    /// A field's value: a number, or a text (interned by the log).
    using Value = std::variant<double, std::string_view>;
    /// One field of an event, as the model hands it over.
    struct Field {
        std::string_view key;
        Value value;
    };

    /// At most this many rows are kept by default (about 100 MB at the widest rows).
    static constexpr std::size_t kMaxRows = 1'000'000;

    /// `keep`: store the rows (else only count them); `max_rows`: the bound on rows stored.
    explicit EventLog(bool keep = true, std::size_t max_rows = kMaxRows);

    /// Logs one event at `at_seconds` (non-decreasing between calls), with its fields in a
    /// fixed order per type. The strings are copied (interned) only when the row is kept.
    void add(double at_seconds, std::string_view type, std::string_view subject,
             std::initializer_list<Field> fields = {});

    /// One kept row, read back: views into the log (valid while it lives and is not moved).
    class Event {
    public:
        double at_seconds = 0.0;
        std::string_view type;    ///< "autoscaler", "scale", "crash", "fault_start", ...
        std::string_view subject; ///< the service, edge ("worker->db"), link, alert or fault
        std::size_t field_count() const;
        std::string_view key(std::size_t i) const;
        Value value(std::size_t i) const;
        /// The value of field `key`; nullopt if the event has none.
        std::optional<Value> find(std::string_view key) const;

    private:
        friend class EventLog;
        const EventLog* log_ = nullptr;
        std::size_t row_ = 0;
    };

    /// Events logged in all, kept or not.
    std::uint64_t events() const { return events_; }
    /// Events a kept log dropped beyond `max_rows` (0 for a log that only counts).
    std::uint64_t dropped() const { return keep_ ? events_ - at_seconds_.size() : 0; }
    /// Rows kept.
    std::size_t size() const { return at_seconds_.size(); }
    bool empty() const { return at_seconds_.empty(); }
    bool keeps_rows() const { return keep_; }
    Event operator[](std::size_t row) const;

    /// Rows in time order (equal times in the order they were logged).
    class Iterator {
    public:
        using value_type = Event;
        using difference_type = std::ptrdiff_t;
        Iterator() = default;
        Iterator(const EventLog* log, std::size_t row) : log_(log), row_(row) {}
        Event operator*() const { return (*log_)[row_]; }
        Iterator& operator++() {
            ++row_;
            return *this;
        }
        Iterator operator++(int) {
            Iterator old = *this;
            ++row_;
            return old;
        }
        bool operator==(const Iterator& other) const { return row_ == other.row_; }

    private:
        const EventLog* log_ = nullptr;
        std::size_t row_ = 0;
    };
    Iterator begin() const { return {this, 0}; }
    Iterator end() const { return {this, size()}; }

    /// The rows of two time-ordered logs in one time order, `first`'s before `second`'s at equal
    /// times; kept as `first` keeps (its bound), counting every event of both.
    /// Without rows or events in `second`, `first` itself (moved, not copied).
    static EventLog merge_by_time(EventLog first, const EventLog& second);

private:
    // A field layout: the keys of a row's fields, and which of them are texts.
    struct Layout {
        std::vector<std::uint32_t> keys; // string ids
        std::vector<bool> text;
    };
    std::uint32_t intern(std::string_view s);
    void append_row(const Event& e);        // a copy of another log's row, counted
    std::uint32_t layout_id(Layout layout); // interned
    void push_row(double at_seconds, std::string_view type, std::string_view subject,
                  std::uint32_t layout);
    void push_value(const Value& value);

    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    bool keep_;
    std::size_t max_rows_;
    std::uint64_t events_ = 0;
    // One entry per kept row.
    std::vector<double> at_seconds_;
    std::vector<std::uint32_t> type_, subject_, layout_, first_field_;
    // One entry per field of the kept rows: a number, or a text's string id.
    std::vector<double> field_values_;
    // Interned strings (types, subjects, keys, texts) and layouts.
    std::vector<std::string> strings_;
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> string_ids_;
    std::vector<Layout> layouts_;
    std::unordered_map<std::string, std::uint32_t> layout_ids_; // by a key made of the ids
};

} // namespace tpssim::models
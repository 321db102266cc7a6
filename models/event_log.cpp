#include "models/event_log.hpp"

#include <stdexcept>

namespace tpssim::models {

EventLog::EventLog(bool keep, std::size_t max_rows) : keep_(keep), max_rows_(max_rows) {}

std::uint32_t EventLog::intern(std::string_view s) {
    if (const auto it = string_ids_.find(s); it != string_ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(strings_.size());
    strings_.emplace_back(s);
    string_ids_.emplace(strings_.back(), id);
    return id;
}

std::uint32_t EventLog::layout_id(Layout layout) {
    // The layout's key: each field's key id and kind, as bytes.
    std::string signature;
    for (std::size_t i = 0; i < layout.keys.size(); ++i) {
        signature.append(reinterpret_cast<const char*>(&layout.keys[i]), sizeof layout.keys[i]);
        signature.push_back(layout.text[i] ? 't' : 'n');
    }
    const auto [it, added] =
        layout_ids_.emplace(std::move(signature), static_cast<std::uint32_t>(layouts_.size()));
    if (added) layouts_.push_back(std::move(layout));
    return it->second;
}

void EventLog::add(double at_seconds, std::string_view type, std::string_view subject,
                   std::initializer_list<Field> fields) {
    ++events_;
    if (!keep_ || at_seconds_.size() >= max_rows_) return;
    Layout layout;
    for (const Field& f : fields) {
        layout.keys.push_back(intern(f.key));
        layout.text.push_back(std::holds_alternative<std::string_view>(f.value));
    }
    push_row(at_seconds, type, subject, layout_id(std::move(layout)));
    for (const Field& f : fields)
        push_value(f.value);
}

void EventLog::push_row(double at_seconds, std::string_view type, std::string_view subject,
                        std::uint32_t layout) {
    at_seconds_.push_back(at_seconds);
    type_.push_back(intern(type));
    subject_.push_back(intern(subject));
    layout_.push_back(layout);
    first_field_.push_back(static_cast<std::uint32_t>(field_values_.size()));
}

void EventLog::push_value(const Value& value) {
    if (const auto* text = std::get_if<std::string_view>(&value))
        field_values_.push_back(static_cast<double>(intern(*text)));
    else
        field_values_.push_back(std::get<double>(value));
}

void EventLog::append_row(const Event& e) {
    ++events_;
    if (!keep_ || at_seconds_.size() >= max_rows_) return;
    Layout layout;
    for (std::size_t i = 0; i < e.field_count(); ++i) {
        layout.keys.push_back(intern(e.key(i)));
        layout.text.push_back(std::holds_alternative<std::string_view>(e.value(i)));
    }
    push_row(e.at_seconds, e.type, e.subject, layout_id(std::move(layout)));
    for (std::size_t i = 0; i < e.field_count(); ++i)
        push_value(e.value(i));
}

EventLog EventLog::merge_by_time(EventLog first, const EventLog& second) {
    if (second.events_ == 0) return first;
    EventLog out(first.keep_, first.max_rows_);
    std::size_t i = 0, j = 0;
    while (i < first.size() || j < second.size()) {
        const bool take_first = j == second.size() ||
                                (i < first.size() && first.at_seconds_[i] <= second.at_seconds_[j]);
        out.append_row(take_first ? first[i++] : second[j++]);
    }
    // Events counted but not kept by either log stay counted.
    out.events_ = first.events_ + second.events_;
    return out;
}

EventLog::Event EventLog::operator[](std::size_t row) const {
    if (row >= size()) throw std::out_of_range("event log: no such row");
    Event e;
    e.at_seconds = at_seconds_[row];
    e.type = strings_[type_[row]];
    e.subject = strings_[subject_[row]];
    e.log_ = this;
    e.row_ = row;
    return e;
}

std::size_t EventLog::Event::field_count() const {
    return log_->layouts_[log_->layout_[row_]].keys.size();
}

std::string_view EventLog::Event::key(std::size_t i) const {
    return log_->strings_[log_->layouts_[log_->layout_[row_]].keys.at(i)];
}

EventLog::Value EventLog::Event::value(std::size_t i) const {
    const Layout& layout = log_->layouts_[log_->layout_[row_]];
    const double v = log_->field_values_[log_->first_field_[row_] + i];
    if (layout.text.at(i)) return std::string_view(log_->strings_[static_cast<std::size_t>(v)]);
    return v;
}

std::optional<EventLog::Value> EventLog::Event::find(std::string_view wanted) const {
    for (std::size_t i = 0; i < field_count(); ++i)
        if (key(i) == wanted) return value(i);
    return std::nullopt;
}

} // namespace tpssim::models
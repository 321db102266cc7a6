#include "scenarios/key_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace tpssim::scenarios::detail {

KeySchema::KeySchema(std::vector<std::string> keys, std::vector<std::string> blocks) {
    for (auto& k : keys) {
        const bool block = std::find(blocks.begin(), blocks.end(), k) != blocks.end();
        add_key(std::move(k), block);
    }
}

std::vector<std::string> KeySchema::blocks() const {
    std::vector<std::string> names;
    for (const auto& name : names_)
        for (const auto& k : keys_)
            if (k.name == name && k.block) names.push_back(name);
    return names;
}

bool KeySchema::has(std::string_view key) const {
    return std::any_of(keys_.begin(), keys_.end(), [&](const Key& k) { return k.name == key; });
}

void KeySchema::add_key(std::string name, bool block) {
    // One place per key: a table naming a key twice is a programming error.
    if (has(name)) throw std::logic_error("KeySchema: key declared twice: " + name);
    keys_.push_back(Key{std::move(name), block, false, {}});
    list_names();
}

void KeySchema::list_names() {
    names_.clear();
    names_.reserve(keys_.size());
    const auto listed_here = [](const Key& k) { return !k.listed_last && k.listed_before.empty(); };
    for (const auto& k : keys_) {
        if (!listed_here(k)) continue;
        for (const auto& moved : keys_)
            if (moved.listed_before == k.name) names_.push_back(moved.name);
        names_.push_back(k.name);
    }
    // Keys listed before one not declared yet stay at the end meanwhile (a table lists its keys
    // as they are once it is built).
    for (const auto& k : keys_)
        if (!k.listed_before.empty() &&
            std::find(names_.begin(), names_.end(), k.name) == names_.end())
            names_.push_back(k.name);
    for (const auto& k : keys_)
        if (k.listed_last) names_.push_back(k.name);
}

void KeySchema::list_last_key() {
    keys_.back().listed_last = true;
    list_names();
}

void KeySchema::list_key_before(std::string other) {
    keys_.back().listed_before = std::move(other);
    list_names();
}

} // namespace tpssim::scenarios::detail
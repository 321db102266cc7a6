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

std::vector<std::string> KeySchema::keys() const {
    std::vector<std::string> names;
    names.reserve(keys_.size());
    for (const auto& k : keys_)
        names.push_back(k.name);
    return names;
}

std::vector<std::string> KeySchema::blocks() const {
    std::vector<std::string> names;
    for (const auto& k : keys_)
        if (k.block) names.push_back(k.name);
    return names;
}

bool KeySchema::has(std::string_view key) const {
    return std::any_of(keys_.begin(), keys_.end(), [&](const Key& k) { return k.name == key; });
}

void KeySchema::add_key(std::string name, bool block) {
    // One place per key: a table naming a key twice is a programming error.
    if (has(name)) throw std::logic_error("KeySchema: key declared twice: " + name);
    keys_.push_back(Key{std::move(name), block});
}

} // namespace tpssim::scenarios::detail
#pragma once
/// Declarative readers for maps of settings (internal to scenarios/): each key of a map is
/// declared once, bound to the field it fills and the reader (with its checks) of its value.
/// The table then does what every hand-written reader repeated: check the keys (unknown,
/// duplicate and missing ones, through MapReader, with the usual diagnostics), read each value,
/// store it, and say whether everything was right. A reader that needs the run's context (the
/// calendar, the duration, the scenario file's folder) gets it as the table's `Ctx`.
///
///     const KeyTable<models::HealthCheckParams> kHealthCheck =
///         KeyTable<models::HealthCheckParams>(
///             "health check settings, e.g. {period: 10s, failure_threshold: 3}")
///             .optional("period", &models::HealthCheckParams::period, positive_duration())
///             .optional("failure_threshold", &models::HealthCheckParams::failure_threshold,
///                       integer(1, kMaxThreshold));
///     ... if (auto h = kHealthCheck.read(sink, value)) ops.health_check = *h;
///
/// The key names also make up the schema `--set` walks (KeySchema): a key whose value is a
/// block of settings (a nested table, or one declared `block`) may be created by an override.
/// Modelled on SimGrid's `bind_flag` (a flag declared once with its variable and its check).

#include "scenarios/yaml_reader.hpp"

#include <fmt/format.h>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tpssim::scenarios::detail {

/// The names of a map's keys, in the order messages list them, and which of them hold a block
/// of settings that `--set` may create when the file lacks it.
class KeySchema {
public:
    struct Key {
        std::string name;
        bool block = false;
    };

    KeySchema() = default;
    /// A schema of keys read by hand; `blocks` names those of them holding a settings block.
    explicit KeySchema(std::vector<std::string> keys, std::vector<std::string> blocks = {});

    /// What the map is, for "expected ..., got ...".
    const std::string& what() const { return what_; }
    const std::vector<Key>& key_list() const { return keys_; }
    /// The key names, for MapReader.
    std::vector<std::string> keys() const;
    /// The names of the keys holding a settings block.
    std::vector<std::string> blocks() const;
    bool has(std::string_view key) const;

protected:
    void add_key(std::string name, bool block);

    std::string what_;
    std::vector<Key> keys_;
};

/// No run context.
struct NoContext {};

/// A map's keys as a table has read them, for the table's checks: the values given and which
/// of them were wrong (a check of `max_backoff >= backoff` needs `backoff` right or absent).
class KeysRead {
public:
    KeysRead(const MapReader& map, const std::vector<std::string>& wrong)
        : map_(map), wrong_(wrong) {}

    /// The value of `key`, if given.
    std::optional<Value> get(std::string_view key) const { return map_.get(key); }
    /// The map itself.
    const Value& self() const { return map_.self(); }
    const MapReader& map() const { return map_; }
    /// Whether `key` was given, and wrong (missing when required counts as wrong).
    bool wrong(std::string_view key) const {
        for (const auto& k : wrong_)
            if (k == key) return true;
        return false;
    }
    /// Whether `key` was given and read without a problem.
    bool read_ok(std::string_view key) const { return get(key) && !wrong(key); }

private:
    const MapReader& map_;
    const std::vector<std::string>& wrong_;
};

/// The table of a map of settings read into a `T`; `Ctx` is what its readers may need of the
/// run. Readers are callables `(DiagnosticSink&, const Value&) -> std::optional<X>`, or with a
/// third parameter `const Ctx&`; see value_readers.hpp.
template <class T, class Ctx = NoContext>
class KeyTable : public KeySchema {
public:
    /// Reads the value at `v` into `out`; false when it was wrong (already reported).
    using EntryReader = std::function<bool(DiagnosticSink&, const Value&, T&, const Ctx&)>;
    /// A check across keys (see check, check_always): false when it reported a problem.
    using Finish = std::function<bool(DiagnosticSink&, const KeysRead&, T&, const Ctx&)>;

    explicit KeyTable(std::string what) { what_ = std::move(what); }

    /// An optional key: its value, read by `reader`, goes into `field`.
    template <class F, class B, class R>
    KeyTable& optional(std::string name, F B::*field, R reader) {
        return add(std::move(name), {}, false, bind(field, std::move(reader)));
    }
    /// A required key; when missing, "missing required key NAME (`expected`)".
    template <class F, class B, class R>
    KeyTable& required(std::string name, std::string expected, F B::*field, R reader) {
        return add(std::move(name), std::move(expected), false, bind(field, std::move(reader)));
    }
    /// An optional key whose value is a block of settings read by `table` into `field` (a
    /// `std::optional` field is set only when the block is right).
    template <class F, class U>
    KeyTable& block(std::string name, F T::*field, const KeyTable<U, Ctx>& table) {
        return add(std::move(name), {}, true,
                   [field, &table](DiagnosticSink& sink, const Value& v, T& out, const Ctx& c) {
                       auto got = table.read(sink, v, c);
                       if (!got) return false;
                       out.*field = std::move(*got);
                       return true;
                   });
    }
    /// An optional key whose value is a block of settings (for `--set`) read by `reader`.
    template <class F, class B, class R>
    KeyTable& optional_block(std::string name, F B::*field, R reader) {
        return add(std::move(name), {}, true, bind(field, std::move(reader)));
    }
    /// An optional key whose value is a block of settings filling fields of this same `T`
    /// (`gates: {...}` inside a canary's settings).
    template <class U>
    KeyTable& into(std::string name, const KeyTable<U, Ctx>& table) {
        static_assert(std::is_same_v<U, T>);
        return add(std::move(name), {}, true,
                   [&table](DiagnosticSink& sink, const Value& v, T& out, const Ctx& c) {
                       return table.read_into(sink, v, out, c);
                   });
    }
    /// An optional key read by hand: `reader(sink, value, out, ctx)` returns false when wrong.
    /// `is_block` marks a value that is a block of settings (for `--set`).
    KeyTable& custom(std::string name, EntryReader reader, bool is_block = false) {
        return add(std::move(name), {}, is_block, std::move(reader));
    }
    /// A required key read by hand.
    KeyTable& custom_required(std::string name, std::string expected, EntryReader reader) {
        return add(std::move(name), std::move(expected), false, std::move(reader));
    }
    /// A key read by a check further down (its reading depends on other keys): declared here,
    /// so the map allows it in this place of the order messages list the keys in.
    KeyTable& read_by_check(std::string name, bool is_block = false) {
        add_key(std::move(name), is_block);
        return *this;
    }
    /// A check across keys, run at this point of the table when every key before it was right
    /// (a check of two values needs both): false when it reported a problem.
    KeyTable& check(Finish f) {
        entries_.push_back(Entry{{}, {}, {}, std::move(f), false});
        return *this;
    }
    /// A check run at this point whatever came before (a check that a key is missing).
    KeyTable& check_always(Finish f) {
        entries_.push_back(Entry{{}, {}, {}, std::move(f), true});
        return *this;
    }
    /// A check at the end, run when every key was right.
    KeyTable& finish(Finish f) { return check(std::move(f)); }

    /// Reads the map at `v` into `out`, key by key in the table's order; a wrong value leaves
    /// its field as it was. False when anything was wrong (the map, a key or a value).
    bool read_into(DiagnosticSink& sink, const Value& v, T& out, const Ctx& c = {}) const {
        MapReader map(sink, v, what_, keys());
        return read_map(sink, map, out, c);
    }
    /// The same, on a map already opened (for a caller that looks at its entries too).
    bool read_map(DiagnosticSink& sink, const MapReader& map, T& out, const Ctx& c = {}) const {
        if (!map.ok()) return false;
        bool ok = true;
        std::vector<std::string> wrong;
        const KeysRead keys(map, wrong);
        for (const auto& e : entries_) {
            if (e.check) {
                if ((ok || e.always) && !e.check(sink, keys, out, c)) ok = false;
                continue;
            }
            const auto value =
                e.expected.empty() ? map.get(e.name) : map.require(e.name, e.expected);
            if (!value) {
                if (!e.expected.empty()) {
                    ok = false;
                    wrong.push_back(e.name);
                }
                continue;
            }
            if (!e.read(sink, *value, out, c)) {
                ok = false;
                wrong.push_back(e.name);
            }
        }
        return ok;
    }
    /// The map at `v` as a `T` (starting from `init`), or nothing when anything was wrong.
    std::optional<T> read(DiagnosticSink& sink, const Value& v, const Ctx& c = {},
                          T init = T{}) const {
        if (!read_into(sink, v, init, c)) return std::nullopt;
        return init;
    }

private:
    struct Entry {
        std::string name;
        std::string expected; ///< non-empty: required
        EntryReader read;
        Finish check; ///< set: a check, not a key
        bool always = false;
    };

    KeyTable& add(std::string name, std::string expected, bool is_block, EntryReader reader) {
        add_key(name, is_block);
        entries_.push_back(
            Entry{std::move(name), std::move(expected), std::move(reader), {}, false});
        return *this;
    }

    template <class R>
    static auto call(const R& reader, DiagnosticSink& sink, const Value& v, const Ctx& c) {
        if constexpr (std::is_invocable_v<const R&, DiagnosticSink&, const Value&, const Ctx&>)
            return reader(sink, v, c);
        else
            return reader(sink, v);
    }

    template <class F, class B, class R>
    static EntryReader bind(F B::*field, R reader) {
        // A field of `T` or of a base of it (a struct adding what is read beside a model's
        // parameters, e.g. the services a link joins).
        static_assert(std::is_base_of_v<B, T>);
        return [field, reader = std::move(reader)](DiagnosticSink& sink, const Value& v, T& out,
                                                   const Ctx& c) {
            auto got = call(reader, sink, v, c);
            if (!got) return false;
            if constexpr (std::is_arithmetic_v<F>)
                out.*field = static_cast<F>(*got);
            else
                out.*field = std::move(*got);
            return true;
        };
    }

    std::vector<Entry> entries_;
};

/// The schemas of every map of settings the readers read, one function per reader file (each
/// defined beside its reader): the format's keys in one list, from which `--set` learns which
/// keys hold a settings block (overrides.cpp).
std::vector<const KeySchema*> scenario_schemas();   // scenario.cpp
std::vector<const KeySchema*> load_schemas();       // load_reader.cpp
std::vector<const KeySchema*> step_schemas();       // step_reader.cpp
std::vector<const KeySchema*> operations_schemas(); // operations_reader.cpp

} // namespace tpssim::scenarios::detail
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
/// Maps that are more than a flat list of settings are declared the same way: keys that exclude
/// each other (`either`), keys that go with a kind or another key (`.when`), a kind key that
/// says what the rest of the map means (`gate`), keys of another kind rejected by a check
/// (`KeysRead::reject`), another table's keys read over the same map (`keys_of`), lists of maps
/// (`each`), and keys read in another order than they are listed (`listed_last`,
/// `listed_before`). See docs/decisions/0006-declarative-scenario-readers.md.
///
/// The key names also make up the schema `--set` walks (KeySchema): a key whose value is a
/// block of settings (a nested table, or one declared `block`) may be created by an override.
/// Modelled on SimGrid's `bind_flag` (a flag declared once with its variable and its check).

#include "scenarios/value_readers.hpp"
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
        /// Where messages list it, when not where it is declared (see KeyTable::listed_last,
        /// KeyTable::listed_before): after all others, or just before the key named.
        bool listed_last = false;
        std::string listed_before;
    };

    KeySchema() = default;
    /// A schema of keys read by hand; `blocks` names those of them holding a settings block.
    explicit KeySchema(std::vector<std::string> keys, std::vector<std::string> blocks = {});

    /// What the map is, for "expected ..., got ...".
    const std::string& what() const { return what_; }
    const std::vector<Key>& key_list() const { return keys_; }
    /// The key names, for MapReader, in the order messages list them.
    const std::vector<std::string>& keys() const { return names_; }
    /// The names of the keys holding a settings block, in the order of keys().
    std::vector<std::string> blocks() const;
    bool has(std::string_view key) const;

protected:
    void add_key(std::string name, bool block);
    /// Lists the key declared last after the others.
    void list_last_key();
    /// Lists the key declared last just before `other` (declared before or after it).
    void list_key_before(std::string other);

    std::string what_;
    std::vector<Key> keys_;

private:
    void list_names();

    std::vector<std::string> names_; ///< keys_ in the order messages list them
};

/// No run context.
struct NoContext {};

/// A map's keys as a table has read them, for the table's checks: the values given and which
/// of them were wrong (a check of `max_backoff >= backoff` needs `backoff` right or absent).
class KeysRead {
public:
    KeysRead(const MapReader& map, std::vector<std::string>& wrong) : map_(map), wrong_(wrong) {}

    /// The value of `key`, if given.
    std::optional<Value> get(std::string_view key) const { return map_.get(key); }
    /// The map itself.
    const Value& self() const { return map_.self(); }
    const MapReader& map() const { return map_; }
    /// Whether `key` was given, and wrong (missing when required counts as wrong, and so does
    /// a key rejected by a check or given with the other of an `either`).
    bool wrong(std::string_view key) const {
        for (const auto& k : wrong_)
            if (k == key) return true;
        return false;
    }
    /// Whether `key` was given and read without a problem.
    bool read_ok(std::string_view key) const { return get(key) && !wrong(key); }
    /// Says `key` is wrong (a check reported it: a key of another kind of map): it is then not
    /// read further down, nor counted as given by an `either`.
    void reject(std::string key) const { wrong_.push_back(std::move(key)); }

private:
    const MapReader& map_;
    std::vector<std::string>& wrong_; ///< changed only by reject (see read_map)
};

/// The table of a map of settings read into a `T`; `Ctx` is what its readers may need of the
/// run. Readers are callables `(DiagnosticSink&, const Value&) -> std::optional<X>`, or with a
/// third parameter `const Ctx&`; see value_readers.hpp.
template <class T, class Ctx = NoContext>
class KeyTable : public KeySchema {
public:
    /// Reads the value at `v` into `out`; false when it was wrong (already reported). `keys`
    /// is the map as read so far, for a value whose reading depends on another key's.
    using EntryReader =
        std::function<bool(DiagnosticSink&, const Value&, T&, const Ctx&, const KeysRead&)>;
    /// A check across keys (see check, check_always): false when it reported a problem.
    using Finish = std::function<bool(DiagnosticSink&, const KeysRead&, T&, const Ctx&)>;
    /// Whether an entry applies (see when).
    using When = std::function<bool(const KeysRead&, const T&)>;

    explicit KeyTable(std::string what) { what_ = std::move(what); }

    /// An optional key: its value, read by `reader`, goes into `field`.
    template <class F, class B, class R>
    KeyTable& optional(std::string name, F B::*field, R reader) {
        return add(std::move(name), {}, false, bind(field, std::move(reader)));
    }
    /// An optional key whose value goes into `field` of the member `outer` of `T` (a parsed
    /// service's `params.workers`).
    template <class M, class F, class R>
    KeyTable& optional(std::string name, M T::*outer, F M::*field, R reader) {
        return add(std::move(name), {}, false, bind_in(outer, field, std::move(reader)));
    }
    /// A required key; when missing, "missing required key NAME (`expected`)".
    template <class F, class B, class R>
    KeyTable& required(std::string name, std::string expected, F B::*field, R reader) {
        return add(std::move(name), std::move(expected), false, bind(field, std::move(reader)));
    }
    /// An optional key whose value is a block of settings read by `table` into `field` (a
    /// `std::optional` field is set only when the block is right).
    template <class F, class B, class U>
    KeyTable& block(std::string name, F B::*field, const KeyTable<U, Ctx>& table) {
        static_assert(std::is_base_of_v<B, T>);
        return add(std::move(name), {}, true,
                   [field, &table](DiagnosticSink& sink, const Value& v, T& out, const Ctx& c,
                                   const KeysRead&) {
                       auto got = table.read(sink, v, c);
                       if (!got) return false;
                       out.*field = std::move(*got);
                       return true;
                   });
    }
    /// An optional key whose value is a block of settings read by `table` over the field's
    /// current value (its defaults differ from a fresh `F`'s: a scale-down's window).
    template <class F, class B>
    KeyTable& nested(std::string name, F B::*field, const KeyTable<F, Ctx>& table) {
        static_assert(std::is_base_of_v<B, T>);
        return add(std::move(name), {}, true,
                   [field, &table](DiagnosticSink& sink, const Value& v, T& out, const Ctx& c,
                                   const KeysRead&) {
                       return table.read_into(sink, v, static_cast<B&>(out).*field, c);
                   });
    }
    /// An optional key whose value is a block of settings (for `--set`) read by `reader`.
    template <class F, class B, class R>
    KeyTable& optional_block(std::string name, F B::*field, R reader) {
        return add(std::move(name), {}, true, bind(field, std::move(reader)));
    }
    /// The same into `field` of the member `outer` of `T`.
    template <class M, class F, class R>
    KeyTable& optional_block(std::string name, M T::*outer, F M::*field, R reader) {
        return add(std::move(name), {}, true, bind_in(outer, field, std::move(reader)));
    }
    /// An optional key whose value is a block of settings filling fields of this same `T`
    /// (`gates: {...}` inside a canary's settings).
    template <class U>
    KeyTable& into(std::string name, const KeyTable<U, Ctx>& table) {
        static_assert(std::is_same_v<U, T>);
        return add(std::move(name), {}, true,
                   [&table](DiagnosticSink& sink, const Value& v, T& out, const Ctx& c,
                            const KeysRead&) { return table.read_into(sink, v, out, c); });
    }
    /// An optional key read by hand: `reader(sink, value, out, ctx)` (or with a fifth
    /// parameter, the `KeysRead` so far) returns false when wrong. `is_block` marks a value
    /// that is a block of settings (for `--set`).
    template <class R>
    KeyTable& custom(std::string name, R reader, bool is_block = false) {
        return add(std::move(name), {}, is_block, by_hand(std::move(reader)));
    }
    /// A required key read by hand.
    template <class R>
    KeyTable& custom_required(std::string name, std::string expected, R reader,
                              bool is_block = false) {
        return add(std::move(name), std::move(expected), is_block, by_hand(std::move(reader)));
    }
    /// A key read by a check further down (its reading depends on other keys): declared here,
    /// so the map allows it in this place of the order messages list the keys in.
    KeyTable& read_by_check(std::string name, bool is_block = false) {
        add_key(std::move(name), is_block);
        return *this;
    }
    /// The keys of `other`, a table that one of this table's entries reads over this same
    /// map (a call's settings beside its `call:`): declared here, in this place of the order,
    /// so the map allows them; read by that entry.
    KeyTable& keys_of(const KeySchema& other) {
        for (const auto& k : other.key_list())
            add_key(k.name, k.block);
        return *this;
    }
    /// Keys `a` and `b` exclude each other: given both, `both_message` is reported at the
    /// second (see both()), neither is read and the map is wrong. Declared before the two.
    KeyTable& either(std::string a, std::string b, std::string both_message) {
        Entry e;
        e.name = std::move(a);
        e.other = std::move(b);
        e.both_message = std::move(both_message);
        entries_.push_back(std::move(e));
        return *this;
    }
    /// The entry declared last applies only when `pred` holds: otherwise its key is not looked
    /// at (not read, not required), or its check not run. For a key that goes with another
    /// (a cache's `capacity` with `keys`), or one read only when another was right.
    KeyTable& when(When pred) {
        entries_.back().when = std::move(pred);
        return *this;
    }
    /// The key declared last is listed after all the others in "expected one of ...", though
    /// read here: a map whose messages list its keys in another order than it reads them.
    KeyTable& listed_last() {
        list_last_key();
        return *this;
    }
    /// The key declared last is listed just before `other` (declared before or after it),
    /// though read here: a fault's `name`, read last, is listed before `at`.
    KeyTable& listed_before(std::string other) {
        list_key_before(std::move(other));
        return *this;
    }
    /// A check across keys, run at this point of the table when every key before it was right
    /// (a check of two values needs both): false when it reported a problem.
    KeyTable& check(Finish f) {
        Entry e;
        e.check = std::move(f);
        entries_.push_back(std::move(e));
        return *this;
    }
    /// A check run at this point whatever came before (a check that a key is missing).
    KeyTable& check_always(Finish f) {
        Entry e;
        e.check = std::move(f);
        e.always = true;
        entries_.push_back(std::move(e));
        return *this;
    }
    /// A check run at this point whatever came before, after which nothing is read when it
    /// fails: what the rest of the map means depends on it (a step's one kind key).
    KeyTable& gate(Finish f) {
        Entry e;
        e.check = std::move(f);
        e.always = true;
        e.stop = true;
        entries_.push_back(std::move(e));
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
            if (e.when && !e.when(keys, out)) continue;
            if (e.check) {
                if ((ok || e.always) && !e.check(sink, keys, out, c)) {
                    if (e.stop) return false;
                    ok = false;
                }
                continue;
            }
            if (!e.other.empty()) {
                // A key rejected before (by a check) does not count as given.
                if (!map.get(e.name) || !map.get(e.other) || keys.wrong(e.name) ||
                    keys.wrong(e.other))
                    continue;
                both(sink, map, e.name, e.other, e.both_message);
                ok = false;
                wrong.push_back(e.name);
                wrong.push_back(e.other);
                continue;
            }
            // A key an `either` found given with its other: reported there, not read.
            if (keys.wrong(e.name)) continue;
            const auto value =
                e.expected.empty() ? map.get(e.name) : map.require(e.name, e.expected);
            if (!value) {
                if (!e.expected.empty()) {
                    ok = false;
                    wrong.push_back(e.name);
                }
                continue;
            }
            if (!e.read(sink, *value, out, c, keys)) {
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
        When when;                ///< set: the entry applies only when it holds
        std::string other;        ///< set: an `either` of `name` and `other`
        std::string both_message; ///< an `either`'s message
        bool stop = false;        ///< a gate
    };

    KeyTable& add(std::string name, std::string expected, bool is_block, EntryReader reader) {
        add_key(name, is_block);
        Entry e;
        e.name = std::move(name);
        e.expected = std::move(expected);
        e.read = std::move(reader);
        entries_.push_back(std::move(e));
        return *this;
    }

    template <class R>
    static auto call(const R& reader, DiagnosticSink& sink, const Value& v, const Ctx& c) {
        if constexpr (std::is_invocable_v<const R&, DiagnosticSink&, const Value&, const Ctx&>)
            return reader(sink, v, c);
        else
            return reader(sink, v);
    }

    template <class R>
    static EntryReader by_hand(R reader) {
        if constexpr (std::is_invocable_v<const R&, DiagnosticSink&, const Value&, T&, const Ctx&,
                                          const KeysRead&>)
            return reader;
        else
            return [reader = std::move(reader)](DiagnosticSink& sink, const Value& v, T& out,
                                                const Ctx& c, const KeysRead&) {
                return reader(sink, v, out, c);
            };
    }

    template <class F, class B, class R>
    static EntryReader bind(F B::*field, R reader) {
        // A field of `T` or of a base of it (a struct adding what is read beside a model's
        // parameters, e.g. the services a link joins).
        static_assert(std::is_base_of_v<B, T>);
        return [field, reader = std::move(reader)](DiagnosticSink& sink, const Value& v, T& out,
                                                   const Ctx& c, const KeysRead&) {
            auto got = call(reader, sink, v, c);
            if (!got) return false;
            if constexpr (std::is_arithmetic_v<F>)
                out.*field = static_cast<F>(*got);
            else
                out.*field = std::move(*got);
            return true;
        };
    }

    template <class M, class F, class R>
    static EntryReader bind_in(M T::*outer, F M::*field, R reader) {
        return [outer, field, reader = std::move(reader)](DiagnosticSink& sink, const Value& v,
                                                          T& out, const Ctx& c, const KeysRead&) {
            auto got = call(reader, sink, v, c);
            if (!got) return false;
            if constexpr (std::is_arithmetic_v<F>)
                (out.*outer).*field = static_cast<F>(*got);
            else
                (out.*outer).*field = std::move(*got);
            return true;
        };
    }

    std::vector<Entry> entries_;
};

/// The items of a list, each a map read by `table` (all of them: every problem reported);
/// nothing when one was wrong.
template <class U, class Ctx>
std::optional<std::vector<U>> read_all(DiagnosticSink& sink, const std::vector<Value>& items,
                                       const KeyTable<U, Ctx>& table, const Ctx& c = {}) {
    std::vector<U> out;
    out.reserve(items.size());
    bool ok = true;
    for (const auto& item : items) {
        if (auto got = table.read(sink, item, c))
            out.push_back(std::move(*got));
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

/// A KeyTable reader of a list of maps, each read by `table` (see read_all): nothing when the
/// value is not a sequence (`what` says what it should be), or is empty and `empty_message`
/// is given (reported at the list), or an item was wrong.
template <class U, class Ctx>
auto each(const KeyTable<U, Ctx>& table, std::string what, std::string empty_message = {}) {
    return
        [&table, what = std::move(what), empty_message = std::move(empty_message)](
            DiagnosticSink& sink, const Value& v, const Ctx& c) -> std::optional<std::vector<U>> {
            const auto items = read_sequence(sink, v, what);
            if (!items) return std::nullopt;
            if (items->empty() && !empty_message.empty()) {
                sink.error(v.mark, v.path, empty_message);
                return std::nullopt;
            }
            return read_all(sink, *items, table, c);
        };
}

/// The schemas of every map of settings the readers read, one function per reader file (each
/// defined beside its reader): the format's keys in one list, from which `--set` learns which
/// keys hold a settings block (overrides.cpp).
std::vector<const KeySchema*> scenario_schemas();   // scenario.cpp (with service_schemas)
std::vector<const KeySchema*> service_schemas();    // service_reader.cpp
std::vector<const KeySchema*> load_schemas();       // load_reader.cpp
std::vector<const KeySchema*> step_schemas();       // step_reader.cpp
std::vector<const KeySchema*> operations_schemas(); // operations_reader.cpp

} // namespace tpssim::scenarios::detail
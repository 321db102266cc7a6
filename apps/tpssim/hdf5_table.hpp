#pragma once
/// A thin layer over the HDF5 C API for the results file: owned handles, attributes, and
/// tables. A table is a group of 1-D datasets of one length (its columns), chunked and
/// compressed (shuffle + deflate; strings are stored uncompressed), with the column names in
/// order in the group's `columns` attribute and their count in `rows`. A categorical column
/// holds int32 codes (-1: none) into the strings of `categories/<column>` beside it.
/// Nothing here stamps times: objects are created without modification times, so the same
/// tables give the same bytes. Every failure throws std::runtime_error.

#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tpssim::h5 {

/// An open HDF5 object, closed when the handle goes.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    /// Takes `id`; throws naming `what` if it is invalid (negative).
    Handle(hid_t id, Closer closer, std::string_view what);
    ~Handle();
    Handle(Handle&& other) noexcept;
    Handle& operator=(Handle&& other) noexcept;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    hid_t get() const { return id_; }
    /// Closes now, throwing naming `what` on failure (a file's last writes happen here).
    void close(std::string_view what);

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer close_ = nullptr;
};

/// Throws naming `what` if `status` is negative.
void check(herr_t status, std::string_view what);

/// Turns off the library's printing of its error stack (errors become exceptions here).
void silence_errors();

/// Writes an HDF5 file whole or not at all: `fill` writes into the root of a new file (no
/// time stamps) under a temporary name beside `path`; the file is flushed, closed and synced,
/// then renamed to `path`. On any failure the temporary file is removed and the error is
/// rethrown as "PATH: cannot write: WHY".
void write_file_whole(const std::string& path, const std::function<void(hid_t root)>& fill);

/// A new group, without time stamps; `ordered`: its links keep their creation order (readers
/// list them in that order, not by name).
Handle create_group(hid_t parent, const std::string& name, bool ordered = false);

void set_attribute(hid_t object, const char* name, std::string_view value);
void set_attribute(hid_t object, const char* name, const std::vector<std::string>& values);
void set_attribute(hid_t object, const char* name, double value);
void set_attribute(hid_t object, const char* name, std::uint64_t value);
void set_attribute(hid_t object, const char* name, std::int64_t value);
void set_attribute(hid_t object, const char* name, bool value);
/// A string attribute's value; throws if it is missing or not a string.
std::string string_attribute(hid_t object, const char* name);

/// A scalar string dataset (long texts: the scenario, the summary JSON).
void write_text(hid_t parent, const char* name, std::string_view text);

/// A table under construction; `finish` writes its `columns` and `rows` attributes.
class Table {
public:
    /// Rows a chunk holds at most: chunk sizes depend only on a table's length.
    static constexpr std::size_t kChunkRows = 1 << 15;

    Table(hid_t parent, const std::string& name, std::size_t rows);

    hid_t group() const { return group_.get(); }
    std::size_t rows() const { return rows_; }

    /// The columns; `unit` ("seconds", "count", ...) becomes the `units` attribute when not
    /// empty. Each returns the dataset, for more attributes.
    Handle numbers(const std::string& name, std::span<const double> values,
                   std::string_view unit = {});
    Handle integers(const std::string& name, std::span<const std::uint64_t> values,
                    std::string_view unit = {});
    Handle integers(const std::string& name, std::span<const std::uint32_t> values,
                    std::string_view unit = {});
    /// HDF5's boolean convention (an int8 enum FALSE = 0, TRUE = 1), which h5py reads as bool.
    Handle booleans(const std::string& name, std::span<const std::uint8_t> values);
    Handle strings(const std::string& name, const std::vector<std::string>& values);
    /// int32 codes into `categories` (unique strings), -1 for none.
    Handle categorical(const std::string& name, std::span<const std::int32_t> codes,
                       const std::vector<std::string>& categories);

    void finish();

private:
    Handle column(const std::string& name, hid_t file_type, hid_t memory_type, const void* data,
                  bool compress, std::string_view unit);

    Handle group_;
    Handle categories_;
    std::size_t rows_;
    std::vector<std::string> names_;
};

} // namespace tpssim::h5

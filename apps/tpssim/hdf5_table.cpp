#include "apps/tpssim/hdf5_table.hpp"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>
#include <utility>

namespace tpssim::h5 {

namespace {

// zlib's level, 1 (fastest) to 9. Writing is mostly zlib's time: on the holiday-weekend exam
// level 1 gives 4.7 MiB in 0.39 s, level 4 4.4 MiB in 0.45 s (bench/bench_results_file).
constexpr unsigned kDeflateLevel = 1;

[[noreturn]] void fail(std::string_view what) {
    throw std::runtime_error(fmt::format("HDF5 could not {}", what));
}

// A variable-length UTF-8 string type (h5py reads it as str).
Handle string_type() {
    Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "copy a string type");
    check(H5Tset_size(t.get(), H5T_VARIABLE), "size a string type");
    check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "set a string type's character set");
    return t;
}

Handle scalar_space() {
    return Handle(H5Screate(H5S_SCALAR), H5Sclose, "create a scalar dataspace");
}

Handle vector_space(std::size_t n, bool extensible) {
    const hsize_t dims[1] = {n};
    const hsize_t max_dims[1] = {H5S_UNLIMITED};
    return Handle(H5Screate_simple(1, dims, extensible ? max_dims : nullptr), H5Sclose,
                  "create a dataspace");
}

// Creation properties of a group or dataset: no access/modification/change time stamps.
Handle untimed(hid_t cls) {
    Handle p(H5Pcreate(cls), H5Pclose, "create a property list");
    check(H5Pset_obj_track_times(p.get(), false), "turn off time stamps");
    return p;
}

void write_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type,
                     hid_t space, const void* data) {
    const std::string what = fmt::format("write the attribute {}", name);
    Handle a(H5Acreate2(object, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
    check(H5Awrite(a.get(), memory_type, data), what);
}

// An int8 enum FALSE = 0, TRUE = 1: how h5py stores numpy booleans.
Handle bool_type() {
    Handle t(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose, "create a boolean type");
    const std::int8_t no = 0, yes = 1;
    check(H5Tenum_insert(t.get(), "FALSE", &no), "create a boolean type");
    check(H5Tenum_insert(t.get(), "TRUE", &yes), "create a boolean type");
    return t;
}

// A 1-D dataset of `rows` values, chunked, compressed when `compress` (numbers; strings are
// not), without time stamps.
Handle write_dataset(hid_t group, const std::string& name, std::size_t rows, hid_t file_type,
                     hid_t memory_type, const void* data, bool compress) {
    const std::string what = fmt::format("write the column {}", name);
    Handle dcpl = untimed(H5P_DATASET_CREATE);
    const hsize_t chunk[1] = {std::clamp<std::size_t>(rows, 1, Table::kChunkRows)};
    check(H5Pset_chunk(dcpl.get(), 1, chunk), what);
    if (compress) {
        // Every value is written: no fill first (HDF5 allows this only for fixed-size types).
        check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), what);
        check(H5Pset_shuffle(dcpl.get()), what);
        check(H5Pset_deflate(dcpl.get(), kDeflateLevel), what);
    }
    Handle d(H5Dcreate2(group, name.c_str(), file_type, vector_space(rows, true).get(), H5P_DEFAULT,
                        dcpl.get(), H5P_DEFAULT),
             H5Dclose, what);
    if (rows > 0) check(H5Dwrite(d.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
    return d;
}

} // namespace

Handle::Handle(hid_t id, Closer closer, std::string_view what) : id_(id), close_(closer) {
    if (id_ < 0) fail(what);
}

Handle::~Handle() {
    if (id_ >= 0 && close_) close_(id_);
}

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
    if (this != &other) {
        if (id_ >= 0 && close_) close_(id_);
        id_ = std::exchange(other.id_, H5I_INVALID_HID);
        close_ = other.close_;
    }
    return *this;
}

void Handle::close(std::string_view what) {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0 && close_) check(close_(id), what);
}

void check(herr_t status, std::string_view what) {
    if (status < 0) fail(what);
}

void silence_errors() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

void write_file_whole(const std::string& path, const std::function<void(hid_t root)>& fill) {
    silence_errors();
    const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(getpid()));
    try {
        {
            Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create a property list");
            check(H5Pset_obj_track_times(fcpl.get(), false), "turn off time stamps");
            Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), H5Fclose,
                        "create the file");
            fill(file.get());
            check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flush the file");
            file.close("close the file");
        }
        // Synced before the rename: a crash leaves the old file or the whole new one.
        const int fd = ::open(tmp.c_str(), O_RDONLY);
        const bool synced = fd >= 0 && ::fsync(fd) == 0;
        if (fd >= 0) ::close(fd);
        if (!synced) throw std::runtime_error("could not sync the file");
        std::filesystem::rename(tmp, path);
    } catch (const std::exception& e) {
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("{}: cannot write: {}", path, e.what()));
    }
}

Handle create_group(hid_t parent, const std::string& name, bool ordered) {
    Handle gcpl = untimed(H5P_GROUP_CREATE);
    if (ordered)
        check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "track a group's order");
    return Handle(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose,
                  fmt::format("create the group {}", name));
}

void set_attribute(hid_t object, const char* name, std::string_view value) {
    const std::string text(value);
    const char* p = text.c_str();
    const Handle t = string_type();
    write_attribute(object, name, t.get(), t.get(), scalar_space().get(), &p);
}

void set_attribute(hid_t object, const char* name, const std::vector<std::string>& values) {
    std::vector<const char*> p;
    for (const auto& v : values)
        p.push_back(v.c_str());
    const Handle t = string_type();
    write_attribute(object, name, t.get(), t.get(), vector_space(values.size(), false).get(),
                    p.data());
}

void set_attribute(hid_t object, const char* name, double value) {
    write_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar_space().get(), &value);
}

void set_attribute(hid_t object, const char* name, std::uint64_t value) {
    write_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, scalar_space().get(), &value);
}

void set_attribute(hid_t object, const char* name, std::int64_t value) {
    write_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, scalar_space().get(), &value);
}

void set_attribute(hid_t object, const char* name, bool value) {
    const std::int8_t v = value ? 1 : 0;
    const Handle t = bool_type();
    write_attribute(object, name, t.get(), t.get(), scalar_space().get(), &v);
}

std::string string_attribute(hid_t object, const char* name) {
    const std::string what = fmt::format("read the attribute {}", name);
    if (H5Aexists(object, name) <= 0) fail(what);
    Handle a(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, what);
    Handle stored(H5Aget_type(a.get()), H5Tclose, what);
    Handle space(H5Aget_space(a.get()), H5Sclose, what);
    if (H5Tget_class(stored.get()) != H5T_STRING || H5Sget_simple_extent_npoints(space.get()) != 1)
        fail(what);
    if (H5Tis_variable_str(stored.get()) > 0) {
        const Handle t = string_type();
        char* p = nullptr;
        check(H5Aread(a.get(), t.get(), &p), what);
        std::string value = p ? p : "";
        H5free_memory(p);
        return value;
    }
    const std::size_t size = H5Tget_size(stored.get());
    std::string value(size, '\0');
    check(H5Aread(a.get(), stored.get(), value.data()), what);
    return value.substr(0, value.find('\0'));
}

void write_text(hid_t parent, const char* name, std::string_view text) {
    const std::string what = fmt::format("write the dataset {}", name);
    const std::string copy(text);
    const char* p = copy.c_str();
    const Handle t = string_type();
    Handle dcpl = untimed(H5P_DATASET_CREATE);
    Handle d(H5Dcreate2(parent, name, t.get(), scalar_space().get(), H5P_DEFAULT, dcpl.get(),
                        H5P_DEFAULT),
             H5Dclose, what);
    check(H5Dwrite(d.get(), t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), what);
}

Table::Table(hid_t parent, const std::string& name, std::size_t rows)
    : group_(create_group(parent, name)), rows_(rows) {}

Handle Table::column(const std::string& name, hid_t file_type, hid_t memory_type, const void* data,
                     bool compress, std::string_view unit) {
    Handle d = write_dataset(group_.get(), name, rows_, file_type, memory_type, data, compress);
    if (!unit.empty()) set_attribute(d.get(), "units", unit);
    names_.push_back(name);
    return d;
}

Handle Table::numbers(const std::string& name, std::span<const double> values,
                      std::string_view unit) {
    if (values.size() != rows_) fail(fmt::format("write the column {}: wrong length", name));
    return column(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), true, unit);
}

Handle Table::integers(const std::string& name, std::span<const std::uint64_t> values,
                       std::string_view unit) {
    if (values.size() != rows_) fail(fmt::format("write the column {}: wrong length", name));
    return column(name, H5T_STD_U64LE, H5T_NATIVE_UINT64, values.data(), true, unit);
}

Handle Table::integers(const std::string& name, std::span<const std::uint32_t> values,
                       std::string_view unit) {
    if (values.size() != rows_) fail(fmt::format("write the column {}: wrong length", name));
    return column(name, H5T_STD_U32LE, H5T_NATIVE_UINT32, values.data(), true, unit);
}

Handle Table::booleans(const std::string& name, std::span<const std::uint8_t> values) {
    if (values.size() != rows_) fail(fmt::format("write the column {}: wrong length", name));
    const Handle t = bool_type();
    return column(name, t.get(), t.get(), values.data(), true, {});
}

Handle Table::strings(const std::string& name, const std::vector<std::string>& values) {
    if (values.size() != rows_) fail(fmt::format("write the column {}: wrong length", name));
    std::vector<const char*> p;
    for (const auto& v : values)
        p.push_back(v.c_str());
    const Handle t = string_type();
    return column(name, t.get(), t.get(), p.data(), false, {});
}

Handle Table::categorical(const std::string& name, std::span<const std::int32_t> codes,
                          const std::vector<std::string>& categories) {
    if (codes.size() != rows_) fail(fmt::format("write the column {}: wrong length", name));
    if (categories_.get() < 0) categories_ = create_group(group_.get(), "categories");
    std::vector<const char*> p;
    for (const auto& c : categories)
        p.push_back(c.c_str());
    const Handle t = string_type();
    write_dataset(categories_.get(), name, categories.size(), t.get(), t.get(), p.data(), false);
    return column(name, H5T_STD_I32LE, H5T_NATIVE_INT32, codes.data(), true, {});
}

void Table::finish() {
    set_attribute(group_.get(), "columns", names_);
    set_attribute(group_.get(), "rows", static_cast<std::uint64_t>(rows_));
}

} // namespace tpssim::h5

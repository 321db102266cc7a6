#include "apps/tpssim/output_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>
#include <utility>

namespace tpssim {

namespace {
std::runtime_error cannot_write(const std::string& path, int err) {
    return std::runtime_error(fmt::format("{}: cannot write: {}", path, std::strerror(err)));
}
} // namespace

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), tmp_(fmt::format("{}.tmp.{}", path_, static_cast<long>(getpid()))),
      file_(std::fopen(tmp_.c_str(), "wb")) {
    if (!file_) throw cannot_write(path_, errno);
}

AtomicFile::~AtomicFile() {
    if (file_) {
        std::fclose(file_);
        std::remove(tmp_.c_str());
    }
}

void AtomicFile::write(std::string_view text) {
    if (!failed_ && std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

void AtomicFile::commit() {
    int err = failed_ ? (errno ? errno : EIO) : 0;
    if (!err && (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0)) err = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!err && !closed) err = errno;
    if (!err && std::rename(tmp_.c_str(), path_.c_str()) != 0) err = errno;
    if (err) {
        std::remove(tmp_.c_str());
        throw cannot_write(path_, err);
    }
}

void check_can_write(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw cannot_write(path, EISDIR);
    const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(getpid()));
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw cannot_write(path, errno);
    std::fclose(f);
    std::remove(tmp.c_str());
}

void write_file_atomically(const std::string& path, std::string_view content) {
    AtomicFile file(path);
    file.write(content);
    file.commit();
}

} // namespace tpssim

#include "apps/tpssim/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>
#include <unistd.h>

namespace tpssim {

void write_file_atomically(const std::string& path, std::string_view content) {
    const std::string tmp = fmt::format("{}.tmp.{}", path, static_cast<long>(getpid()));
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        throw std::runtime_error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    const bool wrote = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    const bool flushed = std::fflush(f) == 0 && fsync(fileno(f)) == 0;
    const bool closed = std::fclose(f) == 0;
    if (!wrote || !flushed || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("{}: cannot write: {}", path, std::strerror(err)));
    }
}

} // namespace tpssim

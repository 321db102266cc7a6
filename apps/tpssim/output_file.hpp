#pragma once
/// Output files are written whole or not at all: to a temporary name beside the target, then
/// renamed over it (rename is atomic on POSIX), so an interrupted or failed run never leaves
/// a partial file.

#include <string>
#include <string_view>

namespace tpssim {

/// Writes `content` to `path` atomically; throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::string& path, std::string_view content);

} // namespace tpssim

#pragma once
/// Output files are written whole or not at all: to a temporary name beside the target, then
/// renamed over it (rename is atomic on POSIX), so an interrupted or failed run never leaves
/// a partial file.

#include <cstdio>
#include <string>
#include <string_view>

namespace tpssim {

/// A file written piece by piece under a temporary name and renamed over `path` by `commit`;
/// destroyed without a commit, it removes the temporary file and `path` is untouched. Large
/// outputs (an event log of a long run) are so written without being held whole in memory.
class AtomicFile {
public:
    /// Opens the temporary file; throws std::runtime_error naming `path` on failure.
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// Appends `text`; a write error is reported by commit.
    void write(std::string_view text);
    /// Flushes, syncs and renames over the target; throws std::runtime_error naming the path
    /// (and removes the temporary file) on failure.
    void commit();

private:
    std::string path_;
    std::string tmp_;
    std::FILE* file_ = nullptr;
    bool failed_ = false;
};

/// Checks, before a run, that `path` can be written: not a folder, and a file can be created
/// beside it (the temporary name is created and removed). Throws std::runtime_error naming the
/// path otherwise, as writing would.
void check_can_write(const std::string& path);

/// Writes `content` to `path` atomically; throws std::runtime_error naming the path on failure.
void write_file_atomically(const std::string& path, std::string_view content);

} // namespace tpssim

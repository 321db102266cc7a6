#pragma once
// Reading files in the tests: a whole file as bytes.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace test_support {

/// The whole file, byte for byte; empty when it cannot be read.
inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace test_support

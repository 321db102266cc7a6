// libFuzzer target: any bytes as a scenario file (scenarios::load_scenario_text). The seed
// corpus is every scenario file of the source tree, copied at build time (docs/testing.md).
#include "fuzz_checks.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace tpssim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // A name without a folder: relative CSV paths start from the working directory.
    const std::string name = "fuzz.yaml";
    try {
        fuzz::check_loaded(scenarios::load_scenario_text(text, name), name);
    } catch (const scenarios::ScenarioError& e) {
        fuzz::check_error(e);
    }
    return 0;
}

// libFuzzer target: the `--set PATH=VALUE` parser and the overrides applied to a fixed, valid
// scenario (scenarios/examples/three-tier.yaml: calls, retries, a breaker, a cache, a queue).
// Each line of the input is one `--set` (at most kMaxOverrides); malformed ones must be a
// ScenarioError from parse_override, the others are applied together as the CLI does.
#include "fuzz_checks.hpp"

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace tpssim;

namespace {

constexpr std::size_t kMaxOverrides = 8;

const std::string kBaseFile = TPSSIM_SOURCE_DIR "/scenarios/examples/three-tier.yaml";

const std::string& base_text() {
    static const std::string text = [] {
        std::ifstream in(kBaseFile, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        if (!in || out.str().empty()) fuzz::finding("cannot read the base scenario", kBaseFile);
        return out.str();
    }();
    return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<scenarios::Override> overrides;
    std::size_t start = 0;
    while (start <= input.size() && overrides.size() < kMaxOverrides) {
        std::size_t end = input.find('\n', start);
        if (end == std::string_view::npos) end = input.size();
        try {
            overrides.push_back(scenarios::parse_override(input.substr(start, end - start)));
        } catch (const scenarios::ScenarioError& e) {
            fuzz::check_error(e);
        }
        start = end + 1;
    }
    try {
        fuzz::check_loaded(scenarios::load_scenario_text(base_text(), kBaseFile, overrides),
                           kBaseFile);
    } catch (const scenarios::ScenarioError& e) {
        fuzz::check_error(e);
    }
    return 0;
}

#include "apps/tpssim/command_flags.hpp"

#include "scenarios/diagnostic.hpp"

namespace tpssim {

void bad_flag(const std::string& flag, const std::string& message) {
    throw scenarios::ScenarioError({scenarios::Diagnostic{"<command line>", 0, 0, flag, message}});
}

bool FlagReader::next() {
    if (next_ >= args_.size()) return false;
    flag_ = args_[next_++];
    inline_value_.reset();
    if (flag_.starts_with("--"))
        if (const auto eq = flag_.find('='); eq != std::string::npos) {
            inline_value_ = flag_.substr(eq + 1);
            flag_.resize(eq);
        }
    return true;
}

std::string FlagReader::value() {
    if (inline_value_) return *inline_value_;
    if (next_ >= args_.size()) bad_flag(flag_, "expected a value after it, got nothing");
    return args_[next_++];
}

std::string FlagReader::file_value() {
    std::string v = value();
    if (v.empty() || v == "-") bad_flag(flag_, fmt::format("expected a file name, got \"{}\"", v));
    return v;
}

void FlagReader::no_value() const {
    if (inline_value_) bad_flag(flag_, "takes no value");
}

} // namespace tpssim

#pragma once
/// Reading a service's `steps` (work, call, parallel, publish) and what a call carries
/// (timeout, retry, circuit_breaker, fallback, cache), internal to scenarios/. Target names are
/// kept as written: the loader resolves them once every service's name is known.

#include "models/params.hpp"
#include "scenarios/yaml_reader.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tpssim::scenarios::detail {

/// The name of another service or queue as written, with its position for messages.
struct TargetName {
    std::string name;
    Value value;
};

/// A call as read: its settings, and its target still by name.
struct ParsedCall {
    std::optional<TargetName> target; ///< empty when unreadable (already reported)
    Value value;                      ///< the step or `parallel` item holding the call
    models::CallParams params;        ///< everything but `target`
};

/// A step as read. Every item of `steps` gives one, even a broken one (`ok` false), so that
/// step indices stay those of the file.
struct ParsedStep {
    bool ok = true;
    Value value;
    models::StepParams params;     ///< everything but the calls and the publish target
    std::vector<ParsedCall> calls; ///< Call: one; Parallel: one per item (broken ones left out)
    std::optional<TargetName> publish_target;
};

/// The items of `steps`, a non-empty list; nothing when it is not a list (reported).
std::optional<std::vector<ParsedStep>> read_steps(DiagnosticSink& sink, const Value& v,
                                                  const std::filesystem::path& base_dir);

/// `errors: {probability: 1%}`: the probability.
std::optional<double> read_errors(DiagnosticSink& sink, const Value& v);

/// A latency: a duration (a constant) or a distribution map.
std::optional<sim::Distribution> read_latency(DiagnosticSink& sink, const Value& v,
                                              const std::filesystem::path& base_dir);

/// A timeout: a duration > 0, or `none` for no timeout (models::kNoTimeout).
std::optional<sim::SimTime> read_timeout(DiagnosticSink& sink, const Value& v);

} // namespace tpssim::scenarios::detail
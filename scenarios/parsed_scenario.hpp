#pragma once
/// A scenario as parsed, before its names are resolved (internal to scenarios/): what
/// scenario.cpp reads from the document and model_builder.cpp turns into a validated
/// models::ModelParams.

#include "models/params.hpp"
#include "scenarios/load_reader.hpp"
#include "scenarios/operations_reader.hpp"
#include "scenarios/step_reader.hpp"
#include "scenarios/yaml_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tpssim::scenarios::detail {

/// A load source as read, before its target is resolved.
struct ParsedLoad {
    std::optional<Value> name_value;
    std::optional<std::string> name;
    std::optional<Value> target_value;
    std::optional<std::string> target;
    models::LoadSourceParams params;
};

/// A service or queue as read, before the names it refers to are resolved.
struct ParsedService {
    bool ok = true;
    bool kind_known = true;        ///< false when `kind` was unreadable: kind checks are skipped
    YAML::Mark key_mark;           ///< its name's position in `services`
    std::string path;              ///< services.NAME
    models::ServiceParams params;  ///< everything but the steps' targets and the consumer
    std::vector<ParsedStep> steps; ///< empty when it has service_time (or is a queue)
    std::optional<TargetName> consumer; ///< a queue's `consumers`
    detail::ServiceOpsValues ops;       ///< autoscaler, startup, resources, health_check
};

/// `services.NAME`: a service's or queue's settings (service_reader.cpp); `ok` says whether all
/// was right, problems go to `sink`.
ParsedService read_service(DiagnosticSink& sink, const std::string& name,
                           const YAML::Mark& key_mark, const Value& v,
                           const std::filesystem::path& base_dir);

/// Everything read from the document; a field is empty where the file had a problem.
struct ParsedScenario {
    std::optional<std::string> name;
    std::uint64_t seed = 1;
    std::optional<sim::SimTime> duration;
    std::optional<Value> warmup_value;
    std::optional<sim::SimTime> warmup;
    detail::CalendarStart start;
    models::TracingParams tracing;
    std::vector<ParsedLoad> load;
    bool services_ok = false;               ///< `services` was a map: its names are known
    std::vector<std::string> service_names; ///< every key of `services`, in file order
    std::vector<ParsedService> services;    ///< one per name, in the same order
    detail::OperationsValues operations;    ///< the operations blocks, read once built
    bool calls_resolved = false; ///< every step read and every call resolved (set by build)
};

/// Resolves the names of `p` into indices (load targets, call and publish targets, queues'
/// consumers), checks what spans several keys and the call graph, and returns the model;
/// problems go to `sink`. Sets `p.calls_resolved`.
models::ModelParams build_model(DiagnosticSink& sink, ParsedScenario& p);

} // namespace tpssim::scenarios::detail
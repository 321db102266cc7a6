#include "scenarios/operations_reader.hpp"

#include "scenarios/operations_sections.hpp"

namespace tpssim::scenarios::detail {

// The schemas and the Reader of the operations blocks.
using namespace ops;

namespace ops {

bool before_end(DiagnosticSink& sink, const OperationsContext& c, const Value& v, SimTime t,
                std::string_view what) {
    if (!c.duration || t < *c.duration) return true;
    sink.error(v.mark, v.path,
               fmt::format("{} at {}, when the run is over (duration: {}); got {}", what,
                           show_time(t, c.start), format_duration(*c.duration), describe(v.node)));
    return false;
}

} // namespace ops

models::OperationsParams read_operations(DiagnosticSink& sink, const OperationsValues& values,
                                         const OperationsContext& context) {
    Reader reader(sink, context);
    return reader.read(values);
}

std::optional<YAML::Node> parse_chaos_flag(DiagnosticSink& sink, std::string_view text) {
    sink.set_command_line_origin(kChaosFile);
    const auto fail = [&](std::string message) -> std::optional<YAML::Node> {
        sink.error_in_set("", std::move(message));
        sink.set_command_line_origin(kSetFile);
        return std::nullopt;
    };
    if (const auto bad = text::first_non_text(text))
        return fail(fmt::format("expected UTF-8 text, got {}: {}", text::quote(text), bad->reason));
    const std::string example =
        "key=value pairs separated by commas, e.g. target=service-c,latency=5000ms";
    // Split at the commas outside {...}, [...] and quotes.
    std::vector<std::string_view> pieces;
    int depth = 0;
    char quote = 0;
    std::size_t begin = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (quote != 0) {
            if (ch == quote) quote = 0;
        } else if (ch == '"' || ch == '\'') {
            quote = ch;
        } else if (ch == '{' || ch == '[') {
            ++depth;
        } else if ((ch == '}' || ch == ']') && depth > 0) {
            --depth;
        } else if (ch == ',' && depth == 0) {
            pieces.push_back(text.substr(begin, i - begin));
            begin = i + 1;
        }
    }
    pieces.push_back(text.substr(begin));
    YAML::Node map(YAML::NodeType::Map);
    std::vector<std::string> keys;
    for (std::string_view piece : pieces) {
        while (!piece.empty() && (piece.front() == ' ' || piece.front() == '\t'))
            piece.remove_prefix(1);
        while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\t'))
            piece.remove_suffix(1);
        const std::size_t eq = piece.find('=');
        std::string_view key = eq == std::string_view::npos ? piece : piece.substr(0, eq);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
            key.remove_suffix(1);
        if (eq == std::string_view::npos || key.empty() || eq + 1 == piece.size())
            return fail(fmt::format("expected {}, got {}", example, text::quote(text)));
        const std::string value(piece.substr(eq + 1));
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            return fail(fmt::format("duplicate key {} in {}", text::quote(key), text::quote(text)));
        keys.emplace_back(key);
        YAML::Node node;
        try {
            node = without_marks(YAML::Load(value));
        } catch (const YAML::Exception& e) {
            return fail(
                fmt::format("the value of {} is not valid YAML: {}", text::quote(key), e.msg));
        }
        map.force_insert(YAML::Node(std::string(key)), node);
    }
    sink.set_command_line_origin(kSetFile);
    return map;
}

std::vector<const KeySchema*> operations_schemas() {
    return {&kAutoscalerSchema,
            &kRules,
            &kPolicySchema,
            &kThresholds,
            &kResources,
            &kHealthCheck,
            &kPlacement,
            &kDeploymentSchema,
            &kVersion,
            &kCanary,
            &kGates,
            &kNetworkSchema,
            &kLink,
            &kMonitoring,
            &kAlertSchema,
            &kFaultSchema,
            &kFaultErrors,
            &kRamp,
            &kUnhealthy,
            &kSlowQuery,
            &kLeak,
            &kActionSchema};
}

} // namespace tpssim::scenarios::detail
#include "apps/tpssim/exam_key.hpp"

#include "scenarios/units.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <utility>
#include <variant>
#include <vector>

namespace tpssim {

const char* to_string(ExamJudge judge) {
    switch (judge) {
    case ExamJudge::Detection:
        return "detection";
    case ExamJudge::Fix:
        return "fix";
    case ExamJudge::Verification:
        return "verification";
    case ExamJudge::Prevention:
        return "prevention";
    case ExamJudge::Instructor:
        return "instructor";
    }
    return "?";
}

namespace {

// Reads the `grading:` block; problems go to `error` with the block's key paths.
class GradingReader {
public:
    GradingReader(ExamKey& key, const scenarios::LayerError& error, YAML::Node expect)
        : key_(key), error_(error), expect_(std::move(expect)) {}

    void read(const YAML::Node& g) {
        where_ = g.Mark();
        if (!g.IsMap()) {
            error_(g.Mark(), "grading", "expected a map (title, slo, parts, failures, ...)");
            return;
        }
        std::vector<std::pair<YAML::Node, YAML::Node>> pairs;
        for (auto it = g.begin(); it != g.end(); ++it)
            pairs.emplace_back(it->first, it->second);
        for (const auto& [key_node, v] : pairs) {
            const std::string k = key_node.IsScalar() ? key_node.Scalar() : std::string();
            const std::string path = "grading." + k;
            if (k == "title") {
                key_.title = scalar(v, path, "a title");
            } else if (k == "slo") {
                if (!v.IsMap() || !v["alerts"] || !v["alerts"].IsSequence()) {
                    error_(v.Mark(), path, "expected {text: ..., alerts: [ALERT, ...]}");
                    continue;
                }
                key_.slo_text = scalar(v["text"], path + ".text", "what the SLO says");
                for (const auto& a : v["alerts"])
                    key_.slo_alerts.push_back(scalar(a, path + ".alerts", "an alert's name"));
            } else if (k == "recover_within") {
                const auto d = scenarios::parse_duration(scalar(v, path, "a duration"));
                if (const auto* msg = std::get_if<std::string>(&d))
                    error_(v.Mark(), path, *msg);
                else
                    key_.recover_within = std::get<sim::SimTime>(d);
            } else if (k == "pass_mark") {
                key_.pass_mark = ratio(v, path);
            } else if (k == "replications") {
                key_.replications = static_cast<std::uint32_t>(v.as<unsigned>(8));
            } else if (k == "parts") {
                read_parts(v, path);
            } else if (k == "rules") {
                key_.rule_checks = checks(v, path);
            } else if (k == "failures") {
                read_failures(v, path);
            } else {
                error_(key_node.Mark(), path,
                       fmt::format("unknown key \"{}\"; expected title, slo, recover_within, "
                                   "pass_mark, replications, parts, rules or failures",
                                   k));
            }
        }
        double total = 0.0;
        for (const auto& p : key_.parts)
            total += p.weight;
        if (!key_.parts.empty() && std::abs(total - 1.0) > 1e-9)
            error_(g["parts"].Mark(), "grading.parts",
                   fmt::format("expected weights that add up to 100%, got {:g}%", total * 100));
        if (key_.slo_alerts.empty()) error_(g.Mark(), "grading.slo", "expected the SLO's alerts");
    }

private:
    // `v` may be missing (an invalid node): the problem is then reported at `where_`, the
    // item being read.
    std::string scalar(const YAML::Node& v, const std::string& path, const char* what) {
        if (!v || !v.IsScalar() || v.Scalar().empty()) {
            error_(v ? v.Mark() : where_, path,
                   fmt::format("expected {}, got {}", what, v ? "something else" : "nothing"));
            return {};
        }
        return v.Scalar();
    }
    double ratio(const YAML::Node& v, const std::string& path) {
        const std::string text = scalar(v, path, "a ratio such as 80%");
        if (text.empty()) return 0.0;
        const auto r = scenarios::parse_ratio(text);
        if (const auto* msg = std::get_if<std::string>(&r)) {
            error_(v.Mark(), path, *msg);
            return 0.0;
        }
        return std::get<double>(r);
    }
    // The check strings of `v` join the run's `expect:`; returns their indices among the key's.
    std::vector<std::size_t> checks(const YAML::Node& v, const std::string& path) {
        std::vector<std::size_t> out;
        if (!v.IsSequence()) {
            error_(v.Mark(), path, "expected a list of checks, written as in expect:");
            return out;
        }
        for (const auto& c : v) {
            out.push_back(key_.checks++);
            expect_.push_back(c);
        }
        return out;
    }
    void read_parts(const YAML::Node& v, const std::string& path) {
        if (!v.IsSequence()) {
            error_(v.Mark(), path, "expected a list of {name, weight, judge}");
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = fmt::format("{}.{}", path, i);
            where_ = v[i].Mark();
            ExamPart part;
            part.name = scalar(v[i]["name"], p + ".name", "the part's name");
            part.weight = ratio(v[i]["weight"], p + ".weight");
            const std::string j = scalar(v[i]["judge"], p + ".judge",
                                         "detection, fix, verification, prevention or instructor");
            bool known = false;
            for (auto judge : {ExamJudge::Detection, ExamJudge::Fix, ExamJudge::Verification,
                               ExamJudge::Prevention, ExamJudge::Instructor})
                if (j == to_string(judge)) {
                    part.judge = judge;
                    known = true;
                }
            if (!known && !j.empty())
                error_(v[i]["judge"].Mark(), p + ".judge",
                       fmt::format("expected detection, fix, verification, prevention or "
                                   "instructor, got \"{}\"",
                                   j));
            key_.parts.push_back(std::move(part));
        }
    }
    void read_failures(const YAML::Node& v, const std::string& path) {
        if (!v.IsSequence() || v.size() == 0) {
            error_(v.Mark(), path, "expected a non-empty list of failures");
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string p = fmt::format("{}.{}", path, i);
            where_ = v[i].Mark();
            ExamFailure f;
            f.fault = scalar(v[i]["fault"], p + ".fault", "the name of a fault in chaos:");
            f.what = scalar(v[i]["what"], p + ".what", "what the failure is");
            if (v[i]["recurrence"])
                f.recurrence =
                    scalar(v[i]["recurrence"], p + ".recurrence", "the name of a fault in chaos:");
            if (const auto e = v[i]["escalation_after"]) {
                const auto d = scenarios::parse_duration(
                    scalar(e, p + ".escalation_after", "a duration such as 10m"));
                if (const auto* msg = std::get_if<std::string>(&d))
                    error_(e.Mark(), p + ".escalation_after", *msg);
                else
                    f.escalation_after = std::get<sim::SimTime>(d);
            }
            if (v[i]["fix"]) f.fix_checks = checks(v[i]["fix"], p + ".fix");
            if (v[i]["verification"])
                f.verification_checks = checks(v[i]["verification"], p + ".verification");
            if (v[i]["prevention"])
                f.prevention_checks = checks(v[i]["prevention"], p + ".prevention");
            key_.failures.push_back(std::move(f));
        }
    }

    ExamKey& key_;
    const scenarios::LayerError& error_;
    YAML::Node expect_;
    YAML::Mark where_;
};

} // namespace

scenarios::Layer exam_key_layer(const std::string& key_path, ExamKey& key) {
    key.path = key_path;
    scenarios::Layer layer;
    layer.path = key_path;
    layer.role = "exam key";
    layer.allowed_keys = {"chaos", "alerts", "expect"};
    layer.transform = [&key](YAML::Node& doc, const scenarios::LayerError& error) {
        // Lookups are const: yaml-cpp's non-const operator[] adds an undefined pair for a
        // missing key.
        const YAML::Node& read_only = doc;
        const YAML::Node grading = read_only["grading"];
        if (!grading) {
            error(doc.Mark(), "grading", "expected a grading: block in the exam key");
            return;
        }
        if (!read_only["expect"]) doc["expect"] = YAML::Node(YAML::NodeType::Sequence);
        GradingReader(key, error, read_only["expect"]).read(grading);
        // The failures name the key's faults, the SLO its alerts.
        auto names_in = [&](const char* list) {
            std::vector<std::string> names;
            const YAML::Node items = read_only[list];
            if (items && items.IsSequence())
                for (const auto& item : items)
                    if (item.IsMap() && item["name"] && item["name"].IsScalar())
                        names.push_back(item["name"].Scalar());
            return names;
        };
        const auto faults = names_in("chaos");
        const auto failures = grading["failures"];
        for (std::size_t i = 0; i < key.failures.size(); ++i)
            for (const char* field : {"fault", "recurrence"}) {
                const std::string name = field == std::string("fault") ? key.failures[i].fault
                                                                       : key.failures[i].recurrence;
                if (!name.empty() && std::find(faults.begin(), faults.end(), name) == faults.end())
                    error(failures[i][field].Mark(),
                          fmt::format("grading.failures.{}.{}", i, field),
                          fmt::format("expected the name of a fault in this file's chaos:, got "
                                      "\"{}\"",
                                      name));
            }
        const auto alerts = names_in("alerts");
        for (const auto& a : key.slo_alerts)
            if (std::find(alerts.begin(), alerts.end(), a) == alerts.end())
                error(grading["slo"].Mark(), "grading.slo.alerts",
                      fmt::format("expected the name of an alert in this file's alerts:, got "
                                  "\"{}\"",
                                  a));
        doc.remove("grading");
    };
    return layer;
}

std::string key_path_for(const std::string& exam_path) {
    const std::string ext = ".yaml";
    if (exam_path.ends_with(ext))
        return exam_path.substr(0, exam_path.size() - ext.size()) + ".key.yaml";
    return exam_path + ".key.yaml";
}

} // namespace tpssim

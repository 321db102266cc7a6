#include "apps/tpssim/observation_text.hpp"

#include <cmath>
#include <fmt/format.h>

namespace tpssim {

namespace {

using Obs = models::ObservationKind;

// With a calendar start the clock time ("15:02:15", see ClockFormat); without one whole seconds
// without a fraction or an exponent ("t=3615s"), others to six significant digits.
std::string at(const ClockFormat& clock, double seconds) {
    if (clock.has_calendar()) return clock(seconds);
    if (seconds == std::floor(seconds) && std::fabs(seconds) < 1e15)
        return fmt::format("t={:.0f}s", seconds);
    return fmt::format("t={:.6g}s", seconds);
}

} // namespace

std::string observation_text(const models::ExpectationObservation& o, const ClockFormat& clock) {
    const auto point = [&](const char* what) {
        return fmt::format("{} {:.6g} at {}", what, o.value, at(clock, o.at_seconds));
    };
    switch (o.kind) {
    case Obs::Max:
        return point("max");
    case Obs::Min:
        return point("min");
    case Obs::ValueAt:
        return point("value");
    case Obs::HeldAtAll:
        return fmt::format("held at all {} scrapes", o.scrapes);
    case Obs::NoDataAt:
        return fmt::format("no data at {}", at(clock, o.at_seconds));
    case Obs::NotAtAny:
        return fmt::format("not at any of {} scrapes", o.scrapes);
    case Obs::NoScrapeInWindow:
        return "no scrape in the window";
    case Obs::NoDataInWindow:
        return "no data in the window";
    case Obs::NoMetric:
        return fmt::format("no metric {} of '{}'", o.name, o.subject);
    case Obs::Total:
        return fmt::format("value {:.6g}", o.value);
    case Obs::NoTotal:
        return fmt::format("no total {} of '{}'", o.name, o.subject);
    case Obs::NoRequestEnded:
        return fmt::format("no data: no request ended at {} after the warm-up", o.subject);
    case Obs::FirstFired:
        return fmt::format("first fired at {}", at(clock, o.at_seconds));
    case Obs::FiredOutsideWindow:
        return fmt::format("never fired in the window (first at {})", at(clock, o.at_seconds));
    case Obs::NeverFired:
        return "never fired";
    case Obs::NoAlert:
        return fmt::format("no alert #{}", o.index);
    case Obs::Opened:
        return fmt::format("opened at {}", at(clock, o.at_seconds));
    case Obs::NeverOpened:
        return "never opened";
    case Obs::NoService:
        return fmt::format("no service #{}", o.index);
    case Obs::NoCall:
        return fmt::format("no call '{}' at {}", o.name, o.subject);
    case Obs::CanaryPhase:
        return fmt::format("{} (weight {:.6g})", o.name, o.value);
    case Obs::NoCanary:
        return "no canary";
    }
    return {};
}

ClockFormat observation_clock(const models::RunResult& run) {
    return ClockFormat(run.start, run.simulated_seconds);
}

std::string observation_text(const models::ExpectationResult& check, const models::RunResult& run) {
    return observation_text(check.observation, observation_clock(run));
}

std::string_view observation_kind_name(models::ObservationKind kind) {
    switch (kind) {
    case Obs::Max:
        return "max";
    case Obs::Min:
        return "min";
    case Obs::ValueAt:
        return "value_at";
    case Obs::HeldAtAll:
        return "held_at_all";
    case Obs::NoDataAt:
        return "no_data_at";
    case Obs::NotAtAny:
        return "not_at_any";
    case Obs::NoScrapeInWindow:
        return "no_scrape_in_window";
    case Obs::NoDataInWindow:
        return "no_data_in_window";
    case Obs::NoMetric:
        return "no_metric";
    case Obs::Total:
        return "total";
    case Obs::NoTotal:
        return "no_total";
    case Obs::NoRequestEnded:
        return "no_request_ended";
    case Obs::FirstFired:
        return "first_fired";
    case Obs::FiredOutsideWindow:
        return "fired_outside_window";
    case Obs::NeverFired:
        return "never_fired";
    case Obs::NoAlert:
        return "no_alert";
    case Obs::Opened:
        return "opened";
    case Obs::NeverOpened:
        return "never_opened";
    case Obs::NoService:
        return "no_service";
    case Obs::NoCall:
        return "no_call";
    case Obs::CanaryPhase:
        return "canary_phase";
    case Obs::NoCanary:
        return "no_canary";
    }
    return "unknown";
}

} // namespace tpssim

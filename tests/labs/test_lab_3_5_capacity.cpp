// Lab 3.5, capacity planning: scenarios/labs/3.5-capacity.forecast.yaml fits six months of
// history (3.5-history.csv, 20% a month) and sizes the worker pool of 3.5-capacity.yaml at
// 3, 6 and 12 months. Run end to end through plan_forecast, as `tpssim forecast` runs it, with
// shorter confirming runs (1 minute, 2 replications) to keep the test to seconds.

#include "apps/tpssim/forecast_plan.hpp"
#include "scenarios/forecast_reader.hpp"

#include <doctest/doctest.h>

using namespace tpssim;

TEST_CASE("lab 3.5: a compound fit near 20% a month, pools sized and priced, a scaling plan") {
    auto spec = scenarios::read_forecast_file(TPSSIM_SOURCE_DIR
                                              "/scenarios/labs/3.5-capacity.forecast.yaml");
    REQUIRE(spec.history);
    CHECK(spec.history->time.size() > 150);
    spec.duration = sim::SimTime::from_s(60);
    spec.warmup = sim::SimTime::from_s(15);
    spec.replications = 2;
    const ForecastPlan plan = plan_forecast(spec, {});

    // The forecast is based on the data: compound growth chosen, 20% inside its interval.
    REQUIRE(plan.fit());
    CHECK(plan.chosen == models::analytic::GrowthModel::compound);
    CHECK(plan.fit()->monthly_growth_low() <= 0.20);
    CHECK(plan.fit()->monthly_growth_high() >= 0.20);
    // Today's fitted rate: ~100/s on weekdays, weekends at 75% pull the daily fit to ~92/s.
    CHECK(plan.current_rate > 80.0);
    CHECK(plan.current_rate < 105.0);
    CHECK(plan.service_demand_seconds == doctest::Approx(0.040).epsilon(0.05));

    REQUIRE(plan.horizons.size() == 3);
    std::uint32_t previous = spec.current_workers;
    for (const auto& h : plan.horizons) {
        CAPTURE(h.month);
        MESSAGE("month " << h.month << ": peak " << h.planned_peak << "/s, Erlang C "
                         << h.guess.workers << ", confirmed " << h.workers << ", p99 "
                         << h.at_workers.latency_mean);
        CHECK(h.confirmed);
        // Conservative: sized for the band's top, which is above the fitted rate.
        CHECK(h.average_high > h.average_rate);
        CHECK(h.planned_peak == doctest::Approx(2.5 * h.average_high));
        CHECK(h.workers > previous);
        previous = h.workers;
        CHECK(h.at_workers.utilisation <= 0.8 + 0.02);
        CHECK(h.queue_places > 0);
        // Reserving the base and buying spot for the peak costs least with the lab's prices.
        REQUIRE(h.mixes.size() == 3);
        CHECK(h.mixes[2].cost_per_month < h.mixes[1].cost_per_month);
        CHECK(h.mixes[1].cost_per_month < h.mixes[0].cost_per_month);
    }
    // 16 workers do not last 3 months: the first step comes before the first horizon.
    REQUIRE(!plan.scaling.empty());
    CHECK(plan.scaling.front().from == 16);
    CHECK(plan.scaling.front().month <= 3);
    CHECK(plan.scaling.back().to == plan.horizons.back().workers);
}

// Micro-benchmarks of the event core's building blocks (Google Benchmark): what one random
// draw, one statistic update, one calendar hold cost. They explain the headline figures of
// bench_event_calendar and bench_mmc: a customer of the M/M/c model costs two draws, two
// calendar holds, two tally and sketch updates and a few time-weighted updates.
//
// Usage: bench_micro [Google Benchmark flags], e.g. --benchmark_format=json; the build
// provenance (git revision, compiler, flags) is in the output's context.

#include "bench_common.hpp"

#include "sim/distribution.hpp"
#include "sim/event_calendar.hpp"
#include "sim/quantile_sketch.hpp"
#include "sim/random_stream.hpp"
#include "sim/tally.hpp"
#include "sim/time_weighted.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <queue>
#include <vector>

using namespace tpssim;

namespace {

sim::RandomStream stream() {
    return sim::RandomStream(1, "bench_micro", "draws");
}

void BM_random_u64(benchmark::State& state) {
    auto rng = stream();
    for (auto _ : state)
        benchmark::DoNotOptimize(rng.next_u64());
}
BENCHMARK(BM_random_u64);

void BM_random_open01(benchmark::State& state) {
    auto rng = stream();
    for (auto _ : state)
        benchmark::DoNotOptimize(rng.next_open01());
}
BENCHMARK(BM_random_open01);

void sample(benchmark::State& state, const sim::Distribution& d) {
    auto rng = stream();
    for (auto _ : state)
        benchmark::DoNotOptimize(d.sample(rng));
}
const auto ms100 = sim::SimTime::from_ms(100);
BENCHMARK_CAPTURE(sample, exponential, sim::Distribution::exponential(ms100));
BENCHMARK_CAPTURE(sample, constant, sim::Distribution::constant(ms100));
BENCHMARK_CAPTURE(sample, uniform, sim::Distribution::uniform(ms100, ms100 * 2));
BENCHMARK_CAPTURE(sample, lognormal_cv2, sim::Distribution::lognormal(ms100, 2.0));
BENCHMARK_CAPTURE(sample, gamma_cv05, sim::Distribution::gamma(ms100, 0.5));
BENCHMARK_CAPTURE(sample, gamma_cv2, sim::Distribution::gamma(ms100, 2.0));

void BM_tally_add(benchmark::State& state) {
    sim::Tally t;
    double x = 0.0;
    for (auto _ : state) {
        t.add(x);
        x += 0.25;
    }
    benchmark::DoNotOptimize(t.mean());
}
BENCHMARK(BM_tally_add);

void BM_time_weighted_set(benchmark::State& state) {
    sim::TimeWeighted tw;
    std::int64_t now = 0;
    double v = 0.0;
    for (auto _ : state) {
        now += 1000;
        v = v > 10 ? 0 : v + 1;
        tw.set(sim::SimTime::from_ns(now), v);
    }
    benchmark::DoNotOptimize(tw.mean(sim::SimTime::from_ns(now)));
}
BENCHMARK(BM_time_weighted_set);

void BM_quantile_sketch_add(benchmark::State& state) {
    sim::QuantileSketch q;
    auto rng = stream();
    const auto d = sim::Distribution::exponential(ms100);
    std::vector<sim::SimTime> xs(4096);
    for (auto& x : xs)
        x = d.sample(rng);
    std::size_t i = 0;
    for (auto _ : state)
        q.add(xs[i++ & 4095]);
    benchmark::DoNotOptimize(q.count());
}
BENCHMARK(BM_quantile_sketch_add);

// One hold (pop the earliest, push one at now + Exp(1 ms)) with N pending: the calendar, and
// std::priority_queue of (time, seq) for scale. bench_event_calendar is the careful version.
std::vector<std::int64_t> increments() {
    auto rng = stream();
    std::vector<std::int64_t> inc(1 << 16);
    for (auto& x : inc)
        x = static_cast<std::int64_t>(-1e6 * std::log(rng.next_open01()) + 0.5);
    return inc;
}

void BM_calendar_hold(benchmark::State& state) {
    const auto inc = increments();
    sim::EventCalendar cal;
    std::size_t k = 0;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        cal.push(sim::Event{sim::SimTime::from_ns(inc[k++ & 0xffff]), 0, 0, 0});
    for (auto _ : state) {
        sim::Event e = cal.pop();
        e.time += sim::SimTime::from_ns(inc[k++ & 0xffff]);
        cal.push(e);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_calendar_hold)->Arg(16)->Arg(1 << 10)->Arg(1 << 16);

void BM_priority_queue_hold(benchmark::State& state) {
    const auto inc = increments();
    using Item = std::pair<std::int64_t, std::uint64_t>; // (time, seq)
    std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
    std::size_t k = 0;
    std::uint64_t seq = 0;
    for (std::int64_t i = 0; i < state.range(0); ++i)
        q.emplace(inc[k++ & 0xffff], seq++);
    for (auto _ : state) {
        const std::int64_t t = q.top().first;
        q.pop();
        q.emplace(t + inc[k++ & 0xffff], seq++);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_priority_queue_hold)->Arg(16)->Arg(1 << 10)->Arg(1 << 16);

} // namespace

int main(int argc, char** argv) {
    const auto build = bench::provenance();
    for (const auto& [key, value] : build.items())
        benchmark::AddCustomContext(key, value.get<std::string>());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

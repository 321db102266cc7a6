// The hold model: the classic benchmark of a future-event set (Jones 1986; Rönngren & Ayani).
//
// N events are pending; each step pops the earliest and schedules one more at now + Exp(mean),
// so the size stays N and the key distribution reaches the stationary shape of a real
// simulation. sim::EventCalendar (the radix heap the engine uses) runs side by side, in the same
// process, with the textbook baseline: std::priority_queue of (time, seq, id) with a greater
// comparator, seq breaking ties FIFO as the calendar does. Both read the same pre-generated
// increments, and both fold the popped (time, id) sequence into a checksum that must agree, so
// the comparison is between two correct implementations of the same order.
//
// Usage: bench_event_calendar [--quick]   (--quick: fewer steps, for a smoke run)

#include "bench_common.hpp"

#include "sim/event_calendar.hpp"
#include "sim/random_stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <queue>
#include <vector>

using namespace tpssim;

namespace {

constexpr double kMeanIncrementNs = 1e6; // Exp(1) scaled to 1 ms of simulated time
constexpr std::size_t kIncrements = std::size_t{1} << 20;

// Pre-generated increments in integer ns: both structures see exactly the same keys, and the
// cost of drawing them is kept out of the measurement.
std::vector<std::int64_t> make_increments() {
    sim::RandomStream rng(2024, "bench_event_calendar", "increments");
    std::vector<std::int64_t> inc(kIncrements);
    for (auto& x : inc)
        x = static_cast<std::int64_t>(-kMeanIncrementNs * std::log(rng.next_open01()) + 0.5);
    return inc;
}

// An order-sensitive fold of the popped sequence.
inline std::uint64_t fold(std::uint64_t h, std::int64_t t, std::uint32_t id) {
    return (h ^ (static_cast<std::uint64_t>(t) + id)) * 0x100000001b3ULL;
}

class CalendarHold {
public:
    void push(std::int64_t t, std::uint32_t id) {
        cal_.push(sim::Event{sim::SimTime::from_ns(t), 0, id, 0});
    }
    void pop(std::int64_t& t, std::uint32_t& id) {
        const sim::Event e = cal_.pop();
        t = e.time.ns();
        id = e.target;
    }

private:
    sim::EventCalendar cal_;
};

class PriorityQueueHold {
public:
    void push(std::int64_t t, std::uint32_t id) { q_.push(Item{t, seq_++, id}); }
    void pop(std::int64_t& t, std::uint32_t& id) {
        t = q_.top().time;
        id = q_.top().id;
        q_.pop();
    }

private:
    struct Item {
        std::int64_t time;
        std::uint64_t seq;
        std::uint32_t id;
        bool operator>(const Item& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q_;
    std::uint64_t seq_ = 0;
};

struct HoldResult {
    double events_per_second = 0.0;
    std::uint64_t checksum = 0;
};

// Fills N, runs `warm` untimed holds (so the keys reach their stationary spread), then times
// `steps` holds.
template <class Q>
HoldResult run_hold(std::size_t n, std::uint64_t warm, std::uint64_t steps,
                    const std::vector<std::int64_t>& inc) {
    Q q;
    std::size_t k = 0;
    const std::size_t mask = inc.size() - 1;
    for (std::size_t i = 0; i < n; ++i)
        q.push(inc[k++ & mask], static_cast<std::uint32_t>(i));
    std::int64_t t = 0;
    std::uint32_t id = 0;
    for (std::uint64_t i = 0; i < warm; ++i) {
        q.pop(t, id);
        q.push(t + inc[k++ & mask], id);
    }
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const double t0 = bench::now_seconds();
    for (std::uint64_t i = 0; i < steps; ++i) {
        q.pop(t, id);
        h = fold(h, t, id);
        q.push(t + inc[k++ & mask], id);
    }
    const double dt = bench::now_seconds() - t0;
    bench::keep(h);
    return {static_cast<double>(steps) / dt, h};
}

} // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const auto inc = make_increments();
    constexpr int kRepeats = 3; // best of three: the least disturbed by other processes
    struct Case {
        std::size_t n;
        double target;
    };
    const Case cases[] = {{100, 0.0}, {10'000, 2.0}, {1'000'000, 4.0}};

    std::printf("hold model: N pending events, pop + push at now + Exp(mean %.0f ns), "
                "best of %d\n",
                kMeanIncrementNs, kRepeats);
    std::printf("%10s %14s %16s %16s %8s %8s\n", "N", "steps", "calendar ev/s", "priority_q ev/s",
                "ratio", "target");
    nlohmann::json rows = nlohmann::json::array();
    bool all_met = true;
    bool all_same = true;
    for (const Case& c : cases) {
        // Enough steps for a stable rate; fewer at 10^6, where the baseline is slow.
        const std::uint64_t steps = quick ? 1'000'000 : c.n >= 1'000'000 ? 5'000'000 : 20'000'000;
        const std::uint64_t warm = std::max<std::uint64_t>(c.n, 100'000);
        HoldResult best_cal{};
        HoldResult best_pq{};
        for (int r = 0; r < kRepeats; ++r) {
            // Alternate the order, so neither always runs on a cache the other warmed.
            HoldResult a{};
            HoldResult b{};
            if (r % 2 == 0) {
                a = run_hold<CalendarHold>(c.n, warm, steps, inc);
                b = run_hold<PriorityQueueHold>(c.n, warm, steps, inc);
            } else {
                b = run_hold<PriorityQueueHold>(c.n, warm, steps, inc);
                a = run_hold<CalendarHold>(c.n, warm, steps, inc);
            }
            all_same = all_same && a.checksum == b.checksum;
            if (a.events_per_second > best_cal.events_per_second) best_cal = a;
            if (b.events_per_second > best_pq.events_per_second) best_pq = b;
        }
        const double ratio = best_cal.events_per_second / best_pq.events_per_second;
        const bool met = ratio >= c.target;
        all_met = all_met && met;
        char target[16];
        if (c.target > 0)
            std::snprintf(target, sizeof target, ">=%.0fx %s", c.target, met ? "ok" : "MISS");
        else
            std::snprintf(target, sizeof target, "-");
        std::printf("%10zu %14llu %16.4g %16.4g %7.2fx %8s\n", c.n,
                    static_cast<unsigned long long>(steps), best_cal.events_per_second,
                    best_pq.events_per_second, ratio, target);
        rows.push_back({{"n", c.n},
                        {"steps", steps},
                        {"calendar_events_per_second", best_cal.events_per_second},
                        {"priority_queue_events_per_second", best_pq.events_per_second},
                        {"ratio", ratio},
                        {"target_ratio", c.target},
                        {"target_met", met}});
    }
    std::printf("same pop order in both structures: %s\n", all_same ? "yes" : "NO (bug)");
    std::printf("peak RSS: %.1f MiB\n", bench::peak_rss_mib());
    bench::print_json({{"benchmark", "event_calendar_hold"},
                       {"mean_increment_ns", kMeanIncrementNs},
                       {"quick", quick},
                       {"results", rows},
                       {"same_order", all_same},
                       {"all_targets_met", all_met}});
    return all_same ? 0 : 3;
}

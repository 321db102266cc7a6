#include "sim/quantile_sketch.hpp"
#include "sim/random_stream.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <utility>
#include <vector>

using namespace tpssim;

using sim::QuantileSketch;
using sim::SimTime;

TEST_CASE("an empty sketch reports 0") {
    QuantileSketch q;
    CHECK(q.count() == 0);
    CHECK(q.quantile_seconds(0.99) == 0.0);
}

TEST_CASE("small values are exact, including zero") {
    QuantileSketch q;
    for (int i = 0; i < 100; ++i)
        q.add(SimTime::from_ns(i));
    CHECK(q.quantile_seconds(0.0) == 0.0);
    CHECK(q.quantile_seconds(0.5) * 1e9 == doctest::Approx(49));
    CHECK(q.quantile_seconds(1.0) * 1e9 == doctest::Approx(99));
}

TEST_CASE("every quantile within the relative-error bound of the exact nearest-rank value") {
    sim::RandomStream rng(1, "sketch", "test");
    std::vector<std::int64_t> xs;
    QuantileSketch q;
    for (int i = 0; i < 200000; ++i) {
        // Log-uniform over 1 ns .. 100 s: every octave exercised.
        const auto v = static_cast<std::int64_t>(std::exp(rng.next_open01() * std::log(1e11)));
        xs.push_back(v);
        q.add(SimTime::from_ns(v));
    }
    std::sort(xs.begin(), xs.end());
    for (double p : {0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
        auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(xs.size())));
        rank = std::max<std::size_t>(rank, 1);
        const double exact = static_cast<double>(xs[rank - 1]);
        const double got = q.quantile_seconds(p) * 1e9;
        INFO("p = " << p);
        CHECK(std::fabs(got - exact) <= QuantileSketch::kRelativeError * exact + 0.5);
    }
    CHECK(QuantileSketch::kRelativeError <= 0.01);
}

TEST_CASE("index and value round-trip at bucket edges") {
    for (std::uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 129ULL, 255ULL, 256ULL, 1000000ULL,
                            (1ULL << 62) + 12345ULL}) {
        const auto i = QuantileSketch::index_of(v);
        REQUIRE(i < QuantileSketch::kBuckets);
        const double rep = QuantileSketch::value_of(i);
        CHECK(std::fabs(rep - static_cast<double>(v)) <=
              QuantileSketch::kRelativeError * static_cast<double>(v) + 0.5);
    }
    CHECK(QuantileSketch::index_of((1ULL << 63) - 1) == QuantileSketch::kBuckets - 1);
}

TEST_CASE("merging equals adding everything to one sketch") {
    QuantileSketch a, b, all;
    for (int i = 1; i <= 1000; ++i) {
        (i % 2 ? a : b).add(SimTime::from_us(i));
        all.add(SimTime::from_us(i));
    }
    a.merge(b);
    CHECK(a.count() == all.count());
    for (double p : {0.1, 0.5, 0.99})
        CHECK(a.quantile_seconds(p) == all.quantile_seconds(p));
}

TEST_CASE("the exact mean and maximum ride along with the sketch") {
    QuantileSketch q;
    CHECK(q.mean_seconds() == 0.0);
    CHECK(q.max_seconds() == 0.0);
    for (int ms : {10, 20, 30, 1000})
        q.add(SimTime::from_ms(ms));
    CHECK(q.mean_seconds() == doctest::Approx(0.265));
    CHECK(q.max_seconds() == 1.0);
    QuantileSketch other;
    other.add(SimTime::from_s(3));
    q.merge(other);
    CHECK(q.max_seconds() == 3.0);
    CHECK(q.mean_seconds() == doctest::Approx(4.06 / 5));
    q.reset();
    CHECK(q.count() == 0);
    CHECK(q.max_seconds() == 0.0);
}

// ---- The store: a window of buckets that follows the values seen ----

namespace {

constexpr std::uint64_t kTop = (std::uint64_t{1} << 63) - 1; // the largest SimTime, in ns

/// The nearest-rank q-quantile of values already in increasing order, through the bucket
/// layout.
double reference_quantile_of_sorted(const std::vector<std::uint64_t>& sorted, double q) {
    if (sorted.empty()) return 0.0;
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    rank = std::max<std::size_t>(rank, 1);
    return QuantileSketch::value_of(QuantileSketch::index_of(sorted[rank - 1])) / 1e9;
}

/// The nearest-rank q-quantile computed from the values themselves through the bucket layout:
/// what any correct store must report, whatever order the values came in.
double reference_quantile(std::vector<std::uint64_t> xs, double q) {
    std::sort(xs.begin(), xs.end());
    return reference_quantile_of_sorted(xs, q);
}

/// Every rank's quantile (q = r / n for r = 0..n) and the ride-alongs agree with the values.
/// The values are sorted once, not once per rank (n ranks of 20,000 values were a minute).
void check_matches(const QuantileSketch& q, const std::vector<std::uint64_t>& xs) {
    REQUIRE(q.count() == xs.size());
    const std::uint64_t top = xs.empty() ? 0 : *std::max_element(xs.begin(), xs.end());
    CHECK(q.max_seconds() == static_cast<double>(top) / 1e9);
    std::vector<std::uint64_t> sorted = xs;
    std::sort(sorted.begin(), sorted.end());
    const double n = static_cast<double>(xs.size());
    for (std::size_t r = 0; r <= xs.size(); ++r) {
        const double p = xs.empty() ? 0.5 : static_cast<double>(r) / n;
        INFO("rank " << r << " of " << xs.size());
        REQUIRE(q.quantile_seconds(p) == reference_quantile_of_sorted(sorted, p));
    }
}

QuantileSketch sketch_of(const std::vector<std::uint64_t>& xs) {
    QuantileSketch q;
    for (const auto x : xs)
        q.add(SimTime::from_ns(static_cast<std::int64_t>(x)));
    return q;
}

/// n values log-uniform over [lo, hi) ns.
std::vector<std::uint64_t> log_uniform(std::uint64_t seed, std::size_t n, double lo, double hi) {
    sim::RandomStream rng(seed, "sketch", "store");
    std::vector<std::uint64_t> xs(n);
    for (auto& x : xs)
        x = static_cast<std::uint64_t>(
            std::exp(std::log(lo) + rng.next_open01() * std::log(hi / lo)));
    return xs;
}

} // namespace

TEST_CASE("an empty sketch holds no buckets") {
    QuantileSketch q;
    CHECK(q.buckets_stored() == 0);
    CHECK(q.bytes_allocated() == 0);
    q.reset();
    CHECK(q.bytes_allocated() == 0);
    QuantileSketch other;
    q.merge(other); // merging nothing allocates nothing either
    CHECK(q.bytes_allocated() == 0);
    const QuantileSketch copy = q;
    CHECK(copy.bytes_allocated() == 0);
    // The first kListed values are listed in the sketch itself; the next one opens the window.
    for (std::size_t k = 0; k < QuantileSketch::kListed; ++k)
        q.add(SimTime::from_ms(5));
    CHECK(q.buckets_stored() == 0);
    CHECK(q.bytes_allocated() == 0);
    q.add(SimTime::from_ms(5));
    CHECK(q.buckets_stored() > 0);
    CHECK(q.bytes_allocated() >= q.buckets_stored() * sizeof(std::uint32_t));
}

TEST_CASE("listed values: the same quantiles as counted ones, through reset and merge") {
    constexpr std::size_t kListed = QuantileSketch::kListed;
    const auto xs = log_uniform(9, 3 * kListed, 1.0, 1e10);
    const auto first = [&](std::size_t n) {
        return std::vector<std::uint64_t>(xs.begin(), xs.begin() + static_cast<std::ptrdiff_t>(n));
    };
    SUBCASE("every count up to and past the list, quantiles and ride-alongs") {
        for (std::size_t n = 0; n <= 2 * kListed; ++n) {
            INFO(n << " values");
            const QuantileSketch q = sketch_of(first(n));
            CHECK((q.buckets_stored() == 0) == (n <= kListed));
            check_matches(q, first(n));
            const std::vector<double> qs = {0.0, 0.5, 0.9, 0.99, 1.0};
            std::vector<double> out(qs.size());
            q.quantiles_seconds(qs, out);
            for (std::size_t i = 0; i < qs.size(); ++i)
                CHECK(out[i] == reference_quantile(first(n), qs[i]));
        }
    }
    SUBCASE("a reset goes back to listing, keeps the window, and the window takes over again") {
        QuantileSketch q = sketch_of(xs); // counted in the window
        const std::size_t bytes = q.bytes_allocated();
        REQUIRE(bytes > 0);
        for (const std::size_t n : {std::size_t{3}, kListed, kListed + 1, 2 * kListed}) {
            INFO(n << " values after the reset");
            q.reset();
            for (const auto x : first(n))
                q.add(SimTime::from_ns(static_cast<std::int64_t>(x)));
            check_matches(q, first(n)); // a stale count left in the window would move a rank
            CHECK(q.bytes_allocated() == bytes);
        }
    }
    SUBCASE("merges of listed and counted sketches, either way, and with itself") {
        const auto few = first(5);
        const auto more = first(kListed - 2); // with few: past the list
        const std::vector<std::uint64_t> many(xs.begin() + 5, xs.end());
        auto concat = [](std::vector<std::uint64_t> a, const std::vector<std::uint64_t>& b) {
            a.insert(a.end(), b.begin(), b.end());
            return a;
        };
        for (const auto& [a, b] : {std::pair{few, more}, std::pair{few, many}, std::pair{many, few},
                                   std::pair{few, few}}) {
            QuantileSketch into = sketch_of(a);
            into.merge(sketch_of(b));
            check_matches(into, concat(a, b));
            CHECK(into.mean_seconds() == doctest::Approx(sketch_of(concat(a, b)).mean_seconds()));
        }
        QuantileSketch self = sketch_of(few);
        self.merge(self);
        check_matches(self, concat(few, few));
        QuantileSketch self_past = sketch_of(more);
        self_past.merge(self_past); // 2 (kListed - 2) values: the window takes over midway
        check_matches(self_past, concat(more, more));
    }
}

TEST_CASE("memory follows the spread of the values, not the whole range") {
    SUBCASE("one power of two: O(one octave) buckets") {
        // Every bucket of [2^20, 2^21) ns (one octave: kSub buckets), in increasing order.
        QuantileSketch q;
        for (std::uint64_t v = std::uint64_t{1} << 20; v < (std::uint64_t{1} << 21); v += 97)
            q.add(SimTime::from_ns(static_cast<std::int64_t>(v)));
        CHECK(q.buckets_stored() >= QuantileSketch::kSub);
        CHECK(q.buckets_stored() <= 2 * QuantileSketch::kSub);
        CHECK(q.bytes_allocated() <= 2 * QuantileSketch::kSub * sizeof(std::uint32_t));
    }
    SUBCASE("1 ms .. 1 s, in random order: about the ten octaves between them") {
        const auto xs = log_uniform(2, 20000, 1e6, 1e9);
        const QuantileSketch q = sketch_of(xs);
        const std::size_t used = QuantileSketch::index_of(1'000'000'000) -
                                 QuantileSketch::index_of(1'000'000) + 1; // ~1,280
        CHECK(q.buckets_stored() >= used - 2);
        CHECK(q.buckets_stored() <= 2 * used);
        CHECK(q.buckets_stored() < QuantileSketch::kBuckets / 3);
        check_matches(q, xs);
    }
}

TEST_CASE("increasing, decreasing and random orders give the same quantiles") {
    // Zeros, exact small values and 1 ns .. 100 s: the window grows up, down and both ways.
    auto xs = log_uniform(3, 3000, 1.0, 1e11);
    for (std::uint64_t v : {0ULL, 0ULL, 1ULL, 127ULL, 128ULL})
        xs.push_back(v);
    auto up = xs;
    std::sort(up.begin(), up.end());
    auto down = up;
    std::reverse(down.begin(), down.end());
    // Outward from the middle: alternately below and above the window.
    std::vector<std::uint64_t> outward;
    for (std::size_t lo = up.size() / 2, hi = lo + 1; outward.size() < up.size();) {
        if (lo > 0) outward.push_back(up[--lo]);
        if (hi <= up.size() - 1) outward.push_back(up[hi++]);
        if (lo == 0 && hi == up.size()) outward.push_back(up[up.size() / 2]);
    }
    REQUIRE(outward.size() == up.size());
    for (const auto* order : {&xs, &up, &down, &outward}) {
        const QuantileSketch q = sketch_of(*order);
        check_matches(q, xs);
        CHECK(q.mean_seconds() == doctest::Approx(sketch_of(xs).mean_seconds()));
    }
}

TEST_CASE("merging disjoint and overlapping ranges equals the sketch of every value") {
    const auto fast = log_uniform(4, 1500, 1e3, 1e6);    // 1 us .. 1 ms
    const auto slow = log_uniform(5, 1500, 1e9, 1e11);   // 1 s .. 100 s: disjoint from fast
    const auto middle = log_uniform(6, 1500, 1e5, 1e10); // overlaps both
    auto concat = [](std::vector<std::uint64_t> a, const std::vector<std::uint64_t>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    };
    for (const auto& [xs, ys] : {std::pair{fast, slow}, std::pair{slow, fast},
                                 std::pair{fast, middle}, std::pair{middle, slow}}) {
        const auto all = concat(xs, ys);
        QuantileSketch a = sketch_of(xs);
        const QuantileSketch b = sketch_of(ys);
        QuantileSketch b_into = b;
        a.merge(b);
        b_into.merge(sketch_of(xs));
        check_matches(a, all);
        check_matches(b_into, all);
    }
    SUBCASE("into and from an empty sketch") {
        QuantileSketch empty;
        QuantileSketch into;
        into.merge(sketch_of(middle));
        check_matches(into, middle);
        QuantileSketch from = sketch_of(middle);
        from.merge(empty);
        check_matches(from, middle);
        empty.merge(QuantileSketch{});
        CHECK(empty.buckets_stored() == 0);
        check_matches(empty, {});
    }
    SUBCASE("from a sketch whose window is wider than its values (after a reset)") {
        QuantileSketch wide = sketch_of(concat(fast, slow));
        wide.reset();
        for (const auto x : middle)
            wide.add(SimTime::from_ns(static_cast<std::int64_t>(x)));
        QuantileSketch a = sketch_of(fast);
        a.merge(wide);
        check_matches(a, concat(fast, middle));
        // Only wide's non-zero buckets widen a: no more than middle's and fast's span needs.
        CHECK(a.buckets_stored() < wide.buckets_stored());
    }
    SUBCASE("a sketch merged with itself counts everything twice") {
        QuantileSketch a = sketch_of(middle);
        a.merge(a);
        check_matches(a, concat(middle, middle));
    }
}

TEST_CASE("reset keeps no counts and no values, and keeps its memory") {
    const auto wide = log_uniform(7, 2000, 1.0, 1e11);
    const auto narrow = log_uniform(8, 2000, 1e6, 1e8);
    QuantileSketch q = sketch_of(wide);
    const std::size_t bytes = q.bytes_allocated();
    q.reset();
    CHECK(q.count() == 0);
    CHECK(q.quantile_seconds(0.5) == 0.0);
    CHECK(q.mean_seconds() == 0.0);
    CHECK(q.max_seconds() == 0.0);
    CHECK(q.bytes_allocated() ==
          bytes); // kept: a sketch cleared at every scrape reallocates nothing
    for (const auto x : narrow)
        q.add(SimTime::from_ns(static_cast<std::int64_t>(x)));
    check_matches(q, narrow); // a stale count from `wide` would move some rank
    const QuantileSketch fresh = sketch_of(narrow);
    for (double p : {0.0, 0.01, 0.5, 0.99, 1.0})
        CHECK(q.quantile_seconds(p) == fresh.quantile_seconds(p));
    CHECK(q.mean_seconds() == fresh.mean_seconds());
    // A steady run of intervals: the same spread every time allocates nothing more.
    for (int interval = 0; interval < 50; ++interval) {
        q.reset();
        for (const auto x : narrow)
            q.add(SimTime::from_ns(static_cast<std::int64_t>(x)));
    }
    CHECK(q.bytes_allocated() == bytes);
    check_matches(q, narrow);
}

TEST_CASE("extreme values: 0, 1 ns, near 2^63 ns, negatives clamped to 0") {
    SUBCASE("each alone") {
        for (const std::uint64_t v : std::vector<std::uint64_t>{0, 1, kTop - 1, kTop}) {
            const QuantileSketch q = sketch_of({v});
            check_matches(q, {v});
            CHECK(q.buckets_stored() <= QuantileSketch::kSub);
        }
    }
    SUBCASE("together, in both orders: the whole range, at most kBuckets") {
        std::vector<std::uint64_t> xs{0, 1, 1000, kTop - 1, kTop, (std::uint64_t{1} << 62)};
        auto rev = xs;
        std::reverse(rev.begin(), rev.end());
        for (const auto* order : {&xs, &rev}) {
            const QuantileSketch q = sketch_of(*order);
            check_matches(q, xs);
            CHECK(q.buckets_stored() <= QuantileSketch::kBuckets);
            CHECK(q.quantile_seconds(1.0) ==
                  QuantileSketch::value_of(QuantileSketch::kBuckets - 1) / 1e9);
        }
    }
    SUBCASE("negative durations count as 0") {
        QuantileSketch q;
        q.add(SimTime::from_ms(3));
        q.add(SimTime::from_ns(-5));
        q.add(SimTime::from_ns(std::numeric_limits<std::int64_t>::min()));
        check_matches(q, {3'000'000, 0, 0});
        CHECK(q.quantile_seconds(0.0) == 0.0);
    }
}

TEST_CASE("a bucket's count goes past 2^32 without losing any") {
    // 2^32 - 1 values in one bucket, built by doubling (a sketch merged with itself) and adding
    // one: 32 rounds instead of four billion adds.
    const SimTime v = SimTime::from_ms(3);
    QuantileSketch one;
    one.add(v);
    QuantileSketch q;
    for (int round = 0; round < 32; ++round) {
        q.merge(q);
        q.merge(one);
    }
    const std::uint64_t low_full = (std::uint64_t{1} << 32) - 1;
    REQUIRE(q.count() == low_full);
    const std::size_t before = q.bytes_allocated();
    q.add(v); // the low word wraps: the add path carries
    CHECK(q.count() == low_full + 1);
    CHECK(q.bytes_allocated() > before); // a carry is now stored
    // One value above: every rank but the last falls in v's bucket, and the last above it.
    const SimTime above = SimTime::from_ms(30);
    q.add(above);
    const double v_bucket = QuantileSketch::value_of(QuantileSketch::index_of(3'000'000)) / 1e9;
    const double above_bucket =
        QuantileSketch::value_of(QuantileSketch::index_of(30'000'000)) / 1e9;
    CHECK(q.quantile_seconds(0.5) == v_bucket);
    const double n = static_cast<double>(q.count());
    CHECK(q.quantile_seconds((n - 1.0) / n) == v_bucket); // rank n - 1: the carried bucket's last
    CHECK(q.quantile_seconds(1.0) == above_bucket);
    SUBCASE("merging carries on the merge path and keeps the carries of both") {
        QuantileSketch r = q;
        r.merge(q); // 2 (2^32 + 1) values: each low word wraps again
        CHECK(r.count() == 2 * (low_full + 2));
        CHECK(r.quantile_seconds(0.5) == v_bucket);
        CHECK(r.quantile_seconds(1.0) == above_bucket);
        // The rank just past the v bucket's count lands above it: the carry was counted.
        const double past =
            static_cast<double>(2 * (low_full + 1) + 1) / static_cast<double>(r.count());
        CHECK(r.quantile_seconds(past) == above_bucket);
    }
    SUBCASE("reset forgets the carries") {
        q.reset();
        CHECK(q.count() == 0);
        q.add(above);
        CHECK(q.quantile_seconds(0.0) == above_bucket);
    }
}

TEST_CASE("quantiles in one pass equal the quantiles one by one") {
    const auto xs = log_uniform(7, 5000, 1e3, 1e9);
    const QuantileSketch q = sketch_of(xs);
    const std::vector<double> ascending = {0.0, 0.1, 0.5, 0.5, 0.9, 0.99, 0.999, 1.0};
    std::vector<double> out(ascending.size());
    q.quantiles_seconds(ascending, out);
    for (std::size_t i = 0; i < ascending.size(); ++i)
        CHECK(out[i] == q.quantile_seconds(ascending[i]));
    const std::vector<double> unsorted = {0.99, 0.5, 0.9};
    std::vector<double> out2(unsorted.size());
    q.quantiles_seconds(unsorted, out2);
    for (std::size_t i = 0; i < unsorted.size(); ++i)
        CHECK(out2[i] == q.quantile_seconds(unsorted[i]));
    std::vector<double> too_short(1);
    CHECK_THROWS_AS(q.quantiles_seconds(unsorted, too_short), std::invalid_argument);
    const QuantileSketch empty;
    empty.quantiles_seconds(ascending, out);
    for (const double v : out)
        CHECK(v == 0.0);
}

TEST_CASE("a reset forgets a wide interval: later quantiles see only later values") {
    QuantileSketch q;
    q.add(SimTime::from_us(1));
    q.add(SimTime::from_s(1));
    q.reset();
    for (int i = 0; i < 10; ++i)
        q.add(SimTime::from_ms(5));
    const double five_ms = QuantileSketch::value_of(QuantileSketch::index_of(5'000'000)) / 1e9;
    CHECK(q.quantile_seconds(0.0) == five_ms);
    CHECK(q.quantile_seconds(1.0) == five_ms);
    q.add(SimTime::from_us(1)); // below every value since the reset
    const double one_us = QuantileSketch::value_of(QuantileSketch::index_of(1'000)) / 1e9;
    CHECK(q.quantile_seconds(0.0) == one_us);
    CHECK(q.quantile_seconds(0.5) == five_ms);
    QuantileSketch low;
    low.add(SimTime::from_ns(3));
    q.merge(low); // the merged sketch's smallest value is the new start of every scan
    CHECK(q.quantile_seconds(0.0) == 3e-9);
    CHECK(q.count() == 12);
}

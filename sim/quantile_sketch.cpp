#include "sim/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace tpssim::sim {

namespace {
/// The first window: one octave of buckets (512 bytes), centred on the first value.
constexpr std::size_t kFirstSpan = QuantileSketch::kSub;
/// Buckets a quantile scan sums and skips at once: a cache line of 4-byte counts.
constexpr std::size_t kSkipped = 16;
} // namespace

void QuantileSketch::cover(std::size_t lo, std::size_t hi) {
    const std::size_t size = counts_.size();
    const std::size_t end = base_ + size;
    const bool first = size == 0;
    if (!first && lo >= base_ && hi < end) return;
    const std::size_t new_lo = first ? lo : std::min(lo, base_);
    const std::size_t new_end = first ? hi + 1 : std::max(hi + 1, end);
    const std::size_t needed = new_end - new_lo;
    // Grow by a quarter of the span at least: growing stays amortised and rare (about 18 times
    // at most from one octave to the whole range) and the spare room small. It goes on the
    // side the values went out of (both sides for the first window).
    const std::size_t span = std::min(kBuckets, std::max({needed, size + size / 4, kFirstSpan}));
    const std::size_t extra = span - needed;
    const bool down = !first && lo < base_;
    const bool up = !first && hi >= end;
    const std::size_t below = down && !up ? extra : up && !down ? 0 : extra / 2;
    std::size_t new_base = new_lo >= below ? new_lo - below : 0;
    new_base = std::min(new_base, kBuckets - span); // [new_base, new_base + span) covers new_lo..
    std::vector<Count> grown(span, 0);
    if (!first)
        std::copy(counts_.begin(), counts_.end(),
                  grown.begin() + static_cast<std::ptrdiff_t>(base_ - new_base));
    counts_ = std::move(grown);
    base_ = new_base;
}

void QuantileSketch::bump(std::size_t bucket) {
    cover(bucket, bucket);
    if (++counts_[bucket - base_] == 0) [[unlikely]]
        carry(bucket);
}

void QuantileSketch::take_over_listed() {
    if (!listing()) return;
    base_ = window_base_;
    if (total_ == 0) return;
    const auto n = static_cast<std::ptrdiff_t>(total_); // while listing, total_ <= kListed
    const auto [lo, hi] = std::minmax_element(listed_.begin(), listed_.begin() + n);
    cover(*lo, *hi);
    for (std::ptrdiff_t k = 0; k < n; ++k)
        ++counts_[listed_[static_cast<std::size_t>(k)] - base_]; // a zeroed window: no carry
}

void QuantileSketch::add_outside(std::uint64_t v) {
    const std::size_t i = index_of(v);
    if (listing()) {
        if (total_ < kListed) {
            listed_[total_] = static_cast<std::uint16_t>(i);
            record(v);
            return;
        }
        take_over_listed();
    }
    bump(i);
    record(v);
}

void QuantileSketch::add_carried(std::size_t bucket, std::uint64_t v) {
    carry(bucket);
    record(v);
}

void QuantileSketch::carry(std::size_t bucket, std::uint64_t high) {
    const auto at = std::lower_bound(carries_.begin(), carries_.end(), bucket,
                                     [](const Carry& c, std::size_t b) { return c.bucket < b; });
    if (at != carries_.end() && at->bucket == bucket)
        at->high += high;
    else
        carries_.insert(at, Carry{bucket, high});
}

std::uint64_t QuantileSketch::count_at(std::size_t k) const {
    std::uint64_t n = counts_[k];
    if (!carries_.empty()) [[unlikely]] {
        const std::size_t bucket = base_ + k;
        const auto at =
            std::lower_bound(carries_.begin(), carries_.end(), bucket,
                             [](const Carry& c, std::size_t b) { return c.bucket < b; });
        if (at != carries_.end() && at->bucket == bucket) n += at->high << 32;
    }
    return n;
}

void QuantileSketch::merge(const QuantileSketch& other) {
    if (other.listing()) {
        // Read first: other may be this sketch.
        const std::array<std::uint16_t, kListed> theirs = other.listed_;
        const std::uint64_t n = other.total_;
        const std::uint64_t before = total_;
        const double sum = other.sum_ns_;
        const std::uint64_t max = other.max_ns_;
        const std::uint64_t min = other.min_ns_;
        for (std::uint64_t k = 0; k < n; ++k) {
            if (listing() && total_ < kListed) {
                listed_[total_++] = theirs[k];
            } else {
                take_over_listed();
                bump(theirs[k]);
            }
        }
        total_ = before + n;
        sum_ns_ += sum;
        max_ns_ = std::max(max_ns_, max);
        min_ns_ = std::min(min_ns_, min);
        return;
    }
    take_over_listed();
    // Only other's non-zero buckets widen this window (other's may be wider, after a reset).
    // Their full counts are read before anything is written: other may be this sketch.
    const std::size_t theirs = other.counts_.size();
    std::size_t lo = 0;
    while (lo < theirs && other.count_at(lo) == 0)
        ++lo;
    if (lo < theirs) {
        std::size_t hi = theirs - 1;
        while (other.count_at(hi) == 0)
            --hi;
        std::vector<std::uint64_t> added(hi - lo + 1);
        for (std::size_t k = lo; k <= hi; ++k)
            added[k - lo] = other.count_at(k);
        const std::size_t their_base = other.base_;
        cover(their_base + lo, their_base + hi);
        for (std::size_t k = lo; k <= hi; ++k) {
            const std::size_t bucket = their_base + k;
            const std::uint64_t sum = std::uint64_t{counts_[bucket - base_]} + added[k - lo];
            counts_[bucket - base_] = static_cast<Count>(sum);
            if (const std::uint64_t high = sum >> 32; high != 0) carry(bucket, high);
        }
    }
    total_ += other.total_;
    sum_ns_ += other.sum_ns_;
    max_ns_ = std::max(max_ns_, other.max_ns_);
    min_ns_ = std::min(min_ns_, other.min_ns_);
}

void QuantileSketch::reset() {
    if (!listing()) {
        if (total_ > 0) { // only the buckets between the extremes can be non-zero
            const std::size_t lo = index_of(min_ns_) - base_;
            const std::size_t hi = index_of(max_ns_) - base_;
            std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(lo),
                      counts_.begin() + static_cast<std::ptrdiff_t>(hi) + 1, 0);
        }
        window_base_ = base_; // kept, zeroed, for when the values outgrow the list again
        base_ = kListing;
    }
    carries_.clear();
    total_ = 0;
    sum_ns_ = 0.0;
    max_ns_ = 0;
    min_ns_ = UINT64_MAX;
}

double QuantileSketch::value_of(std::size_t i) {
    if (i < kSub) return static_cast<double>(i);
    const std::size_t shift = i / kSub - 1;
    const std::uint64_t sub = i % kSub;
    const double lo = std::ldexp(static_cast<double>(kSub + sub), static_cast<int>(shift));
    const double width = std::ldexp(1.0, static_cast<int>(shift));
    return lo + (width - 1.0) / 2.0;
}

double QuantileSketch::quantile_seconds(double q) const {
    double out = 0.0;
    quantiles_seconds(std::span<const double>(&q, 1), std::span<double>(&out, 1));
    return out;
}

void QuantileSketch::quantiles_seconds(std::span<const double> qs, std::span<double> out) const {
    if (out.size() != qs.size())
        throw std::invalid_argument("QuantileSketch::quantiles_seconds: out and qs differ in size");
    if (!std::is_sorted(qs.begin(), qs.end())) {
        for (std::size_t i = 0; i < qs.size(); ++i)
            out[i] = quantile_seconds(qs[i]);
        return;
    }
    std::size_t i = 0;
    if (total_ == 0) {
        for (; i < qs.size(); ++i)
            out[i] = 0.0;
        return;
    }
    // Nearest rank: the smallest recorded value v with at least ceil(q n) values <= v.
    const auto rank_of = [this](double q) {
        const auto r = static_cast<std::uint64_t>(
            std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total_)));
        return std::max<std::uint64_t>(r, 1);
    };
    if (listing()) {
        // The nearest rank's value is the bucket of the rank-th smallest listed index.
        std::array<std::uint16_t, kListed> sorted = listed_;
        const auto end = sorted.begin() + static_cast<std::ptrdiff_t>(total_);
        std::sort(sorted.begin(), end);
        for (; i < qs.size(); ++i)
            out[i] = value_of(sorted[std::min(rank_of(qs[i]), total_) - 1]) / 1e9;
        return;
    }
    std::uint64_t rank = qs.empty() ? 0 : rank_of(qs[0]);
    std::uint64_t seen = 0;
    // Buckets below the smallest value (and outside the window) hold nothing: start there.
    const bool carried = !carries_.empty();
    const std::size_t size = counts_.size();
    for (std::size_t k = index_of(min_ns_) - base_; k < size && i < qs.size(); ++k) {
        // Whole cache lines of buckets that cannot reach the rank are summed and skipped (the
        // compiler vectorises the sum): a scrape's p50, p90 and p99 of a busy service scan
        // thousands of mostly empty buckets. Without carries only: a carried count is read
        // bucket by bucket.
        while (!carried && k + kSkipped <= size) {
            std::uint64_t line = 0;
            for (std::size_t c = 0; c < kSkipped; ++c)
                line += counts_[k + c];
            if (seen + line >= rank) break;
            seen += line;
            k += kSkipped;
        }
        if (k >= size) break;
        seen += carried ? count_at(k) : counts_[k];
        while (seen >= rank) {
            out[i++] = value_of(base_ + k) / 1e9;
            if (i == qs.size()) return;
            rank = rank_of(qs[i]);
        }
    }
    for (; i < qs.size(); ++i)
        out[i] = value_of(kBuckets - 1) / 1e9;
}

} // namespace tpssim::sim
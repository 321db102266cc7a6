#include "models/analytic/capacity_sizing.hpp"

#include "models/analytic/queueing_theory.hpp"

#include <cmath>
#include <stdexcept>

namespace tpssim::models::analytic {

double mmc_sojourn_tail(double lambda, double mean_service, std::uint32_t c, double t) {
    if (!(lambda > 0.0) || !(mean_service > 0.0) || c == 0)
        throw std::invalid_argument("mmc_sojourn_tail: expected lambda, mean_service, c > 0");
    const double mu = 1.0 / mean_service;
    const double theta = c * mu - lambda; // the rate of a waiting arrival's wait
    if (!(theta > 0.0)) throw std::invalid_argument("mmc_sojourn_tail: expected lambda < c mu");
    const double p_wait = erlang_c(c, lambda / mu);
    const double service_tail = std::exp(-mu * t);
    // P(Exp(theta) + Exp(mu) > t): hypoexponential, or Erlang-2 when the rates meet.
    double both_tail = 0.0;
    if (std::abs(theta - mu) < 1e-12 * mu)
        both_tail = (1.0 + mu * t) * std::exp(-mu * t);
    else
        both_tail = (theta * std::exp(-mu * t) - mu * std::exp(-theta * t)) / (theta - mu);
    return (1.0 - p_wait) * service_tail + p_wait * both_tail;
}

double mmc_sojourn_quantile(double lambda, double mean_service, std::uint32_t c, double q) {
    if (!(q > 0.0 && q < 1.0))
        throw std::invalid_argument("mmc_sojourn_quantile: expected 0 < q < 1");
    const double target = 1.0 - q;
    double lo = 0.0, hi = mean_service;
    while (mmc_sojourn_tail(lambda, mean_service, c, hi) > target)
        hi *= 2.0;
    while (hi - lo > 1e-9 * hi) {
        const double mid = 0.5 * (lo + hi);
        (mmc_sojourn_tail(lambda, mean_service, c, mid) > target ? lo : hi) = mid;
    }
    return hi;
}

WorkerGuess erlang_c_workers(double lambda, double mean_service, double max_utilisation,
                             double quantile, double slo_seconds, std::uint32_t max_workers) {
    if (!(max_utilisation > 0.0 && max_utilisation <= 1.0))
        throw std::invalid_argument("erlang_c_workers: expected 0 < max_utilisation <= 1");
    const double load = lambda * mean_service; // offered Erlangs
    WorkerGuess g;
    g.for_utilisation =
        static_cast<std::uint32_t>(std::max(1.0, std::ceil(load / max_utilisation - 1e-9)));
    // However many workers, a request still takes its service time: the sojourn quantile
    // falls towards the service time's own, -ln(1 - q) s, and never reaches it.
    if (slo_seconds <= -std::log(1.0 - quantile) * mean_service)
        throw std::invalid_argument(
            "erlang_c_workers: no pool meets the SLO (the service time alone exceeds it)");
    // The quantile falls as workers are added: double from the fewest stable count, then
    // bisect.
    auto meets = [&](std::uint32_t c) {
        return mmc_sojourn_quantile(lambda, mean_service, c, quantile) <= slo_seconds;
    };
    std::uint32_t lo = static_cast<std::uint32_t>(std::floor(load)); // unstable: misses
    std::uint32_t hi = lo + 1;
    while (!meets(hi)) {
        lo = hi;
        hi = lo + std::max<std::uint32_t>(1, lo);
        if (hi > max_workers)
            throw std::invalid_argument("erlang_c_workers: no pool up to max_workers meets the "
                                        "SLO");
    }
    while (hi - lo > 1) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        (meets(mid) ? hi : lo) = mid;
    }
    g.for_latency = hi;
    g.workers = std::max(g.for_utilisation, g.for_latency);
    g.utilisation = load / g.workers;
    g.latency_quantile = mmc_sojourn_quantile(lambda, mean_service, g.workers, quantile);
    return g;
}

std::uint64_t queue_places_for_blocking(double lambda, double mean_service, std::uint32_t c,
                                        double max_blocking, std::uint64_t max_places) {
    // Blocking falls as places are added: double, then bisect.
    auto blocking = [&](std::uint64_t places) {
        return mmck(lambda, mean_service, c, c + places).p_block;
    };
    if (blocking(0) <= max_blocking) return 0;
    std::uint64_t lo = 0, hi = 1;
    while (blocking(hi) > max_blocking) {
        lo = hi;
        hi *= 2;
        if (hi > max_places)
            throw std::invalid_argument("queue_places_for_blocking: no bounded queue suffices");
    }
    while (hi - lo > 1) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        (blocking(mid) > max_blocking ? lo : hi) = mid;
    }
    return hi;
}

} // namespace tpssim::models::analytic

#pragma once
/// Sizing a worker pool with M/M/c (Erlang C): the fewest workers that keep utilisation at or
/// under a target and a latency quantile within an SLO, and the queue places that absorb the
/// bursts at that size. A first guess for the simulator to confirm: real service times are
/// rarely exponential, and the simulation refines the count (apps/tpssim/forecast_*).

#include <cstdint>

namespace tpssim::models::analytic {

/// P(T > t) for the sojourn T (wait + service) of M/M/c with arrival rate `lambda`, mean
/// service `mean_service` seconds and `c` servers: T = Wq + S with S ~ Exp(mu), and Wq = 0
/// with probability 1 - C(c, a), otherwise Exp(c mu - lambda) (a = lambda / mu). Requires
/// lambda < c mu.
double mmc_sojourn_tail(double lambda, double mean_service, std::uint32_t c, double t);

/// The `q` quantile (e.g. 0.99) of the M/M/c sojourn, in seconds (bisection on the tail to a
/// relative 1e-9).
double mmc_sojourn_quantile(double lambda, double mean_service, std::uint32_t c, double q);

/// The Erlang C guess of a pool's size.
struct WorkerGuess {
    std::uint32_t workers = 0;
    std::uint32_t for_utilisation = 0; ///< the fewest with rho <= the target
    std::uint32_t for_latency = 0;     ///< the fewest with the quantile within the SLO
    double utilisation = 0.0;          ///< rho at `workers`
    double latency_quantile = 0.0;     ///< seconds, at `workers`
};

/// The fewest workers with utilisation lambda * mean_service / c <= `max_utilisation` and the
/// `quantile` sojourn <= `slo_seconds`. Throws std::invalid_argument when no count up to
/// `max_workers` meets the SLO (the service time alone exceeds it).
WorkerGuess erlang_c_workers(double lambda, double mean_service, double max_utilisation,
                             double quantile, double slo_seconds,
                             std::uint32_t max_workers = 100000);

/// The fewest waiting places K - c (M/M/c/K) such that at most `max_blocking` of the arrivals
/// find the queue full, at `lambda` with `c` workers (any lambda: the bound keeps it stable).
std::uint64_t queue_places_for_blocking(double lambda, double mean_service, std::uint32_t c,
                                        double max_blocking, std::uint64_t max_places = 10000000);

} // namespace tpssim::models::analytic

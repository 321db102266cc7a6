#pragma once
/// Closed forms of classic queues, to cross-check the simulator: Erlang B and C, M/M/c,
/// M/M/c/K, M/G/1 (Pollaczek-Khinchine) and Little's law.
///
/// Conventions: rates are per second, times in seconds, `a = lambda / mu` is the offered load in
/// Erlangs, `rho = a / c` the utilisation per server. "Wait" (Wq) is the queueing delay from
/// arrival to service start; "sojourn" (W) adds the service time. L and Lq are time averages.
///
/// Numerical stability: no factorial or power is ever formed. Erlang B uses its recurrence
/// B(k) = a B(k-1) / (k + a B(k-1)), whose terms stay in [0, 1], so c = 10^6 servers is as
/// exact as c = 2; Erlang C follows from B. M/M/c/K state probabilities are built as logarithms
/// of unnormalised terms and rescaled by their maximum before exponentiation, so neither a^c/c!
/// nor rho^K overflows or underflows to a wrong answer. Every function throws
/// std::invalid_argument on parameters outside its domain (e.g. rho >= 1 without a bound).

#include <cstdint>
#include <vector>

namespace tpssim::models::analytic {

/// Erlang B: probability that an arrival finds all `c` servers busy in M/M/c/c (loss system)
/// with offered load `a` Erlangs. c >= 1, a >= 0.
double erlang_b(std::uint32_t c, double a);

/// Erlang C: probability that an arrival waits in M/M/c with offered load `a` Erlangs.
/// c >= 1, 0 <= a < c.
double erlang_c(std::uint32_t c, double a);

/// Steady-state figures of a queue. Times in seconds; L, Lq in customers.
struct QueueMetrics {
    double rho = 0.0;        ///< utilisation per server (carried load / c)
    double p_wait = 0.0;     ///< probability that an admitted arrival waits
    double p_block = 0.0;    ///< probability that an arrival is rejected (0 without a bound)
    double lambda_eff = 0.0; ///< admitted arrival rate, per second
    double wq = 0.0;         ///< mean wait of admitted customers, arrival to service start
    double w = 0.0;          ///< mean sojourn of admitted customers, wq + mean service
    double lq = 0.0;         ///< mean number waiting
    double l = 0.0;          ///< mean number in the system, waiting + in service
};

/// M/M/c: Poisson arrivals at `lambda`, exponential service of mean `mean_service` seconds,
/// `c` servers, unbounded FIFO queue. Requires rho = lambda * mean_service / c < 1.
QueueMetrics mmc(double lambda, double mean_service, std::uint32_t c);

/// The stationary distribution of M/M/c/K: element n is P(n customers in the system), for
/// n = 0..K. `k` is the total number of places (c in service + k - c waiting), k >= c >= 1.
/// Any lambda > 0 is allowed (the bound keeps the system stable).
std::vector<double> mmck_state_probabilities(double lambda, double mean_service, std::uint32_t c,
                                             std::uint64_t k);

/// M/M/c/K figures: p_block = P(K) (arrivals see time averages), lambda_eff =
/// lambda (1 - p_block), wq and w of admitted customers by Little's law on the admitted stream,
/// p_wait = P(an admitted arrival finds all c busy).
QueueMetrics mmck(double lambda, double mean_service, std::uint32_t c, std::uint64_t k);

/// The Pollaczek-Khinchine mean wait of M/G/1: Wq = lambda E[S^2] / (2 (1 - rho)),
/// rho = lambda E[S] < 1. `second_moment_service` is E[S^2] in s^2.
double pollaczek_khinchine_wq(double lambda, double mean_service, double second_moment_service);

/// M/G/1 with service of mean `mean_service` and coefficient of variation `cv` (so
/// E[S^2] = mean^2 (1 + cv^2)): cv = 0 is M/D/1, cv = 1 is M/M/1, lognormal or gamma service
/// with any cv just plugs in its cv. Requires rho < 1.
QueueMetrics mg1(double lambda, double mean_service, double cv);

/// Little's law, L = lambda W: the mean number in a system from its throughput and mean time
/// in it (any stable system, any discipline, any distribution).
constexpr double littles_law_l(double lambda, double w) {
    return lambda * w;
}

/// Little's law solved for W = L / lambda. lambda > 0.
double littles_law_w(double l, double lambda);

} // namespace tpssim::models::analytic
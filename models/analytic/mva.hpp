#pragma once
/// Exact mean-value analysis (MVA, Reiser & Lavenberg 1980) of a closed interactive system: N
/// users who think for a mean Z, then send a request that visits queueing stations and returns,
/// then think again. The closed-load counterpart of queueing_theory.hpp, to cross-check the
/// simulator's closed model.
///
/// Each station is FCFS with `servers` identical exponential servers (M/M/1 or M/M/c); its
/// `demand` is the total service time a request asks of it per cycle (visits x mean service
/// time). The think stage is a delay (infinite-server) station, whose results depend only on
/// the mean Z, whatever the think-time distribution (product form is insensitive there).
///
/// The recursion over the population n = 1..N:
///
///     R_k(n) = D_k / c_k x (1 + Q_k(n-1) + sum_{j=0}^{c_k-2} (c_k - 1 - j) p_k(j | n-1))
///     X(n)   = n / (Z + sum_k R_k(n))
///     Q_k(n) = X(n) R_k(n)
///
/// with the marginal probabilities p_k(j | n) of j requests at station k needed only below
/// c_k (Bolch et al., Queueing Networks and Markov Chains, 2nd ed., section 8.2.2):
///
///     p_k(j | n) = X(n) D_k / j x p_k(j-1 | n-1),          1 <= j < c_k
///     p_k(0 | n) = p_k(0 | n-1) x X(n) / X_{-k}(n)
///
/// where X_{-k} is the throughput of the same system without station k (solved the same way).
/// The textbook p_k(0 | n) = 1 - (X(n) D_k + sum_{j=1}^{c_k-1} (c_k - j) p_k(j | n)) / c_k
/// cancels to noise when the servers are nearly always busy, and the recursion above then
/// amplifies that noise like (X D_k)^j / j!; the ratio form has no subtraction at all. For
/// c = 1 the recursion is the textbook R_k(n) = D_k (1 + Q_k(n-1)). Cost O(N x sum_k c_k) per
/// solution, 2^m solutions for m multi-server stations.

#include <cstdint>
#include <span>
#include <vector>

namespace tpssim::models::analytic {

/// A queueing station of a closed network.
struct ClosedStation {
    double demand = 0.0;       ///< seconds of service per cycle (visits x mean service), > 0
    std::uint32_t servers = 1; ///< identical exponential servers, >= 1
};

/// Steady-state figures of a closed interactive system at its full population.
struct ClosedMetrics {
    double throughput = 0.0; ///< X: requests (cycles) per second
    double response_time =
        0.0; ///< R: seconds from sending a request to its answer (think excluded)
    std::vector<double> residence;   ///< per station: seconds spent there per cycle
    std::vector<double> in_station;  ///< per station: mean number there, waiting + in service
    std::vector<double> utilization; ///< per station: busy fraction per server, X D / c
};

/// Exact MVA of `users` users with mean think time `think_time` seconds (>= 0) over
/// `stations` (at least one). Throws std::invalid_argument on parameters out of range. The
/// response-time law R = N / X - Z holds by construction.
ClosedMetrics mva(std::uint32_t users, double think_time, std::span<const ClosedStation> stations);

} // namespace tpssim::models::analytic
#include "models/analytic/queueing_theory.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace tpssim::models::analytic {

namespace {

void require(bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("queueing_theory: ") + what);
}

void require_rate_and_service(double lambda, double mean_service) {
    require(std::isfinite(lambda) && lambda > 0.0, "lambda must be finite and > 0");
    require(std::isfinite(mean_service) && mean_service > 0.0,
            "mean_service must be finite and > 0");
}

} // namespace

double erlang_b(std::uint32_t c, double a) {
    require(c >= 1, "c must be >= 1");
    require(std::isfinite(a) && a >= 0.0, "offered load a must be finite and >= 0");
    // B(0) = 1; B(k) = a B(k-1) / (k + a B(k-1)). Every term is a probability: no overflow.
    double b = 1.0;
    for (std::uint32_t k = 1; k <= c; ++k)
        b = a * b / (static_cast<double>(k) + a * b);
    return b;
}

double erlang_c(std::uint32_t c, double a) {
    require(c >= 1, "c must be >= 1");
    require(std::isfinite(a) && a >= 0.0 && a < static_cast<double>(c),
            "offered load a must satisfy 0 <= a < c (utilisation below 1)");
    const double b = erlang_b(c, a);
    const double rho = a / static_cast<double>(c);
    // C = B / (1 - rho (1 - B)): the denominator is >= 1 - rho > 0.
    return b / (1.0 - rho * (1.0 - b));
}

QueueMetrics mmc(double lambda, double mean_service, std::uint32_t c) {
    require_rate_and_service(lambda, mean_service);
    require(c >= 1, "c must be >= 1");
    const double a = lambda * mean_service;
    const double cd = static_cast<double>(c);
    require(a < cd, "M/M/c needs utilisation lambda * mean_service / c < 1");
    QueueMetrics m;
    m.rho = a / cd;
    m.p_wait = erlang_c(c, a);
    m.p_block = 0.0;
    m.lambda_eff = lambda;
    // Wq = C / (c mu - lambda) = C * mean_service / (c - a).
    m.wq = m.p_wait * mean_service / (cd - a);
    m.w = m.wq + mean_service;
    m.lq = lambda * m.wq;
    m.l = m.lq + a;
    return m;
}

std::vector<double> mmck_state_probabilities(double lambda, double mean_service, std::uint32_t c,
                                             std::uint64_t k) {
    require_rate_and_service(lambda, mean_service);
    require(c >= 1, "c must be >= 1");
    require(k >= c, "K (total places) must be >= c");
    require(k < (std::uint64_t{1} << 32), "K must be < 2^32");
    const double a = lambda * mean_service;
    const double log_a = std::log(a);
    const double log_rho = log_a - std::log(static_cast<double>(c));
    // Unnormalised log-probabilities: log(a^n / n!) for n <= c, then
    // log(a^c / c!) + (n - c) log(rho) beyond (computed directly, not accumulated, so a long
    // tail adds no rounding drift).
    std::vector<double> p(static_cast<std::size_t>(k) + 1);
    p[0] = 0.0;
    for (std::uint32_t n = 1; n <= c; ++n)
        p[n] = p[n - 1] + log_a - std::log(static_cast<double>(n));
    const double log_c_term = p[c];
    for (std::uint64_t n = std::uint64_t{c} + 1; n <= k; ++n)
        p[static_cast<std::size_t>(n)] = log_c_term + static_cast<double>(n - c) * log_rho;
    // Rescale by the largest term before exponentiating: every term lands in (0, 1], the sum
    // in [1, K + 1]; terms too small to matter underflow to 0, which is their correct value.
    const double top = *std::max_element(p.begin(), p.end());
    double sum = 0.0;
    for (double& x : p) {
        x = std::exp(x - top);
        sum += x;
    }
    for (double& x : p)
        x /= sum;
    return p;
}

QueueMetrics mmck(double lambda, double mean_service, std::uint32_t c, std::uint64_t k) {
    const std::vector<double> p = mmck_state_probabilities(lambda, mean_service, c, k);
    QueueMetrics m;
    double l = 0.0;
    double lq = 0.0;
    double busy_admitted = 0.0; // P(c <= N < K): an admitted arrival waits
    for (std::size_t n = 0; n < p.size(); ++n) {
        const double nd = static_cast<double>(n);
        l += nd * p[n];
        if (n > c) lq += (nd - static_cast<double>(c)) * p[n];
        if (n >= c && n + 1 < p.size()) busy_admitted += p[n];
    }
    m.p_block = p.back();
    m.lambda_eff = lambda * (1.0 - m.p_block);
    m.rho = m.lambda_eff * mean_service / static_cast<double>(c);
    m.p_wait = busy_admitted / (1.0 - m.p_block);
    m.l = l;
    m.lq = lq;
    m.wq = lq / m.lambda_eff;
    m.w = l / m.lambda_eff;
    return m;
}

double pollaczek_khinchine_wq(double lambda, double mean_service, double second_moment_service) {
    require_rate_and_service(lambda, mean_service);
    require(std::isfinite(second_moment_service) &&
                second_moment_service >= mean_service * mean_service * (1.0 - 1e-12),
            "E[S^2] must be finite and >= E[S]^2");
    const double rho = lambda * mean_service;
    require(rho < 1.0, "M/G/1 needs utilisation lambda * mean_service < 1");
    return lambda * second_moment_service / (2.0 * (1.0 - rho));
}

QueueMetrics mg1(double lambda, double mean_service, double cv) {
    require(std::isfinite(cv) && cv >= 0.0, "cv must be finite and >= 0");
    QueueMetrics m;
    m.wq =
        pollaczek_khinchine_wq(lambda, mean_service, mean_service * mean_service * (1.0 + cv * cv));
    m.rho = lambda * mean_service;
    m.p_wait = m.rho; // a single server is busy a fraction rho of the time (PASTA)
    m.p_block = 0.0;
    m.lambda_eff = lambda;
    m.w = m.wq + mean_service;
    m.lq = lambda * m.wq;
    m.l = lambda * m.w;
    return m;
}

double littles_law_w(double l, double lambda) {
    require(std::isfinite(lambda) && lambda > 0.0, "lambda must be finite and > 0");
    return l / lambda;
}

} // namespace tpssim::models::analytic
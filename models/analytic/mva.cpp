#include "models/analytic/mva.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace tpssim::models::analytic {

namespace {

void require(bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("mva: ") + what);
}

} // namespace

namespace {

/// The recursion over n = 1..users; returns X(1..users) (index n - 1) and fills `out` with the
/// figures at the full population. A multi-server station's probability of being empty comes
/// from the throughput of the network without it (its complement), by
///
///     p_k(0 | n) = p_k(0 | n-1) x X(n) / X_{-k}(n),
///
/// a ratio of the normalising constants G(n-1)/G(n) and G_{-k}(n)/G_{-k}(n-1) of product
/// form. Every quantity is then a product or ratio of positive numbers: unlike the textbook
/// p_k(0 | n) = 1 - (X D_k + ...) / c_k, nothing cancels when the servers are nearly always
/// busy (that form loses every digit there and the error grows like (X D)^j / j!). Each
/// multi-server station costs one solution of its complement, so 2^m solutions for m of them.
std::vector<double> solve(std::uint32_t users, double think_time,
                          const std::vector<ClosedStation>& stations, ClosedMetrics* out) {
    const std::size_t k = stations.size();
    // X_{-k}(n) for each multi-server station; empty for single servers.
    std::vector<std::vector<double>> complement_x(k);
    for (std::size_t i = 0; i < k; ++i) {
        if (stations[i].servers == 1) continue;
        std::vector<ClosedStation> rest;
        for (std::size_t j = 0; j < k; ++j)
            if (j != i) rest.push_back(stations[j]);
        if (!rest.empty()) {
            complement_x[i] = solve(users, think_time, rest, nullptr);
        } else {
            // Only the think stage: X(n) = n / Z, or no way out of station i when Z = 0.
            complement_x[i].resize(users);
            for (std::uint32_t n = 1; n <= users; ++n)
                complement_x[i][n - 1] = think_time > 0.0 ? static_cast<double>(n) / think_time
                                                          : std::numeric_limits<double>::infinity();
        }
    }

    std::vector<double> q(k, 0.0); // Q_k(n - 1)
    // p[i][j] = p_i(j | n - 1) for j < c_i; with nobody in the system, every station is empty.
    std::vector<std::vector<double>> p(k);
    for (std::size_t i = 0; i < k; ++i)
        if (stations[i].servers > 1) {
            p[i].assign(stations[i].servers, 0.0);
            p[i][0] = 1.0;
        }
    std::vector<double> r(k, 0.0);
    std::vector<double> xs;
    xs.reserve(users);
    double x = 0.0;
    for (std::uint32_t n = 1; n <= users; ++n) {
        double total = 0.0;
        for (std::size_t i = 0; i < k; ++i) {
            const auto c = stations[i].servers;
            double correction = 0.0;
            for (std::uint32_t j = 0; j + 1 < c; ++j)
                correction += static_cast<double>(c - 1 - j) * p[i][j];
            r[i] = stations[i].demand / static_cast<double>(c) * (1.0 + q[i] + correction);
            total += r[i];
        }
        x = static_cast<double>(n) / (think_time + total);
        xs.push_back(x);
        for (std::size_t i = 0; i < k; ++i) {
            q[i] = x * r[i];
            const auto c = stations[i].servers;
            if (c == 1) continue;
            const double busy = x * stations[i].demand;
            // From the top down, so p[j - 1] is still p(j - 1 | n - 1) when p[j] is formed.
            for (std::uint32_t j = c - 1; j >= 1; --j)
                p[i][j] = busy / static_cast<double>(j) * p[i][j - 1];
            p[i][0] *= x / complement_x[i][n - 1];
        }
    }
    if (out != nullptr) {
        out->throughput = x;
        for (std::size_t i = 0; i < k; ++i) {
            out->response_time += r[i];
            out->residence.push_back(r[i]);
            out->in_station.push_back(q[i]);
            out->utilization.push_back(x * stations[i].demand /
                                       static_cast<double>(stations[i].servers));
        }
    }
    return xs;
}

} // namespace

ClosedMetrics mva(std::uint32_t users, double think_time, std::span<const ClosedStation> stations) {
    require(users >= 1, "users must be >= 1");
    require(std::isfinite(think_time) && think_time >= 0.0, "think_time must be finite and >= 0");
    require(!stations.empty(), "at least one station is needed");
    for (const ClosedStation& s : stations) {
        require(std::isfinite(s.demand) && s.demand > 0.0, "a station's demand must be > 0");
        require(s.servers >= 1, "a station needs at least one server");
        require(s.servers <= 1'000'000, "a station has at most 10^6 servers");
    }
    ClosedMetrics m;
    solve(users, think_time, std::vector<ClosedStation>(stations.begin(), stations.end()), &m);
    return m;
}

} // namespace tpssim::models::analytic
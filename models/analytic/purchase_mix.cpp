#include "models/analytic/purchase_mix.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tpssim::models::analytic {

std::vector<PurchaseMix> purchase_mixes(std::uint32_t peak_workers, std::uint32_t base_workers,
                                        const ReplicaPrices& prices) {
    if (!(prices.spot_interruption >= 0.0 && prices.spot_interruption < 1.0))
        throw std::invalid_argument("purchase_mixes: expected 0 <= spot_interruption < 1");
    const std::uint32_t base = std::min(base_workers, peak_workers);
    const std::uint32_t burst = peak_workers - base;
    std::vector<PurchaseMix> mixes;
    mixes.push_back({"on-demand", 0, peak_workers, 0, peak_workers * prices.on_demand});
    mixes.push_back({"reserved+on-demand", base, burst, 0,
                     base * prices.reserved + burst * prices.on_demand * prices.peak_share});
    // Enough spot replicas that, with the interrupted share gone, `burst` remain.
    const auto spot = static_cast<std::uint32_t>(
        std::ceil(static_cast<double>(burst) / (1.0 - prices.spot_interruption) - 1e-9));
    mixes.push_back({"reserved+spot", base, 0, spot,
                     base * prices.reserved + spot * prices.spot * prices.peak_share});
    return mixes;
}

} // namespace tpssim::models::analytic

#pragma once
/// The monthly cost of a pool under three ways of buying its replicas: all on demand; a
/// reserved base (the replicas the average load needs, running all month) with on-demand
/// replicas for the peak; the same base with spot replicas for the peak, with headroom for the
/// share of spot capacity that is interrupted at any moment. Peak replicas run for
/// `peak_share` of the month (1: all month, the cautious default; less with an autoscaler).

#include <cstdint>
#include <string_view>
#include <vector>

namespace tpssim::models::analytic {

/// Prices per replica-month, and the spot market's interruption share.
struct ReplicaPrices {
    double on_demand = 0.0;
    double reserved = 0.0;
    double spot = 0.0;
    double spot_interruption = 0.0; ///< 0..1 (< 1): share of spot replicas lost at any moment
    double peak_share = 1.0;        ///< 0..1: share of the month the peak replicas run
};

struct PurchaseMix {
    std::string_view name; ///< "on-demand", "reserved+on-demand", "reserved+spot"
    std::uint32_t reserved = 0;
    std::uint32_t on_demand = 0;
    std::uint32_t spot = 0; ///< with the interruption headroom
    double cost_per_month = 0.0;
};

/// The three mixes for a pool of `peak_workers` whose average load needs `base_workers`
/// (clamped to peak_workers).
std::vector<PurchaseMix> purchase_mixes(std::uint32_t peak_workers, std::uint32_t base_workers,
                                        const ReplicaPrices& prices);

} // namespace tpssim::models::analytic

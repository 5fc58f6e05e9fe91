// The supervisor's verdict on the cluster (design §3): each node's zone and
// load, the load-balance health LBH, r̄ and the health margin H. Published
// to the dispatcher, which routes by it.
#pragma once

#include <cstdint>
#include <vector>

namespace petrade {

/// I: safe (writes), II: read zone, III: recycle (no tasks; repaired).
enum class zone : std::uint8_t { I = 1, II = 2, III = 3 };

const char* to_string(zone z);

struct zone_entry {
  std::uint32_t node = 0;
  petrade::zone zone = petrade::zone::III;
  double load = 0;             // r_i = |p_i|
  bool admitted = false;       // false while drained, repaired or warming up
  std::uint64_t head = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, zone_entry& x) {
  return f(x.node, x.zone, x.load, x.admitted, x.head);
}

struct zone_map {
  std::uint64_t version = 0;
  double lbh = 0;              // 0 = all nodes equally loaded, 1 = worst
  double r_bar = 0;            // mean load over reachable nodes
  double margin = 0;           // H = Σ (r_max − r_i); the dispatcher pauses at H ≤ 0
  std::uint64_t max_head = 0;
  std::vector<zone_entry> nodes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, zone_map& x) {
  return f(x.version, x.lbh, x.r_bar, x.margin, x.max_head, x.nodes);
}

} // namespace petrade

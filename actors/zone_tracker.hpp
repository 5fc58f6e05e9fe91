// The supervisor's zone bookkeeping (design §3): turns each round of node
// samples into a zone_map, remembering per node what it needs for hysteresis.
// Deterministic: time is counted in samples (calls to update), not clocks.
//
// Hysteresis rule, per node, applied on every update (h = cfg.band(),
// r_max = cfg.r_max_load(), M = cfg.confirm_samples, E = cfg.exit_iii_samples):
//
//  1. Entering zone III is immediate, from any zone, when the node is
//     unreachable, or lag_blocks > lag_max, or error_rate > err_max, or
//     r ≥ r_max. Safety first: a node that cannot serve stops getting work on
//     the very sample that shows it.
//  2. Leaving zone III needs E consecutive healthy samples, where healthy
//     means reachable, lag_blocks ≤ lag_max, error_rate ≤ err_max and
//     r < r_max − h (the band keeps a node hovering at r_max from bouncing).
//     Any unhealthy sample restarts the count. On leaving, the node goes to
//     I if r ≤ r̄, else II (no band: it has no I/II history worth keeping).
//     ("r ≤ r̄" allows tie_tolerance · D for rounding, see state_space.hpp.)
//  3. Between I and II the boundary is r̄ widened by the band: a zone I node
//     asks for II only when r > r̄ + h; a zone II node asks for I only when
//     r ≤ r̄ − h. The change happens once it has been asked for on M
//     consecutive samples; a sample that does not ask resets the count.
//  4. A node seen for the first time is classified without history: III by
//     rule 1, else I if r ≤ r̄, else II.
//
// A node's history lives until forget() or reset(); a node missing from one
// update keeps its history (and is absent from that zone_map).
#pragma once

#include "actors/feedback_config.hpp"
#include "protocol/node_state.hpp"
#include "protocol/zone_map.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace petrade {

class zone_tracker {
public:
  /// Validates the config (std::invalid_argument on a bad one).
  explicit zone_tracker(feedback_config cfg = {});

  /// One round of samples -> the cluster's zone map. Entries keep the order
  /// of `nodes`. lbh and r̄ are over reachable nodes (an unreachable node's
  /// vector is stale), margin per design, max_head over reachable nodes (a
  /// head the dispatcher can actually route to). admitted = zone != III and
  /// not held (see hold()).
  zone_map update(const std::vector<node_state>& nodes, std::uint64_t version);

  /// Withholds a node from the dispatcher (admitted = false) whatever its
  /// zone, e.g. while it is drained, being restarted or warming up. Zones
  /// keep being tracked meanwhile.
  void hold(std::uint32_t node, bool held);

  /// Drops one node's history and hold; its next sample is a first one.
  void forget(std::uint32_t node);
  void reset();

  /// The zone a node is in after the last update, III for unknown nodes.
  petrade::zone zone_of(std::uint32_t node) const;

  const feedback_config& config() const { return cfg_; }

private:
  struct track {
    bool seen = false;            // has had at least one sample
    petrade::zone current = petrade::zone::III;
    std::uint32_t pending = 0;    // consecutive samples asking for I <-> II
    std::uint32_t healthy = 0;    // consecutive healthy samples while in III
    bool held = false;
  };

  void step(track& t, const node_state& s, double r, double r_bar) const;

  feedback_config cfg_;
  std::map<std::uint32_t, track> tracks_;
};

} // namespace petrade

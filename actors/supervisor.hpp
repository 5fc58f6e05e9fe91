// The supervisor (design §3): gathers the node actors' state vectors, turns
// them into zones, LBH and the health margin every probe interval, publishes
// that zone map to the dispatcher, and repairs what zone III holds.
//
// Repair, per node: a node that stays unreachable (answers neither probes
// nor calls) for `repair_after` samples, or stuck behind (lag, head not
// moving) for `stuck_after` samples, is drained (held from the
// dispatcher), restarted through its node actor's launcher, waited for until
// it answers and has caught up, warmed for `warm_samples` healthy samples,
// and re-admitted. A restart that does not bring it back is retried with
// exponential backoff. A node that is merely busy (r >= r_max) is never
// restarted, nor is one whose calls fail while it still answers (errors):
// zone III keeps work away until its load or error rate falls.
//
// Messages:
//   (report_atom, node_state)          from node actors
//   (attach_atom, uint32_t, actor)     a node actor to watch (monitored;
//                                      respawned through `respawn` if it dies)
//   (tick_atom)                        internal: one probe interval
//   (status_atom)                      -> std::string (JSON: zones, LBH, ...,
//                                      and the elastic pool's figures and
//                                      decisions under "pool")
//
// With the elastic pool on, each round also asks the dispatcher how full its
// mailboxes are, lets the pool decide, and runs a decided change (`grow`,
// `shrink`) on a thread of its own: both block for seconds (a node starts,
// a node drains) and the drain needs this actor to answer meanwhile.
#pragma once

#include "actors/elastic_pool.hpp"
#include "actors/feedback_config.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>

namespace petrade {

struct supervisor_config {
  feedback_config feedback;
  std::chrono::milliseconds probe_interval{500};
  /// How long a probe may take before the node counts as unreachable;
  /// 0 = 3/5 of the interval. Nodes on a small CPU quota answer late under
  /// load without being down, and need more.
  std::chrono::milliseconds probe_timeout{0};
  std::uint32_t repair_after = 10;       // unreachable samples before a restart
  std::uint32_t stuck_after = 120;       // stuck-behind samples before a restart (60 s)
  std::uint32_t warm_samples = 2;        // healthy samples after catching up
  /// First wait for a restarted node to answer before restarting it again
  /// (10 s: a geth pod or a node on a small quota takes seconds to start;
  /// a node importing blocks is never cut short).
  std::uint32_t backoff_samples = 20;
  std::uint32_t backoff_max_samples = 120;
  /// Makes a fresh node actor for a node whose actor died; may be empty.
  std::function<caf::actor(std::uint32_t node)> respawn;

  elastic_config elastic;
  /// The pool's hands, set by the platform when the pool is on: add a node
  /// (which then joins), drain and remove `node`, and whether `node` is one
  /// the pool may remove (never the devnet's sealer).
  std::function<pool_change()> grow;
  std::function<pool_change(std::uint32_t node)> shrink;
  std::function<bool(std::uint32_t node)> removable;
  /// Where each decision is logged, with its figures (level, text).
  std::function<void(const std::string&, const std::string&)> log;
};

/// `dispatcher` receives (zones_atom, zone_map, vector<node_state>) every
/// probe interval; node actors receive (report_atom, uint64_t max_head).
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg,
                            caf::actor dispatcher);

/// Where a node is in its repair; exposed for status and tests.
enum class repair_phase : std::uint8_t { serving, draining, restarting, catching_up, warming };
const char* to_string(repair_phase p);

} // namespace petrade

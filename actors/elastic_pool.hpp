// The elastic node pool (issue 10): when to add a node and when to take the
// most idle one away, from the supervisor's figures of each probe round.
// Pure policy, no actors and no I/O, so that its windows and bounds can be
// tested sample by sample; the supervisor acts on its decisions.
//
// Headroom is the mean spare load of the serving nodes, 1 - r_i / r_max, in
// [0, 1]: 0 when every node is at the zone III limit. It is the health
// margin H = sum(r_max - r_i) divided by what it would be with idle nodes,
// so one threshold means the same on 1 node as on 8.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace petrade {

struct elastic_config {
  bool enabled = false;
  std::uint32_t min_nodes = 1;
  std::uint32_t max_nodes = 4;
  /// Grow when headroom stays below this, or the mailboxes stay filled at
  /// or above `grow_fill` (queued / capacity), for `grow_window`: by their
  /// means over the window, once the pool has watched for that long.
  double grow_below = 0.3;
  double grow_fill = 0.25;
  std::chrono::milliseconds grow_window{5000};
  /// Shrink when the headroom the cluster would have with one node fewer
  /// (its load spread over the others) stays at or above this, with the
  /// mailboxes at most `shrink_fill` full, for `shrink_window`. Above
  /// `grow_below` by a margin, so a shrink does not invite the next grow.
  /// (A task or two queued for a moment is normal at any load: requiring
  /// exactly empty mailboxes kept a lightly loaded pool from ever shrinking.)
  double shrink_above = 0.6;
  double shrink_fill = 0.05;
  std::chrono::milliseconds shrink_window{30000};
  /// No decision for this long after a change has finished.
  std::chrono::milliseconds cooldown{20000};
  /// Where nodes come from when the platform serves external nodes (e.g.
  /// Kubernetes): argv run to make one more node, printing its JSON-RPC URL
  /// (or a node spec as JSON) on its last line, and argv run after a node
  /// the pool made has been drained. {count} is the pool size wanted, {name}
  /// and {url} the node's. Empty with the embedded devnet: a new follower.
  std::vector<std::string> grow_command;
  std::vector<std::string> shrink_command;

  /// Throws std::invalid_argument naming the key and the value.
  void validate() const;
};

/// How a change the pool asked for ended: "node3 added", or why it failed.
struct pool_change {
  bool ok = false;
  std::string outcome;
};

/// One probe round as the pool sees it.
struct pool_round {
  struct node {
    std::uint32_t id = 0;
    double load = 0;          // r_i
    bool serving = false;     // admitted: reachable, not held, cordoned or leaving
    bool changing = false;    // joining or leaving
    bool removable = false;   // the pool may take it away
  };
  std::int64_t at_ms = 0;
  double r_max_load = 1;      // r_max in load units (feedback_config::r_max_load)
  double fill = 0;            // tasks queued / mailbox capacity, 0..1
  std::vector<node> nodes;
};

/// headroom, headroom with one node fewer, and mailbox fill (see above).
struct pool_figures {
  double headroom = 0, projected = 0, fill = 0;
};

struct pool_decision {
  std::int64_t at_ms = 0;
  std::string action;         // "grow" or "shrink"
  std::uint32_t node = 0;     // the node to remove (shrink)
  std::string reason;
  std::uint32_t nodes = 0;    // pool size when decided
  double headroom = 0;
  double projected = 0;       // headroom with one node fewer
  double fill = 0;
  std::string outcome = "pending";   // then "done: ..." or "failed: ..."
  std::int64_t finished_ms = 0;
};

class elastic_pool {
public:
  explicit elastic_pool(elastic_config cfg = {});

  /// A decision to act on now, or nothing; at most one change at a time.
  std::optional<pool_decision> observe(const pool_round& round);
  /// The change decided last has ended; the cool-down starts.
  void finished(bool ok, const std::string& outcome, std::int64_t at_ms);

  const elastic_config& config() const { return cfg_; }
  bool changing() const { return changing_; }
  /// The last decisions, newest last (at most `history`).
  const std::deque<pool_decision>& decisions() const { return decisions_; }
  static constexpr std::size_t history = 100;

  /// The last round's figures, for status.
  double headroom() const { return now_.headroom; }
  double projected() const { return now_.projected; }
  double fill() const { return now_.fill; }
  /// Why nothing is decided now ("cool-down", "a node is joining", ...), or
  /// what the pool is watching for.
  const std::string& waiting_for() const { return waiting_; }

private:
  elastic_config cfg_;
  std::deque<pool_decision> decisions_;
  bool changing_ = false;
  std::int64_t cooldown_until_ = 0;
  // The figures of each round since the pool last started watching (after
  // a change, a cool-down or a node joining), within the longer window.
  struct figures_at {
    std::int64_t at_ms;
    pool_figures f;
  };
  std::deque<figures_at> seen_;
  std::int64_t watching_since_ = -1;
  /// The means of the rounds seen within `window` before `now`.
  pool_figures means(std::int64_t now, std::chrono::milliseconds window) const;
  pool_figures now_;   // this round's
  std::string waiting_;

  /// Records the decision with the figures it was made on.
  pool_decision decide(const pool_round& r, std::string action, std::string reason, const pool_figures& on,
                       std::uint32_t node = 0);
};

} // namespace petrade

// The dispatcher (design §4): four typed, bounded mailboxes drained reads
// first, then deploy > account > contract with ageing; each task goes to the
// node its strategy picks from the supervisor's zone map.
//
// Messages:
//   (submit_atom, task)                      -> task_result (errors included)
//   (attach_atom, uint32_t node, actor)      a node actor joins
//   (zones_atom, zone_map, vector<node_state>) from the supervisor
//   (backlog_atom)                           -> double: the fullest
//       mailbox's depth / capacity (the elastic pool's fill figure)
//   (status_atom)                            -> std::string (JSON): strategy,
//       paused, mailboxes {kind: {depth, capacity}}, inflight {node id: n},
//       waiting, counters {name: n}, and for /metrics
//       latency {node id: {buckets: [le seconds], counts: [cumulative],
//       sum, count}} of attempts ended (answered or failed) per node, and
//       tasks {kind: {ok|rpc_error|unreachable|busy|invalid: n}} answered.
//
// A failed read or write (node unreachable, timeout, actor gone) is tried on
// another node, up to `max_attempts`; a write is the same signed bytes every
// time, so resending is idempotent on Ethereum. While the zone map's health
// margin is <= 0 nothing leaves the mailboxes (they fill up and answer busy).
#pragma once

#include "actors/feedback_config.hpp"
#include "actors/task_queues.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace petrade {

struct dispatcher_config {
  std::string strategy = "state_feedback";
  feedback_config feedback;
  task_queue_limits queues;
  std::uint32_t inflight_cap = 64;                 // per node
  std::uint32_t max_attempts = 3;                  // nodes tried per task
  std::chrono::milliseconds node_timeout{10000};   // one attempt
  std::chrono::milliseconds queue_timeout{30000};  // longest wait in a mailbox
  std::size_t drain_batch = 64;                    // tasks per drain step
  std::uint64_t chain_id = 0;                      // writes must be for it; 0 = any
  std::uint64_t seed = 1;
};

/// Throws std::invalid_argument for an unknown strategy.
caf::actor spawn_dispatcher(caf::actor_system& sys, dispatcher_config cfg);

/// Checks a task before it is queued; returns the reason it is refused, or an
/// empty string. Writes must be eth_sendRawTransaction of a transaction
/// signed by `task.sender`; a deploy must create a contract with init code.
std::string validate_task(const task& t, std::uint64_t chain_id);

/// The highest block that two reachable nodes hold (the one node's head on a
/// one-node cluster): such a block outlives the loss of any single node, so
/// the transaction manager confirms nothing above it. 0 while fewer than
/// two of several nodes answer. Asked with (safe_head_atom) -> uint64.
std::uint64_t safe_head(std::vector<std::uint64_t> reachable_heads, std::size_t nodes);

} // namespace petrade

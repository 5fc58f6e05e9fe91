// The node actor (design §2, §3): one per Ethereum node. It executes the
// dispatcher's JSON-RPC tasks on the node and, every probe interval, reports
// the node's state vector to the supervisor. All I/O is asynchronous: calls
// run on the io_runner's threads and come back as messages (design §10).
//
// Messages it handles:
//   (execute_atom, task)          -> task_result (asynchronously; busy when at the cap)
//   (report_atom, uint64_t head)  the highest head seen across the cluster (for lag)
//   (attach_atom, actor)          sets the supervisor that receives reports
//   (restart_atom)                -> bool: the restart callback was started
//                                    (false: none set, or one still running)
//   (status_atom)                 -> node_state: the latest sample
//   (probe_atom)                  probes now (besides the periodic probes)
// Messages it sends:
//   (report_atom, node_state)     to the supervisor, after every probe
// Internal (from I/O threads): (execute_atom, uint64_t, task_result),
//   (probe_atom, uint64_t, task_result), (probe_atom, uint64_t, bool, double,
//   double, double, double), and the timer (probe_atom, uint64_t).
#pragma once

#include "actors/probe.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace petrade {

namespace jsonrpc {
class io_runner;
} // namespace jsonrpc

struct node_actor_config {
  std::uint32_t index = 0;          // node index in the cluster config
  std::string name;                 // e.g. "node1"
  std::string url;                  // the node's JSON-RPC endpoint
  std::string submit_url;           // where eth_sendRawTransaction goes; empty = url
  std::uint32_t inflight_cap = 64;  // open task calls at most (more: task_error::busy)

  probe_config probe;               // cpu/mem source
  std::chrono::milliseconds probe_interval{500};
  /// Deadline of the probe's eth_blockNumber (and metrics fetch); 0 = 60 %
  /// of the interval: a frozen node is reported unreachable at most
  /// interval + timeout (1.6 intervals) after it froze.
  std::chrono::milliseconds probe_timeout{0};
  std::chrono::milliseconds call_timeout{10'000};   // per task call

  double latency_ceiling_ms = 1000; // latency dimension = EWMA / ceiling
  double ewma_alpha = 0.2;          // weight of the newest round trip / outcome
  std::uint64_t lag_cap = 16;       // lag dimension = blocks behind / cap

  caf::actor supervisor;            // may be null until (attach_atom, actor)
  std::function<void()> restart;    // the node's launcher; run off the scheduler
  std::shared_ptr<jsonrpc::io_runner> io;   // required; shared by all node actors
};

/// Spawns the actor; it probes at once and then every probe_interval until
/// it gets an exit message. Throws std::invalid_argument for a config
/// without io or url, or with a bad URL or probe.
caf::actor spawn_node_actor(caf::actor_system& sys, node_actor_config cfg);

} // namespace petrade

// The cluster's per-node bookkeeping, shared by devnet.cpp (start, keep,
// stop) and cluster_resize.cpp (nodes added and removed at runtime). Private
// to devnet/.
#pragma once

#include "devnet/chain_sync.hpp"
#include "devnet/cgroup.hpp"
#include "devnet/devnet.hpp"
#include "devnet/process.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace petrade::devnet {

inline std::string url_of(unsigned short port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

inline constexpr std::chrono::milliseconds call_timeout{2000};

struct cluster::shared {
  jsonrpc::io_runner io{2};
  std::atomic<bool> stopping{false};
  std::mutex m;                 // guards the slots' mutable fields below
  std::condition_variable wake; // interrupts keepers' sleeps on stop
};

struct cluster::node_slot {
  int index = 0;
  node_role role = node_role::follower;
  unsigned short port = 0;
  child_process proc;                     // guarded by shared::m
  std::unique_ptr<node_cgroup> cgroup;
  node_phase phase = node_phase::starting;
  std::uint64_t head = 0;
  int restarts = 0;
  bool restart_requested = false;
  std::shared_ptr<jsonrpc::client> rpc;   // this node
  relayed_set relayed;                    // the keeper's own
  std::chrono::steady_clock::time_point pool_checked{};   // the sealer's stall check
  std::chrono::steady_clock::time_point recovering_since{};   // the sealer's last restart
  pool_watch pool;
  bool removed = false;                   // guarded by shared::m; its keeper ends
  std::thread keeper;
};

} // namespace petrade::devnet

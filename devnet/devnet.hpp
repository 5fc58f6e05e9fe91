// The embedded default cluster (design §7): N anvil nodes on 127.0.0.1, node 0
// sealing and the others importing its blocks, each in its own cgroup where
// the machine allows, each restarted when its process dies.
#pragma once

#include "devnet/cgroup.hpp"
#include "devnet/devnet_config.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace petrade::devnet {

enum class node_role { sealer, follower };
enum class node_phase { starting, catching_up, ready, stopped };

const char* to_string(node_role r);
const char* to_string(node_phase p);

struct node_info {
  int index = 0;
  node_role role = node_role::follower;
  std::string url;          // the node's own JSON-RPC endpoint
  std::string submit_url;   // where its raw transactions go: the sealer
  pid_t pid = -1;
  node_phase phase = node_phase::starting;
  std::uint64_t head = 0;
  int restarts = 0;
  std::string cgroup;       // empty when the node runs as a plain process
};

/// Where node `node` keeps the states anvil writes to disk (its
/// --cache-path); cleared when the node (re)starts and when the cluster stops.
std::string states_dir(const devnet_config& cfg, int node);

/// Receives one line per devnet event: level ("info", "warn", "error") and text.
using event_sink = std::function<void(const std::string& level, const std::string& text)>;

class cluster {
public:
  explicit cluster(devnet_config cfg, event_sink sink = {});
  ~cluster();   // stops everything
  cluster(const cluster&) = delete;
  cluster& operator=(const cluster&) = delete;

  /// Starts every node and returns once each answers JSON-RPC. Throws
  /// std::runtime_error (port in use, anvil missing) having started nothing.
  void start();
  /// Stops every node and its keeper; leaves no process behind.
  void stop();

  std::vector<node_info> nodes() const;
  const devnet_config& config() const { return cfg_; }
  cgroup_version cgroups() const;

  /// eth_sendRawTransaction as petrade submits it: a follower's transaction
  /// goes to the sealer, as gossip would carry it. Returns the hash.
  std::string send_raw_transaction(int node, const std::string& raw_hex);

  /// The launcher's restart: stop the node's process and start it again; it
  /// catches up before it reports ready. Refused (with a warning) for a
  /// running sealer with no follower in step: it holds the only copy of the chain.
  void restart_node(int node);

  /// Adds a follower at runtime on the next port (base_port + its index;
  /// indexes are never reused) and returns it once its port is open; it
  /// imports the chain in the background (phase catching-up, then ready).
  /// Throws std::runtime_error (port in use, cluster not running).
  node_info add_follower();
  /// Stops follower `node` for good and forgets it. Refuses (throws
  /// std::invalid_argument) the sealer and unknown nodes.
  void remove_node(int node);

  /// Waits until every node is ready with the same head block hash and no
  /// transaction waits in any node's pool.
  bool wait_in_sync(std::chrono::milliseconds timeout) const;

private:
  struct node_slot;
  void keep(node_slot& n);
  void spawn(node_slot& n, bool mining);
  void catch_up(node_slot& n);
  void emit(const std::string& level, const std::string& text) const;
  /// The nodes not removed, the sealer first; taken under the lock, so a
  /// keeper may iterate them while nodes are added.
  std::vector<node_slot*> live_slots() const;
  node_slot* find_slot(int node) const;

  devnet_config cfg_;
  event_sink sink_;
  struct shared;
  std::unique_ptr<shared> shared_;
  std::vector<std::unique_ptr<node_slot>> slots_;
};

} // namespace petrade::devnet

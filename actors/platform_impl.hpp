// The platform's private state, shared by platform.cpp (start, stop) and
// platform_nodes.cpp (nodes added, removed and cordoned at runtime).
#pragma once

#include "actors/node_actor.hpp"
#include "actors/platform.hpp"
#include "actors/system_config.hpp"
#include "devnet/devnet.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "storage/database.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/fwd.hpp>

#include <functional>

#include <map>
#include <mutex>
#include <set>

namespace petrade {

/// One node the platform serves with: its actor's config, and where it runs.
struct platform_node {
  node_actor_config cfg;
  caf::actor actor;
  int devnet_index = -1;   // the embedded devnet's node, or -1: an external one
  external_node spec;      // as configured; what the cluster file keeps
};

struct platform::impl {
  platform_config cfg;
  platform_log log;
  system_config sys_cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<jsonrpc::io_runner> io;
  std::unique_ptr<devnet::cluster> net;
  caf::actor dispatcher, supervisor, control, tx, business;
  std::unique_ptr<storage::database> db;
  std::string market_json;
  unsigned short bound_port = 0;
  bool started = false;

  // Node operations run off the scheduler while the supervisor may ask for
  // a respawn: both go through this lock.
  mutable std::mutex nodes_mutex;
  std::map<std::uint32_t, platform_node> nodes;
  std::set<std::string> cordoned;   // by node name, as the cluster file keeps them
  std::mutex operations;            // one node operation at a time
  /// External nodes the elastic pool made, oldest first: it removes only
  /// these, newest first (a StatefulSet scales down from its last pod).
  std::vector<std::string> pool_made;

  void emit(const std::string& level, const std::string& component, const std::string& text) {
    if (log)
      log(level, component, text);
  }
  /// The node actor's config for node `id`.
  node_actor_config node_config(std::uint32_t id, const external_node& e, int devnet_index);
  /// An embedded devnet node as the platform sees it (probe, name).
  external_node devnet_node(const devnet::node_info& n) const;
  /// Writes the cluster file (when configured); logs a failure.
  void save_layout();
  /// Applies the cluster file (when configured and present) to cfg.
  void load_layout();
  /// Gives the supervisor the elastic pool's hands when the pool is on
  /// (actors/platform_pool.cpp); throws when the pool cannot work here.
  void arm_pool(supervisor_config& c, platform* owner);
};

/// Runs `op` on a detached actor's thread and answers its string.
caf::result<std::string> off_scheduler(caf::event_based_actor* self, std::function<std::string()> op);

} // namespace petrade

// One process's platform (design §2): the nodes (the embedded devnet or
// external endpoints), one node actor per node, the supervisor and the
// dispatcher, and a control actor published on loopback for `petrade status`
// and remote submitters. `petrade up` is this plus signal handling.
#pragma once

#include "actors/dispatcher.hpp"
#include "actors/probe.hpp"
#include "actors/supervisor.hpp"
#include "devnet/devnet_config.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace petrade::devnet {
class cluster;
}

namespace petrade {

struct external_node {
  std::string name;
  std::string url;
  std::string submit_url;      // empty = url
  probe_config probe;          // geth_metrics for a remote geth, or none
};

struct platform_config {
  std::optional<devnet::devnet_config> devnet;   // the embedded default
  std::vector<external_node> external;           // used when devnet is empty
  dispatcher_config dispatcher;
  supervisor_config supervisor;
  std::uint32_t inflight_cap = 64;
  unsigned short control_port = 0;               // 0 = not published
  /// RocksDB folder of the write journal; empty = no transaction manager.
  std::string db_path;
  std::uint32_t confirmations = 1;
  std::chrono::milliseconds stuck_timeout{10000};
  std::size_t io_threads = 2;
};

/// Receives one line per platform event (level, component, text).
using platform_log = std::function<void(const std::string&, const std::string&, const std::string&)>;

class platform {
public:
  explicit platform(platform_config cfg, platform_log log = {});
  ~platform();   // stops everything
  platform(const platform&) = delete;
  platform& operator=(const platform&) = delete;

  /// Starts nodes and actors; throws std::runtime_error with the reason.
  void start();
  void stop();

  caf::actor_system& system();
  const caf::actor& dispatcher() const;
  const caf::actor& supervisor() const;
  /// The transaction manager, or null without a database path.
  const caf::actor& tx_manager() const;
  /// The control port actually bound (the config's, or the OS's pick for 0
  /// when publishing was asked for with `publish_any_port`).
  unsigned short control_port() const;
  /// The node endpoints, in node order.
  std::vector<std::string> node_urls() const;
  /// Supervisor and dispatcher status as one JSON document.
  std::string status_json();
  /// The embedded devnet, or null for external nodes.
  devnet::cluster* embedded_devnet();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Asks a running platform's control actor on 127.0.0.1:port for its status
/// (JSON). Throws std::runtime_error when nothing answers there.
std::string fetch_status(unsigned short port, std::chrono::milliseconds timeout);

} // namespace petrade

// One process's platform (design §2): the nodes (the embedded devnet or
// external endpoints), one node actor per node, the supervisor and the
// dispatcher, and a control actor published on loopback for `petrade status`
// and remote submitters. `petrade up` is this plus signal handling.
#pragma once

#include "actors/business_host.hpp"
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
  /// How the supervisor restarts this node (argv, no shell), e.g.
  /// kubectl delete pod geth-1; empty = the node is never restarted.
  std::vector<std::string> restart_command;
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
  /// How long the transaction manager waits for one dispatched read (nonce,
  /// gas estimate, receipt) before it gives up with a retryable refusal.
  std::chrono::milliseconds node_call_timeout{30000};
  std::size_t io_threads = 2;
  /// The business layer (needs db_path): contracts, and the business actors
  /// in this process or, with `worker_port`, in a worker process.
  std::optional<business_settings> business;
  std::string platform_key;          // hex secret of the platform role
  std::string worker_host = "127.0.0.1";
  unsigned short worker_port = 0;    // 0 = business actors in this process
  /// Where nodes added, removed and cordoned at runtime are kept, so that a
  /// restart serves with the same nodes; empty = not kept.
  std::string cluster_file;
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
  /// The control actor: status, submissions and node operations.
  const caf::actor& control() const;
  /// Answers (call_atom, business_call): the business host in this process
  /// or the link to the worker's; null without a business layer.
  const caf::actor& business() const;
  /// The deployed contracts ({platform, token, market, board, from_block}).
  std::string market_json() const;
  /// The control port actually bound (the config's, or the OS's pick for 0
  /// when publishing was asked for with `publish_any_port`).
  unsigned short control_port() const;
  /// The node endpoints, in node order.
  std::vector<std::string> node_urls() const;
  /// Supervisor and dispatcher status as one JSON document.
  std::string status_json();
  /// Node operations at runtime (issue 10). Each blocks until done and
  /// answers JSON: the node on success, else {"error", "status"} with an
  /// HTTP status (400 bad spec, 404 no such node, 409 not allowed now).
  /// `spec` is {"devnet": true} (a new follower of the embedded devnet) or
  /// {"url", "name"?, "submit_url"?} (an external endpoint); a node is named
  /// by its id or its name. A new node takes work once it has caught up; a
  /// removed one first finishes or hands over its tasks in flight.
  std::string add_node(const std::string& spec);
  std::string remove_node(const std::string& node);
  std::string cordon_node(const std::string& node, bool on);

  /// The embedded devnet, or null for external nodes.
  devnet::cluster* embedded_devnet();

  struct impl;   // actors/platform_impl.hpp; public only for its own .cpp files

private:
  void start_business();
  void set_aside_if_stale();
  std::unique_ptr<impl> impl_;
};

/// Asks a running platform's control actor on 127.0.0.1:port for its status
/// (JSON). Throws std::runtime_error when nothing answers there.
std::string fetch_status(unsigned short port, std::chrono::milliseconds timeout);

/// Sends `request` to that control actor and returns its string answer;
/// throws std::runtime_error when nothing answers.
std::string ask_platform(unsigned short port, const caf::message& request, std::chrono::milliseconds timeout);

} // namespace petrade

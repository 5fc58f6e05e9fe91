// Where the business actors live (design §2): one host per process that runs
// them. The host spawns the account, token, project, demand, evaluation and
// indexer actors once it is attached to a platform's dispatcher and transaction
// manager, and routes each business_call to its service by the operation's
// prefix. In the default setup the host is in the platform's own process; a
// worker process (`petrade worker`) runs one and publishes it, and the
// platform reaches it through a business link (business_link.hpp).
//
// Messages:
//   (attach_atom, actor dispatcher, actor tx_manager, string market_json)
//       -> string "attached": (re)spawns the actors for that platform
//   (call_atom, business_call) -> business_reply ("unavailable" until attached)
//   (wait_atom, uint64_t block) -> uint64_t: the indexer has reached `block`
//   (status_atom) -> string: "in-process" (a worker's link answers
//                      "attached" or "connecting" to the same question)
#pragma once

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace petrade {

namespace storage {
class database;
}

struct business_settings {
  std::string key_secret;              // custody of users' keys (account_actor)
  std::string admin_username = "admin";
  std::string admin_password;          // empty = no bootstrap admin
  std::string gas_grant = "1000000000000000000";
  std::string sandbox_limit = "1000000000";
  std::uint64_t password_scrypt_n = 16384;
  std::uint64_t keystore_scrypt_n = 4096;
  std::chrono::seconds session_ttl{86400};
  std::chrono::seconds min_expiry{10};
  std::chrono::milliseconds refund_interval{1000};
  std::chrono::milliseconds indexer_poll{250};
  std::uint32_t indexer_lag = 0;
  std::chrono::milliseconds call_timeout{30000};
  /// The cluster's node names and whether the business actors run in a
  /// worker process: what evaluation.subjects offers as subjects to rate.
  std::vector<std::string> node_names;
  bool in_worker = false;
};

/// `db` must outlive the host and its actors.
caf::actor spawn_business_host(caf::actor_system& sys, storage::database& db,
                               business_settings settings,
                               std::function<void(const std::string& level, const std::string& component,
                                                  const std::string& text)> log);

} // namespace petrade

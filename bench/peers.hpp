// What the platform is measured against in the same run: a peer balancer
// (Debian's nginx with least_conn or round robin) in front of the same
// nodes, an instant JSON-RPC upstream for the proxy's own cost, and raw
// transactions signed here for the nodes' own ingestion rate.
#pragma once

#include "devnet/process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace petrade::bench {

class nginx_balancer {
public:
  /// Starts nginx on 127.0.0.1:`port` in front of the nodes' ports; throws
  /// with nginx's error log when it does not come up.
  nginx_balancer(const std::string& dir, unsigned short port, const std::vector<unsigned short>& nodes,
                 bool least_conn);
  ~nginx_balancer();
  unsigned short port() const { return port_; }
  /// CPU seconds used so far by the master and its worker processes.
  double cpu_seconds() const;

private:
  unsigned short port_;
  devnet::child_process process_;
};

/// The nginx configuration for the balancer (text), exposed for its test.
std::string nginx_config(const std::string& dir, unsigned short port, const std::vector<unsigned short>& nodes,
                         bool least_conn);

/// A JSON-RPC "node" answering every call at once, on its own thread.
class instant_node {
public:
  instant_node();
  ~instant_node();
  unsigned short port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct signed_batch {
  std::vector<std::string> raw;   // signed transactions, 0x hex
  std::vector<std::pair<std::string, std::uint64_t>> senders;   // address, nonce once all are mined
};

/// Signs `count` 1-wei transfers from anvil's dev accounts 1-3 (nonces read
/// from the node on `port`), in nonce order per sender, round robin over
/// senders.
signed_batch sign_transfers(unsigned short port, std::size_t count, std::uint64_t chain_id = 31337);

/// Waits until every sender's nonce on `port` reached the batch's; false
/// after `timeout_s`.
bool wait_for_batch(unsigned short port, const signed_batch& batch, double timeout_s);

} // namespace petrade::bench

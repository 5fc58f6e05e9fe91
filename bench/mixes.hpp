// The workloads: the thesis's table 5.1 mix through the platform's API, a
// business mix (browse, buy, publish, answer) and a read-only JSON-RPC mix
// (eth_call, eth_getBalance, eth_blockNumber, eth_getLogs) that can be aimed
// at /rpc, at a peer balancer or at the nodes themselves.
#pragma once

#include "bench/load_engine.hpp"
#include "bench/world.hpp"

#include <memory>
#include <string>
#include <vector>

namespace petrade::bench {

struct mix {
  std::string name;
  std::vector<std::string> ops;
  std::vector<int> percent;   // per op; sums to 100
  /// The request for global request number `n` (client * per_client + index),
  /// which is of operation `op`.
  std::function<request_spec(std::size_t op, std::size_t n)> make;

  /// The operation of request number `n`: every 100 consecutive requests
  /// hold each operation exactly its percentage, interleaved.
  std::size_t op_of(std::size_t n) const;
  /// How many requests before `n` are of the same operation: numbers each
  /// operation's requests 0, 1, 2, ... without gaps.
  std::size_t rank(std::size_t n) const;
  /// A load source numbering client c's i-th request base + c * per_client + i;
  /// runs on one platform pass increasing bases so writes never repeat.
  request_source source(std::size_t per_client, std::size_t base = 0) const;
};

mix table51_mix(std::shared_ptr<const world> w);
mix business_mix(std::shared_ptr<const world> w);
/// `path` is "/rpc" on the platform and "/" on a node or a peer balancer.
mix rpc_read_mix(std::shared_ptr<const world> w, std::string path);
/// Pre-signed ether transfers sent with eth_sendRawTransaction (raw ingestion);
/// `raw` holds the signed transactions' hex, one per request.
mix raw_tx_mix(std::shared_ptr<const std::vector<std::string>> raw, std::string path);
/// eth_blockNumber only: the proxy's own cost against an instant upstream.
mix block_number_mix(std::string path);

} // namespace petrade::bench

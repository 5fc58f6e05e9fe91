// Block import between anvil nodes: the devnet's stand-in for peer-to-peer
// sync. A follower re-executes each block of its source: the block's raw
// transactions are sent in order, then mined with the block's own timestamp,
// which reproduces the block hash and state root exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>

namespace petrade::jsonrpc {
class client;
}

namespace petrade::devnet {

/// Hashes of the queued transactions a follower has already sent on.
using relayed_set = std::unordered_set<std::string>;

struct import_result {
  std::uint64_t imported = 0;   // blocks imported in this call
  std::uint64_t target_head = 0;
  std::uint64_t source_head = 0;
  bool diverged = false;        // target's head is not on the source's chain
  std::string why;              // where and how, when diverged
};

/// Imports up to `max_blocks` blocks that `source` has and `target` lacks.
/// Stray pending transactions in the target's pool are sent to `source` and
/// dropped before a block is mined (`relayed` as for forward_pending).
/// Throws jsonrpc errors when a node does not answer.
import_result import_blocks(jsonrpc::client& source, jsonrpc::client& target,
                            std::uint64_t max_blocks, relayed_set& relayed);

/// Transactions that reached a follower's pool directly are sent on to the
/// sealer (as gossip would) and dropped from the follower, whose blocks come
/// only from import. anvil cannot drop a queued transaction (one waiting for
/// a nonce gap to close): it is sent on once, and `relayed` (the follower's
/// own, kept between calls) remembers it. Returns how many were sent on.
std::size_t forward_pending(jsonrpc::client& follower, jsonrpc::client& sealer,
                            relayed_set& relayed);

std::uint64_t head_of(jsonrpc::client& node);

/// What the sealer's pool looked like at the last stall check.
struct pool_watch {
  std::uint64_t head = 0;
  bool waiting = false;   // pending transactions then
};

/// anvil's automine can leave ready transactions in its pool: seen in an
/// 8-node bench burst mining empty blocks while 473 writes waited for
/// minutes (a manual evm_mine took them all), and in a devnet test leaving
/// one pending with nothing left to trigger it. A sealer never does either,
/// so the pool is mined when it holds pending transactions and the latest
/// block is empty, or the head has not moved since the last check that saw
/// them waiting. Returns how many were mined.
std::size_t mine_stalled_pool(jsonrpc::client& sealer, pool_watch& watch);

} // namespace petrade::devnet

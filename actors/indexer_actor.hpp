// The indexer (design §2, §6, §8): follows the chain up to a confirmed head,
// decodes the events of PetToken, ProjectMarket and DemandBoard and applies
// them block by block to the read models (storage/read_model.hpp), undoing
// blocks that a reorganisation replaced.
//
// Messages:
//   (wait_atom, uint64_t block) -> uint64_t: the indexed block, once it is at
//       or past `block` (at once if it already is).
//   (status_atom) -> string: JSON {indexed_block, head, reorgs, events}.
//   (call_atom, business_call) -> business_reply: op "indexer.status"
//       answers the same JSON.
//
// Every step, one at a time: eth_blockNumber; the header of the indexed block
// (a changed hash means a reorg); the headers of the next blocks up to
// head - lag, at most `blocks_per_step`, read in parallel; then each block's
// logs by block hash, in parallel. Blocks are applied in order while each
// names the previous one as parent; a block whose parent is not the indexed
// block's hash is a reorg: the indexed block is undone and the next step
// looks again, until parents match. An indexed block that no node has while
// the head stays below it for `gone_after` was lost (a sealer's crash took
// it): it is undone, and so on down to the head. Every read is a read task through the
// dispatcher; a failed one is logged and the step retried at the next poll.
#pragma once

#include "actors/chain_access.hpp"
#include "protocol/eth/address.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace petrade {

namespace storage {
class database;
}

struct indexer_config {
  storage::database* db = nullptr;   // holds the read models; outlives the actor
  chain::access chain;               // reads go through the dispatcher as read tasks
  eth::address token, market, board; // the deployed contracts
  std::uint64_t from_block = 0;      // first block to index (the deployment block)
  std::uint32_t lag = 0;             // index up to head - lag ("the confirmed head")
  std::chrono::milliseconds poll_interval{250};
  std::uint32_t blocks_per_step = 50;
  /// The indexed block missing from the chain, whose head stays below it, for
  /// this long: it is gone (a sealer lost it in a crash) and is undone.
  std::chrono::milliseconds gone_after{30000};
  /// One line per event: level ("info", "warn", "error") and text.
  std::function<void(const std::string& level, const std::string& text)> log;
};

/// Loads the three contracts' ABIs from the build's artifacts (throws
/// std::runtime_error naming a missing one) and spawns the indexer; throws
/// std::invalid_argument without a database or a dispatcher.
caf::actor spawn_indexer(caf::actor_system& sys, indexer_config cfg);

} // namespace petrade

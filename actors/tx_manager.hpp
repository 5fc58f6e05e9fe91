// The transaction manager (design §5): turns write requests into signed
// EIP-1559 transactions, journals each before acknowledging it, submits it
// through the dispatcher and follows it to `confirmations` blocks.
//
// Messages:
//   (unlock_atom, string address, string secret_hex) -> string (checksummed
//       address): registers a signing key in memory. The key is never logged
//       or echoed; a bad key is an error that does not contain it.
//   (import_atom, string keystore_json) -> string (address): stores a Web3
//       v3 keystore, still encrypted, in the database's keystores column.
//   (open_atom, string address, string password) -> string (address):
//       decrypts a stored keystore into memory for signing.
//   (submit_atom, write_request) -> write_status, sent once the task is
//       journalled ("accepted"), or "rejected" with the reason (nothing
//       journalled). The same idempotency key answers the existing task.
//   (status_atom, uint64_t task_id) -> write_status
//   (status_atom) -> string, a JSON summary for /metrics, counted as tasks
//       move (no journal scan): {"pending": accepted + sent + replaced,
//       "by_state": {"accepted": n, "sent": n, "mined": n, "confirmed": n,
//       "failed": n, "replaced": n}, "replaced": replacements signed,
//       "rebroadcast": stuck transactions re-sent, "confirmations": configured,
//       "mined": moves into mined, "confirmed": n, "failed": n}. Open states
//       are the tasks in them now; confirmed, failed and the totals count
//       since this actor started.
//   (wait_atom, uint64_t task_id) -> write_status once the task is mined,
//       confirmed or failed (at once if it already is, or is unknown).
//   (owner_atom, uint64_t task_id, string username) -> bool: journals whose
//       request created the task (false: no such task); write_status.owner
//       reports it.
//
// Per sender, requests are taken in arrival order: the first one waits for
// the node's pending transaction count (a read task), then each gets the next
// nonce from the nonce allocator, so concurrent submits of one sender get
// consecutive nonces. After the reply the transaction goes to the dispatcher.
//
// Tracking, every `poll_interval`: a receipt moves a task to mined; when the
// head is `confirmations - 1` blocks past it and the block at that height
// still has the receipt's hash it is confirmed (a different hash re-opens it
// as sent). A receipt with status 0 ends failed with the revert reason,
// found by replaying the transaction with eth_call on the parent block.
// A task without a receipt for `stuck_timeout` is re-broadcast; after
// another timeout it is replaced (same nonce, fees +12.5 % and 1 wei), and so
// on alternately, up to `max_replacements` replacements. A node's "nonce too
// low" fails a task only once the chain two nodes hold has spent its nonce
// and none of its hashes has a receipt there.
//
// Start-up: the journal's open tasks are reconciled by transaction hash: a
// receipt moves them on, none re-broadcasts the journalled bytes.
//
// Read tasks sent to the dispatcher carry ids from `task_id_base` upwards, so
// they do not collide with other clients' ids in the dispatcher's table.
#pragma once

#include "protocol/eth/uint256.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace petrade {

namespace storage {
class database;
}

struct tx_manager_config {
  /// The database holding the journal. Must outlive the actor. When null,
  /// the actor opens (and owns) the database at `db_path`.
  storage::database* db = nullptr;
  std::string db_path;
  caf::actor dispatcher;
  std::uint64_t chain_id = 31337;
  std::uint32_t confirmations = 1;                   // 1 = in a block is enough
  eth::uint256 max_fee_per_gas = 20'000'000'000ULL;  // 20 gwei
  eth::uint256 max_priority_fee_per_gas = 1'000'000'000ULL;  // 1 gwei
  std::chrono::milliseconds poll_interval{500};
  std::chrono::milliseconds stuck_timeout{10000};
  std::chrono::milliseconds rpc_timeout{30000};      // one dispatcher request
  /// Gas for requests that give none; 0 = ask the node (eth_estimateGas)
  /// and add `gas_margin_percent`.
  std::uint64_t default_gas = 0;
  std::uint32_t gas_margin_percent = 20;
  std::uint32_t max_replacements = 3;
  /// How long a write refused for "insufficient funds" is offered again
  /// before it fails: the transaction that funds its sender (a gas grant)
  /// may be on its way again after the block that held it was lost.
  std::chrono::milliseconds refusal_grace{60000};
  std::size_t reads_per_poll = 256;     // receipt/block reads started per poll
  std::size_t accepts_per_step = 32;    // writes journalled per message
  std::uint64_t task_id_base = 1ULL << 48;
  /// One line per event: level ("info", "warn", "error") and text.
  std::function<void(const std::string&, const std::string&)> log;
};

/// Throws std::invalid_argument when neither db nor db_path is given or the
/// dispatcher is missing; storage::storage_error when the database won't open.
caf::actor spawn_tx_manager(caf::actor_system& sys, tx_manager_config cfg);

} // namespace petrade

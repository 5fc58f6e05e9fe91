// What clients ask of the transaction manager (actors/tx_manager.hpp) and
// what it answers. Plain, inspectable data: crosses process boundaries.
#pragma once

#include "protocol/task.hpp"

#include <cstdint>
#include <string>

namespace petrade {

/// One write: the manager picks the nonce, the fees and (if asked) the gas,
/// signs with the sender's registered key and journals it before answering.
struct write_request {
  std::string idempotency_key;  // empty = none; a key names one task forever
  task_kind kind = task_kind::contract;   // deploy, account or contract
  std::string from;             // the signer's address
  std::string to;               // empty = contract creation (deploy)
  std::string value = "0";      // wei, decimal (or 0x-hex)
  std::string data;             // calldata or init code, hex
  std::uint64_t gas_limit = 0;  // 0 = the configured default, else eth_estimateGas
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_request& x) {
  return f(x.idempotency_key, x.kind, x.from, x.to, x.value, x.data, x.gas_limit);
}

/// A task's state as the journal holds it: "accepted", "sent", "replaced",
/// "mined", "confirmed", "failed"; or, with nothing journalled, "rejected"
/// (the request itself is wrong, e.g. the call reverts) and "unavailable"
/// (the nodes did not answer in time: the same request may succeed later);
/// and "unknown" (no such task).
struct write_status {
  std::uint64_t task_id = 0;
  std::string state;
  std::string tx_hash;   // the transaction in a block when mined, else the latest signed
  std::uint64_t nonce = 0;
  std::uint64_t block = 0;   // when mined or confirmed
  std::string error;         // why rejected or failed (e.g. the revert reason)
  std::string owner;         // the user whose request created it; empty = none recorded
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_status& x) {
  return f(x.task_id, x.state, x.tx_hash, x.nonce, x.block, x.error, x.owner);
}

/// True when the manager refused the write and journalled nothing.
inline bool refused(const write_status& s) {
  return s.state == "rejected" || s.state == "unavailable";
}

} // namespace petrade

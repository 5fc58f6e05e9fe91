// How business actors reach the chain (design §4): every read is a read task
// through the dispatcher, every write a write request to the transaction
// manager, so the state-feedback strategy carries the real workload. Helpers
// for event-based actors; the callbacks run in the calling actor's context.
#pragma once

#include "protocol/business.hpp"
#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"
#include "protocol/write_request.hpp"

#include <caf/actor.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace petrade::chain {

/// Where the chain is: the dispatcher (reads) and the transaction manager
/// (writes). Plain handles: cheap to copy into every business actor.
struct access {
  caf::actor dispatcher;
  caf::actor tx_manager;
  std::chrono::milliseconds timeout{30000};
};

/// A failed chain operation, already phrased as a business answer: busy
/// mailboxes become `busy`, node or transport failures `chain`, a revert
/// `conflict` or `invalid` is left to the caller (it knows the rule).
struct failure {
  business_error error = business_error::chain;
  std::string message;
  std::string revert_reason;   // set when a call reverted
};

using json_done = std::function<void(const nlohmann::json& result)>;
using bytes_done = std::function<void(const eth::bytes& result)>;
using status_done = std::function<void(const write_status& status)>;
using failed = std::function<void(const failure& why)>;

/// A dispatcher task id no other client in any process uses.
std::uint64_t next_task_id();

/// A JSON-RPC read (`eth_getBalance`, `eth_getLogs`, ...) as a read task.
void read(caf::event_based_actor* self, const access& chain, const std::string& method,
          nlohmann::json params, json_done ok, failed fail);

/// eth_call of `calldata` on `to` at the latest block. A revert arrives as a
/// failure whose `revert_reason` holds the decoded reason.
void view(caf::event_based_actor* self, const access& chain, const eth::address& to,
          const eth::bytes& calldata, bytes_done ok, failed fail);

/// Submits a write; `ok` gets the journalled task ("accepted" or later, or
/// the existing task of the same idempotency key). A request the manager
/// refuses ("rejected") arrives as a failure of kind `invalid`.
void write(caf::event_based_actor* self, const access& chain, write_request req,
           status_done ok, failed fail);

/// A contract call signed by `from` (the manager picks nonce, fees and gas).
write_request contract_call(const eth::address& from, const eth::address& to, const eth::bytes& data,
                            std::string idempotency_key = {}, task_kind kind = task_kind::contract);

/// Submits a write and answers `rp` with the accepted task (task_json) or
/// the failure as a business reply.
void write_and_reply(caf::event_based_actor* self, const access& chain, write_request req,
                     caf::response_promise rp);

/// Waits until the task is mined, confirmed or failed; `ok` gets that status
/// (a revert is state "failed" with the reason in `error`).
void settle(caf::event_based_actor* self, const access& chain, std::uint64_t task_id,
            status_done ok, failed fail, std::chrono::milliseconds timeout);

/// A business reply carrying a failure.
business_reply reply_of(const failure& why);

/// The JSON answer of an accepted write: {"task": id, "state": ..., "tx": ...}.
nlohmann::json task_json(const write_status& s);

} // namespace petrade::chain

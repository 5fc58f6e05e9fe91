// The transaction manager's actor state, shared by tx_manager.cpp (accepting
// writes) and tx_tracking.cpp (receipts, confirmations, stuck transactions,
// start-up reconciliation). Internal to actors/.
#pragma once

#include "actors/nonce_allocator.hpp"
#include "actors/tx_manager.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"
#include "storage/journal.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace petrade::txm {

/// A validated request waiting for its nonce.
struct pending_write {
  write_request req;
  eth::address from;
  std::optional<eth::address> to;
  eth::uint256 value = 0;
  eth::bytes data;
  std::uint64_t gas = 0;
  caf::response_promise reply;
};

/// Per sender: requests in arrival order, and the node's pending count once
/// it is known (the nonce allocator's starting point).
struct sender_lane {
  std::deque<pending_write> queue;
  bool loading = false;
  std::optional<std::uint64_t> node_pending;
};

/// An open task as the tracker follows it (the journal holds the truth).
struct tracked_tx {
  std::uint64_t id = 0;
  task_kind kind = task_kind::contract;
  eth::address sender;
  std::uint64_t nonce = 0;
  eth::transaction tx;                 // the latest signed transaction
  std::vector<eth::hash256> hashes;    // every hash signed for this task
  storage::task_state state = storage::task_state::accepted;
  caf::actor_clock::time_point since;  // last broadcast, or mined: the stuck and replication waits
  std::uint32_t stuck_rounds = 0;
  std::uint32_t replacements = 0;
  bool busy = false;                   // a read or broadcast is outstanding
  bool nonce_taken = false;            // a node said "nonce too low"
  /// When a node first refused it for lack of funds (see refusal_grace).
  std::optional<caf::actor_clock::time_point> refused_since;
  std::optional<eth::hash256> mined_hash;   // which of `hashes` is in the block
  bool reverted = false;
  std::uint64_t block = 0;
  eth::hash256 block_hash{};
};

/// The numbers behind (status_atom) -> summary, kept as tasks move so a
/// /metrics scrape costs no journal reads. Open states count the tasks in
/// them now; confirmed and failed count the tasks that ended there since
/// this actor started (older ones are only in the journal).
struct tx_counts {
  std::array<std::uint64_t, 6> by_state{};   // indexed by storage::task_state
  std::uint64_t replaced = 0;      // replacements signed
  std::uint64_t rebroadcast = 0;   // stuck transactions sent again unchanged
  std::uint64_t mined = 0;         // moves into mined; a reorg can count a task twice

  std::uint64_t& in(storage::task_state s) { return by_state[static_cast<std::size_t>(s)]; }
  std::uint64_t in(storage::task_state s) const {
    return by_state[static_cast<std::size_t>(s)];
  }
  /// A task moved from `from` (nullopt: it was not being followed) to `to`.
  void moved(std::optional<storage::task_state> from, storage::task_state to) {
    using storage::task_state;
    // sent -> sent (a re-broadcast) and mined -> mined (a reorg into another
    // block) leave the per-state counts as they are.
    if (from != to) {
      if (from && in(*from) > 0)
        --in(*from);
      ++in(to);
    }
    if (to == task_state::replaced)   // replaced -> replaced is one more replacement
      ++replaced;
    if (to == task_state::mined && from != task_state::mined)
      ++mined;
  }
  nlohmann::json summary(std::uint32_t confirmations) const {
    using storage::task_state;
    nlohmann::json j;
    j["pending"] = in(task_state::accepted) + in(task_state::sent) + in(task_state::replaced);
    for (std::size_t i = 0; i < by_state.size(); ++i)
      j["by_state"][storage::to_string(static_cast<task_state>(i))] = by_state[i];
    j["replaced"] = replaced;
    j["rebroadcast"] = rebroadcast;
    j["confirmations"] = confirmations;
    j["mined"] = mined;
    j["confirmed"] = in(task_state::confirmed);
    j["failed"] = in(task_state::failed);
    return j;
  }
};

struct state {
  tx_manager_config cfg;
  std::shared_ptr<storage::database> owned_db;   // when opened from db_path
  storage::database* db = nullptr;
  std::unique_ptr<storage::journal> journal;
  std::unique_ptr<nonce_allocator> nonces;
  std::map<eth::address, eth::private_key> keys;
  std::map<eth::address, sender_lane> lanes;
  std::map<std::uint64_t, tracked_tx> tracked;   // open tasks by id
  /// Where the last poll ran out of reads: the next one starts after it, so
  /// with more open tasks than reads per poll none is left unchecked.
  std::uint64_t poll_cursor = 0;
  /// When each sender's nonces below its oldest stuck write were last
  /// checked against the chain (see check_gap in tx_tracking.cpp).
  std::map<eth::address, caf::actor_clock::time_point> gap_checked;
  std::uint64_t head = 0;
  bool head_busy = false;
  /// The highest block two nodes hold (the dispatcher's safe_head): nothing
  /// above it is confirmed, because one node's crash could still lose it.
  std::uint64_t safe_head = 0;
  bool safe_busy = false;
  std::uint64_t next_task_id = 0;
  bool drain_scheduled = false;
  /// Clients waiting for a task to settle (mined, confirmed or failed).
  std::multimap<std::uint64_t, caf::response_promise> waiters;
  tx_counts counts;

  static inline const char* name = "tx_manager";
};

using actor = caf::stateful_actor<state>;
using json = nlohmann::json;
using reply_fn = std::function<void(const task_result&)>;

void log(actor* self, const std::string& level, const std::string& text);
/// Sends a read task (`method`, `params`) through the dispatcher; `done` gets
/// the result (a failed request arrives as task_error::unreachable). With
/// `min_block`, only a node at or past that block answers.
void read(actor* self, const std::string& method, const json& params, reply_fn done,
          std::uint64_t min_block = 0);
/// Moves a task in the journal; logs and returns nothing if the move fails.
std::optional<storage::task_record> move(actor* self, std::uint64_t id, storage::task_state to,
                                         const storage::state_change& change = {});
write_status status_of(actor* self, std::uint64_t id);
/// Mined, confirmed or failed: what a waiter waits for.
bool settled(storage::task_state s);
void wake_waiters(actor* self, std::uint64_t id);

// tx_tracking.cpp
/// The open task `id` as the tracker follows it, or nullptr.
tracked_tx* find_tracked(actor* self, std::uint64_t id);
/// A JSON-RPC quantity ("0x1f") as a number.
std::uint64_t quantity(const json& j);
/// Broadcasts the task's latest transaction (unless something is outstanding).
void broadcast(actor* self, std::uint64_t id);
/// Asks for the receipt of each hash the task signed, newest first, from
/// `index` on (from a node at `min_block` or past it); a receipt found moves
/// the task on, and `missing` is called when none has one.
void check_receipts(actor* self, std::uint64_t id, std::size_t index, std::function<void()> missing,
                    std::uint64_t min_block = 0);
/// A task whose block is gone (or the block behind its verdict) is sent
/// again and followed as such; false if the journal refused the move.
bool reopen(actor* self, std::uint64_t id, const std::string& why);
void poll(actor* self);
/// Takes over the journal's open tasks at start-up.
void recover(actor* self);
tracked_tx track(const storage::task_record& r, std::uint64_t chain_id);

// tx_gaps.cpp
/// A node said "nonce too low" for task `id`: decides at the safe head
/// `safe` whether its nonce is really spent (the task fails) or not (sent again).
void settle_taken_nonce(actor* self, std::uint64_t id, std::uint64_t safe);
/// Once per stuck timeout per sender whose oldest open write is stuck, the
/// sender's nonces below it are checked against the chain.
void check_gaps(actor* self);

} // namespace petrade::txm

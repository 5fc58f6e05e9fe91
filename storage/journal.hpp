// The write journal (design §5): every write task is recorded here, durably,
// before the client is told its task id. After a crash open_tasks() is what
// start-up replays and reconciles by transaction hash.
//
// Layout. In the `journal` column family:
//   'T' + id (8 bytes BE)  -> the task record (see "Record format" below)
//   'H' + tx hash (32)     -> id   every hash the task has signed, replacements too
//   'O' + id               -> ""   present while the task is open
//   'W' + id               -> the username whose request created the task
// In `idempotency`: the client's key -> id. In `nonces`: see nonce_index.hpp.
//
// Record format, version 1 (little-endian integers, blob = u32 length + bytes):
//   u8 version=1, u64 id, u8 kind, u8 state, u32 attempts, i64 created_ms,
//   i64 updated_ms, 20 sender, u64 nonce, 32 tx_hash, u8 flags
//   (1 = idempotency key, 2 = block, 4 = replacement, 8 = mined hash),
//   [blob key], blob raw_tx, [u64 block_number, 32 block_hash],
//   [32 mined_tx], blob failure_reason, [32 replaced_by, blob replacement_raw].
// Flag 8 came later: records without it read as before.
// A reader meeting another version throws storage_error naming it.
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"
#include "protocol/task.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::storage {

class database;

/// accepted: journalled, not yet handed to a node. sent: broadcast (attempts
/// counts broadcasts). replaced: a replacement with a higher fee has been
/// signed (replaced_by) and is to be broadcast. mined: in a block, not yet
/// `confirmations` deep; a reorg sends it back to sent. confirmed and failed
/// are final, unless every node that held the block behind the verdict lost
/// it (nodes that keep their chain in memory): then the task is sent again.
enum class task_state : std::uint8_t { accepted, sent, mined, confirmed, failed, replaced };
const char* to_string(task_state s);
bool is_final(task_state s);
/// Whether `from` -> `to` is a legal transition (see journal::update_state).
bool can_move(task_state from, task_state to);

struct task_record {
  std::uint64_t id = 0;
  std::optional<std::string> idempotency_key;
  task_kind kind = task_kind::contract;
  eth::address sender;
  std::uint64_t nonce = 0;
  eth::bytes raw_tx;                    // the signed transaction first accepted
  eth::hash256 tx_hash{};               // keccak256(raw_tx)
  task_state state = task_state::accepted;
  std::uint32_t attempts = 0;           // broadcasts so far
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;
  std::optional<std::uint64_t> block_number;  // when mined
  std::optional<eth::hash256> block_hash;
  /// Which of the signed hashes is in that block: a replaced task's
  /// original can be mined after all.
  std::optional<eth::hash256> mined_tx;
  std::string failure_reason;           // when failed
  std::optional<eth::hash256> replaced_by;  // the latest replacement's hash
  eth::bytes replacement_raw;               // ... and its signed bytes

  bool open() const { return !is_final(state); }
  /// The transaction to (re)broadcast: the latest replacement, else raw_tx.
  const eth::bytes& current_raw() const { return replaced_by ? replacement_raw : raw_tx; }
  const eth::hash256& current_hash() const { return replaced_by ? *replaced_by : tx_hash; }
};

/// What the client asked for; the journal fills in id, hash, state and times.
struct task_draft {
  std::optional<std::string> idempotency_key;
  task_kind kind = task_kind::contract;
  eth::address sender;
  std::uint64_t nonce = 0;
  eth::bytes raw_tx;
};

struct accept_result {
  std::uint64_t id = 0;
  bool created = false;   // false: the idempotency key already named task `id`
};

/// Details that go with a state change (fields that do not apply are ignored).
struct state_change {
  std::string failure_reason;                // to failed
  /// To failed only: the transaction never reached any node, so its nonce is
  /// free again. The nonce entry is erased in the same batch; tell the
  /// nonce allocator (release) too so it re-fills the nonce first.
  bool release_nonce = false;
  std::optional<std::uint64_t> block_number; // to mined
  std::optional<eth::hash256> block_hash;    // to mined
  std::optional<eth::hash256> mined_tx;      // to mined: the hash in the block
  eth::bytes replacement_raw;                // to replaced: the new signed tx

  static state_change failure(std::string reason, bool release_nonce = false) {
    state_change c;
    c.failure_reason = std::move(reason);
    c.release_nonce = release_nonce;
    return c;
  }
  static state_change block(std::uint64_t number, const eth::hash256& hash,
                            std::optional<eth::hash256> tx = std::nullopt) {
    state_change c;
    c.block_number = number;
    c.block_hash = hash;
    c.mined_tx = tx;
    return c;
  }
  static state_change replacement(eth::bytes raw) {
    state_change c;
    c.replacement_raw = std::move(raw);
    return c;
  }
};

class journal {
public:
  using clock = std::function<std::int64_t()>;   // milliseconds since the epoch

  /// Reads the highest task id on disk; ids continue after it.
  explicit journal(database& db, clock now_ms = {});

  /// Journals a new task, durably, in ONE WriteBatch with its idempotency
  /// mapping and its sender's nonce entry (storage/nonce_index.hpp).
  ///
  /// If the idempotency key already names a task, nothing is written and that
  /// task's id comes back with created = false, whatever this draft holds: a
  /// key names one task forever, even when retried with another payload (the
  /// first write wins; the caller should release the nonce it reserved).
  /// Keys are opaque bytes; scope them per user (e.g. "user:key") if needed.
  /// Concurrent accepts with the same key yield one task.
  accept_result accept(const task_draft& draft);

  /// Moves task `id` to `to`, durably, and returns the new record. Legal
  /// moves (can_move): accepted -> sent | mined | failed;
  /// sent -> sent (re-broadcast) | mined | replaced | failed;
  /// replaced -> sent | mined | replaced | failed;
  /// mined -> confirmed | sent (reorg) | mined (reorg into another block) | failed;
  /// confirmed -> sent (every node holding its block lost it: the task is open again);
  /// failed -> sent (likewise, for a revert or a nonce spent in a lost block;
  /// not once the task gave its nonce back, released or re-used).
  /// Each move to sent counts an attempt. Throws std::out_of_range for an
  /// unknown id, std::logic_error for an illegal move or missing details
  /// (mined without a block, replaced without a transaction).
  task_record update_state(std::uint64_t id, task_state to, const state_change& change = {});

  std::optional<task_record> get(std::uint64_t id) const;
  /// Which user's request created task `id` (the gateway's caller), so that
  /// only they and the admin may follow it, across restarts too. Written
  /// buffered: it outlives a crash of the process, not of the machine, and
  /// the task itself (synced) never depends on it. False for an unknown id.
  bool set_owner(std::uint64_t id, std::string_view user);
  std::optional<std::string> owner(std::uint64_t id) const;
  std::optional<std::uint64_t> find_by_idempotency(std::string_view key) const;
  /// The task that signed `hash` (its first transaction or a replacement).
  std::optional<std::uint64_t> find_by_hash(const eth::hash256& hash) const;
  /// Every task not confirmed or failed, by ascending id (= acceptance order,
  /// hence nonce order per sender).
  std::vector<task_record> open_tasks() const;
  /// The id the next accepted task gets.
  std::uint64_t next_id() const { return next_id_.load(); }

private:
  std::mutex& stripe(std::string_view key);

  database& db_;
  clock now_ms_;
  std::atomic<std::uint64_t> next_id_{1};
  // Serialise read-modify-writes per idempotency key / task id without one
  // global lock, so unrelated sync writes still share an fsync.
  std::array<std::mutex, 64> stripes_;
};

/// Record <-> bytes (format above). decode throws storage_error.
std::string encode(const task_record& r);
task_record decode_task(std::string_view bytes);

} // namespace petrade::storage

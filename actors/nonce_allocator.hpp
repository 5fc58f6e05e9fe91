// Per-sender nonces for the transaction manager (design §5), "at source":
// the first nonce a sender gets is max(the node's pending count, the highest
// nonce the journal holds + 1); after that the allocator counts on its own.
//
// How it stays correct across crashes. next() only reserves a nonce in
// memory. The reservation becomes durable when the task using it is accepted
// by storage::journal, which writes the nonce entry (storage/nonce_index.hpp)
// in the same WriteBatch as the task. So a nonce handed to an acknowledged
// task is on disk before the client hears of it, and after a restart the
// allocator starts above it: the same nonce is never handed out twice. A
// reservation lost in a crash (never journalled, hence never broadcast) shows
// up on restart as a gap below the high-water mark and is handed out first.
//
// Gaps. A nonce that will never be broadcast must be re-used, or every later
// transaction of the sender waits for it forever. Report it with release():
// the next allocation re-fills the lowest released nonce before counting on.
// If the nonce was already journalled, fail its task with
// state_change::release_nonce (which frees the entry on disk atomically with
// the failure) and then call release(). A released nonce below the node's
// pending count has been used by someone else meanwhile and is dropped.
//
// Thread-safe: one lock per sender, so senders never wait for each other.
#pragma once

#include "protocol/eth/address.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

namespace petrade {

namespace storage {
class database;
}

class nonce_allocator {
public:
  /// `db` must outlive the allocator; it is only read (the journal writes).
  explicit nonce_allocator(const storage::database& db) : db_(db) {}

  /// True once the sender's state is loaded (after its first next()); until
  /// then the caller has to supply the node's pending count.
  bool knows(const eth::address& sender) const;

  /// The next nonce for `sender`. `node_pending` is the node's transaction
  /// count for the sender including its pool (eth_getTransactionCount
  /// "pending"): on first use the start is max(node_pending, highest stored
  /// + 1); later a count above the allocator's own wins too (the key was used
  /// elsewhere) and released nonces below it are dropped.
  std::uint64_t next(const eth::address& sender, std::uint64_t node_pending);
  /// As above, but asks `node_pending` only when the sender is not known yet
  /// (first use since start-up). It runs under the sender's lock.
  std::uint64_t next(const eth::address& sender,
                     const std::function<std::uint64_t()>& node_pending);

  /// Reports that `nonce`, handed out by next(), will never be broadcast;
  /// the next allocation returns it (the lowest such nonce first). Throws
  /// std::invalid_argument for a nonce not handed out yet. For a sender not
  /// used since start-up it does nothing: its first next() finds every gap
  /// on disk, so free a journalled nonce through the journal first.
  void release(const eth::address& sender, std::uint64_t nonce);

  /// The released nonces waiting to be re-filled, ascending.
  std::vector<std::uint64_t> gaps(const eth::address& sender) const;

private:
  struct sender_state {
    std::mutex m;
    bool loaded = false;
    std::uint64_t fresh = 0;          // the next never-allocated nonce
    std::set<std::uint64_t> free;     // released nonces below `fresh`
  };
  sender_state& state_of(const eth::address& sender) const;
  void load(sender_state& s, const eth::address& sender, std::uint64_t node_pending);
  static void observe(sender_state& s, std::uint64_t node_pending);
  static std::uint64_t take(sender_state& s);

  const storage::database& db_;
  mutable std::mutex map_mutex_;
  mutable std::map<eth::address, std::unique_ptr<sender_state>> senders_;
};

} // namespace petrade

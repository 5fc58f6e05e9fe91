// Nonces the chain has not spent although the tracker thought so: a "nonce
// too low" that may come from a node on a lost chain, and per-sender gaps
// below a stuck write, whose task may hold a verdict from a lost block.
// Left alone, either holds every later write of the sender for good.
#include "actors/tx_manager_state.hpp"
#include "protocol/eth/hex.hpp"
#include "storage/nonce_index.hpp"

namespace petrade::txm {

using storage::task_state;

namespace {

/// A confirmed or failed task whose nonce the chain has not spent: unless a
/// node at the safe head has a receipt for one of its hashes, every node
/// that held the block behind its verdict (its own, one it reverted in, or
/// the one where another transaction took its nonce) has lost it, so it is
/// opened again and sent.
void recheck_settled(actor* self, const storage::task_record& rec) {
  auto& st = self->state;
  tracked_tx tr;
  try {
    tr = track(rec, st.cfg.chain_id);
  } catch (const std::exception& e) {
    log(self, "error", "task " + std::to_string(rec.id) + ": " + e.what());
    return;
  }
  tr.since = self->clock().now();
  auto id = rec.id;
  st.tracked.emplace(id, std::move(tr));
  check_receipts(
    self, id, 0,
    [self, id] {
      auto* tr = find_tracked(self, id);
      auto verdict = tr && tr->state == task_state::failed ? std::string("it failed")
                                                           : std::string("it was confirmed");
      if (reopen(self, id, verdict + ", but every node that held its block lost it"))
        broadcast(self, id);
      else
        self->state.tracked.erase(id);
    },
    st.safe_head);
}

/// The nonces of `sender` below its oldest stuck write, `lowest`: each one
/// the chain has not spent holds every later write of the sender. Its task,
/// if settled, is re-checked (the block behind its verdict may be lost); a
/// nonce with no task is reported.
void check_gap(actor* self, const eth::address& sender, std::uint64_t lowest) {
  auto& st = self->state;
  read(
    self, "eth_getTransactionCount", json::array({sender.hex(), "latest"}),
    [self, sender, lowest](const task_result& r) {
      std::uint64_t spent = 0;
      try {
        if (!r.ok())
          return;
        spent = quantity(json::parse(r.result));
      } catch (const std::exception&) {
        return;
      }
      storage::nonce_index index(*self->state.db);
      for (auto k = spent; k < lowest && k < spent + 64; ++k) {
        auto id = index.owner(sender, k);
        if (!id) {
          log(self, "warn", "nonce " + std::to_string(k) + " of " + sender.checksummed()
                              + " has no task, and its later writes wait for it");
          continue;
        }
        auto where = "nonce " + std::to_string(k) + " of " + sender.checksummed() + " (task "
                     + std::to_string(*id) + ")";
        if (auto* tr = find_tracked(self, *id)) {
          if (k != spent)
            continue;   // only the first unspent nonce holds the others; it says enough
          auto age = std::chrono::duration_cast<std::chrono::seconds>(self->clock().now() - tr->since);
          log(self, "info", where + " holds the sender's later writes: " + storage::to_string(tr->state)
                              + (tr->busy ? ", busy" : "") + ", " + std::to_string(tr->stuck_rounds)
                              + " stuck round(s), last sent " + std::to_string(age.count()) + " s ago");
          continue;   // followed already
        }
        auto rec = self->state.journal->get(*id);
        if (rec && (rec->state == task_state::confirmed || rec->state == task_state::failed)) {
          recheck_settled(self, *rec);
        } else {
          log(self, "warn", where + " holds the sender's later writes, and its task is "
                              + (rec ? std::string(storage::to_string(rec->state)) + " "
                                         + rec->failure_reason
                                     : std::string("not in the journal")));
        }
      }
    },
    st.safe_head);
}

} // namespace

/// A node said "nonce too low" and no node has a receipt for any of the
/// task's hashes. That node may be on a chain that is gone (a sealer that
/// lost its last blocks), so only a nonce spent in a block two nodes hold
/// fails the task, after one more receipt check on a node that has that
/// block; otherwise it is sent again. Failing it on one node's word would
/// leave a nonce gap that holds every later transaction of the sender.
void settle_taken_nonce(actor* self, std::uint64_t id, std::uint64_t safe) {
  auto* tr = find_tracked(self, id);
  if (!tr)
    return;
  tr->busy = true;
  json params = json::array({tr->sender.hex(), eth::to_quantity(safe)});
  read(
    self, "eth_getTransactionCount", params,
    [self, id, safe](const task_result& r) {
      auto* tr = find_tracked(self, id);
      if (!tr)
        return;
      tr->busy = false;
      std::uint64_t spent = 0;
      try {
        if (!r.ok())
          return;   // the next poll asks again
        spent = quantity(json::parse(r.result));
      } catch (const std::exception&) {
        return;
      }
      if (spent <= tr->nonce) {
        log(self, "info", "task " + std::to_string(id) + ": its nonce " + std::to_string(tr->nonce)
                            + " is still free on the chain two nodes hold; sending it again");
        return broadcast(self, id);
      }
      check_receipts(
        self, id, 0,
        [self, id] {
          auto* tr = find_tracked(self, id);
          if (!tr)
            return;
          auto why = "nonce " + std::to_string(tr->nonce) + " of " + tr->sender.checksummed()
                     + " was used by another transaction";
          if (move(self, id, task_state::failed, storage::state_change::failure(why)))
            self->state.tracked.erase(id);
        },
        safe);
    },
    safe);
}

/// Once per stuck timeout per sender whose oldest open write is stuck.
void check_gaps(actor* self) {
  auto& st = self->state;
  if (st.safe_head == 0)
    return;   // with no two nodes answering, a lagging one would be believed
  std::map<eth::address, std::uint64_t> lowest;
  for (auto& [id, tr] : st.tracked)
    if ((tr.state == task_state::sent || tr.state == task_state::replaced) && tr.stuck_rounds > 0) {
      auto [it, fresh] = lowest.emplace(tr.sender, tr.nonce);
      if (!fresh)
        it->second = std::min(it->second, tr.nonce);
    }
  auto now = self->clock().now();
  for (auto& [sender, nonce] : lowest) {
    auto& last = st.gap_checked[sender];
    if (now - last < st.cfg.stuck_timeout)
      continue;
    last = now;
    check_gap(self, sender, nonce);
  }
}

} // namespace petrade::txm

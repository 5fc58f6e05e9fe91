// Following transactions after they are journalled: broadcasts, receipts,
// confirmations (and reorgs), revert reasons, stuck transactions, and the
// reconciliation of open tasks at start-up.
#include "actors/tx_manager_state.hpp"
#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/hex.hpp"
#include "storage/nonce_index.hpp"

#include <algorithm>
#include <cctype>

namespace petrade::txm {

namespace {

using storage::task_state;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool contains(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

/// A node's answer meaning it has (or had) this transaction or its nonce.
bool already_there(const std::string& message) {
  auto m = lower(message);
  return contains(m, "already known") || contains(m, "known transaction")
         || contains(m, "already imported") || contains(m, "nonce too low");
}

tracked_tx* find(actor* self, std::uint64_t id) {
  auto it = self->state.tracked.find(id);
  return it == self->state.tracked.end() ? nullptr : &it->second;
}

std::uint64_t quantity(const json& j) {
  return static_cast<std::uint64_t>(eth::from_quantity(j.get<std::string>()));
}

json parse_or_null(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const std::exception&) {
    return nullptr;
  }
}

void on_broadcast(actor* self, std::uint64_t id, const task_result& r) {
  auto* tr = find(self, id);
  if (!tr)
    return;
  tr->busy = false;
  bool known = r.error == task_error::rpc && already_there(r.message);
  if (r.ok() || known) {
    if (known && contains(lower(r.message), "nonce too low"))
      tr->nonce_taken = true;
    if (tr->state == task_state::accepted || tr->state == task_state::sent
        || tr->state == task_state::replaced)
      if (move(self, id, task_state::sent))
        tr->state = task_state::sent;
    return;
  }
  bool refused = r.error == task_error::rpc || r.error == task_error::invalid;
  if (refused && tr->state == task_state::accepted && contains(lower(r.message), "insufficient funds")) {
    auto now = self->clock().now();
    if (!tr->refused_since) {
      tr->refused_since = now;
      log(self, "warn", "task " + std::to_string(id) + " refused by the node (" + r.message
                          + "); offered again for up to "
                          + std::to_string(self->state.cfg.refusal_grace.count() / 1000)
                          + " s, as what funds its sender may still be on its way");
    }
    if (now - *tr->refused_since < self->state.cfg.refusal_grace)
      return;
  }
  if (refused && tr->state == task_state::accepted) {
    // No node took it, so its nonce is free again.
    auto sender = tr->sender;
    auto nonce = tr->nonce;
    if (move(self, id, task_state::failed,
             storage::state_change::failure("refused by the node: " + r.message, true))) {
      self->state.tracked.erase(id);
      try {
        self->state.nonces->release(sender, nonce);
      } catch (const std::exception& e) {
        log(self, "error", e.what());
      }
    }
    return;
  }
  log(self, "warn", "broadcast of task " + std::to_string(id) + " failed (" + r.message
                      + "); it will be retried");
}

void check_block(actor* self, std::uint64_t id);
bool reopen(actor* self, std::uint64_t id, const std::string& why);

void on_receipt(actor* self, std::uint64_t id, const eth::hash256& hash, const json& receipt) {
  auto* tr = find(self, id);
  if (!tr)
    return;
  std::uint64_t block = 0;
  eth::hash256 block_hash{};
  try {
    block = quantity(receipt.at("blockNumber"));
    block_hash = eth::from_hex_fixed<32>(receipt.at("blockHash").get<std::string>());
  } catch (const std::exception& e) {
    log(self, "warn", std::string("unreadable receipt: ") + e.what());
    return;
  }
  if (tr->state == task_state::confirmed || tr->state == task_state::failed) {
    // A gap check's: the block behind its verdict is there after all.
    self->state.tracked.erase(id);
    return;
  }
  tr->mined_hash = hash;
  tr->reverted = receipt.value("status", std::string("0x1")) == "0x0";
  if (tr->state != task_state::mined || tr->block != block || tr->block_hash != block_hash) {
    if (!move(self, id, task_state::mined, storage::state_change::block(block, block_hash, hash)))
      return;
    tr->state = task_state::mined;
    tr->block = block;
    tr->block_hash = block_hash;
    tr->since = self->clock().now();
  }
  auto& st = self->state;
  st.head = std::max(st.head, block);
  if (st.head + 1 >= block + st.cfg.confirmations && block <= st.safe_head)
    check_block(self, id);
}

/// Asks for the receipt of each hash the task signed, newest first; calls
/// `missing` when none has one.
void check_receipts(actor* self, std::uint64_t id, std::size_t index,
                    std::function<void()> missing, std::uint64_t min_block = 0) {
  auto* tr = find(self, id);
  if (!tr)
    return;
  if (index >= tr->hashes.size()) {
    tr->busy = false;
    if (missing)
      missing();
    return;
  }
  tr->busy = true;
  auto hash = tr->hashes[tr->hashes.size() - 1 - index];
  read(self, "eth_getTransactionReceipt", json::array({eth::to_hex(hash)}),
       [self, id, index, hash, missing, min_block](const task_result& r) {
         auto* tr = find(self, id);
         if (!tr)
           return;
         auto receipt = r.ok() ? parse_or_null(r.result) : json(nullptr);
         if (receipt.is_object() && receipt.contains("blockNumber")
             && receipt["blockNumber"].is_string()) {
           tr->busy = false;
           on_receipt(self, id, hash, receipt);
         } else if (!r.ok()) {
           tr->busy = false;   // the next poll asks again
         } else {
           check_receipts(self, id, index + 1, missing, min_block);
         }
       },
       min_block);
}

/// Replays a reverted transaction on its parent block for the revert data.
void replay_revert(actor* self, std::uint64_t id) {
  auto* tr = find(self, id);
  if (!tr)
    return;
  tr->busy = true;
  json call{{"from", tr->sender.hex()},
            {"data", eth::to_hex(tr->tx.data)},
            {"value", eth::to_quantity(tr->tx.value)},
            {"gas", eth::to_quantity(tr->tx.gas_limit)}};
  if (tr->tx.to)
    call["to"] = tr->tx.to->hex();
  auto at = tr->block > 0 ? tr->block - 1 : 0;
  read(self, "eth_call", json::array({call, eth::to_quantity(at)}),
       [self, id](const task_result& r) {
         auto* tr = find(self, id);
         if (!tr)
           return;
         tr->busy = false;
         std::string reason;
         if (r.ok()) {
           reason = "reverted (the replay succeeded; gas limit "
                    + std::to_string(tr->tx.gas_limit) + " may have been too low)";
         } else if (r.error == task_error::rpc) {
           eth::bytes data;
           auto j = parse_or_null(r.result);
           try {
             if (j.is_string())
               data = eth::from_hex(j.get<std::string>());
           } catch (const std::exception&) {
           }
           if (data.empty() && !contains(lower(r.message), "revert"))
             reason = r.message;
           else
             reason = eth::abi::decode_revert(data).message;
         } else {
           return;   // no node answered: the next poll tries again
         }
         if (move(self, id, task_state::failed, storage::state_change::failure(reason)))
           self->state.tracked.erase(id);
       });
}

void check_block(actor* self, std::uint64_t id) {
  auto* tr = find(self, id);
  if (!tr)
    return;
  tr->busy = true;
  read(
    self, "eth_getBlockByNumber", json::array({eth::to_quantity(tr->block), false}),
    [self, id](const task_result& r) {
      auto* tr = find(self, id);
      if (!tr)
        return;
      tr->busy = false;
      // Unreachable: no node reached that height within the dispatcher's
      // queue timeout, so the block is gone (or every node is); re-check.
      if (!r.ok() && r.error != task_error::unreachable)
        return;
      auto b = r.ok() ? parse_or_null(r.result) : json(nullptr);
      std::optional<eth::hash256> at_height;
      try {
        if (b.is_object() && b["hash"].is_string())
          at_height = eth::from_hex_fixed<32>(b["hash"].get<std::string>());
      } catch (const std::exception&) {
      }
      if (at_height == tr->block_hash) {
        if (tr->reverted)
          replay_revert(self, id);
        else if (move(self, id, task_state::confirmed))
          self->state.tracked.erase(id);
        return;
      }
      reopen(self, id, "block " + std::to_string(tr->block) + " was reorganised away");
    },
    tr->block);
}

/// A mined task whose block is gone: it is sent again, and followed as such.
bool reopen(actor* self, std::uint64_t id, const std::string& why) {
  auto* tr = find(self, id);
  if (!tr)
    return false;
  log(self, "warn", "task " + std::to_string(id) + ": " + why + "; the task is open again");
  if (!move(self, id, task_state::sent))
    return false;
  tr->state = task_state::sent;
  tr->mined_hash.reset();
  tr->reverted = false;
  tr->since = self->clock().now();
  tr->stuck_rounds = 0;
  return true;
}

/// A node said "nonce too low" and no node has a receipt for any of the
/// task's hashes. That node may be on a chain that is gone (a sealer that
/// lost its last blocks), so only a nonce spent in a block two nodes hold
/// fails the task, after one more receipt check on a node that has that
/// block; otherwise it is sent again. Failing it on one node's word would
/// leave a nonce gap that holds every later transaction of the sender.
void settle_taken_nonce(actor* self, std::uint64_t id, std::uint64_t safe) {
  auto* tr = find(self, id);
  if (!tr)
    return;
  tr->busy = true;
  json params = json::array({tr->sender.hex(), eth::to_quantity(safe)});
  read(
    self, "eth_getTransactionCount", params,
    [self, id, safe](const task_result& r) {
      auto* tr = find(self, id);
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
          auto* tr = find(self, id);
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

/// Called after a receipt check found nothing: re-broadcast or replace a
/// transaction that has waited longer than the stuck timeout.
void unstick(actor* self, std::uint64_t id) {
  auto& st = self->state;
  auto* tr = find(self, id);
  if (!tr || tr->busy || self->clock().now() - tr->since < st.cfg.stuck_timeout)
    return;
  if (tr->nonce_taken) {
    tr->nonce_taken = false;
    if (st.safe_head > 0)
      return settle_taken_nonce(self, id, st.safe_head);
  }
  ++tr->stuck_rounds;
  auto key = st.keys.find(tr->sender);
  if (tr->stuck_rounds % 2 == 0 && tr->replacements < st.cfg.max_replacements
      && key != st.keys.end()) {
    auto next = tr->tx;
    auto bump = [](const eth::uint256& v) { return v + v / 8 + 1; };   // >= +12.5 %
    next.max_fee_per_gas = bump(next.max_fee_per_gas);
    next.max_priority_fee_per_gas = bump(next.max_priority_fee_per_gas);
    next.sign(key->second);
    if (!move(self, id, task_state::replaced, storage::state_change::replacement(next.raw())))
      return;
    tr->tx = std::move(next);
    tr->hashes.push_back(tr->tx.hash());
    tr->state = task_state::replaced;
    ++tr->replacements;
    log(self, "info", "task " + std::to_string(id) + " stuck: replaced by "
                        + eth::to_hex(tr->hashes.back()) + " with higher fees");
  } else {
    ++st.counts.rebroadcast;
    log(self, "info", "task " + std::to_string(id) + " stuck: re-broadcasting");
  }
  broadcast(self, id);
}

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
      auto* tr = find(self, id);
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
        if (auto* tr = find(self, *id)) {
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

} // namespace

tracked_tx track(const storage::task_record& r, std::uint64_t chain_id) {
  tracked_tx tr;
  tr.id = r.id;
  tr.kind = r.kind;
  tr.sender = r.sender;
  tr.nonce = r.nonce;
  tr.tx = eth::transaction::decode(r.current_raw(), chain_id);
  tr.hashes.push_back(r.tx_hash);
  if (r.replaced_by) {
    tr.hashes.push_back(*r.replaced_by);
    tr.replacements = 1;
  }
  tr.state = r.state;
  if (r.block_number && r.block_hash) {
    tr.block = *r.block_number;
    tr.block_hash = *r.block_hash;
  }
  return tr;
}

void broadcast(actor* self, std::uint64_t id) {
  auto& st = self->state;
  auto* tr = find(self, id);
  if (!tr || tr->busy)
    return;
  tr->busy = true;
  tr->since = self->clock().now();
  task t;
  t.id = st.next_task_id++;
  t.kind = tr->kind;
  t.method = "eth_sendRawTransaction";
  t.params = json::array({eth::to_hex(tr->tx.raw())}).dump();
  t.sender = tr->sender.hex();
  t.request_id = "tx-" + std::to_string(id);
  self->request(st.cfg.dispatcher, st.cfg.rpc_timeout, submit_atom_v, std::move(t))
    .then([self, id](task_result& r) { on_broadcast(self, id, r); },
          [self, id](caf::error& e) {
            task_result r;
            r.error = task_error::unreachable;
            r.message = "dispatcher: " + to_string(e);
            on_broadcast(self, id, r);
          });
}

void poll(actor* self) {
  auto& st = self->state;
  self->delayed_send(self, st.cfg.poll_interval, tick_atom_v);
  if (!st.safe_busy && !st.tracked.empty()) {
    st.safe_busy = true;
    self->request(st.cfg.dispatcher, st.cfg.rpc_timeout, safe_head_atom_v)
      .then(
        [self](std::uint64_t h) {
          self->state.safe_busy = false;
          self->state.safe_head = h;
        },
        [self](caf::error&) { self->state.safe_busy = false; });
  }
  if (!st.head_busy && !st.tracked.empty()) {
    st.head_busy = true;
    read(self, "eth_blockNumber", json::array(), [self](const task_result& r) {
      auto& st = self->state;
      st.head_busy = false;
      try {
        if (r.ok())
          st.head = std::max(st.head, quantity(json::parse(r.result)));
      } catch (const std::exception&) {
      }
    });
  }
  // From the cursor round to it again: tasks stuck for good (a nonce gap, a
  // node that never mines them) must not take every read of every poll.
  std::vector<std::uint64_t> ids;
  auto from = st.tracked.upper_bound(st.poll_cursor);
  for (auto it = from; it != st.tracked.end(); ++it)
    if (!it->second.busy)
      ids.push_back(it->first);
  for (auto it = st.tracked.begin(); it != from; ++it)
    if (!it->second.busy)
      ids.push_back(it->first);
  check_gaps(self);
  std::size_t budget = st.cfg.reads_per_poll;
  st.poll_cursor = 0;
  for (auto id : ids) {
    auto* tr = find(self, id);
    if (budget == 0) {
      st.poll_cursor = id - 1;   // this one goes first next time
      break;
    }
    if (!tr || tr->busy)
      continue;
    switch (tr->state) {
      case task_state::accepted:
        // A refused one is offered again once per stuck timeout, not per poll.
        if (tr->refused_since && self->clock().now() - tr->since < st.cfg.stuck_timeout)
          break;
        broadcast(self, id);
        --budget;
        break;
      case task_state::sent:
      case task_state::replaced:
        check_receipts(self, id, 0, [self, id] { unstick(self, id); });
        --budget;
        break;
      case task_state::mined:
        if (!tr->mined_hash) {   // taken over from the journal: which hash, which status?
          check_receipts(self, id, 0, {});
          --budget;
        } else if (st.head + 1 >= tr->block + st.cfg.confirmations && tr->block <= st.safe_head) {
          check_block(self, id);
          --budget;
        } else if (tr->block > st.safe_head && self->clock().now() - tr->since >= st.cfg.stuck_timeout) {
          // Its block is still on one node only. Should that node have
          // lost it (killed before another imported it), the receipt is
          // gone and nobody holds the transaction: send it again.
          tr->since = self->clock().now();
          check_receipts(self, id, 0, [self, id] {
            if (reopen(self, id, "its block is gone from the node that mined it"))
              broadcast(self, id);
          });
          --budget;
        }
        break;
      default: break;
    }
  }
}

void recover(actor* self) {
  auto& st = self->state;
  std::size_t n = 0;
  for (auto& rec : st.journal->open_tasks()) {
    tracked_tx tr;
    try {
      tr = track(rec, st.cfg.chain_id);
    } catch (const std::exception& e) {
      log(self, "error", "task " + std::to_string(rec.id) + " has an unreadable transaction: "
                           + e.what());
      continue;
    }
    tr.since = self->clock().now();
    auto id = rec.id;
    auto state = rec.state;
    st.counts.moved(std::nullopt, state);
    st.tracked.emplace(id, std::move(tr));
    ++n;
    if (state != task_state::mined)   // mined ones: the first poll re-reads the receipt
      check_receipts(self, id, 0, [self, id] { broadcast(self, id); });
  }
  if (n)
    log(self, "info", "reconciling " + std::to_string(n) + " open task(s) from the journal");
}

} // namespace petrade::txm

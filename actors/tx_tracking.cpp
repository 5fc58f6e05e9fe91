// Following transactions after they are journalled: broadcasts, receipts,
// confirmations (and reorgs), revert reasons, stuck transactions, and the
// reconciliation of open tasks at start-up. Nonce gaps: tx_gaps.cpp.
#include "actors/tx_manager_state.hpp"
#include "protocol/eth/abi_revert.hpp"
#include "protocol/eth/hex.hpp"

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

json parse_or_null(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const std::exception&) {
    return nullptr;
  }
}

void on_broadcast(actor* self, std::uint64_t id, const task_result& r) {
  auto* tr = find_tracked(self, id);
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

void on_receipt(actor* self, std::uint64_t id, const eth::hash256& hash, const json& receipt) {
  auto* tr = find_tracked(self, id);
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

} // namespace

void check_receipts(actor* self, std::uint64_t id, std::size_t index,
                    std::function<void()> missing, std::uint64_t min_block) {
  auto* tr = find_tracked(self, id);
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
         auto* tr = find_tracked(self, id);
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

namespace {

/// Replays a reverted transaction on its parent block for the revert data.
void replay_revert(actor* self, std::uint64_t id) {
  auto* tr = find_tracked(self, id);
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
         auto* tr = find_tracked(self, id);
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
  auto* tr = find_tracked(self, id);
  if (!tr)
    return;
  tr->busy = true;
  read(
    self, "eth_getBlockByNumber", json::array({eth::to_quantity(tr->block), false}),
    [self, id](const task_result& r) {
      auto* tr = find_tracked(self, id);
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

} // namespace

bool reopen(actor* self, std::uint64_t id, const std::string& why) {
  auto* tr = find_tracked(self, id);
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

namespace {

/// Called after a receipt check found nothing: re-broadcast or replace a
/// transaction that has waited longer than the stuck timeout.
void unstick(actor* self, std::uint64_t id) {
  auto& st = self->state;
  auto* tr = find_tracked(self, id);
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

} // namespace

tracked_tx* find_tracked(actor* self, std::uint64_t id) {
  auto it = self->state.tracked.find(id);
  return it == self->state.tracked.end() ? nullptr : &it->second;
}

std::uint64_t quantity(const json& j) {
  return static_cast<std::uint64_t>(eth::from_quantity(j.get<std::string>()));
}

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
  auto* tr = find_tracked(self, id);
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
    auto* tr = find_tracked(self, id);
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

// Accepting writes: validation, idempotency, per-sender nonces, signing and
// journalling; the reply goes out once the task is on disk. Tracking after
// that is in tx_tracking.cpp.
#include "actors/tx_manager.hpp"

#include "storage/keystore_store.hpp"

#include "actors/tx_manager_state.hpp"
#include "protocol/eth/hex.hpp"

namespace petrade {

namespace txm {

namespace {

write_status rejected(std::string why) {
  write_status s;
  s.state = "rejected";
  s.error = std::move(why);
  return s;
}

/// A refusal for a read that did not come back (timeout, no node): the
/// request was fine, the cluster was not, so the caller may retry.
write_status refused_for(const task_result& r, std::string why) {
  auto s = rejected(std::move(why));
  if (r.error == task_error::busy || r.error == task_error::unreachable)
    s.state = "unavailable";
  return s;
}

std::string kind_name(task_kind k) {
  return to_string(k);
}

/// Checks a request and fills `p`; returns why it is refused, or "".
std::string prepare(const state& st, const write_request& req, pending_write& p) {
  if (req.kind == task_kind::read)
    return "a write request must be a deploy, account or contract write, not a read";
  if (static_cast<std::size_t>(req.kind) >= task_kind_count)
    return "unknown task kind " + std::to_string(static_cast<unsigned>(req.kind));
  try {
    p.from = eth::address::parse(req.from);
  } catch (const std::exception& e) {
    return "sender '" + req.from + "' is not an address (" + e.what() + ")";
  }
  if (!st.keys.count(p.from))
    return "unknown sender " + p.from.checksummed() + ": no signing key is registered for it";
  if (!req.to.empty()) {
    try {
      p.to = eth::address::parse(req.to);
    } catch (const std::exception& e) {
      return "recipient '" + req.to + "' is not an address (" + e.what() + ")";
    }
  }
  try {
    p.data = eth::from_hex(req.data);
  } catch (const std::exception& e) {
    return std::string("data is not hex (") + e.what() + ")";
  }
  if (req.kind == task_kind::deploy) {
    if (p.to)
      return "a deploy creates a contract: 'to' must be empty";
    if (p.data.empty())
      return "a deploy needs init code: data is empty";
  } else if (!p.to) {
    return "a " + kind_name(req.kind) + " write needs a recipient ('to')";
  }
  try {
    p.value = req.value.empty() ? eth::uint256(0) : eth::parse_uint256(req.value);
  } catch (const std::exception& e) {
    return "value '" + req.value + "' is not a number (" + e.what() + ")";
  }
  p.gas = req.gas_limit ? req.gas_limit : st.cfg.default_gas;
  p.req = req;
  return {};
}

void schedule_drain(actor* self) {
  if (!self->state.drain_scheduled) {
    self->state.drain_scheduled = true;
    self->send(self, drain_atom_v);
  }
}

/// Nonce, signature, journal, reply, broadcast: one write.
void accept_one(actor* self, sender_lane& lane, pending_write& p) {
  auto& st = self->state;
  auto nonce = st.nonces->next(p.from, *lane.node_pending);
  eth::transaction tx;
  tx.chain_id = st.cfg.chain_id;
  tx.nonce = nonce;
  tx.max_priority_fee_per_gas = st.cfg.max_priority_fee_per_gas;
  tx.max_fee_per_gas = st.cfg.max_fee_per_gas;
  tx.gas_limit = p.gas;
  tx.to = p.to;
  tx.value = p.value;
  tx.data = p.data;
  tx.sign(st.keys.at(p.from));
  storage::task_draft draft;
  if (!p.req.idempotency_key.empty())
    draft.idempotency_key = p.req.idempotency_key;
  draft.kind = p.req.kind;
  draft.sender = p.from;
  draft.nonce = nonce;
  draft.raw_tx = tx.raw();
  storage::accept_result res;
  try {
    res = st.journal->accept(draft);
  } catch (const std::exception& e) {
    st.nonces->release(p.from, nonce);
    log(self, "error", std::string("journal refused a write: ") + e.what());
    p.reply.deliver(rejected(std::string("could not journal the write: ") + e.what()));
    return;
  }
  if (!res.created) {   // the key was taken meanwhile: that task is the answer
    st.nonces->release(p.from, nonce);
    p.reply.deliver(status_of(self, res.id));
    return;
  }
  auto rec = st.journal->get(res.id);
  auto tr = track(*rec, st.cfg.chain_id);
  tr.since = self->clock().now();
  st.counts.moved(std::nullopt, tr.state);
  st.tracked.emplace(res.id, std::move(tr));
  p.reply.deliver(status_of(self, res.id));
  broadcast(self, res.id);
}

void drain(actor* self) {
  auto& st = self->state;
  st.drain_scheduled = false;
  std::size_t budget = st.cfg.accepts_per_step;
  bool more = false;
  for (auto& [from, lane] : st.lanes) {
    if (!lane.node_pending)
      continue;
    while (!lane.queue.empty() && budget > 0) {
      auto p = std::move(lane.queue.front());
      lane.queue.pop_front();
      accept_one(self, lane, p);
      --budget;
    }
    more = more || !lane.queue.empty();
  }
  if (more)
    schedule_drain(self);   // let other messages in, then go on
}

/// Queues `p` on its sender's lane; the first use of a sender asks the node
/// for its pending transaction count.
void enqueue(actor* self, pending_write p) {
  auto from = p.from;
  auto& lane = self->state.lanes[from];
  lane.queue.push_back(std::move(p));
  if (lane.node_pending) {
    schedule_drain(self);
    return;
  }
  if (lane.loading)
    return;
  lane.loading = true;
  read(self, "eth_getTransactionCount", json::array({from.hex(), "pending"}),
       [self, from](const task_result& r) {
         auto& lane = self->state.lanes[from];
         lane.loading = false;
         std::string why;
         if (r.ok()) {
           try {
             lane.node_pending = static_cast<std::uint64_t>(
               eth::from_quantity(json::parse(r.result).get<std::string>()));
           } catch (const std::exception& e) {
             why = std::string("bad transaction count from the node: ") + e.what();
           }
         } else {
           why = r.message;
         }
         if (!why.empty()) {
           for (auto& p : lane.queue)
             p.reply.deliver(refused_for(r, "cannot read the nonce of " + from.checksummed()
                                             + "; retry later (" + why + ")"));
           lane.queue.clear();
           return;
         }
         schedule_drain(self);
       });
}

caf::result<write_status> submit(actor* self, write_request& req) {
  auto& st = self->state;
  // A known key answers with its task whatever this request holds.
  if (!req.idempotency_key.empty())
    if (auto id = st.journal->find_by_idempotency(req.idempotency_key))
      return status_of(self, *id);
  pending_write p;
  if (auto why = prepare(st, req, p); !why.empty())
    return rejected(std::move(why));
  auto rp = self->make_response_promise<write_status>();
  p.reply = rp;
  if (p.gas != 0) {
    enqueue(self, std::move(p));
    return rp;
  }
  json call{{"from", p.from.hex()}, {"value", eth::to_quantity(p.value)},
            {"data", eth::to_hex(p.data)}};
  if (p.to)
    call["to"] = p.to->hex();
  auto margin = st.cfg.gas_margin_percent;
  read(self, "eth_estimateGas", json::array({call}), [self, p, margin](const task_result& r) mutable {
    std::uint64_t gas = 0;
    try {
      if (r.ok())
        gas = static_cast<std::uint64_t>(
          eth::from_quantity(json::parse(r.result).get<std::string>()));
    } catch (const std::exception&) {
    }
    if (gas == 0) {
      p.reply.deliver(refused_for(r, "gas estimation failed: "
                                         + (r.ok() ? "unreadable answer " + r.result : r.message)));
      return;
    }
    p.gas = gas + gas * margin / 100;
    enqueue(self, std::move(p));
  });
  return rp;
}

caf::behavior behavior(actor* self, tx_manager_config cfg,
                       std::shared_ptr<storage::database> owned) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.owned_db = std::move(owned);
  st.db = st.owned_db ? st.owned_db.get() : st.cfg.db;
  st.journal = std::make_unique<storage::journal>(*st.db);
  st.nonces = std::make_unique<nonce_allocator>(*st.db);
  st.next_task_id = st.cfg.task_id_base;
  recover(self);
  self->send(self, tick_atom_v);
  return {
    [self](unlock_atom, const std::string& address,
           const std::string& secret_hex) -> caf::result<std::string> {
      std::optional<eth::private_key> key;
      try {
        key = eth::private_key::from_hex(secret_hex);
      } catch (const std::exception&) {
        return caf::make_error(caf::sec::invalid_argument, "not a valid secp256k1 secret");
      }
      eth::address claimed;
      try {
        claimed = eth::address::parse(address);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::invalid_argument,
                               "'" + address + "' is not an address: " + e.what());
      }
      if (key->address() != claimed)
        return caf::make_error(caf::sec::invalid_argument,
                               "the key does not belong to " + claimed.checksummed());
      self->state.keys.insert_or_assign(claimed, *key);
      log(self, "info", "signing key registered for " + claimed.checksummed());
      return claimed.checksummed();
    },
    // Keystores live encrypted in the database; a key is decrypted into
    // memory only when its owner opens it with the password.
    [self](import_atom, const std::string& keystore_json) -> caf::result<std::string> {
      try {
        storage::keystore_store store(*self->state.db);
        auto account = store.put(keystore_json);
        log(self, "info", "keystore stored for " + account.checksummed());
        return account.checksummed();
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::invalid_argument, std::string("keystore refused: ") + e.what());
      }
    },
    [self](open_atom, const std::string& address,
           const std::string& password) -> caf::result<std::string> {
      eth::address account;
      try {
        account = eth::address::parse(address);
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::invalid_argument,
                               "'" + address + "' is not an address: " + e.what());
      }
      try {
        storage::keystore_store store(*self->state.db);
        if (!store.contains(account))
          return caf::make_error(caf::sec::invalid_argument,
                                 "no keystore stored for " + account.checksummed());
        self->state.keys.insert_or_assign(account, store.load(account, password));
      } catch (const std::exception& e) {
        // The keystore code never puts the password in its messages.
        return caf::make_error(caf::sec::invalid_argument,
                               "cannot open " + account.checksummed() + ": " + e.what());
      }
      log(self, "info", "keystore opened for " + account.checksummed());
      return account.checksummed();
    },
    [self](submit_atom, write_request& req) { return submit(self, req); },
    [self](status_atom) {
      return self->state.counts.summary(self->state.cfg.confirmations).dump();
    },
    [self](status_atom, std::uint64_t id) { return status_of(self, id); },
    [self](owner_atom, std::uint64_t id, const std::string& user) {
      try {
        return self->state.journal->set_owner(id, user);
      } catch (const std::exception& e) {
        log(self, "error", "task " + std::to_string(id) + ": its owner was not recorded: " + e.what());
        return false;
      }
    },
    [self](wait_atom, std::uint64_t id) -> caf::result<write_status> {
      auto now = status_of(self, id);
      auto rec = self->state.journal->get(id);
      if (!rec || settled(rec->state))
        return now;
      auto rp = self->make_response_promise<write_status>();
      self->state.waiters.emplace(id, rp);
      return rp;
    },
    [self](drain_atom) { drain(self); },
    [self](tick_atom) { poll(self); },
  };
}

} // namespace

bool settled(storage::task_state s) {
  using storage::task_state;
  return s == task_state::mined || s == task_state::confirmed || s == task_state::failed;
}

void wake_waiters(actor* self, std::uint64_t id) {
  auto range = self->state.waiters.equal_range(id);
  if (range.first == range.second)
    return;
  auto now = status_of(self, id);
  for (auto it = range.first; it != range.second; ++it)
    it->second.deliver(now);
  self->state.waiters.erase(range.first, range.second);
}

void log(actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

void read(actor* self, const std::string& method, const json& params, reply_fn done,
          std::uint64_t min_block) {
  auto& st = self->state;
  task t;
  t.id = st.next_task_id++;
  t.kind = task_kind::read;
  t.method = method;
  t.params = params.dump();
  t.min_block = min_block;
  self->request(st.cfg.dispatcher, st.cfg.rpc_timeout, submit_atom_v, std::move(t))
    .then([done](task_result& r) { done(r); },
          [done](caf::error& e) {
            task_result r;
            r.error = task_error::unreachable;
            r.message = "dispatcher: " + to_string(e);
            done(r);
          });
}

std::optional<storage::task_record> move(actor* self, std::uint64_t id, storage::task_state to,
                                         const storage::state_change& change) {
  // Callers update the tracked copy after the move: it holds the state left.
  auto tr = self->state.tracked.find(id);
  std::optional<storage::task_state> from;
  if (tr != self->state.tracked.end())
    from = tr->second.state;
  try {
    auto rec = self->state.journal->update_state(id, to, change);
    self->state.counts.moved(from, to);
    if (settled(to))
      wake_waiters(self, id);
    return rec;
  } catch (const std::exception& e) {
    log(self, "error", "task " + std::to_string(id) + ": " + e.what());
    return std::nullopt;
  }
}

write_status status_of(actor* self, std::uint64_t id) {
  write_status s;
  s.task_id = id;
  auto rec = self->state.journal->get(id);
  if (!rec) {
    s.state = "unknown";
    s.error = "no task " + std::to_string(id);
    return s;
  }
  s.state = to_string(rec->state);
  s.tx_hash = eth::to_hex(rec->mined_tx ? *rec->mined_tx : rec->current_hash());
  s.nonce = rec->nonce;
  s.block = rec->block_number.value_or(0);
  s.error = rec->failure_reason;
  s.owner = self->state.journal->owner(id).value_or("");
  auto it = self->state.tracked.find(id);
  if (it != self->state.tracked.end() && it->second.mined_hash)
    s.tx_hash = eth::to_hex(*it->second.mined_hash);
  return s;
}

} // namespace txm

caf::actor spawn_tx_manager(caf::actor_system& sys, tx_manager_config cfg) {
  if (!cfg.db && cfg.db_path.empty())
    throw std::invalid_argument("tx_manager: neither a database nor a database path given");
  if (!cfg.dispatcher)
    throw std::invalid_argument("tx_manager: no dispatcher given");
  std::shared_ptr<storage::database> owned;
  if (!cfg.db)
    owned = std::make_shared<storage::database>(cfg.db_path);   // throws here, not in the actor
  return sys.spawn(txm::behavior, std::move(cfg), std::move(owned));
}

} // namespace petrade

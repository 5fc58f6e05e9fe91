#include "storage/journal.hpp"

#include "protocol/eth/keccak.hpp"
#include "storage/codec.hpp"
#include "storage/database.hpp"
#include "storage/nonce_index.hpp"

#include <chrono>
#include <stdexcept>

namespace petrade::storage {

namespace {

constexpr std::uint8_t format_version = 1;
enum flag : std::uint8_t { has_key = 1, has_block = 2, has_replacement = 4, has_mined_tx = 8 };

std::string task_key(std::uint64_t id) { return "T" + codec::be64(id); }
std::string open_key(std::uint64_t id) { return "O" + codec::be64(id); }
std::string hash_key(const eth::hash256& h) { return "H" + std::string(codec::chars(h)); }
std::string owner_key(std::uint64_t id) { return "W" + codec::be64(id); }

std::int64_t system_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace

const char* to_string(task_state s) {
  switch (s) {
    case task_state::accepted: return "accepted";
    case task_state::sent: return "sent";
    case task_state::mined: return "mined";
    case task_state::confirmed: return "confirmed";
    case task_state::failed: return "failed";
    case task_state::replaced: return "replaced";
  }
  return "?";
}

bool is_final(task_state s) { return s == task_state::confirmed || s == task_state::failed; }

bool can_move(task_state from, task_state to) {
  using enum task_state;
  if (to == failed)
    return !is_final(from);
  switch (from) {
    case accepted: return to == sent || to == mined;
    case sent: return to == sent || to == mined || to == replaced;
    case replaced: return to == sent || to == mined || to == replaced;
    case mined: return to == confirmed || to == sent || to == mined;
    // Its block was lost after all: every node that held it died (nodes
    // that keep their chain in memory), deeper than confirmations guard.
    case confirmed: return to == sent;
    // Its verdict came from a block every node lost (a revert, or a nonce
    // another transaction spent there); update_state checks that it still
    // holds its nonce, so a write whose nonce went to another never returns.
    case failed: return to == sent;
  }
  return false;
}

std::string encode(const task_record& r) {
  codec::writer w;
  w.integer(format_version);
  w.integer(r.id);
  w.integer(static_cast<std::uint8_t>(r.kind));
  w.integer(static_cast<std::uint8_t>(r.state));
  w.integer(r.attempts);
  w.integer(r.created_ms);
  w.integer(r.updated_ms);
  w.raw(r.sender.view());
  w.integer(r.nonce);
  w.raw(r.tx_hash);
  bool block = r.block_number && r.block_hash;
  std::uint8_t flags = (r.idempotency_key ? has_key : 0) | (block ? has_block : 0)
                       | (r.replaced_by ? has_replacement : 0) | (block && r.mined_tx ? has_mined_tx : 0);
  w.integer(flags);
  if (r.idempotency_key)
    w.blob(*r.idempotency_key);
  w.blob(r.raw_tx);
  if (block) {
    w.integer(*r.block_number);
    w.raw(*r.block_hash);
    if (r.mined_tx)
      w.raw(*r.mined_tx);
  }
  w.blob(r.failure_reason);
  if (r.replaced_by) {
    w.raw(*r.replaced_by);
    w.blob(r.replacement_raw);
  }
  return w.take();
}

task_record decode_task(std::string_view bytes) {
  codec::reader in(bytes, "journal record");
  auto version = in.integer<std::uint8_t>();
  if (version != format_version)
    throw storage_error("storage: journal record has format version " + std::to_string(version)
                        + ", this build reads version " + std::to_string(format_version));
  task_record r;
  r.id = in.integer<std::uint64_t>();
  auto kind = in.integer<std::uint8_t>();
  auto state = in.integer<std::uint8_t>();
  if (kind >= task_kind_count || state > static_cast<std::uint8_t>(task_state::replaced))
    throw storage_error("storage: journal record " + std::to_string(r.id)
                        + " has an unknown kind or state");
  r.kind = static_cast<task_kind>(kind);
  r.state = static_cast<task_state>(state);
  r.attempts = in.integer<std::uint32_t>();
  r.created_ms = in.integer<std::int64_t>();
  r.updated_ms = in.integer<std::int64_t>();
  r.sender.value = in.fixed<20>();
  r.nonce = in.integer<std::uint64_t>();
  r.tx_hash = in.fixed<32>();
  auto flags = in.integer<std::uint8_t>();
  auto to_bytes = [](std::string_view s) { return eth::bytes(s.begin(), s.end()); };
  if (flags & has_key)
    r.idempotency_key = std::string(in.blob());
  r.raw_tx = to_bytes(in.blob());
  if (flags & has_block) {
    r.block_number = in.integer<std::uint64_t>();
    r.block_hash = in.fixed<32>();
    if (flags & has_mined_tx)
      r.mined_tx = in.fixed<32>();
  }
  r.failure_reason = std::string(in.blob());
  if (flags & has_replacement) {
    r.replaced_by = in.fixed<32>();
    r.replacement_raw = to_bytes(in.blob());
  }
  in.finish();
  return r;
}

journal::journal(database& db, clock now_ms)
  : db_(db), now_ms_(now_ms ? std::move(now_ms) : clock(system_now_ms)) {
  if (auto last = db_.last_with_prefix(column::journal, "T"))
    next_id_ = codec::get_be64(last->first, 1) + 1;
}

std::mutex& journal::stripe(std::string_view key) {
  return stripes_[std::hash<std::string_view>{}(key) % stripes_.size()];
}

accept_result journal::accept(const task_draft& draft) {
  // Lock the key's and the nonce's stripes (once if they coincide, in a
  // deadlock-free order otherwise) so a check and its write cannot interleave.
  auto nonce_key = nonce_index::key(draft.sender, draft.nonce);
  std::unique_lock<std::mutex> key_lock, nonce_lock;
  auto& nm = stripe(nonce_key);
  if (draft.idempotency_key) {
    auto& km = stripe(*draft.idempotency_key);
    if (&km == &nm) {
      key_lock = std::unique_lock(km);
    } else {
      key_lock = std::unique_lock(km, std::defer_lock);
      nonce_lock = std::unique_lock(nm, std::defer_lock);
      std::lock(key_lock, nonce_lock);
    }
    if (auto existing = find_by_idempotency(*draft.idempotency_key))
      return {*existing, false};
  } else {
    nonce_lock = std::unique_lock(nm);
  }
  if (auto holder = nonce_index(db_).owner(draft.sender, draft.nonce))
    throw std::logic_error("journal: nonce " + std::to_string(draft.nonce) + " of "
                           + draft.sender.hex() + " is already held by task "
                           + std::to_string(*holder));

  task_record r;
  r.id = next_id_++;
  r.idempotency_key = draft.idempotency_key;
  r.kind = draft.kind;
  r.sender = draft.sender;
  r.nonce = draft.nonce;
  r.raw_tx = draft.raw_tx;
  r.tx_hash = eth::keccak256(draft.raw_tx);
  r.created_ms = r.updated_ms = now_ms_();

  auto id = codec::be64(r.id);
  batch b;
  b.put(column::journal, task_key(r.id), encode(r));
  b.put(column::journal, open_key(r.id), {});
  b.put(column::journal, hash_key(r.tx_hash), id);
  if (r.idempotency_key)
    b.put(column::idempotency, *r.idempotency_key, id);
  b.put(column::nonces, nonce_key, id);
  db_.write(b, durability::sync);
  return {r.id, true};
}

task_record journal::update_state(std::uint64_t id, task_state to, const state_change& change) {
  auto key = task_key(id);
  std::lock_guard lock(stripe(key));
  auto r = get(id);
  if (!r)
    throw std::out_of_range("journal: no task " + std::to_string(id));
  if (!can_move(r->state, to))
    throw std::logic_error("journal: task " + std::to_string(id) + " cannot move from "
                           + to_string(r->state) + " to " + to_string(to));
  auto r_was = r->state;
  if (r_was == task_state::failed && nonce_index(db_).owner(r->sender, r->nonce) != id)
    throw std::logic_error("journal: task " + std::to_string(id) + " gave its nonce back when it failed;"
                           " it cannot be sent again");
  batch b;
  switch (to) {
    case task_state::sent:
      ++r->attempts;
      r->failure_reason.clear();
      r->block_number.reset();   // a reorg took it out of its block
      r->block_hash.reset();
      r->mined_tx.reset();
      break;
    case task_state::mined:
      if (!change.block_number || !change.block_hash)
        throw std::logic_error("journal: task " + std::to_string(id)
                               + " mined without a block number and hash");
      r->block_number = change.block_number;
      r->block_hash = change.block_hash;
      r->mined_tx = change.mined_tx;
      break;
    case task_state::replaced: {
      if (change.replacement_raw.empty())
        throw std::logic_error("journal: task " + std::to_string(id)
                               + " replaced without a replacement transaction");
      r->replacement_raw = change.replacement_raw;
      r->replaced_by = eth::keccak256(change.replacement_raw);
      b.put(column::journal, hash_key(*r->replaced_by), codec::be64(id));
      break;
    }
    case task_state::failed: {
      r->failure_reason = change.failure_reason;
      nonce_index nonces(db_);
      if (change.release_nonce && nonces.owner(r->sender, r->nonce) == id)
        b.erase(column::nonces, nonce_index::key(r->sender, r->nonce));
      break;
    }
    case task_state::accepted:
    case task_state::confirmed: break;
  }
  r->state = to;
  r->updated_ms = now_ms_();
  b.put(column::journal, key, encode(*r));
  if (is_final(to))
    b.erase(column::journal, open_key(id));
  else if (is_final(r_was))
    b.put(column::journal, open_key(id), {});
  db_.write(b, durability::sync);
  return *r;
}

std::optional<task_record> journal::get(std::uint64_t id) const {
  auto v = db_.get(column::journal, task_key(id));
  if (!v)
    return std::nullopt;
  return decode_task(*v);
}

bool journal::set_owner(std::uint64_t id, std::string_view user) {
  if (!db_.contains(column::journal, task_key(id)))
    return false;
  db_.put(column::journal, owner_key(id), user, durability::buffered);
  return true;
}

std::optional<std::string> journal::owner(std::uint64_t id) const {
  return db_.get(column::journal, owner_key(id));
}

std::optional<std::uint64_t> journal::find_by_idempotency(std::string_view key) const {
  auto v = db_.get(column::idempotency, key);
  if (!v)
    return std::nullopt;
  return codec::get_be64(*v);
}

std::optional<std::uint64_t> journal::find_by_hash(const eth::hash256& hash) const {
  auto v = db_.get(column::journal, hash_key(hash));
  if (!v)
    return std::nullopt;
  return codec::get_be64(*v);
}

std::vector<task_record> journal::open_tasks() const {
  std::vector<std::uint64_t> ids;
  db_.for_each(column::journal, "O", [&](std::string_view k, std::string_view) {
    ids.push_back(codec::get_be64(k, 1));
    return true;
  });
  std::vector<task_record> out;
  out.reserve(ids.size());
  for (auto id : ids)
    if (auto r = get(id))
      out.push_back(std::move(*r));
  return out;
}

} // namespace petrade::storage

#include "actors/indexer_actor.hpp"

#include "actors/business_kit.hpp"
#include "protocol/eth/abi_event.hpp"
#include "protocol/eth/contract_artifact.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/messages.hpp"
#include "storage/read_model.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

namespace petrade {

namespace {

using json = nlohmann::json;

struct source { eth::address at; eth::abi::contract_abi abi; };

/// One block of a step: its header, then its logs.
struct fetched {
  std::uint64_t number = 0;
  json header;   // null: the node has no such block (yet)
  json logs;     // null until read
};

/// What one step reads; shared by the callbacks of its parallel reads.
struct step_reads {
  json head;                             // eth_blockNumber
  std::uint64_t target = 0;              // the last block this step may reach
  std::optional<std::uint64_t> tip;      // the indexed block, re-read to spot reorgs
  json tip_header;
  std::vector<fetched> blocks;
  std::size_t pending = 0;
  std::string error;                     // the first failed read of a stage
  business_error error_kind = business_error::none;
};

struct indexer_state {
  indexer_config cfg;
  std::unique_ptr<storage::read_model> rm;
  std::vector<source> sources;
  std::uint64_t head = 0;
  std::uint64_t reorgs = 0;
  std::uint64_t events = 0;
  bool busy = false;
  bool by_hash = true;                   // the nodes accept eth_getLogs {blockHash}
  std::optional<std::uint64_t> undone_top;   // highest block undone by the current reorg
  /// Since when the chain's head has stayed below the indexed block, which
  /// no node has: blocks lost with a crashed sealer, unless the chain comes back.
  std::optional<caf::actor_clock::time_point> tip_missing_since;
  std::string last_problem;              // logged once until it changes
  std::multimap<std::uint64_t, caf::typed_response_promise<std::uint64_t>> waiters;
  static inline const char* name = "indexer";
};

using actor = caf::stateful_actor<indexer_state>;

void log(actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

/// Repeated failures (a node down, every poll) are logged when they start
/// and when they end, not 4 times a second. An empty text: all is well.
void problem(actor* self, const std::string& text = {}) {
  auto& st = self->state;
  if (text == st.last_problem)
    return;
  log(self, text.empty() ? "info" : "warn",
      text.empty() ? "indexing again after: " + st.last_problem : text);
  st.last_problem = text;
}

json status_json(const indexer_state& st) {
  return {{"indexed_block", st.rm->indexed_block()}, {"head", st.head},
          {"reorgs", st.reorgs}, {"events", st.events}};
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::uint64_t quantity(const json& v) {
  return static_cast<std::uint64_t>(eth::from_quantity(v.get<std::string>()));
}

// The indexed events carry addresses, integers, words and flags only.
json to_json(const eth::abi::value& v) {
  if (v.is_address())
    return v.as_address().hex();
  if (v.is_uint() || v.is_int())
    return v.is_uint() ? eth::to_decimal(v.as_uint()) : v.as_int().str();
  if (v.is_bytes())
    return eth::to_hex(v.as_bytes());
  return v.is_bool() ? json(v.as_bool()) : json(v.debug_string());
}

/// The event a log carries, or nothing (with a warning) for a log that no
/// indexed contract's ABI explains.
std::optional<storage::chain_event> decode(actor* self, const json& entry) {
  auto emitter = eth::address::parse(entry.at("address").get<std::string>());
  auto src = std::find_if(self->state.sources.begin(), self->state.sources.end(),
                          [&](const source& s) { return s.at == emitter; });
  std::vector<eth::hash256> topics;
  for (auto& t : entry.at("topics"))
    topics.push_back(eth::from_hex_fixed<32>(t.get<std::string>()));
  const eth::abi::event_desc* ev = nullptr;
  if (src != self->state.sources.end() && !topics.empty())
    ev = src->abi.find_event(topics[0]);
  if (!ev) {
    log(self, "warn", "skipped a log of " + emitter.hex() + " that no ABI explains");
    return std::nullopt;
  }
  storage::chain_event out;
  out.name = ev->name;
  out.log_index = quantity(entry.at("logIndex"));
  auto data = eth::from_hex(entry.at("data").get<std::string>());
  for (auto& f : eth::abi::decode_log(*ev, topics, data))
    out.args[f.name] = to_json(f.value);
  return out;
}

/// The block as the read model takes it: its logs decoded and grouped by
/// transaction, in log order.
storage::chain_block block_of(actor* self, const fetched& f) {
  storage::chain_block b;
  b.number = f.number;
  b.hash = lower(f.header.at("hash").get<std::string>());
  b.parent_hash = lower(f.header.at("parentHash").get<std::string>());
  b.timestamp = quantity(f.header.at("timestamp"));
  std::map<std::uint64_t, const json*> logs;   // by log index: the order they happened in
  for (auto& l : f.logs)
    if (!l.value("removed", false))   // the parent-hash check handles reorgs
      logs.emplace(quantity(l.at("logIndex")), &l);
  std::map<std::string, std::size_t> tx_at;
  for (auto [index, l] : logs) {
    auto ev = decode(self, *l);
    if (!ev)
      continue;
    auto hash = lower(l->at("transactionHash").get<std::string>());
    auto [it, fresh] = tx_at.emplace(hash, b.txs.size());
    if (fresh)
      b.txs.push_back({hash, {}});
    b.txs[it->second].events.push_back(std::move(*ev));
  }
  return b;
}

void finish(actor* self, bool more) {
  self->state.busy = false;
  if (more)
    self->send(self, tick_atom_v);
  else
    self->delayed_send(self, self->state.cfg.poll_interval, tick_atom_v);
}

using stage = void (*)(actor*, const std::shared_ptr<step_reads>&);

/// A malformed answer must not kill the actor: the step ends, to be retried.
void guarded(actor* self, const std::shared_ptr<step_reads>& s, stage next) {
  try {
    next(self, s);
  } catch (const std::exception& e) {
    problem(self, std::string("unreadable chain answer: ") + e.what());
    finish(self, false);
  }
}

/// Runs the reads in parallel, each answer into its slot; `next` runs once
/// all have answered, with the first failure in s->error.
void fan_out(actor* self, const std::shared_ptr<step_reads>& s,
             std::vector<std::tuple<std::string, json, json*>> reads, stage next) {
  s->pending = reads.size();
  s->error.clear();
  for (auto& [method, params, into] : reads) {
    chain::read(
      self, self->state.cfg.chain, method, std::move(params),
      [self, s, next, into = into](const json& answer) {
        *into = answer;
        if (--s->pending == 0)
          guarded(self, s, next);
      },
      [self, s, next](const chain::failure& why) {
        if (s->error.empty()) {
          s->error = why.message;
          s->error_kind = why.error;
        }
        if (--s->pending == 0)
          guarded(self, s, next);
      });
  }
}

void wake_waiters(actor* self) {
  auto& st = self->state;
  auto indexed = st.rm->indexed_block();
  auto end = st.waiters.upper_bound(indexed);
  for (auto it = st.waiters.begin(); it != end; ++it)
    it->second.deliver(indexed);
  st.waiters.erase(st.waiters.begin(), end);
}

/// Undoes the indexed block, which the chain no longer has; false when its
/// undo record is gone.
bool undo(actor* self, const std::string& why) {
  auto& st = self->state;
  auto n = st.rm->indexed_block();
  if (!st.rm->undo_last()) {
    problem(self, "reorg past block " + std::to_string(n)
                    + " is deeper than the undo window; the read models need a re-index");
    return false;
  }
  if (!st.undone_top) {
    st.undone_top = n;
    ++st.reorgs;
  }
  log(self, "warn", "reorg: undid block " + std::to_string(n) + " (" + why + ")");
  return true;
}

/// Logs are in: apply the blocks in order, up to the first one missing.
void apply_blocks(actor* self, const std::shared_ptr<step_reads>& s) {
  auto& st = self->state;
  std::size_t applied = 0;
  for (auto& f : s->blocks) {
    // A by-number query may have met a newer block of the same number.
    auto hash = lower(f.header.at("hash").get<std::string>());
    if (!f.logs.is_array() || std::any_of(f.logs.begin(), f.logs.end(), [&](const json& l) {
          return lower(l.value("blockHash", hash)) != hash;
        }))
      break;
    try {
      auto b = block_of(self, f);
      st.rm->apply(b);
      for (auto& tx : b.txs)
        st.events += tx.events.size();
      ++applied;
    } catch (const std::exception& e) {
      problem(self, "block " + std::to_string(f.number) + " not applied: " + e.what());
      break;
    }
    if (st.undone_top)
      log(self, "warn", "reorg resolved: blocks " + std::to_string(f.number) + ".."
                          + std::to_string(*st.undone_top) + " replaced, now from " + hash);
    st.undone_top.reset();
  }
  wake_waiters(self);
  if (!s->error.empty() && st.by_hash && s->error_kind == business_error::chain
      && s->error.find("unknown block") == std::string::npos) {
    st.by_hash = false;
    log(self, "warn", "eth_getLogs by blockHash refused (" + s->error
                        + "); asking by block number from now on");
  }
  bool complete = applied == s->blocks.size();
  problem(self, s->error.empty() && !complete ? st.last_problem : s->error);
  finish(self, complete && st.rm->indexed_block() < s->target);
}

/// Headers are in: look for a reorg, keep the blocks that chain onto the
/// indexed one, then read their logs.
void check_headers(actor* self, const std::shared_ptr<step_reads>& s) {
  auto& st = self->state;
  if (!s->error.empty()) {
    problem(self, s->error);
    return finish(self, false);
  }
  if (s->tip && s->tip_header.is_object()) {
    st.tip_missing_since.reset();
    auto stored = st.rm->block_hash(*s->tip);
    auto now = lower(s->tip_header.at("hash").get<std::string>());
    if (stored && *stored != now)
      return finish(self, undo(self, "indexed " + *stored + ", the chain has " + now));
  } else if (s->tip && st.head < *s->tip) {
    // A lagging node answers like this too, so only a gap that lasts counts.
    auto now = self->clock().now();
    if (!st.tip_missing_since)
      st.tip_missing_since = now;
    if (now - *st.tip_missing_since >= st.cfg.gone_after) {   // then down to the head, a block a step
      return finish(self, undo(self, "the chain's head is " + std::to_string(st.head)
                                       + " and no node has had the block for "
                                       + std::to_string(st.cfg.gone_after.count() / 1000) + " s"));
    }
  } else {
    st.tip_missing_since.reset();
  }
  auto prev = st.rm->block_hash(st.rm->indexed_block());
  std::size_t keep = 0;
  for (auto& f : s->blocks) {
    if (!f.header.is_object())
      break;   // not on the node yet
    auto parent = lower(f.header.at("parentHash").get<std::string>());
    if (prev && parent != *prev) {
      if (keep == 0)
        return finish(self, undo(self, "block " + std::to_string(f.number) + " has parent "
                                         + parent + ", the indexed block is " + *prev));
      break;   // the chain moved between two reads; the next step sorts it out
    }
    prev = lower(f.header.at("hash").get<std::string>());
    ++keep;
  }
  s->blocks.resize(keep);
  if (s->blocks.empty()) {
    problem(self);
    return finish(self, false);
  }
  json addresses = json::array();
  for (auto& src : st.sources)
    addresses.push_back(src.at.hex());
  std::vector<std::tuple<std::string, json, json*>> reads;
  for (auto& f : s->blocks) {
    json filter{{"address", addresses}};
    if (st.by_hash)
      filter["blockHash"] = f.header.at("hash");
    else
      filter["fromBlock"] = filter["toBlock"] = eth::to_quantity(f.number);
    reads.emplace_back("eth_getLogs", json::array({filter}), &f.logs);
  }
  fan_out(self, s, std::move(reads), apply_blocks);
}

/// The head is in: read the indexed block's header again (a changed hash is
/// a reorg) and the headers of the blocks up to the confirmed head.
void read_headers(actor* self, const std::shared_ptr<step_reads>& s) {
  auto& st = self->state;
  if (!s->error.empty()) {
    problem(self, s->error);
    return finish(self, false);
  }
  st.head = quantity(s->head);
  auto indexed = st.rm->indexed_block();
  auto start = std::max<std::uint64_t>(st.cfg.from_block, 1);
  // Once something is indexed the read model only takes the next block.
  auto base = indexed ? indexed : start - 1;
  s->target = st.head > st.cfg.lag ? st.head - st.cfg.lag : 0;
  auto last = std::min<std::uint64_t>(s->target, base + st.cfg.blocks_per_step);
  std::vector<std::tuple<std::string, json, json*>> reads;
  if (indexed >= start && st.rm->block_hash(indexed)) {
    s->tip = indexed;
    reads.emplace_back("eth_getBlockByNumber", json::array({eth::to_quantity(indexed), false}),
                       &s->tip_header);
  }
  s->blocks.resize(last > base ? last - base : 0);
  for (std::size_t i = 0; i < s->blocks.size(); ++i) {
    auto& f = s->blocks[i];
    f.number = base + 1 + i;
    reads.emplace_back("eth_getBlockByNumber", json::array({eth::to_quantity(f.number), false}),
                       &f.header);
  }
  if (reads.empty()) {
    problem(self);
    return finish(self, false);
  }
  fan_out(self, s, std::move(reads), check_headers);
}

void step(actor* self) {
  if (self->state.busy)
    return;
  self->state.busy = true;
  auto s = std::make_shared<step_reads>();
  fan_out(self, s, {{"eth_blockNumber", json::array(), &s->head}}, read_headers);
}

caf::behavior behavior(actor* self, indexer_config cfg, std::vector<source> sources) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.sources = std::move(sources);
  st.rm = std::make_unique<storage::read_model>(*st.cfg.db);
  self->send(self, tick_atom_v);
  return {
    [self](tick_atom) { step(self); },
    [self](wait_atom, std::uint64_t block) -> caf::result<std::uint64_t> {
      auto indexed = self->state.rm->indexed_block();
      if (indexed >= block)
        return indexed;
      auto rp = self->make_response_promise<std::uint64_t>();
      self->state.waiters.emplace(block, rp);
      return rp;
    },
    [self](status_atom) { return status_json(self->state).dump(); },
    [self](call_atom, const business_call& c) {
      if (c.op == "indexer.status")
        return ok_reply(status_json(self->state));
      return fail_reply(business_error::not_found, "the indexer has no operation " + c.op);
    },
  };
}

} // namespace

caf::actor spawn_indexer(caf::actor_system& sys, indexer_config cfg) {
  if (!cfg.db)
    throw std::invalid_argument("indexer: no database given");
  if (!cfg.chain.dispatcher)
    throw std::invalid_argument("indexer: no dispatcher given");
  cfg.blocks_per_step = std::max<std::uint32_t>(cfg.blocks_per_step, 1);
  std::vector<source> sources;
  for (auto [name, at] : {std::pair{"PetToken", cfg.token}, std::pair{"ProjectMarket", cfg.market},
                          std::pair{"DemandBoard", cfg.board}})
    sources.push_back({at, eth::load_contract_artifact(name).abi});
  return sys.spawn(behavior, std::move(cfg), std::move(sources));
}

} // namespace petrade

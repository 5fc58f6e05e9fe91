#include "actors/demand_actor.hpp"

#include "actors/business_calls.hpp"
#include "actors/business_ops.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/messages.hpp"
#include "storage/read_model.hpp"

#include <caf/all.hpp>

#include <map>

namespace petrade {

namespace {

using json = nlohmann::json;
using promise = caf::response_promise;

struct demand_state {
  demand_config cfg;
  const market_abis* abis = nullptr;
  std::unique_ptr<storage::read_model> reads;
  /// Refunds under way (demand id -> attempt), and attempts used so far.
  std::map<std::uint64_t, std::uint32_t> refunding;
  std::map<std::uint64_t, std::uint32_t> attempts;
  std::uint64_t refunds_sent = 0;
  /// Chain time minus wall time, as far as seen (a devnet may start its
  /// chain at a fixed genesis time); expiries are chain time.
  std::optional<std::int64_t> chain_offset;
  static inline const char* name = "demand";
};

using demand_actor = caf::stateful_actor<demand_state>;

void log(demand_actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Now on the chain's clock: block timestamps trail the wall clock by at
/// most the time since the last block, so the largest offset seen is best.
std::int64_t chain_now(demand_actor* self) {
  return unix_now() + self->state.chain_offset.value_or(0);
}

void observe_chain_clock(demand_actor* self) {
  chain::read(
    self, self->state.cfg.chain, "eth_getBlockByNumber", json::array({"latest", false}),
    [self](const json& block) {
      try {
        auto ts = static_cast<std::int64_t>(std::stoull(block.at("timestamp").get<std::string>(), nullptr, 16));
        auto offset = ts - unix_now();
        auto& known = self->state.chain_offset;
        if (!known || offset > *known)
          known = offset;
      } catch (const std::exception& e) {
        log(self, "warn", std::string("unreadable latest block: ") + e.what());
      }
    },
    [self](const chain::failure& f) { log(self, "warn", "cannot read the chain's clock: " + f.message); });
}

void board_write(demand_actor* self, const eth::address& from, eth::bytes data, std::string key,
                 promise rp) {
  chain::write_and_reply(self, self->state.cfg.chain,
                         chain::contract_call(from, self->state.cfg.contracts.board, data, std::move(key)),
                         std::move(rp));
}

/// The demand joined with its texts and (optionally) its answers.
json present(demand_actor* self, const json& rec, bool with_answers) {
  json out = rec;
  if (auto d = self->state.reads->details(rec.value("content_hash", std::string())))
    for (auto k : {"description", "details", "keywords", "owner_name"})
      if (d->contains(k))
        out[k] = (*d)[k];
  if (with_answers) {
    json answers = json::array();
    for (auto& a : self->state.reads->answers(rec.at("id").get<std::uint64_t>())) {
      json one = a;
      if (auto d = self->state.reads->details(a.value("content_hash", std::string())))
        for (auto k : {"text", "answerer_name"})
          if (d->contains(k))
            one[k] = (*d)[k];
      answers.push_back(one);
    }
    out["answer_list"] = answers;
  }
  return out;
}

std::optional<std::uint64_t> parse_id(const json& body, const char* field, promise rp,
                                      std::uint64_t min = 1) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() < min) {
    deliver(rp, fail_reply(business_error::invalid, std::string("'") + field + "' must be a whole number" +
                                                     (min ? " from 1" : "") + ", not " +
                                                     (it == body.end() ? std::string("missing") : it->dump())));
    return std::nullopt;
  }
  return it->get<std::uint64_t>();
}

void publish(demand_actor* self, const business_call& c, const json& body, promise rp) {
  business_reply err;
  auto description = parse_text(body, "description", err, 5, 100);
  auto details = description ? parse_text(body, "details", err, 5, 100) : std::nullopt;
  auto keywords = details ? parse_keywords(body, "keywords", err) : std::nullopt;
  auto bounty = keywords ? parse_amount(body, "bounty", err) : std::nullopt;
  if (!bounty)
    return deliver(rp, err);
  if (!self->state.chain_offset)
    return deliver(rp, fail_reply(business_error::busy, "the chain's clock is not known yet; try again in a second"));
  auto now = chain_now(self);
  std::int64_t expiry = 0;
  if (body.contains("expires_in") && body["expires_in"].is_number_integer())
    expiry = now + body["expires_in"].get<std::int64_t>();
  else if (body.contains("expiry") && body["expiry"].is_number_integer())
    expiry = body["expiry"].get<std::int64_t>();
  else
    return deliver(rp, fail_reply(business_error::invalid, "'expiry' (unix seconds) or 'expires_in' (seconds) is required"));
  auto& cfg = self->state.cfg;
  if (expiry < now + cfg.min_expiry.count())
    return deliver(rp, fail_reply(business_error::invalid,
                                  "the expiry must be at least " + std::to_string(cfg.min_expiry.count()) +
                                    " s in the future, not " + std::to_string(expiry) + " (now is " +
                                    std::to_string(now) + ")"));
  if (expiry > now + cfg.max_expiry.count())
    return deliver(rp, fail_reply(business_error::invalid, "the expiry " + std::to_string(expiry) +
                                                            " is too far ahead (at most " +
                                                            std::to_string(cfg.max_expiry.count()) + " s)"));
  business::signer(
    self, cfg.accounts, c.user,
    [=](const eth::address& owner) {
      auto& bal = self->state.abis->token.function("balanceOf");
      chain::view(
        self, self->state.cfg.chain, self->state.cfg.contracts.token, bal.encode_call({owner}),
        [=](const eth::bytes& out) {
          auto have = self->state.abis->token.function("balanceOf").decode_output(out).at(0).as_uint();
          if (have < *bounty)
            return deliver(rp, fail_reply(business_error::insufficient_funds,
                                          "the bounty " + eth::to_decimal(*bounty) +
                                            " is more than your balance " + eth::to_decimal(have)));
          json doc{{"description", *description}, {"details", *details}, {"keywords", *keywords},
                   {"owner_name", c.user}, {"owner", owner.hex()}, {"nonce", unix_now()}};
          auto content = eth::keccak256(doc.dump());
          std::string joined;
          for (auto& k : *keywords)
            joined += k + "\n";
          self->state.reads->put_details(eth::to_hex(content), doc);
          auto data = self->state.abis->board.function("publish").encode_call(
            {*bounty, static_cast<std::uint64_t>(expiry), content, eth::keccak256(joined)});
          board_write(self, owner, data, user_key(c, body), rp);
        },
        [rp](const chain::failure& f) { deliver(rp, chain::reply_of(f)); });
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

void list(demand_actor* self, const business_call&, const json& body, promise rp) {
  auto state = body.value("state", std::string());
  auto owner = body.value("owner", std::string());
  listing page(body);
  for (auto& rec : self->state.reads->demands()) {
    auto d = present(self, rec, false);
    if (!state.empty() && d.value("state", "") != state)
      continue;
    if (!owner.empty() && d.value("owner_name", "") != owner)
      continue;
    if (page.matches(d, d.value("description", "") + " " + d.value("details", "")))
      page.offer(d);
  }
  deliver(rp, ok_reply(json{{"demands", page.items}, {"total", page.matched}, {"chain_time", chain_now(self)},
                            {"indexed_block", self->state.reads->indexed_block()}}));
}

/// An answer's text is what the owner pays the bounty for: only the owner,
/// an admin and the answerer themself read it; everyone else sees that an
/// answer exists and who gave it.
json for_caller(json d, const business_call& c) {
  if (is_admin(c) || (!c.user.empty() && d.value("owner_name", "") == c.user))
    return d;
  for (auto& a : d["answer_list"])
    if (c.user.empty() || a.value("answerer_name", "") != c.user) {
      a.erase("text");
      a["text_hidden"] = true;
    }
  return d;
}

void get(demand_actor* self, const business_call& c, const json& body, promise rp) {
  auto id = parse_id(body, "id", rp);
  if (!id)
    return;
  auto rec = self->state.reads->demand(*id);
  if (!rec)
    return deliver(rp, fail_reply(business_error::not_found, "no demand " + std::to_string(*id)));
  deliver(rp, ok_reply(for_caller(present(self, *rec, true), c)));
}

void answer(demand_actor* self, const business_call& c, const json& body, promise rp) {
  auto id = parse_id(body, "id", rp);
  if (!id)
    return;
  business_reply err;
  auto text = parse_text(body, "text", err, 5, 1000);
  if (!text)
    return deliver(rp, err);
  auto rec = self->state.reads->demand(*id);
  if (!rec)
    return deliver(rp, fail_reply(business_error::not_found, "no demand " + std::to_string(*id)));
  if (rec->value("state", "") != "open")
    return deliver(rp, fail_reply(business_error::conflict, "demand " + std::to_string(*id) + " is " + rec->value("state", "")));
  if (rec->value("expiry", std::int64_t{0}) <= chain_now(self))
    return deliver(rp, fail_reply(business_error::conflict, "demand " + std::to_string(*id) + " has expired"));
  business::signer(
    self, self->state.cfg.accounts, c.user,
    [=](const eth::address& me) {
      if (rec->value("owner", "") == me.hex())
        return deliver(rp, fail_reply(business_error::conflict, "you cannot answer your own demand"));
      for (auto& a : self->state.reads->answers(*id))
        if (a.value("answerer", "") == me.hex())
          return deliver(rp, fail_reply(business_error::conflict, "you already answered demand " + std::to_string(*id)));
      json doc{{"demand", *id}, {"text", *text}, {"answerer_name", c.user}, {"answerer", me.hex()}};
      auto content = eth::keccak256(doc.dump());
      self->state.reads->put_details(eth::to_hex(content), doc);
      board_write(self, me, self->state.abis->board.function("answer").encode_call({*id, content}),
                  user_key(c, body), rp);
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

void award(demand_actor* self, const business_call& c, const json& body, promise rp) {
  auto id = parse_id(body, "id", rp);
  if (!id)
    return;
  auto index = parse_id(body, "index", rp, 0);
  if (!index)
    return;
  auto rec = self->state.reads->demand(*id);
  if (!rec)
    return deliver(rp, fail_reply(business_error::not_found, "no demand " + std::to_string(*id)));
  business::signer(
    self, self->state.cfg.accounts, c.user,
    [=](const eth::address& me) {
      if (rec->value("owner", "") != me.hex())
        return deliver(rp, fail_reply(business_error::forbidden, "only the owner may award demand " + std::to_string(*id)));
      if (rec->value("state", "") != "open")
        return deliver(rp, fail_reply(business_error::conflict, "demand " + std::to_string(*id) + " is " + rec->value("state", "")));
      if (*index >= rec->value("answers", std::uint64_t{0}))
        return deliver(rp, fail_reply(business_error::not_found, "demand " + std::to_string(*id) + " has no answer " + std::to_string(*index)));
      board_write(self, me, self->state.abis->board.function("award").encode_call({*id, *index}),
                  user_key(c, body), rp);
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

void mine(demand_actor* self, const business_call& c, const json&, promise rp) {
  json published = json::array(), answered = json::array();
  for (auto& rec : self->state.reads->demands()) {
    auto d = present(self, rec, true);
    if (d.value("owner_name", "") == c.user)
      published.push_back(d);
    else
      for (auto& a : d["answer_list"])
        if (a.value("answerer_name", "") == c.user) {
          answered.push_back(for_caller(d, c));
          break;
        }
  }
  deliver(rp, ok_reply(json{{"published", published}, {"answered", answered}}));
}

void refunds(demand_actor* self, const business_call&, const json&, promise rp) {
  json under_way = json::object();
  for (auto& [id, attempt] : self->state.refunding)
    under_way[std::to_string(id)] = attempt;
  deliver(rp, ok_reply(json{{"sent", self->state.refunds_sent}, {"under_way", under_way},
                            {"chain_time", chain_now(self)}}));
}

/// Refunds every expired open demand once; a refund that fails is tried
/// again with a new attempt number (its idempotency key names one attempt).
void refund_expired(demand_actor* self) {
  auto& st = self->state;
  if (!st.chain_offset)
    return;
  auto cutoff = chain_now(self) - st.cfg.refund_margin.count();
  for (auto& rec : st.reads->demands()) {
    auto id = rec.at("id").get<std::uint64_t>();
    if (rec.value("state", "") != "open" || rec.value("expiry", std::int64_t{0}) > cutoff ||
        st.refunding.count(id))
      continue;
    auto attempt = st.attempts[id];
    st.refunding[id] = attempt;
    auto req = chain::contract_call(st.cfg.contracts.platform, st.cfg.contracts.board,
                                    st.abis->board.function("refund").encode_call({id}),
                                    "refund:" + st.cfg.contracts.board.hex() + ":" + std::to_string(id) +
                                      ":" + std::to_string(attempt));
    auto retry = [self, id](const std::string& why) {
      self->state.refunding.erase(id);
      ++self->state.attempts[id];
      log(self, "warn", "refund of demand " + std::to_string(id) + " failed, will retry: " + why);
    };
    chain::write(
      self, st.cfg.chain, req,
      [self, id, retry](const write_status& s) {
        ++self->state.refunds_sent;
        log(self, "info", "refunding expired demand " + std::to_string(id) + " (task " + std::to_string(s.task_id) + ")");
        chain::settle(
          self, self->state.cfg.chain, s.task_id,
          [self, id, retry](const write_status& done) {
            if (done.state == "failed")
              retry(done.error);
            else
              // The indexer marks it refunded; until then it stays "under way".
              self->delayed_send(self, std::chrono::seconds(30), tick_atom_v, id);
          },
          [retry](const chain::failure& f) { retry(f.message); }, std::chrono::minutes(5));
      },
      [self, id](const chain::failure& f) {
        // Refused before signing (e.g. the chain's clock is not there yet):
        // nothing was journalled, the same attempt goes again next round.
        self->state.refunding.erase(id);
        log(self, "info", "refund of demand " + std::to_string(id) + " not sent yet: " + f.message);
      });
  }
}

const business_op<demand_actor> ops[] = {
  {"demand.publish", caller::user, publish},   {"demand.list", caller::anyone, list},
  {"demand.get", caller::anyone, get},         {"demand.answer", caller::user, answer},
  {"demand.award", caller::user, award},       {"demand.mine", caller::user, mine},
  {"demand.refunds", caller::admin, refunds},
};

caf::behavior demand_behavior(demand_actor* self, demand_config cfg) {
  self->state.abis = &load_market_abis();
  self->state.reads = std::make_unique<storage::read_model>(*cfg.db);
  self->state.cfg = std::move(cfg);
  self->send(self, tick_atom_v);
  return {
    [self](call_atom, business_call& c) { return dispatch<demand_actor>(self, c, ops); },
    [self](tick_atom) {
      observe_chain_clock(self);
      refund_expired(self);
      self->delayed_send(self, self->state.cfg.refund_interval, tick_atom_v);
    },
    // A mined refund the indexer has not marked yet is looked at again.
    [self](tick_atom, std::uint64_t id) { self->state.refunding.erase(id); },
  };
}

} // namespace

caf::actor spawn_demand_actor(caf::actor_system& sys, demand_config cfg) {
  if (!cfg.db)
    throw std::invalid_argument("demand actor: a database is required");
  return sys.spawn(demand_behavior, std::move(cfg));
}

} // namespace petrade

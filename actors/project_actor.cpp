#include "actors/project_actor.hpp"

#include "actors/business_calls.hpp"
#include "actors/business_ops.hpp"
#include "protocol/base64.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/messages.hpp"
#include "storage/file_store.hpp"
#include "storage/read_model.hpp"

#include <caf/all.hpp>

#include <set>

namespace petrade {

namespace {

using json = nlohmann::json;

struct project_state {
  project_config cfg;
  const market_abis* abis = nullptr;
  std::unique_ptr<storage::read_model> reads;
  std::unique_ptr<storage::file_store> files;
  static inline const char* name = "project";
};

using project_actor = caf::stateful_actor<project_state>;
using promise = caf::response_promise;

const char* visibility_names[] = {"public", "friends", "private"};

void log(project_actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

/// A signed market call from `from`; `done` gets the accepted task.
void market_write(project_actor* self, const eth::address& from, eth::bytes data,
                  std::string key, chain::status_done ok, chain::failed fail) {
  chain::write(self, self->state.cfg.chain,
               chain::contract_call(from, self->state.cfg.contracts.market, data, std::move(key)),
               std::move(ok), std::move(fail));
}

chain::status_done task_reply(promise rp) {
  return [rp](const write_status& s) { deliver(rp, ok_reply(chain::task_json(s))); };
}

chain::failed failure_reply(promise rp) {
  return [rp](const chain::failure& f) { deliver(rp, chain::reply_of(f)); };
}

bool has_access(project_actor* self, std::uint64_t id, const std::string& who) {
  return !who.empty() && self->state.reads->has_access(id, eth::address::parse(who));
}

/// The record joined with its off-chain texts, as callers see it.
json present(project_actor* self, const json& rec, const std::string& viewer_addr) {
  json out = rec;
  auto vis = rec.value("visibility", 0);
  out["visibility"] = visibility_names[vis < 3 ? vis : 2];
  if (auto d = self->state.reads->details(rec.value("details_hash", std::string()))) {
    for (auto k : {"title", "summary", "keywords", "file_name", "file_size", "seller_name"})
      if (d->contains(k))
        out[k] = (*d)[k];
  }
  out["access"] = !viewer_addr.empty() &&
                  (rec.value("seller", std::string()) == viewer_addr ||
                   has_access(self, rec.at("id").get<std::uint64_t>(), viewer_addr));
  return out;
}

/// Whether `viewer` (name, lowercase address, friends) may see `rec`.
bool visible(const json& rec, const std::string& viewer_addr, const std::set<std::string>& friends,
             const std::string& seller_name, bool admin) {
  if (admin || (!viewer_addr.empty() && rec.value("seller", std::string()) == viewer_addr))
    return true;
  switch (rec.value("visibility", 2)) {
    case 0: return true;
    case 1: return friends.count(seller_name) > 0;
    default: return false;
  }
}

/// Runs `then(address, friends)` for the caller; anonymous callers get an
/// empty address and no friends.
void with_viewer(project_actor* self, const business_call& c, promise rp,
                 std::function<void(const std::string&, const std::set<std::string>&)> then) {
  if (c.user.empty() || c.role == "system") {
    then({}, {});
    return;
  }
  auto accounts = self->state.cfg.accounts;
  business::addresses_of(
    self, accounts, {c.user},
    [self, c, rp, then, accounts](const std::map<std::string, eth::address>& found) {
      auto it = found.find(c.user);
      std::string addr = it == found.end() ? std::string() : it->second.hex();
      business_call q;
      q.op = "account.friends_of";
      q.role = "system";
      q.body = json{{"username", c.user}}.dump();
      business::ask(self, accounts, q, [rp, then, addr](const business_reply& r) {
        if (!r.ok())
          return deliver(rp, r);
        std::set<std::string> friends;
        for (auto& f : json::parse(r.body).value("friends", json::array()))
          friends.insert(f.get<std::string>());
        then(addr, friends);
      });
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

std::string seller_name(project_actor* self, const json& rec) {
  auto d = self->state.reads->details(rec.value("details_hash", std::string()));
  return d ? d->value("seller_name", std::string()) : std::string();
}

void publish(project_actor* self, const business_call& c, const json& body, promise rp) {
  business_reply err;
  auto title = parse_text(body, "title", err, 1, 80);
  auto summary = title ? parse_text(body, "summary", err, 5, 1000) : std::nullopt;
  auto price = summary ? parse_amount(body, "price", err) : std::nullopt;
  auto keywords = price ? parse_keywords(body, "keywords", err) : std::nullopt;
  if (!keywords)
    return deliver(rp, err);
  auto vis_name = body.value("visibility", std::string("public"));
  int vis = -1;
  for (int i = 0; i < 3; ++i)
    if (vis_name == visibility_names[i])
      vis = i;
  if (vis < 0)
    return deliver(rp, fail_reply(business_error::invalid, "'visibility' must be public, friends or private, not '" + vis_name + "'"));
  auto file = body.value("file", json::object());
  auto file_name = parse_text(file, "name", err, 1, 200);
  if (!file_name)
    return deliver(rp, fail_reply(business_error::invalid, "file: " + err.message));
  auto content = base64_decode(file.value("content_base64", std::string()));
  if (!content || content->empty())
    return deliver(rp, fail_reply(business_error::invalid, "file.content_base64 must be non-empty base64"));
  if (content->size() > self->state.cfg.max_file_size)
    return deliver(rp, fail_reply(business_error::invalid, "the file has " + std::to_string(content->size()) +
                                                            " bytes; the limit is " + std::to_string(self->state.cfg.max_file_size)));
  business::signer(
    self, self->state.cfg.accounts, c.user,
    [=](const eth::address& seller) {
      // The file and the texts are on disk before the transaction exists, so
      // the indexer always finds what the chain points at.
      auto file_hash = self->state.files->put(*content);
      json doc{{"title", *title}, {"summary", *summary}, {"keywords", *keywords},
               {"file_name", *file_name}, {"file_size", content->size()},
               {"file_hash", eth::to_hex(file_hash)}, {"seller_name", c.user},
               {"seller", seller.hex()}};
      auto details_hash = eth::keccak256(doc.dump());
      std::string joined;
      for (auto& k : *keywords)
        joined += k + "\n";
      self->state.reads->put_details(eth::to_hex(details_hash), doc);
      auto data = self->state.abis->market.function("publish").encode_call(
        {*price, file_hash, eth::keccak256(joined), details_hash, static_cast<std::uint64_t>(vis)});
      market_write(self, seller, data, user_key(c, body),
                   [rp, file_hash, details_hash](const write_status& s) {
                     auto j = chain::task_json(s);
                     j["file_hash"] = eth::to_hex(file_hash);
                     j["details_hash"] = eth::to_hex(details_hash);
                     deliver(rp, ok_reply(j));
                   },
                   [rp](const chain::failure& f) { deliver(rp, chain::reply_of(f)); });
    },
    [rp](const business_reply& r) { deliver(rp, r); });
}

void list(project_actor* self, const business_call& c, const json& body, promise rp) {
  auto seller = body.value("seller", std::string());
  with_viewer(self, c, rp, [=](const std::string& me, const std::set<std::string>& friends) {
    listing page(body);
    for (auto& rec : self->state.reads->projects()) {
      if (!rec.value("listed", false))
        continue;
      auto name = seller_name(self, rec);
      if (!visible(rec, me, friends, name, is_admin(c)))
        continue;
      auto p = present(self, rec, me);
      if (!seller.empty() && name != seller)
        continue;
      if (page.matches(p, p.value("title", "") + " " + p.value("summary", "")))
        page.offer(p);
    }
    deliver(rp, ok_reply(json{{"projects", page.items}, {"total", page.matched},
                              {"indexed_block", self->state.reads->indexed_block()}}));
  });
}

/// Finds project `id` as the caller may see it, then runs `then`.
void with_project(project_actor* self, const business_call& c, const json& body, promise rp,
                  std::function<void(const json&, const std::string&, const std::set<std::string>&)> then) {
  auto it = body.find("id");
  if (it == body.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() == 0)
    return deliver(rp, fail_reply(business_error::invalid, "'id' must be a project number, not " +
                                                            (it == body.end() ? std::string("missing") : it->dump())));
  auto id = it->get<std::uint64_t>();
  with_viewer(self, c, rp, [=](const std::string& me, const std::set<std::string>& friends) {
    auto rec = self->state.reads->project(id);
    if (!rec || !visible(*rec, me, friends, seller_name(self, *rec), is_admin(c)))
      return deliver(rp, fail_reply(business_error::not_found, "no project " + std::to_string(id)));
    then(*rec, me, friends);
  });
}

/// Views and downloads are recorded on chain by the viewer's own key; the
/// caller does not wait for them.
void record(project_actor* self, const std::string& user, const char* fn, std::uint64_t id) {
  std::string what = fn;
  business::signer(
    self, self->state.cfg.accounts, user,
    [self, fn, id, what](const eth::address& who) {
      market_write(self, who, self->state.abis->market.function(fn).encode_call({id}), {},
                   [](const write_status&) {},
                   [self, what, id](const chain::failure& f) {
                     log(self, "warn", what + " of project " + std::to_string(id) + " not recorded: " + f.message);
                   });
    },
    [self, what](const business_reply& r) { log(self, "warn", what + " not recorded: " + r.message); });
}

void get(project_actor* self, const business_call& c, const json& body, promise rp) {
  with_project(self, c, body, rp, [=](const json& rec, const std::string& me, const std::set<std::string>&) {
    auto id = rec.at("id").get<std::uint64_t>();
    if (!me.empty() && rec.value("seller", std::string()) != me)
      record(self, c.user, "recordView", id);
    deliver(rp, ok_reply(present(self, rec, me)));
  });
}

void buy(project_actor* self, const business_call& c, const json& body, promise rp) {
  with_project(self, c, body, rp, [=](const json& rec, const std::string& me, const std::set<std::string>&) {
    auto id = rec.at("id").get<std::uint64_t>();
    if (rec.value("seller", std::string()) == me)
      return deliver(rp, fail_reply(business_error::conflict, "you cannot buy your own project " + std::to_string(id)));
    if (has_access(self, id, me))
      return deliver(rp, fail_reply(business_error::conflict, "you already bought project " + std::to_string(id)));
    if (!rec.value("listed", false))
      return deliver(rp, fail_reply(business_error::conflict, "project " + std::to_string(id) + " is no longer for sale"));
    auto price = eth::parse_uint256(rec.value("price", std::string("0")));
    business::signer(
      self, self->state.cfg.accounts, c.user,
      [=](const eth::address& buyer) {
        auto& tok = self->state.abis->token.function("balanceOf");
        chain::view(
          self, self->state.cfg.chain, self->state.cfg.contracts.token, tok.encode_call({buyer}),
          [=](const eth::bytes& out) {
            auto have = self->state.abis->token.function("balanceOf").decode_output(out).at(0).as_uint();
            if (have < price)
              return deliver(rp, fail_reply(business_error::insufficient_funds,
                                            "project " + std::to_string(id) + " costs " + eth::to_decimal(price) +
                                              "; your balance is " + eth::to_decimal(have)));
            // The contract refuses a second purchase; the client's key makes
            // a retried request one task.
            market_write(self, buyer, self->state.abis->market.function("buy").encode_call({id}),
                         user_key(c, body), task_reply(rp), failure_reply(rp));
          },
          [rp](const chain::failure& f) { deliver(rp, chain::reply_of(f)); });
      },
      [rp](const business_reply& r) { deliver(rp, r); });
  });
}

void download(project_actor* self, const business_call& c, const json& body, promise rp) {
  with_project(self, c, body, rp, [=](const json& rec, const std::string& me, const std::set<std::string>&) {
    auto id = rec.at("id").get<std::uint64_t>();
    if (rec.value("seller", std::string()) != me && !has_access(self, id, me))
      return deliver(rp, fail_reply(business_error::forbidden,
                                    "buy project " + std::to_string(id) + " before downloading it"));
    auto hash = eth::from_hex_fixed<32>(rec.value("content_hash", std::string()));
    auto content = self->state.files->get(hash);
    if (!content)
      return deliver(rp, fail_reply(business_error::not_found, "the file of project " + std::to_string(id) +
                                                                " is not stored on this platform"));
    auto d = self->state.reads->details(rec.value("details_hash", std::string()));
    record(self, c.user, "recordDownload", id);
    deliver(rp, ok_reply(json{{"id", id}, {"file_name", d ? d->value("file_name", "file") : "file"},
                              {"hash", eth::to_hex(hash)}, {"content_base64", base64_encode(*content)}}));
  });
}

void delist(project_actor* self, const business_call& c, const json& body, promise rp) {
  with_project(self, c, body, rp, [=](const json& rec, const std::string& me, const std::set<std::string>&) {
    auto id = rec.at("id").get<std::uint64_t>();
    if (rec.value("seller", std::string()) != me)
      return deliver(rp, fail_reply(business_error::forbidden, "only the seller may delist project " + std::to_string(id)));
    if (!rec.value("listed", false))
      return deliver(rp, fail_reply(business_error::conflict, "project " + std::to_string(id) + " is not listed"));
    market_write(self, eth::address::parse(me), self->state.abis->market.function("delist").encode_call({id}),
                 user_key(c, body), task_reply(rp), failure_reply(rp));
  });
}

void mine(project_actor* self, const business_call& c, const json&, promise rp) {
  with_viewer(self, c, rp, [=](const std::string& me, const std::set<std::string>&) {
    json published = json::array(), bought = json::array();
    for (auto& rec : self->state.reads->projects()) {
      if (rec.value("seller", std::string()) == me)
        published.push_back(present(self, rec, me));
      else if (has_access(self, rec.at("id").get<std::uint64_t>(), me))
        bought.push_back(present(self, rec, me));
    }
    deliver(rp, ok_reply(json{{"published", published}, {"bought", bought}}));
  });
}

const business_op<project_actor> ops[] = {
  {"project.publish", caller::user, publish},   {"project.list", caller::anyone, list},
  {"project.get", caller::anyone, get},         {"project.buy", caller::user, buy},
  {"project.download", caller::user, download}, {"project.delist", caller::user, delist},
  {"project.mine", caller::user, mine},
};

caf::behavior project_behavior(project_actor* self, project_config cfg) {
  self->state.abis = &load_market_abis();
  self->state.reads = std::make_unique<storage::read_model>(*cfg.db);
  self->state.files = std::make_unique<storage::file_store>(*cfg.db, cfg.max_file_size);
  self->state.cfg = std::move(cfg);
  return {
    [self](call_atom, business_call& c) { return dispatch<project_actor>(self, c, ops); },
  };
}

} // namespace

caf::actor spawn_project_actor(caf::actor_system& sys, project_config cfg) {
  if (!cfg.db)
    throw std::invalid_argument("project actor: a database is required");
  return sys.spawn(project_behavior, std::move(cfg));
}

} // namespace petrade

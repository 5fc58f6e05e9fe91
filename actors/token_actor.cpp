#include "actors/token_actor.hpp"

#include "actors/business_calls.hpp"
#include "actors/business_ops.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/messages.hpp"
#include "storage/read_model.hpp"

#include <caf/all.hpp>

namespace petrade {

namespace {

using json = nlohmann::json;

struct token_state {
  token_config cfg;
  const market_abis* abis = nullptr;
  std::unique_ptr<storage::read_model> reads;
  static inline const char* name = "token";
};

using token_actor = caf::stateful_actor<token_state>;

void log(token_actor* self, const std::string& level, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, text);
}

void write_and_reply(token_actor* self, write_request req, caf::response_promise rp) {
  chain::write_and_reply(self, self->state.cfg.chain, std::move(req), std::move(rp));
}

write_request platform_call(token_actor* self, task_kind kind, eth::bytes data, std::string key = {}) {
  auto& at = self->state.cfg.contracts;
  return chain::contract_call(at.platform, at.token, data, std::move(key), kind);
}

const eth::abi::function_desc& fn(token_actor* self, const char* name) {
  return self->state.abis->token.function(name);
}

/// Resolves one username to its address, then runs `then`.
void with_address(token_actor* self, const std::string& user, caf::response_promise rp,
                  std::function<void(const eth::address&)> then) {
  business::addresses_of(
    self, self->state.cfg.accounts, {user},
    [rp, user, then](const std::map<std::string, eth::address>& found) mutable {
      auto it = found.find(user);
      if (it == found.end()) {
        rp.deliver(fail_reply(business_error::not_found, "no user '" + user + "'"));
        return;
      }
      then(it->second);
    },
    [rp](const business_reply& r) mutable { rp.deliver(r); });
}

/// balanceOf(`who`) through a read task.
void balance_of(token_actor* self, const eth::address& who, std::function<void(eth::uint256)> ok,
                caf::response_promise rp) {
  auto data = fn(self, "balanceOf").encode_call({who});
  chain::view(
    self, self->state.cfg.chain, self->state.cfg.contracts.token, data,
    [self, ok](const eth::bytes& out) {
      ok(fn(self, "balanceOf").decode_output(out).at(0).as_uint());
    },
    [rp](const chain::failure& f) mutable { rp.deliver(chain::reply_of(f)); });
}

/// The caller's balance must cover `amount` before a write is signed: a
/// clear 402 now beats a revert after mining.
void spend_as_user(token_actor* self, const business_call& c, const eth::uint256& amount,
                   caf::response_promise rp, std::function<void(const eth::address&)> then) {
  business::signer(
    self, self->state.cfg.accounts, c.user,
    [self, amount, rp, then](const eth::address& from) mutable {
      balance_of(self, from, [amount, rp, then, from](eth::uint256 have) mutable {
        if (have < amount) {
          rp.deliver(fail_reply(business_error::insufficient_funds,
                                "balance " + eth::to_decimal(have) + " is less than " +
                                  eth::to_decimal(amount)));
          return;
        }
        then(from);
      }, rp);
    },
    [rp](const business_reply& r) mutable { rp.deliver(r); });
}

void enroll(token_actor* self, const json& body, caf::response_promise rp) {
  eth::address who;
  try {
    who = eth::address::parse(body.at("address").get<std::string>());
  } catch (const std::exception&) {
    rp.deliver(fail_reply(business_error::invalid, "'address' must be an address, not " +
                                                    body.value("address", json()).dump()));
    return;
  }
  // Gas first, then the whitelist; both keyed by the address so a retried
  // enrolment is the same two tasks.
  write_request gas;
  gas.kind = task_kind::account;
  gas.from = self->state.cfg.contracts.platform.hex();
  gas.to = who.hex();
  gas.value = self->state.cfg.gas_grant;
  gas.gas_limit = 21000;
  gas.idempotency_key = "enroll-gas:" + who.hex();
  auto reg = platform_call(self, task_kind::account, fn(self, "register").encode_call({who}),
                           "enroll-register:" + who.hex());
  auto& chain = self->state.cfg.chain;
  chain::write(
    self, chain, gas,
    [self, reg, rp](const write_status& g) mutable {
      chain::write(
        self, self->state.cfg.chain, reg,
        [g, rp](const write_status& r) mutable {
          rp.deliver(ok_reply(json{{"tasks", json::array({chain::task_json(g), chain::task_json(r)})}}));
        },
        [rp](const chain::failure& f) mutable { rp.deliver(chain::reply_of(f)); });
    },
    [rp](const chain::failure& f) mutable { rp.deliver(chain::reply_of(f)); });
}

void topup(token_actor* self, const business_call& c, const json& body, caf::response_promise rp) {
  business_reply err;
  auto amount = parse_amount(body, "amount", err);
  if (!amount)
    return rp.deliver(err), void();
  std::string key = body.value("idempotency_key", std::string());
  with_address(self, c.user, rp, [self, c, amount, key, rp](const eth::address& to) mutable {
    payment_request pay{c.user, eth::to_decimal(*amount), key};
    auto paid = self->state.cfg.payments->charge(pay);
    if (!paid.confirmed) {
      rp.deliver(fail_reply(business_error::insufficient_funds,
                            "payment declined by " + self->state.cfg.payments->name() + ": " +
                              paid.message));
      return;
    }
    log(self, "info", "top-up of " + eth::to_decimal(*amount) + " for " + c.user + " paid (" +
                        paid.reference + ")");
    auto ref = eth::keccak256(paid.reference);
    auto req = platform_call(self, task_kind::contract,
                             fn(self, "mint").encode_call({to, *amount, ref}),
                             "mint:" + paid.reference);
    auto provider = self->state.cfg.payments->name();
    chain::write(
      self, self->state.cfg.chain, req,
      [rp, paid, provider](const write_status& s) mutable {
        auto j = chain::task_json(s);
        j["payment"] = {{"provider", provider}, {"reference", paid.reference}};
        rp.deliver(ok_reply(j));
      },
      [rp](const chain::failure& f) mutable { rp.deliver(chain::reply_of(f)); });
  });
}

void user_write(token_actor* self, const business_call& c, const eth::address& from,
                eth::bytes data, caf::response_promise rp, const json& body) {
  write_and_reply(self, chain::contract_call(from, self->state.cfg.contracts.token, data, user_key(c, body)), rp);
}

void transfer(token_actor* self, const business_call& c, const json& body, caf::response_promise rp) {
  business_reply err;
  auto amount = parse_amount(body, "amount", err);
  auto to_user = amount ? parse_text(body, "to", err, 1, 32) : std::nullopt;
  if (!to_user)
    return rp.deliver(err), void();
  if (*to_user == c.user)
    return rp.deliver(fail_reply(business_error::invalid, "cannot transfer to yourself")), void();
  with_address(self, *to_user, rp, [self, c, body, amount, rp](const eth::address& to) mutable {
    spend_as_user(self, c, *amount, rp, [self, c, body, amount, rp, to](const eth::address& from) mutable {
      user_write(self, c, from, fn(self, "transfer").encode_call({to, *amount}), rp, body);
    });
  });
}

void burn(token_actor* self, const business_call& c, const json& body, caf::response_promise rp) {
  business_reply err;
  auto amount = parse_amount(body, "amount", err);
  if (!amount)
    return rp.deliver(err), void();
  spend_as_user(self, c, *amount, rp, [self, c, body, amount, rp](const eth::address& from) mutable {
    user_write(self, c, from, fn(self, "burn").encode_call({*amount}), rp, body);
  });
}

/// The subject of a read: the caller, or (admins only) `username`.
std::optional<std::string> subject(const business_call& c, const json& body, caf::response_promise& rp) {
  auto who = body.value("username", c.user);
  if (who != c.user && !is_admin(c)) {
    rp.deliver(fail_reply(business_error::forbidden, "only admins may look at another user's tokens"));
    return std::nullopt;
  }
  return who;
}

void balance(token_actor* self, const business_call& c, const json& body, caf::response_promise rp) {
  auto who = subject(c, body, rp);
  if (!who)
    return;
  with_address(self, *who, rp, [self, who, rp](const eth::address& a) mutable {
    balance_of(self, a, [who, a, rp](eth::uint256 v) mutable {
      rp.deliver(ok_reply(json{{"username", *who}, {"address", a.hex()},
                               {"balance", eth::to_decimal(v)}}));
    }, rp);
  });
}

void bill(token_actor* self, const business_call& c, const json& body, caf::response_promise rp) {
  auto who = subject(c, body, rp);
  if (!who)
    return;
  with_address(self, *who, rp, [self, who, rp](const eth::address& a) mutable {
    auto& reads = *self->state.reads;
    rp.deliver(ok_reply(json{{"username", *who}, {"address", a.hex()},
                             {"entries", reads.bill(a)}, {"total", reads.bill_total(a)},
                             {"indexed_block", reads.indexed_block()}}));
  });
}

void admin_op(token_actor* self, const business_call& c, const json& body, caf::response_promise rp) {
  auto op = c.op.substr(6);   // after "token."
  if (op == "pause" || op == "unpause") {
    write_and_reply(self, platform_call(self, task_kind::contract, fn(self, op.c_str()).encode_call({})), rp);
    return;
  }
  business_reply err;
  if (op == "freeze" || op == "unfreeze") {
    auto user = parse_text(body, "username", err, 1, 32);
    if (!user)
      return rp.deliver(err), void();
    with_address(self, *user, rp, [self, op, rp](const eth::address& a) mutable {
      write_and_reply(self, platform_call(self, task_kind::contract, fn(self, op.c_str()).encode_call({a})), rp);
    });
    return;
  }
  auto amount = parse_amount(body, "amount", err);
  if (!amount)
    return rp.deliver(err), void();
  if (op == "mint") {
    auto user = parse_text(body, "username", err, 1, 32);
    if (!user)
      return rp.deliver(err), void();
    auto key = body.value("idempotency_key", std::string());
    with_address(self, *user, rp, [self, c, amount, key, rp](const eth::address& a) mutable {
      // An admin grant is its own "payment": the reference names who granted it.
      auto ref = "admin:" + c.user + ":" + (key.empty() ? std::to_string(self->clock().now().time_since_epoch().count()) : key);
      write_and_reply(self, platform_call(self, task_kind::contract,
                                          fn(self, "mint").encode_call({a, *amount, eth::keccak256(ref)}),
                                          "mint:" + ref), rp);
    });
    return;
  }
  // forced_transfer
  auto from = parse_text(body, "from", err, 1, 32);
  auto to = from ? parse_text(body, "to", err, 1, 32) : std::nullopt;
  if (!to)
    return rp.deliver(err), void();
  business::addresses_of(
    self, self->state.cfg.accounts, {*from, *to},
    [self, from, to, amount, rp](const std::map<std::string, eth::address>& found) mutable {
      for (auto* u : {&*from, &*to})
        if (!found.count(*u))
          return rp.deliver(fail_reply(business_error::not_found, "no user '" + *u + "'")), void();
      write_and_reply(self, platform_call(self, task_kind::contract,
                                          fn(self, "forcedTransfer").encode_call({found.at(*from), found.at(*to), *amount})),
                      rp);
    },
    [rp](const business_reply& r) mutable { rp.deliver(r); });
}

void enroll_op(token_actor* self, const business_call&, const json& body, caf::response_promise rp) {
  enroll(self, body, rp);
}

void status(token_actor* self, const business_call&, const json&, caf::response_promise rp) {
  auto& a = self->state.cfg.contracts;
  deliver(rp, ok_reply(json{{"token", a.token.hex()}, {"platform", a.platform.hex()},
                            {"paused", self->state.reads->paused()},
                            {"provider", self->state.cfg.payments->name()}}));
}

const business_op<token_actor> ops[] = {
  {"token.status", caller::anyone, status},
  {"token.enroll", caller::system, enroll_op},
  {"token.topup", caller::user, topup},
  {"token.transfer", caller::user, transfer},
  {"token.burn", caller::user, burn},
  {"token.balance", caller::user, balance},
  {"token.bill", caller::user, bill},
  {"token.mint", caller::admin, admin_op},
  {"token.pause", caller::admin, admin_op},
  {"token.unpause", caller::admin, admin_op},
  {"token.freeze", caller::admin, admin_op},
  {"token.unfreeze", caller::admin, admin_op},
  {"token.forced_transfer", caller::admin, admin_op},
};

caf::behavior token_behavior(token_actor* self, token_config cfg) {
  if (!cfg.db || !cfg.payments)
    throw std::invalid_argument("token actor: a database and a payment provider are required");
  self->state.abis = &load_market_abis();
  self->state.reads = std::make_unique<storage::read_model>(*cfg.db);
  self->state.cfg = std::move(cfg);
  return {
    [self](call_atom, business_call& c) { return dispatch<token_actor>(self, c, ops); },
  };
}

} // namespace

caf::actor spawn_token_actor(caf::actor_system& sys, token_config cfg) {
  if (!cfg.db || !cfg.payments)
    throw std::invalid_argument("token actor: a database and a payment provider are required");
  return sys.spawn(token_behavior, std::move(cfg));
}

} // namespace petrade

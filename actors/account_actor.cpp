// Users and sessions: the operation table, registration (with onboarding),
// sign-in, sessions and lookups, and the bootstrap admin. Keys and admin
// accounts are in account_keys.cpp, contacts in account_contacts.cpp.
#include "actors/account_actor.hpp"

#include "actors/account_contacts.hpp"
#include "actors/account_state.hpp"
#include "actors/credentials.hpp"
#include "protocol/eth/keystore.hpp"

#include <map>

namespace petrade {

namespace acct {

namespace {

constexpr std::size_t lookup_max = 100;

/// Registration: the password hash and the keystore are made here, the
/// key's keystore goes to the transaction manager, and only once it holds it
/// is the user written, so a user never exists without a key.
void create_user(actor* self, const std::string& name, std::string password,
                 const std::string& role, const std::string& rid, bool hold, done_fn done);

void enroll(actor* self, const storage::user_record& u, const std::string& rid, bool hold,
            done_fn done) {
  auto& st = self->state;
  json answer{{"username", u.username}, {"address", u.address.checksummed()}, {"role", u.role}};
  auto failed = [self, answer, done, rid, name = u.username](const std::string& code,
                                                             const std::string& why) mutable {
    log(self, "warn", rid, "enrollment of " + name + " failed: " + why);
    answer["enrollment"] = nullptr;
    answer["enrollment_error"] = {{"code", code}, {"message", why}};
    done(ok_reply(answer));
  };
  if (!st.cfg.token) {
    failed("unavailable", "no token service is configured");
    return;
  }
  business_call call;
  call.op = "token.enroll";
  call.role = "system";
  call.body = json{{"address", u.address.checksummed()}}.dump();
  call.request_id = rid;
  on_reply(
    self->request(st.cfg.token, st.cfg.call_timeout, call_atom_v, std::move(call)), hold,
    [answer, done, failed](business_reply& r) mutable {
      if (!r.ok()) {
        failed(to_string(r.error), r.message);
        return;
      }
      try {
        answer["enrollment"] = json::parse(r.body);
      } catch (const std::exception&) {
        answer["enrollment"] = r.body;   // not JSON: pass it on as text
      }
      done(ok_reply(answer));
    },
    [failed](caf::error& e) mutable { failed("unavailable", "token service: " + to_string(e)); });
}

void create_user(actor* self, const std::string& name, std::string password,
                 const std::string& role, const std::string& rid, bool hold, done_fn done) {
  auto& st = self->state;
  auto hash = credentials::hash_password(password, st.cfg.password_scrypt_n);
  eth::wipe_secret(password);
  eth::address account;
  std::string keystore;
  {
    auto key = eth::private_key::generate();
    account = key.address();
    auto custody = credentials::custody_password(st.cfg.key_secret, account);
    keystore = eth::encrypt_keystore(key, custody,
                                     eth::kdf_params::scrypt(st.cfg.keystore_scrypt_n));
    eth::wipe_secret(custody);
  }
  st.registering.insert(name);
  storage::user_record u{name, account, role, std::move(hash), unix_seconds()};
  on_reply(
    self->request(st.cfg.tx_manager, st.cfg.call_timeout, import_atom_v, std::move(keystore)),
    hold,
    [self, u, rid, hold, done](const std::string&) {
      self->state.registering.erase(u.username);
      bool created = false;
      try {
        created = users(self).create(u);
      } catch (const std::exception& e) {
        log(self, "error", rid, "storing user " + u.username + " failed: " + e.what());
        done(fail_reply(business_error::unavailable, "could not store the user: "
                                                       + std::string(e.what())));
        return;
      }
      if (!created) {
        done(fail_reply(business_error::conflict, "username " + shown(u.username)
                                                    + " is already taken"));
        return;
      }
      log(self, "info", rid, "registered " + u.role + " " + u.username + " with account "
                               + u.address.checksummed());
      enroll(self, u, rid, hold, done);
    },
    [self, name, rid, done](caf::error& e) {
      self->state.registering.erase(name);
      log(self, "error", rid, "the transaction manager refused the key of " + name + ": "
                                + to_string(e));
      done(tx_failure("could not store the key of " + shown(name), e));
    });
}

caf::result<business_reply> register_user(actor* self, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto name = f.username("username");
  auto pass = f.password("password");
  if (!name || !pass)
    return f.error();
  if (self->state.registering.count(*name) || users(self).exists(*name))
    return fail_reply(business_error::conflict, "username " + shown(*name) + " is already taken");
  auto rp = self->make_response_promise<business_reply>();
  create_user(self, *name, std::move(*pass), "user", c.request_id, false,
              [rp](business_reply r) mutable { rp.deliver(std::move(r)); });
  return rp;
}

caf::result<business_reply> login(actor* self, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto name = f.text("username");
  auto pass = f.text("password");
  if (!name || !pass)
    return f.error();
  auto& st = self->state;
  std::optional<storage::user_record> user;
  if (username_problem("username", *name).empty())
    user = users(self).find(*name);
  // An unknown name costs a hash too, so timing does not tell names apart.
  bool ok = credentials::verify_password(*pass, user ? user->password_hash : st.dummy_hash)
            && user.has_value();
  eth::wipe_secret(*pass);
  if (!ok) {
    // A name that is not a user's may be a mistyped password: never log it.
    log(self, "info", c.request_id,
        user ? "failed sign-in of " + user->username + " (wrong password)"
             : "failed sign-in of an unknown user");
    return fail_reply(business_error::unauthenticated, "wrong username or password");
  }
  auto token = credentials::new_session_token();
  auto expires_ms = unix_millis() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                      st.cfg.session_ttl).count();
  users(self).open_session(credentials::token_digest(token), {user->username, expires_ms});
  log(self, "info", c.request_id, "signed in " + user->username);
  return ok_reply({{"token", token},
                   {"expires_at", expires_ms / 1000},
                   {"username", user->username},
                   {"role", user->role},
                   {"address", user->address.checksummed()}});
}

/// The live session of body.token, or the reply refusing it. Expired
/// sessions are removed on sight.
std::optional<storage::session_record> live_session(actor* self, const business_call& c,
                                                    const json& body, business_reply& refusal,
                                                    std::string& digest) {
  account_fields f(c, body);
  auto token = f.text("token");
  if (!token) {
    refusal = f.error();
    return std::nullopt;
  }
  refusal = fail_reply(business_error::unauthenticated, "unknown session");
  if (!credentials::looks_like_token(*token))
    return std::nullopt;
  digest = credentials::token_digest(*token);
  auto s = users(self).session(digest);
  if (!s)
    return std::nullopt;
  if (unix_millis() >= s->expires_ms) {
    users(self).close_session(digest);
    refusal = fail_reply(business_error::unauthenticated, "session expired");
    return std::nullopt;
  }
  return s;
}

caf::result<business_reply> session(actor* self, const business_call& c, const json& body) {
  business_reply refusal;
  std::string digest;
  auto s = live_session(self, c, body, refusal, digest);
  if (!s)
    return refusal;
  auto user = users(self).find(s->username);
  if (!user) {   // the user went away: so does the session
    users(self).close_session(digest);
    return fail_reply(business_error::unauthenticated, "unknown session");
  }
  return ok_reply({{"username", user->username},
                   {"role", user->role},
                   {"address", user->address.checksummed()},
                   {"expires_at", s->expires_ms / 1000}});
}

caf::result<business_reply> logout(actor* self, const business_call& c, const json& body) {
  business_reply refusal;
  std::string digest;
  auto s = live_session(self, c, body, refusal, digest);
  if (!s)
    return refusal;
  if (s->username != c.user)
    return fail_reply(business_error::forbidden, "the session belongs to another user");
  users(self).close_session(digest);
  log(self, "info", c.request_id, "signed out " + c.user);
  return ok_reply(json::object());
}

caf::result<business_reply> me(actor* self, const business_call& c, const json&) {
  auto user = users(self).find(c.user);
  if (!user)
    return fail_reply(business_error::not_found, "no user " + shown(c.user));
  return ok_reply({{"username", user->username},
                   {"address", user->address.checksummed()},
                   {"role", user->role},
                   {"created", user->created}});
}

caf::result<business_reply> lookup(actor* self, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto names = f.strings("usernames", lookup_max);
  auto addresses = f.strings("addresses", lookup_max);
  if (f.failed())
    return f.error();
  if (names.has_value() == addresses.has_value())
    return fail_reply(business_error::invalid,
                      c.op + ": give either usernames or addresses (exactly one of them)");
  auto found = json::array();
  std::set<std::string> seen;
  auto add = [&](const std::optional<storage::user_record>& u) {
    if (u && seen.insert(u->username).second)
      found.push_back({{"username", u->username}, {"address", u->address.checksummed()}});
  };
  auto store = users(self);
  if (names) {
    for (auto& n : *names)
      if (username_problem("username", n).empty())
        add(store.find(n));
  } else {
    for (auto& a : *addresses) {
      try {
        add(store.find_by_address(eth::address::parse(a)));
      } catch (const eth::decode_error& e) {
        return fail_reply(business_error::invalid,
                          c.op + ": addresses: " + shown(a) + " is not an address (" + e.what()
                            + ")");
      }
    }
  }
  return ok_reply({{"users", std::move(found)}});
}

using op_fn = std::function<caf::result<business_reply>(actor*, const business_call&,
                                                        const json&)>;
struct operation {
  caller who;
  op_fn run;
};

std::map<std::string, operation> operations() {
  std::map<std::string, operation> ops = {
    {"account.register", {caller::anyone, register_user}},
    {"account.login", {caller::anyone, login}},
    {"account.session", {caller::system, session}},
    {"account.logout", {caller::signed_in, logout}},
    {"account.me", {caller::signed_in, me}},
    {"account.lookup", {caller::signed_in_or_system, lookup}},
    {"account.signer", {caller::system, signer}},
    {"account.create", {caller::admin, create_account}},
    {"account.unlock", {caller::admin, unlock_account}},
    {"account.list", {caller::admin, list_accounts}},
  };
  for (auto& op : contacts_ops()) {
    auto run = op.run;
    ops.emplace(op.name, operation{op.who, [run](actor* self, const business_call& c,
                                                 const json& body) -> caf::result<business_reply> {
                                     return run(*self->state.cfg.db, c, body);
                                   }});
  }
  return ops;
}

caf::result<business_reply> handle(actor* self, const std::map<std::string, operation>& ops,
                                   const business_call& c) {
  auto it = ops.find(c.op);
  if (it == ops.end())
    return fail_reply(business_error::invalid, "unknown operation " + c.op.substr(0, 64));
  if (auto no = refuse(it->second.who, c))
    return *no;
  business_reply err;
  auto body = parse_body(c, err);
  if (!body)
    return err;
  try {
    return it->second.run(self, c, *body);
  } catch (const std::exception& e) {
    log(self, "error", c.request_id, c.op + " failed: " + e.what());
    return fail_reply(business_error::unavailable, c.op + " failed: " + e.what());
  }
}

caf::behavior behavior(actor* self, account_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.dummy_hash = credentials::hash_password("not anyone's password", st.cfg.password_scrypt_n);
  auto admin = st.cfg.admin_username;
  if (!admin.empty() && !users(self).exists(admin)) {
    // Held (await): nothing is answered until the admin exists, so a caller
    // that signs in right after spawning never races the bootstrap.
    create_user(self, admin, st.cfg.admin_password, "admin", "bootstrap", true,
                [self, admin](business_reply r) {
                  if (!r.ok())
                    log(self, "error", "bootstrap", "could not create the admin " + admin + ": "
                                                      + r.message);
                });
  }
  eth::wipe_secret(st.cfg.admin_password);
  return {
    [self, ops = operations()](call_atom, const business_call& c) {
      return handle(self, ops, c);
    },
  };
}

} // namespace

void log(actor* self, const std::string& level, const std::string& rid, const std::string& text) {
  if (self->state.cfg.log)
    self->state.cfg.log(level, rid.empty() ? text : "[" + rid + "] " + text);
}

business_reply tx_failure(const std::string& what, const caf::error& e) {
  bool gone = e == caf::sec::request_timeout || e == caf::sec::request_receiver_down;
  return fail_reply(gone ? business_error::unavailable : business_error::chain,
                    what + ": " + to_string(e));
}

std::int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::int64_t unix_seconds() { return unix_millis() / 1000; }

} // namespace acct

caf::actor spawn_account_actor(caf::actor_system& sys, account_config cfg) {
  if (!cfg.db)
    throw std::invalid_argument("account: no database given");
  if (!cfg.tx_manager)
    throw std::invalid_argument("account: no transaction manager given");
  if (cfg.key_secret.empty())
    throw std::invalid_argument("account: the custody key secret is empty");
  if (!cfg.admin_username.empty()) {
    auto why = username_problem("admin username", cfg.admin_username);
    if (why.empty())
      why = password_problem("admin password", cfg.admin_password);
    if (!why.empty())
      throw std::invalid_argument("account: " + why);
  }
  // Detached: every registration and sign-in runs scrypt (16 MB and tens of
  // milliseconds at n = 16384) and every new key a keystore encryption.
  // On a shared scheduler thread that work would stall node actors, the
  // supervisor's probes and the dispatcher queued behind it (the machine
  // may have only two cores); on its own thread it only competes for CPU
  // through the OS. Account operations stay in arrival order, which the
  // session and friend bookkeeping relies on.
  return sys.spawn<caf::detached>(acct::behavior, std::move(cfg));
}

} // namespace petrade

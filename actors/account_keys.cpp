// Signing keys: opening users' custodial keys for the business actors, and
// the admins' chain accounts (the thesis's "account" tasks). Keys are made
// here and leave only as encrypted keystores; the transaction manager
// decrypts them when asked to open one.
#include "actors/account_state.hpp"
#include "actors/credentials.hpp"
#include "protocol/eth/keystore.hpp"

namespace petrade::acct {

namespace {

std::string who(const business_call& c) { return c.user.empty() ? "system" : "admin " + c.user; }

bool mentions(const caf::error& e, const char* text) {
  return to_string(e).find(text) != std::string::npos;
}

} // namespace

caf::result<business_reply> signer(actor* self, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto name = f.username("username");
  if (!name)
    return f.error();
  auto user = users(self).find(*name);
  if (!user)
    return fail_reply(business_error::not_found, "no user " + shown(*name));
  auto account = user->address;
  if (self->state.open_keys.count(account))
    return ok_reply({{"address", account.checksummed()}});
  auto& st = self->state;
  auto custody = credentials::custody_password(st.cfg.key_secret, account);
  auto rp = self->make_response_promise<business_reply>();
  auto rid = c.request_id;
  self->request(st.cfg.tx_manager, st.cfg.call_timeout, open_atom_v, account.checksummed(), custody)
    .then(
      [self, rp, account, rid, name = *name](const std::string&) mutable {
        self->state.open_keys.insert(account);
        log(self, "info", rid, "opened the signing key of " + name);
        rp.deliver(ok_reply({{"address", account.checksummed()}}));
      },
      [self, rp, rid, name = *name](caf::error& e) mutable {
        log(self, "warn", rid, "cannot open the signing key of " + name + ": " + to_string(e));
        rp.deliver(tx_failure("cannot open the signing key of " + shown(name), e));
      });
  eth::wipe_secret(custody);
  return rp;
}

caf::result<business_reply> create_account(actor* self, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto pass = f.password("password");
  if (!pass)
    return f.error();
  auto& st = self->state;
  eth::address account;
  std::string keystore;
  {
    auto key = eth::private_key::generate();
    account = key.address();
    keystore = eth::encrypt_keystore(key, *pass, eth::kdf_params::scrypt(st.cfg.keystore_scrypt_n));
  }
  eth::wipe_secret(*pass);
  auto rp = self->make_response_promise<business_reply>();
  auto rid = c.request_id;
  auto by = who(c);
  self->request(st.cfg.tx_manager, st.cfg.call_timeout, import_atom_v, std::move(keystore))
    .then(
      [self, rp, account, rid, by](const std::string&) mutable {
        try {
          users(self).add_account({account, std::nullopt, unix_seconds()});
        } catch (const std::exception& e) {
          log(self, "error", rid, "indexing account " + account.checksummed() + " failed: "
                                    + e.what());
          rp.deliver(fail_reply(business_error::unavailable,
                                "the keystore is stored but the account index failed: "
                                  + std::string(e.what())));
          return;
        }
        log(self, "info", rid, by + " created account " + account.checksummed());
        rp.deliver(ok_reply({{"address", account.checksummed()}}));
      },
      [self, rp, rid](caf::error& e) mutable {
        log(self, "error", rid, "the transaction manager refused a new account: " + to_string(e));
        rp.deliver(tx_failure("could not store the new account", e));
      });
  return rp;
}

caf::result<business_reply> unlock_account(actor* self, const business_call& c, const json& body) {
  account_fields f(c, body);
  auto account = f.address("address");
  auto pass = f.text("password");
  if (!account || !pass)
    return f.error();
  auto& st = self->state;
  auto rp = self->make_response_promise<business_reply>();
  auto rid = c.request_id;
  auto by = who(c);
  auto shown_address = account->checksummed();
  self->request(st.cfg.tx_manager, st.cfg.call_timeout, open_atom_v, shown_address, *pass)
    .then(
      [self, rp, account = *account, rid, by](const std::string&) mutable {
        self->state.open_keys.insert(account);
        log(self, "info", rid, by + " unlocked " + account.checksummed());
        rp.deliver(ok_reply({{"address", account.checksummed()}}));
      },
      [self, rp, rid, by, shown_address](caf::error& e) mutable {
        log(self, "warn", rid, by + " could not unlock " + shown_address + ": " + to_string(e));
        // The transaction manager answers every key problem with
        // invalid_argument; its text (which never holds the password) tells
        // a missing keystore from a wrong password.
        if (mentions(e, "no keystore stored"))
          rp.deliver(fail_reply(business_error::not_found,
                                "no keystore is stored for " + shown_address));
        else if (mentions(e, "wrong password"))
          rp.deliver(fail_reply(business_error::unauthenticated,
                                "wrong password for " + shown_address));
        else
          rp.deliver(tx_failure("cannot unlock " + shown_address, e));
      });
  eth::wipe_secret(*pass);
  return rp;
}

caf::result<business_reply> list_accounts(actor* self, const business_call&, const json&) {
  auto out = json::array();
  for (auto& a : users(self).accounts())
    out.push_back({{"address", a.address.checksummed()},
                   {"owner", a.owner ? json(*a.owner) : json(nullptr)},
                   {"created", a.created}});
  return ok_reply({{"accounts", std::move(out)}});
}

} // namespace petrade::acct

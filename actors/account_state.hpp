// The account actor's state and the helpers its files share:
// account_actor.cpp (users, sessions), account_keys.cpp (signing keys and
// admin accounts). Internal to actors/.
#pragma once

#include "actors/account_actor.hpp"
#include "actors/account_fields.hpp"
#include "actors/business_kit.hpp"
#include "protocol/eth/address.hpp"
#include "protocol/messages.hpp"
#include "storage/user_store.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <set>
#include <string>

namespace petrade::acct {

struct state {
  account_config cfg;
  /// Keys this process has opened in the transaction manager; a key is
  /// decrypted (scrypt) once, not before every signature.
  std::set<eth::address> open_keys;
  /// Names whose registration waits for the transaction manager: a second
  /// registration of the same name meanwhile is a conflict.
  std::set<std::string> registering;
  /// Verified against when the username is unknown (same cost as a real one).
  std::string dummy_hash;

  static inline const char* name = "account";
};

using actor = caf::stateful_actor<state>;
using json = nlohmann::json;
using done_fn = std::function<void(business_reply)>;

inline storage::user_store users(actor* self) { return storage::user_store(*self->state.cfg.db); }

/// `then`, or `await` when `hold` is set (everything else waits meanwhile).
template <class Handle, class OnOk, class OnErr>
void on_reply(Handle&& h, bool hold, OnOk ok, OnErr err) {
  if (hold)
    h.await(std::move(ok), std::move(err));
  else
    h.then(std::move(ok), std::move(err));
}

/// Through cfg.log, prefixed with the request id when there is one.
void log(actor* self, const std::string& level, const std::string& rid, const std::string& text);
/// A failed request to the transaction manager: gone or silent is
/// `unavailable`, an error it answered is `chain`.
business_reply tx_failure(const std::string& what, const caf::error& e);
std::int64_t unix_millis();
std::int64_t unix_seconds();

// account_keys.cpp
caf::result<business_reply> signer(actor* self, const business_call& c, const json& body);
caf::result<business_reply> create_account(actor* self, const business_call& c, const json& body);
caf::result<business_reply> unlock_account(actor* self, const business_call& c, const json& body);
caf::result<business_reply> list_accounts(actor* self, const business_call& c, const json& body);

} // namespace petrade::acct

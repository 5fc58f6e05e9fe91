// The account actor (design §1, §5, §9): platform users, their sessions,
// their custodial chain keys, admin-held chain accounts and contacts.
//
// Answers (call_atom, business_call) -> business_reply; who may call, the
// body, and the answer:
//   account.register {username, password}      anyone  {username, address,
//                                    role, enrollment (token.enroll's answer,
//                                    or null and enrollment_error {code,message})}
//   account.login {username, password}         anyone  {token, expires_at,
//                                                        username, role, address}
//   account.session {token}                    system  {username, role, address,
//                                                        expires_at}
//   account.logout {token}                     signed in  {}
//   account.me                                 signed in  {username, address,
//                                                           role, created}
//   account.signer {username}                  system  {address} (key opened)
//   account.lookup {usernames|addresses}       system or signed in
//                                              {users: [{username, address}]}
//   account.create {password}                  admin   {address}
//   account.unlock {address, password}         admin   {address}
//   account.list                               admin   {accounts: [{address,
//                                                        owner|null, created}]}
//   account.search {query, limit?}             signed in  {users: [{username,
//                                                           relation}]}
//   account.friend_request {to}, friend_accept {from}, friend_decline {from}
//                                              signed in  {username, relation}
//   account.friends                            signed in  {friends: [...]}
//   account.friend_requests                    signed in  {incoming, outgoing}
//   account.are_friends {a, b}                 system  {friends: bool}
//   account.friends_of {username}              system  {friends: [...]}
// Times are unix seconds. Registration is complete once the user exists;
// a failed enrollment is reported, not fatal.
//
// Every user gets a fresh secp256k1 key at registration. Its keystore is
// encrypted with a custody password derived from `key_secret` and the
// address, and stored by the transaction manager; the raw key exists only
// in memory, briefly here and then in the transaction manager once
// account.signer opened it.
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace petrade {

namespace storage {
class database;
}

struct account_config {
  /// Users, sessions and contacts (columns users, sessions, read_models).
  /// Must outlive the actor.
  storage::database* db = nullptr;
  /// Holds the keystores (import_atom, open_atom).
  caf::actor tx_manager;
  /// Onboarding: answers business_call "token.enroll". May be absent; new
  /// users are then told that enrollment did not happen.
  caf::actor token;
  /// Custody secret: a user's keystore password is
  /// hex(HMAC-SHA256(key_secret, lower-case 0x address)). Must be non-empty.
  std::string key_secret;
  std::chrono::seconds session_ttl{86400};
  std::uint64_t password_scrypt_n = 16384;   // tests pass smaller values
  std::uint64_t keystore_scrypt_n = 4096;    // opened once per key per process
  /// Bootstrap admin, created at spawn when missing (empty = none).
  std::string admin_username;
  std::string admin_password;
  /// How long to wait for the transaction manager or the token actor.
  std::chrono::milliseconds call_timeout{30000};
  /// One line per event: level ("info", "warn", "error") and text. Never
  /// given a password, a session token or a key.
  std::function<void(const std::string& level, const std::string& text)> log;
};

/// Throws std::invalid_argument when the database, the transaction manager
/// or the key secret is missing, or the bootstrap admin's name or password
/// breaks the registration rules (the message never contains the password).
caf::actor spawn_account_actor(caf::actor_system& sys, account_config cfg);

} // namespace petrade

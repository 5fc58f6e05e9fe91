// Platform users, their sessions and the index of chain accounts the
// platform holds keys for (design §8). Users live in the `users` column,
// sessions in `sessions`, the accounts index in `read_models`. Records are
// JSON text so an operator can read them with any RocksDB tool.
//
// Keys:
//   users        "user:<username>"       -> user record
//   users        "address:<0x lower hex>" -> username
//   sessions     "<sha256(token) hex>"    -> {"user", "expires_ms"}
//   read_models  "account:<0x lower hex>" -> {"owner", "created"}
//
// Nothing here holds a secret a caller could use: passwords are stored as
// scrypt hashes, session tokens only as their SHA-256, and private keys not
// at all (they are in the keystores column, encrypted).
#pragma once

#include "protocol/eth/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::storage {

class database;

struct user_record {
  std::string username;
  eth::address address;
  std::string role;            // "user" or "admin"
  std::string password_hash;   // as actors/credentials writes it
  std::int64_t created = 0;    // unix seconds
};

struct session_record {
  std::string username;
  std::int64_t expires_ms = 0;   // unix milliseconds
};

/// A chain account whose keystore the platform holds.
struct account_entry {
  eth::address address;
  std::optional<std::string> owner;   // the user it belongs to; none = admin-created
  std::int64_t created = 0;
};

class user_store {
public:
  explicit user_store(database& db) : db_(db) {}

  std::optional<user_record> find(std::string_view username) const;
  std::optional<user_record> find_by_address(const eth::address& account) const;
  bool exists(std::string_view username) const;
  /// Stores the user, its address index and its accounts-index entry in one
  /// synced batch. False (nothing written) when the name or the address is
  /// already taken.
  bool create(const user_record& user);
  /// Usernames containing `part`, in ascending order, at most `limit`.
  std::vector<std::string> usernames_containing(std::string_view part,
                                                std::size_t limit) const;

  /// `digest` is the SHA-256 of the session token, never the token itself.
  void open_session(std::string_view digest, const session_record& s);
  std::optional<session_record> session(std::string_view digest) const;
  void close_session(std::string_view digest);

  /// Adds an account that belongs to no user (synced).
  void add_account(const account_entry& a);
  std::optional<account_entry> account(const eth::address& a) const;
  /// Every indexed account, users' and admin-created, by address.
  std::vector<account_entry> accounts() const;

private:
  database& db_;
};

} // namespace petrade::storage

// Encrypted Web3 Secret Storage v3 keystores, one per address, in the
// `keystores` column family. Only ciphertext is stored: decrypting needs the
// password, which the store never keeps.
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/eth/keystore.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::storage {

class database;

class keystore_store {
public:
  explicit keystore_store(database& db) : db_(db) {}

  /// Stores keystore JSON (as eth::encrypt_keystore writes it) under the
  /// address it names, replacing any earlier keystore of that address, and
  /// returns the address. The JSON is validated without the password
  /// (eth::inspect_keystore); one that names no address throws keystore_error.
  eth::address put(std::string_view keystore_json);
  /// As above for keystores that may lack the address field (cast writes
  /// none): the field is set to `account`. A keystore naming another address
  /// throws keystore_error.
  void put(const eth::address& account, std::string_view keystore_json);
  /// Encrypts `key` under `password` and stores it; returns its address.
  eth::address create(const eth::private_key& key, std::string_view password,
                      const eth::kdf_params& params = eth::kdf_params::standard());

  /// The stored JSON text, or nothing.
  std::optional<std::string> json(const eth::address& account) const;
  bool contains(const eth::address& account) const;
  /// Decrypts the stored keystore. Throws std::out_of_range when there is
  /// none, eth::wrong_password when the password does not fit.
  eth::private_key load(const eth::address& account, std::string_view password) const;
  /// Removes the keystore; false when there was none.
  bool erase(const eth::address& account);
  /// Every stored address, in ascending byte order.
  std::vector<eth::address> list() const;

private:
  database& db_;
};

} // namespace petrade::storage

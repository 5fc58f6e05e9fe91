// Web3 Secret Storage (version 3) keystores: password-encrypted private keys
// as geth, foundry (cast) and most wallets write them, plus the keystore
// directory conventions (geth's UTC--<time>--<address> file names).
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"
#include "protocol/eth/key.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::eth {

/// The password did not reproduce the keystore's MAC. Distinct from format
/// errors so callers can ask again; the message never contains the password.
class wrong_password : public std::runtime_error {
public:
  wrong_password() : std::runtime_error("wrong password (MAC mismatch)") {}
};

/// A keystore that is not usable: a missing or mistyped field, bad hex, an
/// unsupported kdf or cipher, absurd kdf parameters. The message names the
/// field (e.g. "keystore: crypto.kdfparams.n must be a power of 2, got 3").
/// Text that is not JSON at all raises decode_error instead.
class keystore_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// Key-derivation settings for new keystores.
struct kdf_params {
  enum class algorithm { scrypt, pbkdf2 };
  algorithm kind = algorithm::scrypt;
  std::uint64_t n = 1u << 18;   // scrypt cost (power of 2)
  std::uint32_t r = 8;          // scrypt block size
  std::uint32_t p = 1;          // scrypt parallelism
  std::uint32_t c = 262144;     // pbkdf2 iterations

  /// geth's "standard" scrypt (n = 2^18, r = 8, p = 1): about a second.
  static kdf_params standard() { return {}; }
  /// n = 4096: milliseconds. For tests and keys the platform makes in bulk.
  static kdf_params light() { return scrypt(1u << 12); }
  static kdf_params scrypt(std::uint64_t n, std::uint32_t r = 8, std::uint32_t p = 1) {
    return {algorithm::scrypt, n, r, p, 0};
  }
  static kdf_params pbkdf2(std::uint32_t c) { return {algorithm::pbkdf2, 0, 0, 0, c}; }
};

/// Encrypts `key` under `password`: version 3 JSON text with a random UUID v4
/// id, random salt and iv, AES-128-CTR, and the address (lower-case hex, no
/// 0x) as geth writes it. Throws keystore_error for unacceptable params.
std::string encrypt_keystore(const private_key& key, std::string_view password,
                             const kdf_params& params = kdf_params::standard());

/// Decrypts keystore JSON text. Throws wrong_password, keystore_error (bad
/// fields) or decode_error (not JSON). When the file names an address, it must
/// match the decrypted key (keystore_error otherwise).
private_key decrypt_keystore(std::string_view json_text, std::string_view password);

/// What can be learned from a keystore without its password.
struct keystore_info {
  std::optional<eth::address> account;   // absent in e.g. cast's files
  std::string id;                        // may be empty
  std::string kdf;                       // "scrypt" or "pbkdf2"
};

/// Validates everything but the MAC (same errors as decrypt_keystore, never
/// wrong_password) and returns the public parts.
keystore_info inspect_keystore(std::string_view json_text);

/// Returns `json_text` re-serialised with its "address" field set to
/// `account` (lower-case hex, no 0x), everything else unchanged. Used when a
/// keystore that lacks the field (cast writes none) is imported.
std::string with_address_field(std::string_view json_text, const eth::address& account);

/// geth's file name: "UTC--2024-05-01T12-30-45.123456789Z--<address hex>".
std::string keystore_file_name(const eth::address& account,
                               std::chrono::system_clock::time_point when
                               = std::chrono::system_clock::now());

/// Writes `json_text` to dir/keystore_file_name(account) with mode 0600
/// (through a hidden temporary file and a rename), creating `dir` (0700) if
/// needed. Returns the new file's path. Throws std::runtime_error.
std::string write_keystore_file(const std::string& dir, std::string_view json_text,
                                const eth::address& account);

struct keystore_entry {
  std::optional<eth::address> account;   // absent when the file names none
  std::string path;
};

struct keystore_listing {
  std::vector<keystore_entry> entries;   // sorted by file name
  std::vector<std::string> warnings;     // "<path>: <why it was skipped>"
};

/// The keystores in `dir` (not recursive). Hidden files and directories are
/// ignored; other files that are not keystores are skipped with a warning.
/// Throws std::runtime_error only if `dir` itself cannot be read.
keystore_listing list_keystores(const std::string& dir);

/// Overwrites a secret in place (OPENSSL_cleanse) so the optimiser cannot
/// drop the write. For passwords and raw key text held by callers.
void wipe_secret(void* data, std::size_t size);
/// Wipes the whole buffer (its spare capacity too), then empties `s`.
inline void wipe_secret(std::string& s) {
  s.resize(s.capacity());
  wipe_secret(s.data(), s.size());
  s.clear();
}

} // namespace petrade::eth

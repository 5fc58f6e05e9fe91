// The secrets the account actor derives (design §9): scrypt password
// hashes, session tokens and their digests, and the custody password that
// encrypts each user's keystore. OpenSSL does the cryptography.
#pragma once

#include "protocol/eth/address.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace petrade::credentials {

/// "scrypt$<N>$<r>$<p>$<salt hex>$<hash hex>" with a fresh 16-byte salt and
/// a 32-byte hash. The parameters travel with the hash so a later change of
/// `n` does not lock out existing users. Throws std::invalid_argument for an
/// `n` that is not a power of two in [2, 2^20].
std::string hash_password(std::string_view password, std::uint64_t n, std::uint32_t r = 8,
                          std::uint32_t p = 1);

/// Recomputes the hash with the stored parameters and compares in constant
/// time. A stored string that is not one of ours verifies as false.
bool verify_password(std::string_view password, std::string_view stored);

/// 32 random bytes (RAND_bytes) as 64 lower-case hex digits.
std::string new_session_token();

/// Lower-case hex SHA-256 of the token: what the sessions column keys on, so
/// a copy of the database does not hand out live sessions.
std::string token_digest(std::string_view token);

/// The password of a custodial keystore: hex(HMAC-SHA256(key_secret,
/// account.hex())), i.e. over the 0x-prefixed lower-case address. Anyone
/// with `key_secret` can open every user's key; nobody else can.
std::string custody_password(std::string_view key_secret, const eth::address& account);

/// True when `text` has the shape of a session token (64 hex digits), so
/// malformed input never reaches the database.
bool looks_like_token(std::string_view text);

} // namespace petrade::credentials

// Internal to the keystore: the primitives a Web3 Secret Storage file needs
// (scrypt, PBKDF2-HMAC-SHA256, AES-128-CTR, randomness) and a byte buffer
// that wipes itself. Not a general crypto API.
#pragma once

#include "protocol/eth/bytes.hpp"

#include <cstdint>
#include <string>

namespace petrade::eth::keystore_detail {

/// Bytes that are overwritten when they go away (derived keys, plaintext).
class secret_bytes {
public:
  explicit secret_bytes(std::size_t size) : data_(size) {}
  ~secret_bytes();
  secret_bytes(const secret_bytes&) = delete;
  secret_bytes& operator=(const secret_bytes&) = delete;

  std::uint8_t* data() { return data_.data(); }
  const std::uint8_t* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bytes_view view() const { return data_; }
  bytes_view first(std::size_t n) const { return view().first(n); }
  bytes_view sub(std::size_t offset, std::size_t n) const { return view().subspan(offset, n); }

private:
  bytes data_;
};

/// scrypt (RFC 7914). Parameters must already be validated by the caller.
void scrypt(secret_bytes& out, bytes_view password, bytes_view salt, std::uint64_t n,
            std::uint32_t r, std::uint32_t p);

/// PBKDF2 with HMAC-SHA256 and `c` iterations.
void pbkdf2_sha256(secret_bytes& out, bytes_view password, bytes_view salt, std::uint32_t c);

/// AES-128 in CTR mode with a 16-byte big-endian counter block starting at
/// `iv`; encryption and decryption are the same operation.
void aes128_ctr(std::uint8_t* out, bytes_view key16, bytes_view iv16, bytes_view in);

/// Cryptographically random bytes (OpenSSL RAND_bytes).
bytes random_bytes(std::size_t n);

/// A random (version 4) UUID in its 8-4-4-4-12 lower-case text form.
std::string random_uuid();

/// keccak256(mac_key ++ ciphertext) compared in constant time.
bool mac_matches(bytes_view mac_key, bytes_view ciphertext, bytes_view mac);
hash256 compute_mac(bytes_view mac_key, bytes_view ciphertext);

} // namespace petrade::eth::keystore_detail

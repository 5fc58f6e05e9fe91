// secp256k1 private keys, recoverable ECDSA signatures and sender recovery.
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"

namespace petrade::eth {

/// r, s and the recovery id (0 or 1) of a signature over a 32-byte digest.
struct signature {
  hash256 r{};
  hash256 s{};
  std::uint8_t recovery_id = 0;

  bool operator==(const signature&) const = default;
};

/// A secp256k1 secret. Never printed: there is deliberately no to_string.
class private_key {
public:
  /// A fresh key from the OS's random source.
  static private_key generate();
  /// Throws std::invalid_argument if the 32 bytes are not a valid secret.
  static private_key from_bytes(bytes_view secret32);
  static private_key from_hex(std::string_view hex);

  /// 64 bytes: X || Y of the uncompressed public key (no 0x04 prefix).
  bytes public_key() const;
  eth::address address() const;
  /// Deterministic (RFC 6979), low-s signature of `digest`.
  signature sign(const hash256& digest) const;
  const hash256& secret() const { return secret_; }

  ~private_key();

  private_key(const private_key&) = default;
  private_key& operator=(const private_key&) = default;

private:
  private_key() = default;
  hash256 secret_{};
};

/// The address whose key produced `sig` over `digest`; throws decode_error
/// when the signature is not valid (high s, r or s out of range, no point).
address recover_signer(const hash256& digest, const signature& sig);

} // namespace petrade::eth

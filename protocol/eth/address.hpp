// 20-byte account addresses with EIP-55 mixed-case checksums.
#pragma once

#include "protocol/eth/bytes.hpp"

#include <compare>
#include <string_view>

namespace petrade::eth {

struct address {
  std::array<std::uint8_t, 20> value{};

  /// Parses "0x" + 40 hex digits. All-lower or all-upper digits are accepted
  /// as unchecked; mixed case must be a valid EIP-55 checksum or this throws
  /// decode_error naming the first wrong character.
  static address parse(std::string_view text);
  /// The last 20 bytes of keccak256(uncompressed public key without 0x04).
  static address from_public_key(bytes_view pubkey64);

  std::string checksummed() const;   // EIP-55
  std::string hex() const;           // lower case, 0x-prefixed
  bool is_zero() const;
  bytes_view view() const { return value; }

  auto operator<=>(const address&) const = default;
};

} // namespace petrade::eth

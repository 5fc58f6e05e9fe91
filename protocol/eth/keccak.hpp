// Keccak-256 as Ethereum uses it (the pre-standard padding, not SHA3-256).
#pragma once

#include "protocol/eth/bytes.hpp"

#include <string_view>

namespace petrade::eth {

hash256 keccak256(bytes_view data);

inline hash256 keccak256(std::string_view text) {
  return keccak256(bytes_view{reinterpret_cast<const std::uint8_t*>(text.data()),
                              text.size()});
}

} // namespace petrade::eth

// Hexadecimal text <-> bytes, strict: a bad digit or odd length is an error
// naming the position, never a silent truncation.
#pragma once

#include "protocol/eth/bytes.hpp"

#include <string_view>

namespace petrade::eth {

/// "0x"-prefixed lower-case hex (or bare hex with prefix = false).
std::string to_hex(bytes_view data, bool prefix = true);

/// Accepts an optional "0x"/"0X" prefix; throws decode_error on odd length or a
/// non-hex character (offset = index in the text).
bytes from_hex(std::string_view text);
/// The value of one hex digit (either case), or -1.
int nibble(char c);

/// Like from_hex but requires exactly N bytes.
template <std::size_t N>
std::array<std::uint8_t, N> from_hex_fixed(std::string_view text) {
  auto b = from_hex(text);
  if (b.size() != N)
    throw decode_error("expected " + std::to_string(N) + " bytes of hex, got "
                         + std::to_string(b.size()),
                       0);
  std::array<std::uint8_t, N> out{};
  std::copy(b.begin(), b.end(), out.begin());
  return out;
}

} // namespace petrade::eth

#include "protocol/eth/hex.hpp"

namespace petrade::eth {

int nibble(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string to_hex(bytes_view data, bool prefix) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2 + 2);
  if (prefix)
    out += "0x";
  for (auto b : data) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

bytes from_hex(std::string_view text) {
  std::size_t start = 0;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    start = 2;
  if ((text.size() - start) % 2 != 0)
    throw decode_error("hex string has an odd number of digits", text.size());
  bytes out;
  out.reserve((text.size() - start) / 2);
  for (std::size_t i = start; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    if (hi < 0)
      throw decode_error(std::string("invalid hex character '") + text[i] + "'", i);
    int lo = nibble(text[i + 1]);
    if (lo < 0)
      throw decode_error(std::string("invalid hex character '") + text[i + 1] + "'",
                         i + 1);
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

} // namespace petrade::eth

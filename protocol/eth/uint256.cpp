#include "protocol/eth/uint256.hpp"

#include "protocol/eth/hex.hpp"

namespace petrade::eth {

hash256 to_be32(const uint256& v) {
  hash256 out{};
  uint256 x = v;
  for (int i = 31; i >= 0 && x != 0; --i) {
    out[i] = static_cast<std::uint8_t>(x & 0xff);
    x >>= 8;
  }
  return out;
}

bytes to_be_minimal(const uint256& v) {
  auto full = to_be32(v);
  std::size_t i = 0;
  while (i < full.size() && full[i] == 0)
    ++i;
  return bytes(full.begin() + i, full.end());
}

uint256 from_be(bytes_view data) {
  if (data.size() > 32)
    throw decode_error("integer wider than 256 bits", 0);
  uint256 v = 0;
  for (auto b : data) {
    v <<= 8;
    v |= b;
  }
  return v;
}

std::string to_quantity(const uint256& v) {
  if (v == 0)
    return "0x0";
  auto hex = to_hex(to_be_minimal(v), false);
  return "0x" + hex.substr(hex[0] == '0' ? 1 : 0);
}

uint256 from_quantity(std::string_view text, bool strict) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    throw decode_error("quantity must be 0x-prefixed hex: '" + std::string(text) + "'", 0);
  auto digits = text.substr(2);
  if (strict && digits.size() > 1 && digits[0] == '0')
    throw decode_error("quantity has leading zeros: '" + std::string(text) + "'", 2);
  if (digits.size() > 64)
    throw decode_error("quantity wider than 256 bits", 2);
  std::string padded(digits.size() % 2, '0');
  padded += digits;
  try {
    return from_be(from_hex(padded));
  } catch (const decode_error& e) {
    throw decode_error("invalid quantity '" + std::string(text) + "'", 2);
  }
}

uint256 parse_uint256(std::string_view text) {
  if (text.empty())
    throw std::invalid_argument("empty number");
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    try {
      return from_quantity(text);
    } catch (const decode_error&) {
      throw std::invalid_argument("not a 256-bit hex number: '" + std::string(text) + "'");
    }
  }
  uint256 v = 0;
  const uint256 max = ~uint256(0);
  for (char c : text) {
    if (c < '0' || c > '9')
      throw std::invalid_argument("not a decimal number: '" + std::string(text) + "'");
    unsigned d = static_cast<unsigned>(c - '0');
    if (v > (max - d) / 10)
      throw std::invalid_argument("number exceeds 256 bits: '" + std::string(text) + "'");
    v = v * 10 + d;
  }
  return v;
}

std::string to_decimal(const uint256& v) {
  return v.str();
}

} // namespace petrade::eth

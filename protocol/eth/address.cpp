#include "protocol/eth/address.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"

#include <algorithm>
#include <cctype>

namespace petrade::eth {

namespace {

// Digit i is upper case when nibble i of keccak(lower-case hex) is >= 8.
bool wants_upper(const hash256& h, std::size_t i) {
  std::uint8_t nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 0xf;
  return nib >= 8;
}

} // namespace

address address::parse(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    throw decode_error("address must be 0x followed by 40 hex digits, got '"
                         + std::string(text) + "'",
                       0);
  address a;
  auto raw = from_hex(text);
  std::copy(raw.begin(), raw.end(), a.value.begin());
  auto digits = text.substr(2);
  bool has_lower = std::any_of(digits.begin(), digits.end(),
                               [](char c) { return c >= 'a' && c <= 'f'; });
  bool has_upper = std::any_of(digits.begin(), digits.end(),
                               [](char c) { return c >= 'A' && c <= 'F'; });
  if (has_lower && has_upper) {
    auto lower = to_hex(a.value, false);
    auto h = keccak256(lower);
    for (std::size_t i = 0; i < digits.size(); ++i) {
      char c = digits[i];
      if (!std::isalpha(static_cast<unsigned char>(c)))
        continue;
      bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
      if (upper != wants_upper(h, i))
        throw decode_error("address '" + std::string(text)
                             + "' has a wrong EIP-55 checksum",
                           i + 2);
    }
  }
  return a;
}

address address::from_public_key(bytes_view pubkey64) {
  if (pubkey64.size() != 64)
    throw decode_error("public key must be 64 bytes", pubkey64.size());
  auto h = keccak256(pubkey64);
  address a;
  std::copy(h.begin() + 12, h.end(), a.value.begin());
  return a;
}

std::string address::checksummed() const {
  auto lower = to_hex(value, false);
  auto h = keccak256(lower);
  for (std::size_t i = 0; i < lower.size(); ++i)
    if (std::isalpha(static_cast<unsigned char>(lower[i])) && wants_upper(h, i))
      lower[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(lower[i])));
  return "0x" + lower;
}

std::string address::hex() const {
  return to_hex(value);
}

bool address::is_zero() const {
  return std::all_of(value.begin(), value.end(), [](auto b) { return b == 0; });
}

} // namespace petrade::eth

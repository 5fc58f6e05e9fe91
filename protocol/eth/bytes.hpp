// Byte containers shared by every Ethereum encoding.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace petrade::eth {

using bytes = std::vector<std::uint8_t>;
using bytes_view = std::span<const std::uint8_t>;
using hash256 = std::array<std::uint8_t, 32>;

/// Malformed input met while decoding: hex, RLP, ABI, keystore JSON, ...
/// `offset` is the byte (or character) position where decoding stopped.
class decode_error : public std::runtime_error {
public:
  decode_error(const std::string& what, std::size_t offset)
    : std::runtime_error(what + " at offset " + std::to_string(offset)),
      offset_(offset) {}
  std::size_t offset() const noexcept { return offset_; }

private:
  std::size_t offset_;
};

inline bytes_view as_view(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline void append(bytes& out, bytes_view tail) {
  out.insert(out.end(), tail.begin(), tail.end());
}

} // namespace petrade::eth

// Byte-level helpers for keys and records in storage/ (internal to
// storage/*.cpp and the nonce allocator; not for public headers).
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"
#include "storage/database.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace petrade::storage::codec {

/// Big-endian, so that keys sort numerically.
inline void put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

inline std::string be64(std::uint64_t v) {
  std::string s;
  put_be64(s, v);
  return s;
}

/// Throws storage_error when `s` has fewer than 8 bytes at `offset`.
inline std::uint64_t get_be64(std::string_view s, std::size_t offset = 0) {
  if (s.size() < offset + 8)
    throw storage_error("storage: truncated 64-bit value");
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(s[offset + i]);
  return v;
}

inline std::string_view chars(eth::bytes_view b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

/// Appends fixed-width little-endian integers and length-prefixed strings.
class writer {
public:
  template <class Int>
  void integer(Int v) {
    auto u = static_cast<std::uint64_t>(v);
    for (std::size_t i = 0; i < sizeof(Int); ++i)
      out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  void raw(std::string_view b) { out_.append(b); }
  void raw(eth::bytes_view b) { raw(chars(b)); }
  void blob(std::string_view b) {
    integer(static_cast<std::uint32_t>(b.size()));
    raw(b);
  }
  void blob(eth::bytes_view b) { blob(chars(b)); }
  std::string take() { return std::move(out_); }

private:
  std::string out_;
};

/// Reads what writer wrote; any overrun throws storage_error naming `what`.
class reader {
public:
  reader(std::string_view in, const char* what) : in_(in), what_(what) {}

  template <class Int>
  Int integer() {
    need(sizeof(Int));
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < sizeof(Int); ++i)
      u |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
    pos_ += sizeof(Int);
    return static_cast<Int>(u);
  }
  template <std::size_t N>
  std::array<std::uint8_t, N> fixed() {
    need(N);
    std::array<std::uint8_t, N> out{};
    std::copy_n(in_.data() + pos_, N, reinterpret_cast<char*>(out.data()));
    pos_ += N;
    return out;
  }
  std::string_view blob() {
    auto n = integer<std::uint32_t>();
    need(n);
    auto s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void finish() const {
    if (pos_ != in_.size())
      throw storage_error(std::string("storage: ") + what_ + ": "
                          + std::to_string(in_.size() - pos_) + " unexpected trailing bytes");
  }

private:
  void need(std::size_t n) const {
    if (in_.size() - pos_ < n)
      throw storage_error(std::string("storage: ") + what_ + ": truncated at byte "
                          + std::to_string(pos_));
  }
  std::string_view in_;
  const char* what_;
  std::size_t pos_ = 0;
};

} // namespace petrade::storage::codec

// ABI values: what the codec encodes from and decodes to. A value does not
// carry its ABI type; the type list given to encode/decode gives it meaning.
//
//   uint<N>           -> uint256        int<N>         -> int256
//   bool              -> bool           address        -> eth::address
//   bytes, bytes<N>   -> eth::bytes     string         -> std::string
//   T[k], T[], tuples -> std::vector<value> (elements / members in order)
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/uint256.hpp"

#include <concepts>
#include <string>
#include <variant>
#include <vector>

namespace petrade::eth::abi {

struct value;
using value_list = std::vector<value>;

struct value {
  using storage = std::variant<uint256, int256, bool, eth::address, eth::bytes,
                               std::string, value_list>;
  storage data;

  value() : data(uint256(0)) {}
  value(const uint256& v) : data(v) {}
  value(const int256& v) : data(v) {}
  value(bool v) : data(v) {}
  value(const eth::address& v) : data(v) {}
  value(eth::bytes v) : data(std::move(v)) {}
  value(std::string v) : data(std::move(v)) {}
  value(const char* v) : data(std::string(v)) {}
  value(value_list v) : data(std::move(v)) {}
  /// Built-in integers: signed ones become int256, unsigned ones uint256.
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  value(I v) {
    if constexpr (std::is_signed_v<I>)
      data = int256(v);
    else
      data = uint256(v);
  }
  /// Fixed-size byte arrays (hash256, selectors) become bytes.
  template <std::size_t N>
  value(const std::array<std::uint8_t, N>& v) : data(eth::bytes(v.begin(), v.end())) {}

  /// A tuple or array: value::list({1, "a", true}).
  static value list(value_list items) { return value(std::move(items)); }

  bool is_uint() const { return std::holds_alternative<uint256>(data); }
  bool is_int() const { return std::holds_alternative<int256>(data); }
  bool is_bool() const { return std::holds_alternative<bool>(data); }
  bool is_address() const { return std::holds_alternative<eth::address>(data); }
  bool is_bytes() const { return std::holds_alternative<eth::bytes>(data); }
  bool is_string() const { return std::holds_alternative<std::string>(data); }
  bool is_list() const { return std::holds_alternative<value_list>(data); }

  // Accessors throw std::invalid_argument when the value holds something else.
  // as_uint / as_int convert between the two integer forms when the number fits.
  uint256 as_uint() const;
  int256 as_int() const;
  bool as_bool() const;
  const eth::address& as_address() const;
  const eth::bytes& as_bytes() const;
  const std::string& as_string() const;
  const value_list& as_list() const;
  const value& operator[](std::size_t i) const { return as_list().at(i); }

  /// Name of the held alternative ("uint", "int", "bool", ...), for messages.
  const char* kind_name() const;
  /// Short type-free rendering for diagnostics: 5, -3, true, 0xabc..., "s", [1, 2].
  std::string debug_string() const;

  /// Structural equality; a uint256 and an int256 holding the same number are
  /// equal (the integer form depends on how a value was built, not on its type).
  friend bool operator==(const value& a, const value& b);
};

} // namespace petrade::eth::abi

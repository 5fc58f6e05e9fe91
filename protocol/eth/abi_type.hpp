// Solidity ABI types: the grammar of type strings ("uint256", "(address,bytes)[]")
// and the facts the codec needs about each type (static or dynamic, head size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::eth::abi {

enum class type_kind : std::uint8_t {
  uint_,         // uint<N>; size = N bits
  int_,          // int<N>; size = N bits
  address,
  boolean,
  fixed_bytes,   // bytes<N>; size = N bytes
  bytes,         // dynamic bytes
  string,
  fixed_array,   // T[k]; size = k, components = {T}
  dynamic_array, // T[]; components = {T}
  tuple,         // (T1,...,Tn); components = {T1..Tn}
};

/// One ABI type. Arrays keep their element type as the single component.
struct type {
  type_kind kind = type_kind::uint_;
  std::size_t size = 256;
  std::vector<type> components;

  // Constructors for the common cases (all validate their arguments).
  static type uint(std::size_t bits = 256);
  static type int_(std::size_t bits = 256);
  static type address();
  static type boolean();
  static type fixed_bytes(std::size_t n);
  static type bytes();
  static type string();
  static type array(type element);                  // T[]
  static type array(type element, std::size_t len); // T[len]
  static type tuple(std::vector<type> members);

  /// Parses a type string. Accepts the aliases `uint`/`int` (256 bits), an
  /// optional `tuple` keyword before a parenthesised list, and spaces inside
  /// tuple lists. Throws std::invalid_argument naming the text and the problem.
  static type parse(std::string_view text);

  /// The canonical spelling used in signatures: "uint256", "(address,bytes)[2]".
  std::string canonical() const;

  /// True for bytes, string, T[], and tuples / fixed arrays holding one of those.
  bool is_dynamic() const;
  /// Bytes this type occupies in the head of an enclosing tuple (32 if dynamic).
  std::size_t head_size() const;
  /// Element type of an array (throws std::logic_error for other kinds).
  const type& element() const;
  bool is_array() const {
    return kind == type_kind::fixed_array || kind == type_kind::dynamic_array;
  }

  bool operator==(const type&) const = default;
};

/// Parses a comma-separated list, with or without the surrounding parentheses:
/// "(uint256,string)", "uint256,string", "()" and "" (empty list).
std::vector<type> parse_type_list(std::string_view text);

/// "(T1,T2,...)" from canonical type strings.
std::string canonical_list(const std::vector<type>& types);

/// Deepest nesting the parser accepts, so hostile type strings cannot exhaust
/// the stack in the recursive codec.
inline constexpr std::size_t max_type_depth = 32;

} // namespace petrade::eth::abi

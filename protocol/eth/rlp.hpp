// Recursive Length Prefix: Ethereum's serialisation of nested byte strings.
//
// The decoder is strict: it accepts exactly the canonical encoding of one item
// and nothing else, so that decode(x) succeeding implies encode(decode(x)) == x.
#pragma once

#include "protocol/eth/address.hpp"
#include "protocol/eth/bytes.hpp"
#include "protocol/eth/uint256.hpp"

#include <string_view>
#include <vector>

namespace petrade::eth::rlp {

/// One RLP item: a byte string or a list of items.
class item {
public:
  /// The empty byte string (also the encoding of integer zero).
  item() = default;

  static item str(bytes_view data);
  static item text(std::string_view s);
  /// Minimal big-endian bytes, zero being the empty string.
  static item uint(const uint256& v);
  static item addr(const address& a);
  static item list(std::vector<item> children = {});

  bool is_list() const { return is_list_; }
  bool is_string() const { return !is_list_; }
  /// The bytes of a string item; throws std::logic_error on a list.
  const bytes& data() const;
  /// The children of a list item; throws std::logic_error on a string.
  const std::vector<item>& children() const;

  /// Offset of this item's first byte in the input it was decoded from
  /// (plus the decoder's base offset); 0 for items built in code.
  std::size_t offset() const { return offset_; }

  /// Structural equality; offsets are ignored.
  friend bool operator==(const item& a, const item& b);

private:
  friend class decoder;
  bool is_list_ = false;
  bytes data_;
  std::vector<item> children_;
  std::size_t offset_ = 0;
};

// ---- encoding ---------------------------------------------------------------

bytes encode(const item& it);
void encode_to(bytes& out, const item& it);
bytes encode_string(bytes_view data);
bytes encode_uint(const uint256& v);
/// A list header followed by `payload`, the concatenated encodings of items.
bytes encode_list_payload(bytes_view payload);

// ---- decoding ---------------------------------------------------------------

/// Decodes exactly one canonical item spanning all of `input`. Every error is
/// a decode_error whose offset is `base_offset` plus:
///  - the item's first byte for a non-canonical header (a byte < 0x80 behind
///    0x81, a long-form length below 56) or an item running past the end of
///    the input or of its enclosing list;
///  - the first length byte when the long-form length starts with zero;
///  - the first surplus byte when input is left after the item;
///  - 0 for empty input.
/// Nesting deeper than max_depth lists is also rejected.
item decode(bytes_view input, std::size_t base_offset = 0);

inline constexpr std::size_t max_depth = 256;

// ---- typed reads ------------------------------------------------------------
// `what` names the field in error messages ("nonce", "to", ...). Every error
// is a decode_error at the item's offset.

const bytes& as_bytes(const item& it, std::string_view what);
/// A canonical integer: at most 32 bytes, no leading zero byte.
uint256 as_uint256(const item& it, std::string_view what);
/// As as_uint256, at most 8 bytes.
std::uint64_t as_uint64(const item& it, std::string_view what);
/// Exactly 20 bytes.
address as_address(const item& it, std::string_view what);
/// Exactly 32 bytes (storage keys, not integers).
hash256 as_hash256(const item& it, std::string_view what);
const std::vector<item>& as_list(const item& it, std::string_view what);
/// A list with exactly `count` children.
const std::vector<item>& as_list(const item& it, std::string_view what,
                                 std::size_t count);

} // namespace petrade::eth::rlp

// The standard (non-packed) Solidity ABI encoding: a tuple's head holds static
// members in place and 32-byte offsets to dynamic ones, whose bodies follow in
// the tail.
#pragma once

#include "protocol/eth/abi_type.hpp"
#include "protocol/eth/abi_value.hpp"
#include "protocol/eth/bytes.hpp"

#include <vector>

namespace petrade::eth::abi {

/// Encodes `values` as the tuple `types` (function arguments, return values,
/// event data). Validates each value against its type and throws
/// std::invalid_argument naming the argument path ("argument 1[2].0") and the
/// problem: integer out of range, wrong bytes<N> length, wrong array length,
/// wrong kind of value, wrong number of values.
bytes encode(const std::vector<type>& types, const std::vector<value>& values);

/// Encodes one value of type `t` as if it were the only member of a tuple.
bytes encode_single(const type& t, const value& v);

/// Decodes `data` as the tuple `types`. Strict: truncated data, offsets or
/// lengths past the end, non-zero padding, a bool other than 0/1, an int/uint
/// that does not fit its width, and an address with dirty high bytes all throw
/// decode_error with the byte offset. Bytes after the encoding are ignored.
std::vector<value> decode(const std::vector<type>& types, bytes_view data);

/// Decodes a single value of type `t` encoded as a one-member tuple.
value decode_single(const type& t, bytes_view data);

/// Checks that `v` fits `t` (the checks encode makes) without encoding.
/// Throws std::invalid_argument.
void validate(const type& t, const value& v);

/// The 32-byte word of a static leaf value (uint, int, bool, address, bytes<N>).
hash256 encode_word(const type& t, const value& v);

} // namespace petrade::eth::abi

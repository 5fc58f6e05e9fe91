// 256-bit unsigned integers (Boost.Multiprecision) and their encodings:
// big-endian bytes (RLP, ABI) and JSON-RPC quantities ("0x1a").
#pragma once

#include "protocol/eth/bytes.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <string_view>

namespace petrade::eth {

using uint256 = boost::multiprecision::uint256_t;
/// Two's-complement signed 256-bit value for ABI int<N>.
using int256 = boost::multiprecision::int256_t;

/// 32 big-endian bytes.
hash256 to_be32(const uint256& v);
/// Minimal big-endian bytes: zero is the empty string (RLP's rule).
bytes to_be_minimal(const uint256& v);
/// Up to 32 big-endian bytes; more is a decode_error.
uint256 from_be(bytes_view data);

/// JSON-RPC quantity: "0x0", "0x1a" (no leading zeros).
std::string to_quantity(const uint256& v);
/// Parses a JSON-RPC quantity; strict about the "0x" prefix and leading zeros
/// only when `strict` is set (nodes are strict, humans are not).
uint256 from_quantity(std::string_view text, bool strict = false);

/// Decimal text, or hex with "0x"; throws std::invalid_argument naming the text.
uint256 parse_uint256(std::string_view text);
std::string to_decimal(const uint256& v);

} // namespace petrade::eth

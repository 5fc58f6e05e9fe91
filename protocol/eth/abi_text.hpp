// ABI values as text, the way foundry's `cast` reads its command-line
// arguments and prints decoded values, so the same strings work for both.
#pragma once

#include "protocol/eth/abi_type.hpp"
#include "protocol/eth/abi_value.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace petrade::eth::abi {

/// Parses one argument for type `t`:
///   uint/int   decimal, 0x-hex, "1.5e3", units "2.5gwei" / "1 ether" / "3wei",
///              a leading '-' for int
///   bool       true | false
///   address    0x + 40 hex digits (a mixed-case address must be EIP-55 valid)
///   bytes<N>   0x + exactly 2N hex digits;  bytes: 0x + hex ("0x" is empty)
///   string     the text itself; surrounding double quotes are removed
///   T[] / T[k] [a, b, ...]      tuples  (a, b, ...)
/// Elements inside brackets are trimmed; a string element may be quoted to
/// hold commas or brackets ("a,b"). The result is validated against `t`.
/// Throws std::invalid_argument naming the text.
value parse_value(const type& t, std::string_view text);

/// parse_value for each argument; the counts must match.
std::vector<value> parse_values(const std::vector<type>& types,
                                const std::vector<std::string>& args);

/// Renders a value the way `cast abi-decode` prints it: decimal integers,
/// checksummed addresses, 0x-hex bytes, quoted and escaped strings,
/// "[a, b]" arrays and "(a, b)" tuples. (cast adds " [1e18]"-style hints
/// after large integers; those are not reproduced.)
std::string format_value(const type& t, const value& v);

/// One formatted value per line, as `cast abi-decode` prints a result tuple.
std::string format_values(const std::vector<type>& types, const std::vector<value>& values);

} // namespace petrade::eth::abi

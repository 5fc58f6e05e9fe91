// Revert data returned by a failed call or transaction: Error(string),
// Panic(uint256), custom errors, or bytes nobody can explain.
#pragma once

#include "protocol/eth/abi_desc.hpp"

#include <span>
#include <string>
#include <vector>

namespace petrade::eth::abi {

enum class revert_kind : std::uint8_t {
  empty,        // no data: require(cond) without a message, or a plain revert()
  error_string, // Error(string), selector 0x08c379a0
  panic,        // Panic(uint256), selector 0x4e487b71
  custom,       // one of the given custom errors
  unknown,      // anything else (or a known selector whose arguments do not decode)
};

struct revert_info {
  revert_kind kind = revert_kind::empty;
  /// One human-readable line: "reverted without a reason", "execution reverted: ...",
  /// "panic 0x11: arithmetic overflow or underflow", "InsufficientBalance(have: 1, want: 2)",
  /// "reverted with unrecognized data 0x...".
  std::string message;
  std::string reason;                 // Error(string) text
  uint256 panic_code = 0;             // Panic code
  std::string error_name;             // custom error name ("Error"/"Panic" for builtins)
  std::vector<named_value> arguments; // custom error arguments
  bytes raw;                          // the revert data as given
};

/// Solidity's meaning of a Panic code, e.g. 0x11 -> "arithmetic overflow or
/// underflow"; unknown codes get "unknown panic code".
std::string panic_meaning(const uint256& code);

/// Classifies revert data. Custom errors are matched by selector against
/// `errors` (e.g. contract_abi::errors). Never throws on malformed data:
/// that is reported as revert_kind::unknown with the raw hex.
revert_info decode_revert(bytes_view data, std::span<const error_desc> errors = {});

/// Revert data for Error(reason) and Panic(code), as the EVM returns them.
bytes encode_error_string(const std::string& reason);
bytes encode_panic(const uint256& code);

} // namespace petrade::eth::abi

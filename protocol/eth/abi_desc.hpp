// Descriptions of contract functions, events, errors and constructors, their
// canonical signatures and selectors, and calls encoded from them.
//
// Descriptions come from a solc JSON ABI (abi_json.hpp) or from human-readable
// signatures: "transfer(address to, uint256 amount)(bool)",
// "Transfer(address indexed from, address indexed to, uint256 value)".
#pragma once

#include "protocol/eth/abi_type.hpp"
#include "protocol/eth/abi_value.hpp"
#include "protocol/eth/bytes.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace petrade::eth::abi {

using selector = std::array<std::uint8_t, 4>;

struct param {
  std::string name;    // may be empty
  abi::type type;
  bool indexed = false; // event parameters only
};

/// A decoded parameter with its name and type.
struct named_value {
  std::string name;
  abi::type type;
  abi::value value;
  bool indexed = false;
  /// An indexed string/bytes/array/tuple: `value` holds the 32-byte keccak
  /// topic (as bytes) because the log does not contain the value itself.
  bool hashed = false;
};

std::vector<type> types_of(const std::vector<param>& params);
/// Pairs decoded values with their parameters (names, types).
std::vector<named_value> name_values(const std::vector<param>& params,
                                     std::vector<value> values);

struct function_desc {
  std::string name;
  std::vector<param> inputs;
  std::vector<param> outputs;
  std::string state_mutability; // "view", "nonpayable", ... ("" if unknown)

  /// "transfer(address,uint256)"
  std::string signature() const;
  abi::selector selector() const;
  /// Selector followed by the encoded arguments (validated).
  bytes encode_call(const std::vector<value>& args) const;
  /// Checks the selector, then decodes the arguments.
  std::vector<value> decode_call(bytes_view calldata) const;
  /// Decodes the return data as the output tuple.
  std::vector<value> decode_output(bytes_view data) const;
};

struct event_desc {
  std::string name;
  std::vector<param> inputs;
  bool anonymous = false;

  std::string signature() const;
  /// keccak256 of the signature: the log's first topic (unless anonymous).
  hash256 topic0() const;
};

struct error_desc {
  std::string name;
  std::vector<param> inputs;

  std::string signature() const;
  abi::selector selector() const;
  /// Selector followed by the encoded arguments, as a contract would revert.
  bytes encode(const std::vector<value>& args) const;
};

struct constructor_desc {
  std::vector<param> inputs;
  std::string state_mutability;

  /// Deployment data: the creation bytecode followed by the encoded arguments.
  bytes encode_deploy(bytes_view bytecode, const std::vector<value>& args) const;
};

// ---- human-readable signatures -------------------------------------------

/// "name(T1 a, T2 b)" or "name(T1,T2)(R1,R2)" or "name(T1) returns (R1)".
/// Parameter names and the data-location words memory/calldata/storage are
/// optional. Throws std::invalid_argument.
function_desc parse_function(std::string_view text);
/// "Name(T1 indexed a, T2 b)"; a trailing "anonymous" marks anonymous events.
event_desc parse_event(std::string_view text);
error_desc parse_error(std::string_view text);

/// First 4 bytes of keccak256 of the canonicalised signature;
/// "transfer(address, uint)" and "transfer(address,uint256)" agree.
abi::selector function_selector(std::string_view signature);
/// keccak256 of the canonicalised event signature (indexed words allowed).
hash256 event_topic(std::string_view signature);

/// encode_call from a text signature: encode_call("transfer(address,uint256)", {a, 5}).
bytes encode_call(std::string_view signature, const std::vector<value>& args);
/// Decodes return data against a signature's outputs, "f()(uint256,string)",
/// or against a bare type list "(uint256,string)".
std::vector<value> decode_output(std::string_view signature, bytes_view data);

} // namespace petrade::eth::abi

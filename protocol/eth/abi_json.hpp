// A contract's solc JSON ABI: the array of {type, name, inputs, outputs, ...}
// entries, turned into function/event/error/constructor descriptions.
#pragma once

#include "protocol/eth/abi_desc.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace petrade::eth::abi {

struct contract_abi {
  std::vector<function_desc> functions;
  std::vector<event_desc> events;
  std::vector<error_desc> errors;
  std::optional<constructor_desc> constructor; // absent when the ABI has none
  bool has_fallback = false;
  bool has_receive = false;

  /// By plain name ("transfer"; the first overload wins) or by full signature
  /// ("transfer(address,uint256)"). nullptr when absent.
  const function_desc* find_function(std::string_view name_or_signature) const;
  const function_desc* find_function(const abi::selector& sel) const;
  const event_desc* find_event(std::string_view name_or_signature) const;
  const event_desc* find_event(const hash256& topic0) const;
  const error_desc* find_error(std::string_view name_or_signature) const;
  const error_desc* find_error(const abi::selector& sel) const;

  /// Like find_function but throws std::invalid_argument when absent.
  const function_desc& function(std::string_view name_or_signature) const;

  /// Creation bytecode followed by the encoded constructor arguments; with no
  /// constructor in the ABI, `args` must be empty.
  bytes encode_deploy(bytes_view bytecode, const std::vector<value>& args) const;
};

/// Parses the JSON text of an ABI array, or of a solc/foundry artifact object
/// holding one under "abi". Throws std::invalid_argument on malformed entries
/// (unknown type strings, tuples without components, ...).
contract_abi parse_json_abi(std::string_view json_text);
contract_abi parse_json_abi(const nlohmann::json& abi);

/// The ABI type of one JSON parameter ({"type": "tuple[]", "components": [...]}).
type parse_json_type(const nlohmann::json& param);

} // namespace petrade::eth::abi

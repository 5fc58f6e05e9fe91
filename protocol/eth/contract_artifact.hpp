// A compiled contract as the build leaves it (contracts/compile.js): its ABI
// and bytecode, loaded at run time so no artifact is ever copied by hand.
#pragma once

#include "protocol/eth/abi_json.hpp"
#include "protocol/eth/bytes.hpp"

#include <string>

namespace petrade::eth {

struct contract_artifact {
  std::string name;
  abi::contract_abi abi;
  bytes bytecode;           // init code for deployment
  bytes deployed_bytecode;  // what eth_getCode returns once deployed

  /// Init code followed by the ABI-encoded constructor arguments.
  bytes deploy_data(const std::vector<abi::value>& args) const;
};

/// $PETRADE_CONTRACTS_DIR if set, else the build tree's artifacts folder.
std::string default_contracts_dir();

/// Reads <dir>/<name>.json; throws std::runtime_error naming the file when it
/// is missing or malformed.
contract_artifact load_contract_artifact(const std::string& name,
                                         const std::string& dir = default_contracts_dir());

} // namespace petrade::eth

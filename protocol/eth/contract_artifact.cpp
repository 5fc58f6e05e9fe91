#include "protocol/eth/contract_artifact.hpp"

#include "protocol/eth/hex.hpp"

#include "petrade/paths.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace petrade::eth {

bytes contract_artifact::deploy_data(const std::vector<abi::value>& args) const {
  return abi.encode_deploy(bytecode, args);
}

std::string default_contracts_dir() {
  if (const char* env = std::getenv("PETRADE_CONTRACTS_DIR"); env && *env)
    return env;
  return paths::contracts_dir;
}

contract_artifact load_contract_artifact(const std::string& name, const std::string& dir) {
  auto path = dir + "/" + name + ".json";
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("no contract artifact " + path + " (is the build complete?)");
  try {
    auto doc = nlohmann::json::parse(in);
    contract_artifact a;
    a.name = doc.at("contractName").get<std::string>();
    a.abi = abi::parse_json_abi(doc.at("abi"));
    a.bytecode = from_hex(doc.at("bytecode").get<std::string>());
    a.deployed_bytecode = from_hex(doc.at("deployedBytecode").get<std::string>());
    return a;
  } catch (const std::exception& e) {
    throw std::runtime_error("malformed contract artifact " + path + ": " + e.what());
  }
}

} // namespace petrade::eth

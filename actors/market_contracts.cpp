#include "actors/market_contracts.hpp"

#include "protocol/eth/contract_artifact.hpp"

#include <nlohmann/json.hpp>

namespace petrade {

const market_abis& load_market_abis() {
  static const market_abis abis = [] {
    market_abis a;
    a.token = eth::load_contract_artifact("PetToken").abi;
    a.market = eth::load_contract_artifact("ProjectMarket").abi;
    a.board = eth::load_contract_artifact("DemandBoard").abi;
    a.evaluation = eth::load_contract_artifact("Evaluation").abi;
    return a;
  }();
  return abis;
}

std::string to_json(const market_addresses& a) {
  return nlohmann::json{{"platform", a.platform.hex()}, {"token", a.token.hex()},
                        {"market", a.market.hex()},     {"board", a.board.hex()},
                        {"evaluation", a.evaluation.hex()}, {"from_block", a.from_block}}
    .dump();
}

market_addresses market_addresses_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text);
  market_addresses a;
  a.platform = eth::address::parse(j.at("platform").get<std::string>());
  a.token = eth::address::parse(j.at("token").get<std::string>());
  a.market = eth::address::parse(j.at("market").get<std::string>());
  a.board = eth::address::parse(j.at("board").get<std::string>());
  // A deployment recorded before the Evaluation contract existed has none;
  // ensure_market deploys it then.
  if (j.contains("evaluation"))
    a.evaluation = eth::address::parse(j.at("evaluation").get<std::string>());
  a.from_block = j.value("from_block", std::uint64_t{0});
  return a;
}

} // namespace petrade

// The platform's contracts (contracts/, design §6): where they are on the
// chain and their ABIs, as every business actor needs them.
#pragma once

#include "protocol/eth/abi_json.hpp"
#include "protocol/eth/address.hpp"

#include <cstdint>
#include <string>

namespace petrade {

struct market_addresses {
  eth::address platform;   // signs mints, enrolments and refunds
  eth::address token;      // PetToken
  eth::address market;     // ProjectMarket
  eth::address board;      // DemandBoard
  eth::address evaluation; // Evaluation (zero in records older than it)
  std::uint64_t from_block = 0;   // where the indexer starts
};

struct market_abis {
  eth::abi::contract_abi token, market, board, evaluation;
};

/// Loaded once per process from the build's artifacts; throws
/// std::runtime_error naming the missing artifact.
const market_abis& load_market_abis();

/// {"platform": ..., "token": ..., ...} and back (the deployment record).
std::string to_json(const market_addresses& a);
market_addresses market_addresses_from_json(const std::string& text);

} // namespace petrade

// Start-up of the business layer: finds the platform's contracts on the chain
// or deploys them (as deploy tasks through the transaction manager, signed by
// the platform role), and remembers where they are.
#pragma once

#include "actors/chain_access.hpp"
#include "actors/market_contracts.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace petrade {

namespace storage {
class database;
}

/// Blocking; for start-up only. The deployment is recorded in `db`; when the
/// recorded token has no code any more (a fresh devnet) the contracts are
/// deployed again and the chain-derived read models are dropped, since they
/// describe a chain that is gone. Throws std::runtime_error with the reason.
market_addresses ensure_market(caf::actor_system& sys, const chain::access& chain,
                               storage::database& db, const eth::address& platform,
                               std::chrono::seconds timeout,
                               const std::function<void(const std::string&, const std::string&)>& log);

} // namespace petrade

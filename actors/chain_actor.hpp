// Chain reads and deployments for users and admins (the thesis's read and
// deploy tasks): each read is a read task through the dispatcher, a deploy a
// deploy task through the transaction manager signed by the platform role.
//
// Messages: (call_atom, business_call) -> business_reply, operations
//   chain.block {number | hash}   chain.transaction {hash}   chain.receipt {hash}
//   chain.block_number            chain.gas_price            chain.balance {address}
//   chain.deploy {bytecode, idempotency_key?}                 admin
#pragma once

#include "actors/chain_access.hpp"
#include "actors/market_contracts.hpp"

#include <caf/fwd.hpp>

namespace petrade {

caf::actor spawn_chain_actor(caf::actor_system& sys, chain::access chain, market_addresses contracts);

} // namespace petrade

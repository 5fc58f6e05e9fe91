// The token actor (design §6): top-ups paid through a payment provider and
// minted by the platform, transfers, burns, balances, bills, and the
// platform role's controls (pause, freeze, forced transfer for lost keys).
//
// Messages: (call_atom, business_call) -> business_reply, operations
//   token.enroll {address}                 system: gas grant + whitelist
//   token.topup {amount, idempotency_key?} user: charge, then mint
//   token.transfer {to, amount} · token.burn {amount}
//   token.balance {username?} · token.bill {username?} (others' for admins)
//   token.mint {username, amount} · token.pause · token.unpause
//   token.freeze {username} · token.unfreeze {username}
//   token.forced_transfer {from, to, amount}          admin
//   token.status
// Writes answer the accepted task ({task, state, tx}); the effect shows in
// balances once it is mined and in bills once the indexer has seen it.
#pragma once

#include "actors/chain_access.hpp"
#include "actors/market_contracts.hpp"
#include "actors/payment_provider.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <string>

namespace petrade {

namespace storage {
class database;
}

struct token_config {
  storage::database* db = nullptr;   // the indexer's read models (bills)
  chain::access chain;
  market_addresses contracts;
  caf::actor accounts;
  std::shared_ptr<payment_provider> payments;
  std::string gas_grant = "1000000000000000000";   // wei given to each new user
  std::function<void(const std::string& level, const std::string& text)> log;
};

caf::actor spawn_token_actor(caf::actor_system& sys, token_config cfg);

} // namespace petrade

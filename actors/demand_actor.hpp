// The demand actor (design §1, §6; thesis fig. 5.2): investors publish demands
// with a token bounty held in escrow by the DemandBoard, others answer before
// the expiry, the owner awards one answer. A timer refunds every demand that
// expired without an award: nobody has to call for it.
//
// Messages: (call_atom, business_call) -> business_reply, operations
//   demand.publish {description, details, keywords[], expiry | expires_in, bounty}
//   demand.list {query?, keyword?, state?, owner?, limit?, offset?}   (anyone)
//   demand.get {id}                                                   (anyone)
//   demand.answer {id, text} · demand.award {id, index} · demand.mine
//   demand.refunds                   admin: the refund timer's state
// Form rules (fig. 5.2): description and details 5–100 characters, 1–10
// keywords, expiry at least `min_expiry` ahead, bounty ≥ 1 and ≤ the balance.
// Expiries are unix seconds on the chain's clock (block timestamps), which a
// devnet may start at a fixed genesis time; `expires_in` avoids the question.
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

struct demand_config {
  storage::database* db = nullptr;   // details and the indexer's read models
  chain::access chain;
  market_addresses contracts;
  caf::actor accounts;
  std::chrono::seconds min_expiry{10};
  std::chrono::seconds max_expiry{std::chrono::hours(24 * 365)};
  std::chrono::milliseconds refund_interval{1000};
  /// Refunds wait this long past the expiry: the next block's timestamp must
  /// have reached it, and nodes' clocks differ a little.
  std::chrono::seconds refund_margin{2};
  std::function<void(const std::string& level, const std::string& text)> log;
};

caf::actor spawn_demand_actor(caf::actor_system& sys, demand_config cfg);

} // namespace petrade

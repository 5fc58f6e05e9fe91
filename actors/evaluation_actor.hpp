// The evaluation actor (design §2, §6; seed 001): rounds in which chosen
// raters score subjects — the platform's own services by default — on
// dimensions. The scores live on chain (contracts/Evaluation.sol), one sheet
// per rater signed with the rater's own key; the names and the experts'
// judgment matrix live in RocksDB; weights and rankings are computed from
// the chain's scores with the evaluation model on every read.
//
// Messages: (call_atom, business_call) -> business_reply, operations
//   evaluation.open {subjects[], dimensions[]?, closes_in_s, raters[],
//                    judgment[][]?}                      admin, write
//   evaluation.rate {round, scores[][]}                  user, write
//   evaluation.close {round}                             admin, write
//   evaluation.list · evaluation.get {round}             user
//   evaluation.verify {round, address}                   user
//   evaluation.subjects                                  user
// docs/evaluation.md ("The API") gives every answer's shape.
#pragma once

#include "actors/chain_access.hpp"
#include "actors/market_contracts.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace petrade {

namespace storage {
class database;
}

struct evaluation_config {
  storage::database* db = nullptr;   // round records: names and judgment
  chain::access chain;
  market_addresses contracts;        // .evaluation and .platform (its admin)
  caf::actor accounts;               // usernames -> main account addresses
  std::vector<std::string> node_names;   // suggested subjects "node:<name>"
  bool in_worker = false;                // and "worker"
  std::function<void(const std::string& level, const std::string& text)> log;
};

caf::actor spawn_evaluation_actor(caf::actor_system& sys, evaluation_config cfg);

} // namespace petrade

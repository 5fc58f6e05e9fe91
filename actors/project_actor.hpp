// The project actor (design §1, §6; thesis ch. 5): founders publish projects
// (summary, file, price, keywords, visibility), investors browse, buy and
// download them. The file is stored content-addressed and its hash goes on
// chain; the texts are stored under the hash of their document, which also
// goes on chain, so anyone can check them.
//
// Messages: (call_atom, business_call) -> business_reply, operations
//   project.publish {title, summary, price, keywords[], visibility, file{name, content_base64}}
//   project.list {query?, keyword?, seller?, limit?, offset?}   (anonymous: public only)
//   project.get {id}          records a view on chain for signed-in viewers
//   project.buy {id}          payment and access settle in one transaction
//   project.download {id}     owner and buyers only; records a download
//   project.delist {id}       the seller
//   project.mine              published and bought
// Visibility: public to everyone, friends to the seller's friends, private
// to the seller; a project one may not see is "not found", not "forbidden",
// so its existence does not leak.
#pragma once

#include "actors/chain_access.hpp"
#include "actors/market_contracts.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <string>

namespace petrade {

namespace storage {
class database;
}

struct project_config {
  storage::database* db = nullptr;   // files, details and the indexer's read models
  chain::access chain;
  market_addresses contracts;
  caf::actor accounts;
  std::size_t max_file_size = 16u << 20;
  std::function<void(const std::string& level, const std::string& text)> log;
};

caf::actor spawn_project_actor(caf::actor_system& sys, project_config cfg);

} // namespace petrade

#include "actors/market_deployment.hpp"

#include "protocol/eth/contract_artifact.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"

#include <caf/all.hpp>

namespace petrade {

namespace {

using json = nlohmann::json;
constexpr const char* record_key = "market/deployment";

struct blocking_chain {
  caf::scoped_actor& self;
  const chain::access& chain;
  std::chrono::seconds timeout;

  json read(const std::string& method, json params) {
    task t;
    t.id = chain::next_task_id();
    t.kind = task_kind::read;
    t.method = method;
    t.params = params.dump();
    json out;
    std::string failure;
    self->request(chain.dispatcher, timeout, submit_atom_v, std::move(t))
      .receive(
        [&](task_result& r) {
          if (r.ok())
            out = json::parse(r.result);
          else
            failure = r.message;
        },
        [&](caf::error& e) { failure = caf::to_string(e); });
    if (!failure.empty())
      throw std::runtime_error(method + " failed: " + failure);
    return out;
  }

  /// Submits and waits until mined; returns the final status.
  write_status transact(write_request req, const std::string& what) {
    write_status s;
    std::string failure;
    self->request(chain.tx_manager, timeout, submit_atom_v, std::move(req))
      .receive([&](write_status& r) { s = r; }, [&](caf::error& e) { failure = caf::to_string(e); });
    if (failure.empty() && refused(s))
      failure = s.error;
    if (failure.empty())
      self->request(chain.tx_manager, timeout, wait_atom_v, s.task_id)
        .receive([&](write_status& r) { s = r; }, [&](caf::error& e) { failure = caf::to_string(e); });
    if (failure.empty() && s.state == "failed")
      failure = s.error;
    if (!failure.empty())
      throw std::runtime_error(what + " failed: " + failure);
    return s;
  }
};

/// The Evaluation contract, whose admin is its deployer: the platform role.
eth::address deploy_evaluation(blocking_chain& bc, const eth::address& platform,
                               const std::function<void(const std::string&, const std::string&)>& log) {
  auto art = eth::load_contract_artifact("Evaluation");
  write_request req;
  req.kind = task_kind::deploy;
  req.from = platform.hex();
  req.data = eth::to_hex(art.deploy_data({}));
  auto s = bc.transact(req, "deploying Evaluation");
  auto at = eth::contract_address(platform, s.nonce);
  log("info", "Evaluation deployed at " + at.hex() + " in block " + std::to_string(s.block));
  return at;
}

/// Keys of the read models derived from the chain; off-chain details stay.
void drop_chain_read_models(storage::database& db) {
  storage::batch b;
  db.for_each(storage::column::read_models, "", [&](std::string_view key, std::string_view) {
    if (key.substr(0, 8) != "details/")
      b.erase(storage::column::read_models, key);
    return true;
  });
  db.for_each(storage::column::checkpoint, "", [&](std::string_view key, std::string_view) {
    b.erase(storage::column::checkpoint, key);
    return true;
  });
  db.write(b);
}

} // namespace

market_addresses ensure_market(caf::actor_system& sys, const chain::access& chain,
                               storage::database& db, const eth::address& platform,
                               std::chrono::seconds timeout,
                               const std::function<void(const std::string&, const std::string&)>& log) {
  caf::scoped_actor self{sys};
  blocking_chain bc{self, chain, timeout};
  if (auto rec = db.get(storage::column::checkpoint, record_key)) {
    auto known = market_addresses_from_json(*rec);
    auto code = bc.read("eth_getCode", json::array({known.token.hex(), "latest"}));
    if (code.is_string() && code.get<std::string>().size() > 2 && known.platform == platform) {
      if (known.evaluation.is_zero()) {
        // Recorded before the Evaluation contract existed: the rest stays.
        known.evaluation = deploy_evaluation(bc, platform, log);
        db.put(storage::column::checkpoint, record_key, to_json(known));
      }
      log("info", "contracts found: token " + known.token.hex() + ", market " + known.market.hex() +
                    ", board " + known.board.hex() + ", evaluation " + known.evaluation.hex());
      return known;
    }
    log("warn", "the recorded contracts are not on this chain (a new chain, or another platform "
                "key): deploying again and dropping the read models of the old chain");
    drop_chain_read_models(db);
  }
  auto deploy = [&](const char* name, const std::vector<eth::abi::value>& args) {
    auto art = eth::load_contract_artifact(name);
    write_request req;
    req.kind = task_kind::deploy;
    req.from = platform.hex();
    req.data = eth::to_hex(art.deploy_data(args));
    auto s = bc.transact(req, std::string("deploying ") + name);
    auto at = eth::contract_address(platform, s.nonce);
    log("info", std::string(name) + " deployed at " + at.hex() + " in block " + std::to_string(s.block));
    return std::make_pair(at, s.block);
  };
  market_addresses a;
  a.platform = platform;
  auto [token, block] = deploy("PetToken", {});
  a.token = token;
  a.from_block = block;
  a.market = deploy("ProjectMarket", {a.token}).first;
  a.board = deploy("DemandBoard", {a.token}).first;
  a.evaluation = deploy_evaluation(bc, platform, log);
  auto& abi = load_market_abis().token;
  for (auto& m : {a.market, a.board}) {
    bc.transact(chain::contract_call(platform, a.token, abi.function("setMarket").encode_call({m, true})),
                "allowing market " + m.hex());
  }
  db.put(storage::column::checkpoint, record_key, to_json(a));
  return a;
}

} // namespace petrade

#include "actors/business_host.hpp"

#include "actors/account_actor.hpp"
#include "actors/business_calls.hpp"
#include "actors/business_kit.hpp"
#include "actors/chain_actor.hpp"
#include "actors/demand_actor.hpp"
#include "actors/evaluation_actor.hpp"
#include "actors/indexer_actor.hpp"
#include "actors/project_actor.hpp"
#include "actors/token_actor.hpp"
#include "protocol/messages.hpp"
#include "storage/database.hpp"

#include <caf/all.hpp>

#include <map>

namespace petrade {

namespace {

using logger = std::function<void(const std::string&, const std::string&, const std::string&)>;

struct host_state {
  storage::database* db = nullptr;
  business_settings settings;
  logger log;
  caf::actor dispatcher, tx_manager;
  std::string market_json;
  std::map<std::string, caf::actor> services;   // "account" -> actor, ...
  static inline const char* name = "business_host";
};

using host_actor = caf::stateful_actor<host_state>;

std::function<void(const std::string&, const std::string&)> component_log(host_actor* self,
                                                                          const std::string& name) {
  auto log = self->state.log;
  return [log, name](const std::string& level, const std::string& text) {
    if (log)
      log(level, name, text);
  };
}

void stop_services(host_actor* self) {
  for (auto& [name, a] : self->state.services)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  self->state.services.clear();
}

void start_services(host_actor* self) {
  auto& st = self->state;
  auto& s = st.settings;
  auto& sys = self->system();
  chain::access chain{st.dispatcher, st.tx_manager, s.call_timeout};
  auto contracts = market_addresses_from_json(st.market_json);
  caf::actor me = caf::actor_cast<caf::actor>(self);

  indexer_config ic;
  ic.db = st.db;
  ic.chain = chain;
  ic.token = contracts.token;
  ic.market = contracts.market;
  ic.board = contracts.board;
  ic.from_block = contracts.from_block;
  ic.lag = s.indexer_lag;
  ic.poll_interval = s.indexer_poll;
  ic.log = component_log(self, "indexer");
  st.services["indexer"] = spawn_indexer(sys, ic);

  token_config tc;
  tc.db = st.db;
  tc.chain = chain;
  tc.contracts = contracts;
  tc.accounts = me;   // the host routes "account.*" to the account actor
  tc.payments = make_sandbox_provider(s.sandbox_limit);
  tc.gas_grant = s.gas_grant;
  tc.log = component_log(self, "token");
  st.services["token"] = spawn_token_actor(sys, tc);

  account_config ac;
  ac.db = st.db;
  ac.tx_manager = st.tx_manager;
  ac.token = me;
  ac.key_secret = s.key_secret;
  ac.session_ttl = s.session_ttl;
  ac.password_scrypt_n = s.password_scrypt_n;
  ac.keystore_scrypt_n = s.keystore_scrypt_n;
  ac.admin_username = s.admin_password.empty() ? std::string() : s.admin_username;
  ac.admin_password = s.admin_password;
  ac.call_timeout = s.call_timeout;
  ac.log = component_log(self, "account");
  // Registered before the account actor starts: its bootstrap admin enrols
  // through the host at once.
  st.services["account"] = spawn_account_actor(sys, ac);

  project_config pc;
  pc.db = st.db;
  pc.chain = chain;
  pc.contracts = contracts;
  pc.accounts = me;
  pc.log = component_log(self, "project");
  st.services["project"] = spawn_project_actor(sys, pc);

  demand_config dc;
  dc.db = st.db;
  dc.chain = chain;
  dc.contracts = contracts;
  dc.accounts = me;
  dc.min_expiry = s.min_expiry;
  dc.refund_interval = s.refund_interval;
  dc.log = component_log(self, "demand");
  st.services["demand"] = spawn_demand_actor(sys, dc);

  evaluation_config ec;
  ec.db = st.db;
  ec.chain = chain;
  ec.contracts = contracts;
  ec.accounts = me;
  ec.node_names = s.node_names;
  ec.in_worker = s.in_worker;
  ec.log = component_log(self, "evaluation");
  st.services["evaluation"] = spawn_evaluation_actor(sys, ec);
  st.services["chain"] = spawn_chain_actor(sys, chain, contracts);
  for (auto& [name, a] : st.services)
    self->link_to(a);
}

caf::behavior host_behavior(host_actor* self, storage::database* db, business_settings settings,
                            logger log) {
  self->state.db = db;
  self->state.settings = std::move(settings);
  self->state.log = std::move(log);
  return {
    [self](attach_atom, caf::actor& dispatcher, caf::actor& tx, std::string& market) -> std::string {
      auto& st = self->state;
      if (st.dispatcher == dispatcher && st.tx_manager == tx && st.market_json == market &&
          !st.services.empty())
        return "attached";
      stop_services(self);
      st.dispatcher = dispatcher;
      st.tx_manager = tx;
      st.market_json = market;
      start_services(self);
      if (st.log)
        st.log("info", "business_host", "attached to a platform; services started");
      return "attached";
    },
    [](status_atom) { return std::string("in-process"); },
    [self](call_atom, business_call& c) -> caf::result<caf::message> {
      auto it = self->state.services.find(service_of(c.op));
      if (it == self->state.services.end()) {
        if (self->state.services.empty())
          return caf::make_message(fail_reply(business_error::unavailable,
                                              "the business services are not attached to a platform yet"));
        return caf::make_message(fail_reply(business_error::invalid, "unknown operation " + c.op));
      }
      return self->delegate(it->second, call_atom_v, std::move(c));
    },
    [self](wait_atom, std::uint64_t block) -> caf::result<caf::message> {
      auto it = self->state.services.find("indexer");
      if (it == self->state.services.end())
        return caf::make_error(caf::sec::invalid_argument, "not attached");
      return self->delegate(it->second, wait_atom_v, block);
    },
  };
}

} // namespace

caf::actor spawn_business_host(caf::actor_system& sys, storage::database& db,
                               business_settings settings, logger log) {
  if (settings.key_secret.empty())
    throw std::invalid_argument("business host: the custody key secret is empty");
  return sys.spawn(host_behavior, &db, std::move(settings), std::move(log));
}

} // namespace petrade

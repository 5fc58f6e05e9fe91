#include "actors/chain_actor.hpp"

#include "actors/business_kit.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/messages.hpp"

#include <caf/all.hpp>

namespace petrade {

namespace {

using json = nlohmann::json;

bool is_hex_of(const std::string& s, std::size_t bytes) {
  if (s.size() != 2 + 2 * bytes || s.rfind("0x", 0) != 0)
    return false;
  return s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
}

/// The JSON-RPC call an operation stands for, or why the body is refused.
std::optional<std::pair<std::string, json>> rpc_of(const business_call& c, const json& body,
                                                   business_reply& err) {
  auto field = [&](const char* name) { return body.value(name, std::string()); };
  auto refuse = [&](const std::string& why) {
    err = fail_reply(business_error::invalid, why);
    return std::nullopt;
  };
  if (c.op == "chain.block_number")
    return std::make_pair(std::string("eth_blockNumber"), json::array());
  if (c.op == "chain.gas_price")
    return std::make_pair(std::string("eth_gasPrice"), json::array());
  if (c.op == "chain.block") {
    if (body.contains("hash")) {
      if (!is_hex_of(field("hash"), 32))
        return refuse("'hash' must be 0x and 64 hex digits, not " + body["hash"].dump());
      return std::make_pair(std::string("eth_getBlockByHash"), json::array({field("hash"), false}));
    }
    auto n = body.find("number");
    if (n == body.end() || !n->is_number_unsigned())
      return refuse("give 'number' (a block number) or 'hash'");
    return std::make_pair(std::string("eth_getBlockByNumber"),
                          json::array({eth::to_quantity(eth::uint256(n->get<std::uint64_t>())), false}));
  }
  if (c.op == "chain.transaction" || c.op == "chain.receipt") {
    if (!is_hex_of(field("hash"), 32))
      return refuse("'hash' must be a transaction hash (0x and 64 hex digits), not " +
                    body.value("hash", json()).dump());
    return std::make_pair(std::string(c.op == "chain.receipt" ? "eth_getTransactionReceipt"
                                                              : "eth_getTransactionByHash"),
                          json::array({field("hash")}));
  }
  if (c.op == "chain.balance") {
    if (!is_hex_of(field("address"), 20))
      return refuse("'address' must be 0x and 40 hex digits, not " + body.value("address", json()).dump());
    return std::make_pair(std::string("eth_getBalance"), json::array({field("address"), "latest"}));
  }
  return refuse("unknown operation " + c.op);
}

caf::behavior chain_behavior(caf::event_based_actor* self, chain::access chain, market_addresses contracts) {
  return {
    [=](call_atom, business_call& c) -> caf::result<business_reply> {
      business_reply err;
      auto body = parse_body(c, err);
      if (!body)
        return err;
      if (c.op == "chain.deploy") {
        if (!is_admin(c))
          return fail_reply(is_signed_in(c) ? business_error::forbidden : business_error::unauthenticated,
                            "chain.deploy is for admins");
        auto code = body->value("bytecode", std::string());
        if (code.size() < 4 || code.rfind("0x", 0) != 0 ||
            code.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos || code.size() % 2)
          return fail_reply(business_error::invalid, "'bytecode' must be 0x-prefixed init code in hex");
        write_request req;
        req.kind = task_kind::deploy;
        req.from = contracts.platform.hex();
        req.data = code;
        req.idempotency_key = body->value("idempotency_key", std::string());
        if (!req.idempotency_key.empty())
          req.idempotency_key = "deploy:" + c.user + ":" + req.idempotency_key;
        auto rp = self->make_response_promise();
        chain::write(
          self, chain, req, [rp](const write_status& s) mutable { rp.deliver(ok_reply(chain::task_json(s))); },
          [rp](const chain::failure& f) mutable { rp.deliver(chain::reply_of(f)); });
        return caf::delegated<business_reply>();
      }
      auto rpc = rpc_of(c, *body, err);
      if (!rpc)
        return err;
      auto rp = self->make_response_promise();
      chain::read(
        self, chain, rpc->first, rpc->second,
        [rp, op = c.op](const json& result) mutable {
          if (result.is_null())
            rp.deliver(fail_reply(business_error::not_found, op + ": the chain has no such item"));
          else
            rp.deliver(ok_reply(json{{"result", result}}));
        },
        [rp](const chain::failure& f) mutable { rp.deliver(chain::reply_of(f)); });
      return caf::delegated<business_reply>();
    },
  };
}

} // namespace

caf::actor spawn_chain_actor(caf::actor_system& sys, chain::access chain, market_addresses contracts) {
  return sys.spawn(chain_behavior, std::move(chain), std::move(contracts));
}

} // namespace petrade

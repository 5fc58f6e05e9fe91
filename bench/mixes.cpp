#include "bench/mixes.hpp"

#include <nlohmann/json.hpp>

#include <numeric>
#include <stdexcept>

namespace petrade::bench {

using json = nlohmann::json;

namespace {

// 37 is coprime with 100, so slot n*37 % 100 walks the whole wheel once
// every 100 requests and spreads each operation's slots across it.
std::size_t wheel_slot(std::size_t n) {
  return (n * 37) % 100;
}

mix make_mix(std::string name, std::vector<std::string> ops, std::vector<int> percent) {
  if (ops.size() != percent.size() || std::accumulate(percent.begin(), percent.end(), 0) != 100)
    throw std::logic_error("mix " + name + ": percentages must sum to 100");
  mix m;
  m.name = std::move(name);
  m.ops = std::move(ops);
  m.percent = std::move(percent);
  return m;
}

std::string rpc_body(std::size_t id, const char* method, json params) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}.dump();
}

std::string quantity(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A contract whose code returns 42: small init code, so a deploy costs the
// node what the thesis's "publish a contract" cost without our contracts.
constexpr const char* tiny_contract = "0x600a600c600039600a6000f3602a60005260206000f3";

} // namespace

std::size_t mix::op_of(std::size_t n) const {
  auto slot = static_cast<int>(wheel_slot(n));
  for (std::size_t op = 0; op < percent.size(); ++op) {
    if (slot < percent[op])
      return op;
    slot -= percent[op];
  }
  return percent.size() - 1;
}

std::size_t mix::rank(std::size_t n) const {
  auto op = op_of(n);
  std::size_t before = n / 100 * static_cast<std::size_t>(percent[op]);
  for (auto m = n - n % 100; m < n; ++m)
    before += op_of(m) == op;
  return before;
}

request_source mix::source(std::size_t per_client, std::size_t base) const {
  return [m = *this, per_client, base](std::size_t client, std::size_t index) {
    auto n = base + client * per_client + index;
    auto op = m.op_of(n);
    auto spec = m.make(op, n);
    spec.op = static_cast<std::uint8_t>(op);
    return spec;
  };
}

mix table51_mix(std::shared_ptr<const world> w) {
  auto m = make_mix("table5.1",
                    {"balance", "main_account", "client_accounts", "block_number", "create_account",
                     "list_accounts", "unlock_account", "send_transaction", "tx_hash_lookup", "tx_by_hash",
                     "deploy_contract"},
                    {20, 5, 5, 10, 5, 5, 5, 30, 5, 5, 5});
  m.make = [w](std::size_t op, std::size_t n) {
    auto users = w->users.size();
    auto& u = w->users[n % users];
    request_spec r;
    r.bearer = u.token;
    switch (op) {
      case 0: r.target = "/api/chain/balances/" + w->users[(n / users) % users].address; break;
      case 1: r.target = "/api/me"; break;
      case 2: r.target = "/api/admin/accounts"; r.bearer = w->admin_token; break;
      case 3: r.target = "/api/chain/head"; break;
      case 4:
        r.method = "POST";
        r.target = "/api/admin/accounts";
        r.bearer = w->admin_token;
        r.body = json{{"password", "bench account " + std::to_string(n)}}.dump();
        break;
      case 5: r.target = "/api/users?query=bench&limit=20"; break;
      case 6:
        r.method = "POST";
        r.target = "/api/admin/accounts/" + w->unlock_address + "/unlock";
        r.bearer = w->admin_token;
        r.body = json{{"password", w->unlock_password}}.dump();
        break;
      case 7:
        r.method = "POST";
        r.target = "/api/token/transfer";
        r.body = json{{"to", w->users[(n + 1) % users].name}, {"amount", 1}}.dump();
        break;
      case 8: r.target = "/api/tasks/" + std::to_string(u.task); break;
      case 9: r.target = "/api/chain/transactions/" + u.tx_hash; break;
      default:
        r.method = "POST";
        r.target = "/api/admin/chain/deploy";
        r.bearer = w->admin_token;
        r.body = json{{"bytecode", tiny_contract}}.dump();
    }
    return r;
  };
  return m;
}

mix business_mix(std::shared_ptr<const world> w) {
  auto m = make_mix("business", {"browse", "project_detail", "buy", "publish", "answer"}, {50, 20, 10, 10, 10});
  // The k-th buy and the k-th answer each name their own pair (buyer and
  // seller, answerer and demand), so none is refused as done twice while
  // k < users * (users - 1), resp. demands * (users - 1).
  auto rank = [wheel = m](std::size_t n) { return wheel.rank(n); };
  m.make = [w, rank](std::size_t op, std::size_t n) {
    auto users = w->users.size();
    request_spec r;
    r.bearer = w->users[n % users].token;
    switch (op) {
      case 0: r.target = "/api/projects?limit=20"; break;
      case 1: r.target = "/api/projects/" + std::to_string(w->users[(n / users) % users].project); break;
      case 2: {
        auto k = rank(n);
        auto buyer = k % users;
        auto seller = (buyer + 1 + (k / users) % (users - 1)) % users;
        r.bearer = w->users[buyer].token;
        r.method = "POST";
        r.target = "/api/projects/" + std::to_string(w->users[seller].project) + "/buy";
        break;
      }
      case 3:
        r.method = "POST";
        r.target = "/api/projects";
        r.body = project_body("Bench listing " + std::to_string(n));
        break;
      default: {
        auto k = rank(n);
        auto d = (k / (users - 1)) % w->demands.size();
        auto owner = w->demand_owners.at(d);
        r.bearer = w->users[(owner + 1 + k % (users - 1)) % users].token;
        r.method = "POST";
        r.target = "/api/demands/" + std::to_string(w->demands[d]) + "/answers";
        r.body = json{{"text", "Answer number " + std::to_string(n)}}.dump();
      }
    }
    return r;
  };
  return m;
}

mix rpc_read_mix(std::shared_ptr<const world> w, std::string path) {
  auto m = make_mix("rpc_reads", {"eth_call", "eth_getBalance", "eth_blockNumber", "eth_getLogs"}, {25, 25, 25, 25});
  m.make = [w, path](std::size_t op, std::size_t n) {
    auto& u = w->users[n % w->users.size()];
    request_spec r;
    r.method = "POST";
    r.target = path;
    r.json_rpc = true;
    switch (op) {
      case 0: {
        auto data = "0x70a08231" + std::string(24, '0') + u.address.substr(2);   // balanceOf(user)
        r.body = rpc_body(n, "eth_call", json::array({json{{"to", w->token_contract}, {"data", data}}, "latest"}));
        break;
      }
      case 1: r.body = rpc_body(n, "eth_getBalance", json::array({u.address, "latest"})); break;
      case 2: r.body = rpc_body(n, "eth_blockNumber", json::array()); break;
      default: {
        auto to = w->head;
        auto from = to > 16 ? to - 16 : 0;
        r.body = rpc_body(n, "eth_getLogs", json::array({json{
          {"fromBlock", quantity(from)}, {"toBlock", quantity(to)}, {"address", w->token_contract}}}));
      }
    }
    return r;
  };
  return m;
}

mix raw_tx_mix(std::shared_ptr<const std::vector<std::string>> raw, std::string path) {
  auto m = make_mix("raw_transactions", {"eth_sendRawTransaction"}, {100});
  m.make = [raw, path](std::size_t, std::size_t n) {
    request_spec r;
    r.method = "POST";
    r.target = path;
    r.json_rpc = true;
    r.body = rpc_body(n, "eth_sendRawTransaction", json::array({(*raw)[n % raw->size()]}));
    return r;
  };
  return m;
}

mix block_number_mix(std::string path) {
  auto m = make_mix("block_number", {"eth_blockNumber"}, {100});
  m.make = [path](std::size_t, std::size_t n) {
    request_spec r;
    r.method = "POST";
    r.target = path;
    r.json_rpc = true;
    r.body = rpc_body(n, "eth_blockNumber", json::array());
    return r;
  };
  return m;
}

} // namespace petrade::bench

#include "tests/support/chain_fixture.hpp"

#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/transaction.hpp"
#include "tests/support/tools.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

namespace petrade::test {

using namespace std::chrono_literals;
namespace abi = eth::abi;

const abi::value& event::operator[](std::string_view field) const {
  for (auto& f : fields)
    if (f.name == field)
      return f.value;
  throw std::out_of_range(name + " has no field " + std::string(field));
}

::testing::AssertionResult
is_event(const event& e, std::string_view name,
         const std::vector<std::pair<std::string, abi::value>>& fields) {
  if (e.name != name)
    return ::testing::AssertionFailure() << "event " << e.name << " instead of " << name;
  if (e.fields.size() != fields.size())
    return ::testing::AssertionFailure() << name << " has " << e.fields.size()
                                         << " fields, the test gives " << fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto& [want_name, want] = fields[i];
    auto& got = e.fields[i];
    if (got.name != want_name || !(got.value == want))
      return ::testing::AssertionFailure()
             << name << " field " << i << ": " << got.name << " = " << got.value.debug_string()
             << ", expected " << want_name << " = " << want.debug_string();
  }
  return ::testing::AssertionSuccess();
}

// ---- contract ------------------------------------------------------------

contract::contract(chain& on, eth::contract_artifact artifact, eth::address at)
  : chain_(&on), artifact_(std::move(artifact)), at_(at) {}

eth::bytes contract::encode(std::string_view fn, const abi_args& args) const {
  return artifact_.abi.function(fn).encode_call(args);
}

json contract::send(const eth::private_key& from, std::string_view fn,
                    const abi_args& args) const {
  return chain_->transact(from, at_, encode(fn, args));
}

std::vector<abi::value> contract::view_all(std::string_view fn, const abi_args& args,
                                           std::optional<eth::address> from) const {
  auto& f = artifact_.abi.function(fn);
  return f.decode_output(chain_->call(at_, f.encode_call(args), from));
}

abi::value contract::view(std::string_view fn, const abi_args& args) const {
  return view_all(fn, args).at(0);
}

::testing::AssertionResult contract::reverts(const eth::private_key& from, std::string_view fn,
                                             const abi_args& args,
                                             std::string_view reason) const {
  return chain_->reverts(from, at_, encode(fn, args), reason);
}

::testing::AssertionResult contract::reverts_mined(const eth::private_key& from,
                                                   std::string_view fn, const abi_args& args,
                                                   std::string_view reason) const {
  auto called = reverts(from, fn, args, reason);
  if (!called)
    return called;
  // Generous enough that running out of gas cannot pass for the revert.
  auto receipt = chain_->transact(from, at_, encode(fn, args), 1'000'000);
  if (receipt.at("status") != "0x0")
    return ::testing::AssertionFailure() << fn << " was mined with status " << receipt.at("status");
  if (!receipt.at("logs").empty())
    return ::testing::AssertionFailure() << fn << " reverted but left logs";
  return ::testing::AssertionSuccess();
}

// ---- chain ---------------------------------------------------------------

chain::chain(int nodes, const std::string& tag) {
  cfg_.nodes = nodes;
  cfg_.base_port = free_port_range(nodes);
  cfg_.data_dir = temp_dir(tag);
  cfg_.sync_interval = 20ms;
  net_ = std::make_unique<devnet::cluster>(cfg_);
  net_->start();
  for (auto& n : net_->nodes())
    clients_.push_back(jsonrpc::client::create(io_, n.url));
}

chain::~chain() {
  clients_.clear();
  net_.reset();
  std::error_code ec;
  std::filesystem::remove_all(cfg_.data_dir, ec);
}

json chain::rpc(const std::string& method, json params, int node) {
  return clients_.at(static_cast<std::size_t>(node))->call_sync(method, std::move(params));
}

json chain::transact(const eth::private_key& from, std::optional<eth::address> to,
                     const eth::bytes& data, std::optional<std::uint64_t> gas) {
  auto sender = from.address().hex();
  eth::transaction tx;
  tx.chain_id = cfg_.chain_id;
  tx.nonce = static_cast<std::uint64_t>(eth::from_quantity(
    rpc("eth_getTransactionCount", json::array({sender, "pending"})).get<std::string>()));
  tx.max_priority_fee_per_gas = 1;
  tx.max_fee_per_gas = 10'000'000'000ULL;
  if (gas) {
    tx.gas_limit = *gas;
  } else {
    json call{{"from", sender}, {"data", eth::to_hex(data)}};
    if (to)
      call["to"] = to->hex();
    tx.gas_limit = static_cast<std::uint64_t>(
      eth::from_quantity(rpc("eth_estimateGas", json::array({call})).get<std::string>()));
  }
  tx.to = to;
  tx.data = data;
  tx.sign(from);
  // Entering through the last node exercises the cluster's forwarding when
  // there are followers; with one node it is the sealer itself.
  auto hash = net_->send_raw_transaction(static_cast<int>(clients_.size()) - 1,
                                         eth::to_hex(tx.raw()));
  // A loaded machine (ctest -j2 beside other devnets) can stall anvil for
  // seconds: wait generously, and say what the node holds if it never comes.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    auto r = rpc("eth_getTransactionReceipt", json::array({hash}));
    if (!r.is_null())
      return r;
    std::this_thread::sleep_for(5ms);
  }
  auto latest = rpc("eth_getTransactionCount", json::array({sender, "latest"}));
  throw std::runtime_error("transaction " + hash + " (nonce " + std::to_string(tx.nonce) +
                           ") was not mined in 30 s; the sender's mined count is " + latest.dump());
}

contract chain::deploy(const eth::private_key& from, const eth::contract_artifact& artifact,
                       const abi_args& args) {
  auto receipt = transact(from, std::nullopt, artifact.deploy_data(args));
  if (receipt.at("status") != "0x1")
    throw std::runtime_error("deploying " + artifact.name + " failed");
  return contract(*this, artifact,
                  eth::address::parse(receipt.at("contractAddress").get<std::string>()));
}

eth::bytes chain::call(const eth::address& to, const eth::bytes& data,
                       std::optional<eth::address> from, int node) {
  json call{{"to", to.hex()}, {"data", eth::to_hex(data)}};
  if (from)
    call["from"] = from->hex();
  return eth::from_hex(rpc("eth_call", json::array({call, "latest"}), node).get<std::string>());
}

std::optional<abi::revert_info> chain::revert_of(const eth::address& to, const eth::bytes& data,
                                                 std::optional<eth::address> from,
                                                 const std::vector<abi::error_desc>& errors,
                                                 int node) {
  try {
    call(to, data, from, node);
    return std::nullopt;
  } catch (const jsonrpc::rpc_exception& e) {
    // Code 3 is "execution reverted"; anything else (a bad request, a node
    // gone) is the test's problem, not the contract's answer.
    const auto& d = e.error().data;
    bool has_data = d && d->is_string();
    if (e.kind() != jsonrpc::error_kind::rpc || (!has_data && e.code() != 3))
      throw;
    return abi::decode_revert(has_data ? eth::from_hex(d->get<std::string>()) : eth::bytes{},
                              errors);
  }
}

::testing::AssertionResult chain::reverts(const eth::private_key& from, const eth::address& to,
                                          const eth::bytes& data, std::string_view reason) {
  auto r = revert_of(to, data, from.address());
  if (!r)
    return ::testing::AssertionFailure() << "did not revert (expected \"" << reason << "\")";
  if (r->kind != abi::revert_kind::error_string || r->reason != reason)
    return ::testing::AssertionFailure()
           << "reverted with " << r->message << " instead of \"" << reason << "\"";
  return ::testing::AssertionSuccess();
}

std::vector<event> chain::events(const json& receipt,
                                 std::initializer_list<const contract*> known) {
  std::vector<event> out;
  for (auto& log : receipt.at("logs")) {
    auto emitter = eth::address::parse(log.at("address").get<std::string>());
    std::vector<eth::hash256> topics;
    for (auto& t : log.at("topics"))
      topics.push_back(eth::from_hex_fixed<32>(t.get<std::string>()));
    const abi::event_desc* desc = nullptr;
    for (auto* c : known)
      if (c->address() == emitter && !topics.empty()) {
        desc = c->artifact().abi.find_event(topics[0]);
        break;
      }
    if (!desc)
      throw std::runtime_error("no known contract explains a log of " + emitter.hex());
    out.push_back(event{desc->name, emitter,
                        abi::decode_log(*desc, topics,
                                        eth::from_hex(log.at("data").get<std::string>()))});
  }
  return out;
}

std::uint64_t chain::timestamp() {
  auto block = rpc("eth_getBlockByNumber", json::array({"latest", false}));
  return static_cast<std::uint64_t>(eth::from_quantity(block.at("timestamp").get<std::string>()));
}

void chain::advance_time(std::uint64_t seconds) {
  rpc("evm_increaseTime", json::array({seconds}));
  rpc("evm_mine");
}

std::string chain::snapshot() {
  return rpc("evm_snapshot").get<std::string>();
}

void chain::revert_to(const std::string& id) {
  if (!rpc("evm_revert", json::array({id})).get<bool>())
    throw std::runtime_error("evm_revert to snapshot " + id + " failed");
}

eth::private_key dev_key(int index) {
  if (index < 0 || static_cast<std::size_t>(index) >= std::size(dev_keys))
    throw std::out_of_range("no dev key " + std::to_string(index));
  return eth::private_key::from_hex(dev_keys[static_cast<std::size_t>(index)]);
}

eth::hash256 tag32(std::string_view tag) {
  return eth::keccak256(tag);
}

std::pair<contract, contract> deploy_token_and_market(chain& c, const eth::private_key& platform,
                                                      const std::string& market,
                                                      std::initializer_list<const eth::private_key*> members) {
  auto token = c.deploy(platform, eth::load_contract_artifact("PetToken"));
  auto m = c.deploy(platform, eth::load_contract_artifact(market), {token.address()});
  token.send(platform, "setMarket", {m.address(), true});
  for (auto* k : members)
    token.send(platform, "register", {k->address()});
  return {std::move(token), std::move(m)};
}

} // namespace petrade::test

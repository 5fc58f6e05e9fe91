// The contracts toolchain end to end: the build's solc artifact is deployed
// from C++ to a devnet, called, its event decoded and its reverts explained.
#include "devnet/devnet.hpp"
#include "protocol/eth/abi.hpp"
#include "protocol/eth/contract_artifact.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

class GreeterTest : public ::testing::Test {
protected:
  void SetUp() override {
    cfg.nodes = 2;
    cfg.base_port = test::free_port_range(2);
    cfg.data_dir = test::temp_dir("greeter");
    cfg.sync_interval = 20ms;
    net = std::make_unique<devnet::cluster>(cfg);
    net->start();
    sealer = jsonrpc::client::create(io, net->nodes()[0].url);
    follower = jsonrpc::client::create(io, net->nodes()[1].url);
  }
  void TearDown() override {
    net.reset();
    std::filesystem::remove_all(cfg.data_dir);
  }

  // Signs and submits a transaction from dev key 0 (estimating its gas) and
  // returns its receipt once mined.
  json transact(std::optional<eth::address> to, const eth::bytes& data) {
    eth::transaction tx;
    tx.chain_id = cfg.chain_id;
    tx.nonce = static_cast<std::uint64_t>(eth::from_quantity(
      sealer->call_sync("eth_getTransactionCount", json::array({key.address().hex(), "pending"}))
        .get<std::string>()));
    tx.max_priority_fee_per_gas = 1;
    tx.max_fee_per_gas = 10'000'000'000ULL;
    json call{{"from", key.address().hex()}, {"data", eth::to_hex(data)}};
    if (to)
      call["to"] = to->hex();
    tx.gas_limit = static_cast<std::uint64_t>(eth::from_quantity(
      sealer->call_sync("eth_estimateGas", json::array({call})).get<std::string>()));
    tx.to = to;
    tx.data = data;
    tx.sign(key);
    auto hash = net->send_raw_transaction(1, eth::to_hex(tx.raw()));
    for (int i = 0; i < 200; ++i) {
      auto r = sealer->call_sync("eth_getTransactionReceipt", json::array({hash}));
      if (!r.is_null())
        return r;
      std::this_thread::sleep_for(10ms);
    }
    throw std::runtime_error("transaction " + hash + " was not mined");
  }

  eth::bytes call(const eth::address& to, const eth::bytes& data) {
    auto out = follower->call_sync(
      "eth_call", json::array({json{{"to", to.hex()}, {"data", eth::to_hex(data)}}, "latest"}));
    return eth::from_hex(out.get<std::string>());
  }

  devnet::devnet_config cfg;
  std::unique_ptr<devnet::cluster> net;
  jsonrpc::io_runner io{1};
  std::shared_ptr<jsonrpc::client> sealer, follower;
  eth::private_key key = eth::private_key::from_hex(test::dev_keys[0]);
  eth::contract_artifact greeter = eth::load_contract_artifact("Greeter");
};

TEST_F(GreeterTest, DeployCallAndDecodeTheEvent) {
  ASSERT_FALSE(greeter.bytecode.empty());
  auto deployed = transact(std::nullopt, greeter.deploy_data({"hello"}));
  ASSERT_EQ(deployed.at("status"), "0x1");
  auto at = eth::address::parse(deployed.at("contractAddress").get<std::string>());
  EXPECT_EQ(at, eth::contract_address(key.address(), 0));

  // The follower imported the deployment too: same code, same answer.
  ASSERT_TRUE(net->wait_in_sync(30s));
  auto code = follower->call_sync("eth_getCode", json::array({at.hex(), "latest"}));
  EXPECT_EQ(eth::from_hex(code.get<std::string>()), greeter.deployed_bytecode);
  auto& greet = greeter.abi.function("greet");
  EXPECT_EQ(greet.decode_output(call(at, greet.encode_call({})))[0].as_string(), "hello");

  auto& set = greeter.abi.function("setGreeting");
  auto receipt = transact(at, set.encode_call({"hi there"}));
  ASSERT_EQ(receipt.at("status"), "0x1");
  ASSERT_EQ(receipt.at("logs").size(), 1u);
  auto& log = receipt.at("logs")[0];
  std::vector<eth::hash256> topics;
  for (auto& t : log.at("topics"))
    topics.push_back(eth::from_hex_fixed<32>(t.get<std::string>()));
  auto* ev = greeter.abi.find_event(topics.at(0));
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->name, "GreetingChanged");
  auto fields = eth::abi::decode_log(*ev, topics, eth::from_hex(log.at("data").get<std::string>()));
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "by");
  EXPECT_EQ(fields[0].value.as_address(), key.address());
  EXPECT_EQ(fields[1].value.as_uint(), 1u);
  EXPECT_EQ(fields[2].value.as_string(), "hi there");
  ASSERT_TRUE(net->wait_in_sync(30s));
  EXPECT_EQ(greet.decode_output(call(at, greet.encode_call({})))[0].as_string(), "hi there");
}

TEST_F(GreeterTest, RevertsDecodeToTheirReasons) {
  auto deployed = transact(std::nullopt, greeter.deploy_data({"hello"}));
  auto at = eth::address::parse(deployed.at("contractAddress").get<std::string>());
  ASSERT_TRUE(net->wait_in_sync(30s));   // calls go to the follower
  auto revert_of = [&](const eth::bytes& data) {
    try {
      call(at, data);
    } catch (const jsonrpc::rpc_exception& e) {
      EXPECT_EQ(e.kind(), jsonrpc::error_kind::rpc);
      const auto& d = e.error().data;
      if (d && d->is_string())
        return eth::abi::decode_revert(eth::from_hex(d->get<std::string>()), greeter.abi.errors);
      ADD_FAILURE() << "revert without data: " << e.what();
      return eth::abi::revert_info{};
    }
    ADD_FAILURE() << "call did not revert";
    return eth::abi::revert_info{};
  };
  auto reason = revert_of(greeter.abi.function("fail").encode_call({"not today"}));
  EXPECT_EQ(reason.kind, eth::abi::revert_kind::error_string);
  EXPECT_EQ(reason.reason, "not today");
  auto custom = revert_of(greeter.abi.function("setGreeting").encode_call({""}));
  EXPECT_EQ(custom.kind, eth::abi::revert_kind::custom);
  EXPECT_EQ(custom.error_name, "EmptyGreeting");
}

TEST(ContractArtifact, MissingArtifactIsAClearError) {
  try {
    eth::load_contract_artifact("NoSuchContract");
    FAIL() << "loaded a contract that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("NoSuchContract.json"), std::string::npos);
  }
}

} // namespace

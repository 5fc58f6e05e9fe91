// The contracts toolchain end to end: the build's solc artifact is deployed
// from C++ to a devnet, called, its event decoded and its reverts explained.
#include "protocol/eth/hex.hpp"
#include "protocol/eth/transaction.hpp"
#include "tests/support/chain_fixture.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using test::json;

class GreeterTest : public ::testing::Test {
protected:
  // Two nodes, so that what the sealer mined is also read from a follower.
  test::chain chain{2, "greeter"};
  eth::private_key key = test::dev_key(0);
  eth::contract_artifact greeter = eth::load_contract_artifact("Greeter");
};

TEST_F(GreeterTest, DeployCallAndDecodeTheEvent) {
  ASSERT_FALSE(greeter.bytecode.empty());
  auto g = chain.deploy(key, greeter, {"hello"});
  EXPECT_EQ(g.address(), eth::contract_address(key.address(), 0));

  // The follower imported the deployment too: same code, same answer.
  ASSERT_TRUE(chain.net().wait_in_sync(30s));
  auto code = chain.rpc("eth_getCode", json::array({g.address().hex(), "latest"}), 1);
  EXPECT_EQ(eth::from_hex(code.get<std::string>()), greeter.deployed_bytecode);
  auto& greet = greeter.abi.function("greet");
  auto from_follower = [&] {
    return greet.decode_output(chain.call(g.address(), greet.encode_call({}), {}, 1))[0];
  };
  EXPECT_EQ(from_follower().as_string(), "hello");

  auto receipt = g.send(key, "setGreeting", {"hi there"});
  ASSERT_EQ(receipt.at("status"), "0x1");
  auto events = test::chain::events(receipt, {&g});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "GreetingChanged");
  ASSERT_EQ(events[0].fields.size(), 3u);
  EXPECT_EQ(events[0].fields[0].name, "by");
  EXPECT_EQ(events[0]["by"].as_address(), key.address());
  EXPECT_EQ(events[0]["count"].as_uint(), 1u);
  EXPECT_EQ(events[0]["greeting"].as_string(), "hi there");
  ASSERT_TRUE(chain.net().wait_in_sync(30s));
  EXPECT_EQ(from_follower().as_string(), "hi there");
  EXPECT_EQ(g.view("greet").as_string(), "hi there");
}

TEST_F(GreeterTest, RevertsDecodeToTheirReasons) {
  auto g = chain.deploy(key, greeter, {"hello"});
  ASSERT_TRUE(chain.net().wait_in_sync(30s));   // calls go to the follower
  auto revert_of = [&](const eth::bytes& data) {
    return chain.revert_of(g.address(), data, {}, greeter.abi.errors, 1);
  };
  auto reason = revert_of(g.encode("fail", {"not today"}));
  ASSERT_TRUE(reason);
  EXPECT_EQ(reason->kind, eth::abi::revert_kind::error_string);
  EXPECT_EQ(reason->reason, "not today");
  auto custom = revert_of(g.encode("setGreeting", {""}));
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->kind, eth::abi::revert_kind::custom);
  EXPECT_EQ(custom->error_name, "EmptyGreeting");
  EXPECT_FALSE(revert_of(g.encode("greet")));

  EXPECT_TRUE(g.reverts_mined(key, "fail", {"mined anyway"}, "mined anyway"));
  EXPECT_FALSE(g.reverts(key, "fail", {"one reason"}, "another reason"));
  EXPECT_FALSE(g.reverts(key, "greet", {}, "anything"));
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

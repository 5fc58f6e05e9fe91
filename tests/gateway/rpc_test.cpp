// /rpc through the dispatcher, checked with real clients: cast (block
// number, balance, send with a private key, call) and an ethers script that
// sends a transfer and reads events; plus batches and refusals.
#include "tests/gateway/gateway_fixture.hpp"

#include "protocol/eth/uint256.hpp"

#include <petrade/paths.hpp>

#include <cstdio>

namespace petrade::test {
namespace {

class GatewayRpc : public served_suite {
protected:
  std::string rpc() const { return "http://127.0.0.1:" + std::to_string(served->port()) + "/rpc"; }
  json post_rpc(const std::string& body) {
    auto r = api.raw().post("/rpc", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body);
  }
  gateway_client api{*served};
};

/// Runs a shell command; its stdout (trimmed). Fails the test on a non-zero exit.
std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  char buf[4096];
  while (p && std::fgets(buf, sizeof buf, p))
    out += buf;
  int rc = p ? ::pclose(p) : -1;
  EXPECT_EQ(rc, 0) << command << "\n" << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

const char* recipient = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";   // dev account 3

TEST_F(GatewayRpc, CastWorksUnchanged) {
  auto cast = tool_path("cast");
  auto head = std::stoull(run(cast + " block-number --rpc-url " + rpc()));
  EXPECT_GT(head, 0u);   // the platform's contracts are deployed
  EXPECT_EQ(run(cast + " chain-id --rpc-url " + rpc()), "31337");
  auto before = run(cast + " balance " + recipient + " --rpc-url " + rpc());
  auto sent = run(cast + " send --rpc-url " + rpc() + " --private-key " + dev_keys[2] + " " + recipient +
                  " --value 1000 --json");
  EXPECT_EQ(json::parse(sent)["status"], "0x1") << sent;
  auto after = run(cast + " balance " + recipient + " --rpc-url " + rpc());
  EXPECT_EQ(eth::to_decimal(eth::parse_uint256(after) - eth::parse_uint256(before)), "1000");

  auto token = json::parse(served->plat->market_json())["token"].get<std::string>();
  EXPECT_EQ(run(cast + " call " + token + " 'decimals()(uint8)' --rpc-url " + rpc()), "0");
}

TEST_F(GatewayRpc, AnEthersScriptSendsAndReadsEvents) {
  auto user = api.sign_up("ivy");
  api.write("/api/token/topup", {{"amount", 77}}, user);
  auto address = api.ok("/api/me", user)["address"].get<std::string>();
  auto token = json::parse(served->plat->market_json())["token"].get<std::string>();
  auto out = run("PETRADE_TOOLS=" + std::string(paths::source_dir) + "/tools node " +
                 source_path("tests/gateway/ethers_events.mjs") + " " + rpc() + " " + token + " " + dev_keys[1] +
                 " " + recipient);
  auto j = json::parse(out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1));
  EXPECT_GT(j["head"].get<int>(), 0);
  EXPECT_EQ(j["name"], "Pet Token");
  EXPECT_EQ(j["status"], 1);
  EXPECT_EQ(j["received"], "12345");
  bool seen = false;
  for (auto& t : j["transfers"])
    seen = seen || (t["to"] == address && t["value"] == "77");
  EXPECT_TRUE(seen) << out;
}

TEST_F(GatewayRpc, BatchesNotificationsAndRefusals) {
  auto batch = post_rpc(R"([{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},
                            {"jsonrpc":"2.0","method":"eth_blockNumber"},
                            {"jsonrpc":"2.0","id":"b","method":"eth_blockNumber","params":[]},
                            {"jsonrpc":"2.0","id":3,"method":"eth_sendTransaction","params":[{}]},
                            {"jsonrpc":"2.0","id":4,"method":"eth_sendRawTransaction","params":["0x1234"]},
                            {"jsonrpc":"1.0","id":5,"method":"eth_chainId"}])");
  ASSERT_TRUE(batch.is_array());
  ASSERT_EQ(batch.size(), 5u);   // the notification gets no answer
  EXPECT_EQ(batch[0]["id"], 1);
  EXPECT_EQ(batch[0]["result"], "0x7a69");
  EXPECT_EQ(batch[1]["id"], "b");
  EXPECT_TRUE(batch[1]["result"].is_string());
  EXPECT_EQ(batch[2]["error"]["code"], -32601);
  EXPECT_EQ(batch[3]["error"]["code"], -32602);
  EXPECT_EQ(batch[4]["error"]["code"], -32600);
  EXPECT_EQ(post_rpc("{not json")["error"]["code"], -32700);
  EXPECT_EQ(post_rpc("[]")["error"]["code"], -32600);
  auto node_error = post_rpc(R"({"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":["nonsense"]})");
  EXPECT_TRUE(node_error.contains("error")) << node_error.dump();
  EXPECT_EQ(node_error["id"], 7);
}

} // namespace
} // namespace petrade::test

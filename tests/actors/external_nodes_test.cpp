// The start-up check of external nodes against real anvil nodes: the chain
// id they agree on, a node that is down, nodes on different chains.
#include "actors/external_nodes.hpp"
#include "devnet/process.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

namespace {

using namespace petrade;
using namespace std::chrono_literals;

external_node node(std::string name, std::string url) {
  external_node n;
  n.name = std::move(name);
  n.url = std::move(url);
  return n;
}

std::string refusal(jsonrpc::io_runner& io, const std::vector<external_node>& nodes) {
  try {
    agreed_chain_id(io, nodes, {}, 2s);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(ExternalNodes, TheChainIdComesFromTheNodesAndADownNodeIsOnlyAWarning) {
  jsonrpc::io_runner io(1);
  test::anvil_node a({"--chain-id", "4242"});
  test::anvil_node b({"--chain-id", "4242"});
  auto dead = "http://127.0.0.1:" + std::to_string(devnet::free_port());
  std::vector<std::string> warnings;
  auto id = agreed_chain_id(io, {node("a", a.url()), node("gone", dead), node("b", b.url())},
                            [&](const std::string& w) { warnings.push_back(w); }, 2s);
  EXPECT_EQ(id, 4242u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("cannot reach node gone at " + dead), std::string::npos) << warnings[0];
}

TEST(ExternalNodes, NoNodeAnsweringOrTwoChainsIsRefusedByName) {
  jsonrpc::io_runner io(1);
  auto dead = "http://127.0.0.1:" + std::to_string(devnet::free_port());
  auto m = refusal(io, {node("geth0", dead)});
  EXPECT_NE(m.find("cannot reach node geth0 at " + dead + ": "), std::string::npos) << m;

  test::anvil_node a({"--chain-id", "7"});
  test::anvil_node b({"--chain-id", "8"});
  m = refusal(io, {node("a", a.url()), node("b", b.url())});
  EXPECT_NE(m.find("a answers chain id 7, b answers 8"), std::string::npos) << m;
}

} // namespace

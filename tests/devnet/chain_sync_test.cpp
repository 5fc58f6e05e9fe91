// Block import between two real anvil nodes, with the source behind a relay
// that answers each request only after 2.5 s: the sealer of a loaded
// cluster, whose queue is longer than the devnet's usual 2 s call timeout.
#include "devnet/chain_sync.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/protocol/jsonrpc/test_server.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

constexpr int blocks = 24;

std::vector<std::string> node_args(bool mining) {
  std::vector<std::string> a{"--timestamp", "1700000000", "--order", "fifo"};
  if (!mining)
    a.push_back("--no-mining");
  return a;
}

jsonrpc::client_options patient_for(std::chrono::milliseconds timeout) {
  jsonrpc::client_options o;
  o.default_timeout = timeout;
  return o;
}

class ChainSyncTest : public ::testing::Test {
protected:
  test::anvil_node sealer{node_args(true)};
  test::anvil_node follower{node_args(false)};
  jsonrpc::io_runner io{1};
  std::shared_ptr<jsonrpc::client> sealer_rpc = jsonrpc::client::create(io, sealer.url(), patient_for(30s));
  std::shared_ptr<jsonrpc::client> follower_rpc = jsonrpc::client::create(io, follower.url(), patient_for(30s));

  devnet::relayed_set relayed;
  std::shared_ptr<jsonrpc::client> relay_client;
  std::chrono::milliseconds relay_delay = 2500ms;
  std::atomic<int> sent_on{0};
  // Forwards every request to the sealer and answers it `relay_delay` later.
  jsonrpc::test::test_server slow_sealer{[this](const std::string& body) {
    auto doc = json::parse(body);
    auto answer = [](const json& call, const json& result) {
      return json{{"jsonrpc", "2.0"}, {"id", call.at("id")}, {"result", result}};
    };
    json out;
    if (doc.is_array()) {
      std::vector<jsonrpc::batch_item> items;
      for (auto& c : doc)
        items.push_back({c.at("method").get<std::string>(), c.at("params")});
      auto results = sealer_rpc->batch_sync(items);
      out = json::array();
      for (std::size_t i = 0; i < results.size(); ++i)
        out.push_back(answer(doc[i], results[i].value_or_throw()));
    } else {
      out = answer(doc, sealer_rpc->call_sync(doc.at("method").get<std::string>(), doc.at("params")));
    }
    sent_on += body.find("eth_sendRawTransaction") != std::string::npos;
    jsonrpc::test::reply r{200, out.dump()};
    r.delay = relay_delay;
    return r;
  }};

  void SetUp() override {
    // One transfer per block: automine may put transactions that arrive
    // together in one block, so each waits for the block before it.
    for (int i = 0; i < blocks; ++i) {
      sealer_rpc->call_sync("eth_sendTransaction",
                            json::array({{{"from", test::dev_addr0}, {"to", devnet::dev_addr3}, {"value", "0x1"}}}));
      ASSERT_TRUE(sealer_reaches(i + 1));
    }
  }

  std::shared_ptr<jsonrpc::client> via_relay() {
    if (!relay_client)
      relay_client = jsonrpc::client::create(io, slow_sealer.url(), patient_for(2000ms));
    return relay_client;
  }

  static std::string transfer(std::uint64_t nonce) {
    return test::cast({"mktx", "--private-key", test::dev_key0, "--nonce", std::to_string(nonce),
                       "--legacy", "--gas-price", "20gwei", "--gas-limit", "21000", "--chain", "31337",
                       "--value", "1", devnet::dev_addr3});
  }

  std::uint64_t sent_by_dev0() {
    auto n = sealer_rpc->call_sync("eth_getTransactionCount", json::array({test::dev_addr0, "latest"}));
    return std::stoull(n.get<std::string>(), nullptr, 16);
  }

  bool sealer_reaches(std::uint64_t head) {
    for (int i = 0; i < 200 && devnet::head_of(*sealer_rpc) < head; ++i)
      std::this_thread::sleep_for(25ms);
    return devnet::head_of(*sealer_rpc) >= head;
  }
};

TEST_F(ChainSyncTest, AFollowerCatchesUpFromASealerSlowerThanTheUsualTimeout) {
  // The devnet's clients give up on a call after 2 s; the import must wait
  // for its source anyway, or a follower of a saturated sealer never moves.
  auto source = jsonrpc::client::create(io, slow_sealer.url(), patient_for(2000ms));
  auto target = jsonrpc::client::create(io, follower.url(), patient_for(2000ms));
  auto r = devnet::import_blocks(*source, *target, 64, relayed);
  EXPECT_FALSE(r.diverged) << r.why;
  EXPECT_EQ(r.imported, static_cast<std::uint64_t>(blocks));
  EXPECT_EQ(r.target_head, r.source_head);
  EXPECT_EQ(devnet::head_of(*follower_rpc), devnet::head_of(*sealer_rpc));
  auto tip = json::array({"latest", false});
  EXPECT_EQ(follower_rpc->call_sync("eth_getBlockByNumber", tip).at("hash"),
            sealer_rpc->call_sync("eth_getBlockByNumber", tip).at("hash"));
  // Head, blocks, raw transactions: each queue wait is paid once per pass,
  // not once per block.
  EXPECT_EQ(slow_sealer.requests(), 3u);
}

TEST_F(ChainSyncTest, ABatchLimitLeavesTheRestForTheNextPass) {
  auto target = jsonrpc::client::create(io, follower.url(), patient_for(2000ms));
  auto first = devnet::import_blocks(*sealer_rpc, *target, 10, relayed);
  EXPECT_EQ(first.imported, 10u);
  EXPECT_EQ(first.target_head, 10u);
  auto rest = devnet::import_blocks(*sealer_rpc, *target, 64, relayed);
  EXPECT_FALSE(rest.diverged) << rest.why;
  EXPECT_EQ(rest.imported, static_cast<std::uint64_t>(blocks - 10));
  auto nothing = devnet::import_blocks(*sealer_rpc, *target, 64, relayed);
  EXPECT_EQ(nothing.imported, 0u);
  EXPECT_EQ(nothing.target_head, static_cast<std::uint64_t>(blocks));
}

TEST_F(ChainSyncTest, ASealerHoldingReadyTransactionsUnderAnEmptyBlockMinesThem) {
  devnet::pool_watch watch;
  // Working automine: the latest block carries the last transfer and the
  // pool is empty, so nothing is touched.
  EXPECT_EQ(devnet::mine_stalled_pool(*sealer_rpc, watch), 0u);
  EXPECT_EQ(devnet::head_of(*sealer_rpc), static_cast<std::uint64_t>(blocks));
  // The stall as seen under load: an empty block on top, a ready
  // transaction in the pool.
  sealer_rpc->call_sync("evm_setAutomine", json::array({false}));
  sealer_rpc->call_sync("evm_mine", json::array());
  auto hash = sealer_rpc->call_sync("eth_sendRawTransaction", json::array({transfer(blocks)}));
  EXPECT_EQ(devnet::mine_stalled_pool(*sealer_rpc, watch), 1u);
  EXPECT_FALSE(sealer_rpc->call_sync("eth_getTransactionReceipt", json::array({hash})).is_null());
  EXPECT_EQ(devnet::mine_stalled_pool(*sealer_rpc, watch), 0u);   // the pool is empty now
  EXPECT_EQ(devnet::head_of(*sealer_rpc), static_cast<std::uint64_t>(blocks + 2));
}

TEST_F(ChainSyncTest, ASealerLeavingATransactionWaitingUnderAFullBlockMinesItAtTheSecondLook) {
  devnet::pool_watch watch;
  sealer_rpc->call_sync("evm_setAutomine", json::array({false}));
  auto hash = sealer_rpc->call_sync("eth_sendRawTransaction", json::array({transfer(blocks)}));
  // First look: waiting, but automine may simply not have got to it yet.
  EXPECT_EQ(devnet::mine_stalled_pool(*sealer_rpc, watch), 0u);
  EXPECT_TRUE(sealer_rpc->call_sync("eth_getTransactionReceipt", json::array({hash})).is_null());
  // Second look, head unmoved: stalled.
  EXPECT_EQ(devnet::mine_stalled_pool(*sealer_rpc, watch), 1u);
  EXPECT_FALSE(sealer_rpc->call_sync("eth_getTransactionReceipt", json::array({hash})).is_null());
}

TEST_F(ChainSyncTest, AFollowerOnAnotherChainIsReportedDiverged) {
  // A block the sealer never had: the follower mines an empty one itself.
  follower_rpc->call_sync("evm_mine", json::array({1700000999}));
  auto r = devnet::import_blocks(*sealer_rpc, *follower_rpc, 64, relayed);
  EXPECT_TRUE(r.diverged);
  EXPECT_EQ(r.why, "block 1 differs");
  EXPECT_EQ(r.imported, 0u);
}

TEST_F(ChainSyncTest, AQueuedTransactionIsSentOnOnceAndStillImported) {
  relay_delay = 0ms;
  // The sealer's next nonce for dev account 0 is `blocks`; the follower,
  // still at genesis, holds it as queued, which anvil cannot drop.
  auto raw = transfer(blocks);
  auto hash = follower_rpc->call_sync("eth_sendRawTransaction", json::array({raw}));
  EXPECT_EQ(devnet::forward_pending(*follower_rpc, *via_relay(), relayed), 1u);
  EXPECT_EQ(sent_on.load(), 1);
  ASSERT_TRUE(sealer_reaches(blocks + 1));
  EXPECT_FALSE(sealer_rpc->call_sync("eth_getTransactionReceipt", json::array({hash})).is_null());
  // Still queued on the follower, and not sent again.
  EXPECT_EQ(devnet::forward_pending(*follower_rpc, *via_relay(), relayed), 0u);
  EXPECT_EQ(sent_on.load(), 1);
  // Importing promotes it to pending one block early: it is dropped there
  // and comes back in its own block, so the chains stay equal.
  auto r = devnet::import_blocks(*sealer_rpc, *follower_rpc, 64, relayed);
  EXPECT_FALSE(r.diverged) << r.why;
  EXPECT_EQ(r.target_head, static_cast<std::uint64_t>(blocks + 1));
  auto tip = json::array({"latest", false});
  EXPECT_EQ(follower_rpc->call_sync("eth_getBlockByNumber", tip).at("hash"),
            sealer_rpc->call_sync("eth_getBlockByNumber", tip).at("hash"));
  EXPECT_EQ(devnet::forward_pending(*follower_rpc, *via_relay(), relayed), 0u);
  EXPECT_TRUE(relayed.empty());
}

TEST_F(ChainSyncTest, ARunOfPendingTransactionsFromOneSenderAllReachTheSealer) {
  // anvil drops a pending transaction with every later one of its sender:
  // dropping the first of a run before sending the rest on lost them.
  relay_delay = 0ms;
  ASSERT_EQ(devnet::import_blocks(*sealer_rpc, *follower_rpc, 64, relayed).target_head,
            static_cast<std::uint64_t>(blocks));
  for (int i = 0; i < 3; ++i)
    follower_rpc->call_sync("eth_sendRawTransaction", json::array({transfer(blocks + i)}));
  EXPECT_EQ(devnet::forward_pending(*follower_rpc, *via_relay(), relayed), 3u);
  for (int i = 0; i < 200 && sent_by_dev0() < blocks + 3u; ++i)
    std::this_thread::sleep_for(25ms);
  EXPECT_EQ(sent_by_dev0(), blocks + 3u);
  auto pool = follower_rpc->call_sync("txpool_status", json::array());
  EXPECT_EQ(pool.at("pending"), "0x0");
  EXPECT_EQ(pool.at("queued"), "0x0");
  auto r = devnet::import_blocks(*sealer_rpc, *follower_rpc, 64, relayed);
  EXPECT_FALSE(r.diverged) << r.why;
  EXPECT_EQ(r.target_head, r.source_head);
}

} // namespace

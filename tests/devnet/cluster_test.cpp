// The devnet against real anvil nodes: every node holds the same chain after
// a burst of transfers, and a killed node comes back to the same state root.
#include "devnet/devnet.hpp"
#include "protocol/eth/hex.hpp"
#include "protocol/eth/keccak.hpp"
#include "protocol/eth/transaction.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

class DevnetTest : public ::testing::Test {
protected:
  void SetUp() override {
    cfg.nodes = 3;
    cfg.base_port = test::free_port_range(4);   // the fourth for a node added later
    cfg.data_dir = test::temp_dir("devnet");
    cfg.sync_interval = 20ms;
    cfg.restart_backoff = 100ms;
    cfg.cpu_quota = 0.5;
    net = std::make_unique<devnet::cluster>(cfg, [this](auto& level, auto& text) {
      std::lock_guard<std::mutex> lock(events_m);
      events.push_back(level + ": " + text);
    });
    net->start();
    for (auto& n : net->nodes())
      rpc.push_back(jsonrpc::client::create(io, n.url));
    for (auto& k : test::dev_keys)
      keys.push_back(eth::private_key::from_hex(k));
  }

  void TearDown() override {
    if (HasFailure())
      for (auto& e : events)
        std::cerr << "devnet event: " << e << "\n";
    auto pids = net->nodes();
    net.reset();
    for (auto& n : pids)
      EXPECT_NE(::kill(n.pid, 0), 0) << "node " << n.index << " left running";
    std::filesystem::remove_all(cfg.data_dir);
  }

  // A signed EIP-1559 transfer of 1 wei from dev key `sender`.
  std::string transfer(int sender) {
    eth::transaction tx;
    tx.chain_id = cfg.chain_id;
    tx.nonce = nonces[sender]++;
    tx.max_priority_fee_per_gas = 1;
    tx.max_fee_per_gas = 10'000'000'000ULL;
    tx.gas_limit = 21000;
    tx.to = eth::address::parse("0x000000000000000000000000000000000000dEaD");
    tx.value = 1;
    tx.sign(keys[static_cast<std::size_t>(sender)]);
    return eth::to_hex(tx.raw());
  }

  // Sends `count` transfers from the 4 senders to the nodes in turn.
  std::vector<std::string> send_transfers(int count) {
    std::vector<std::string> hashes;
    for (int k = 0; k < count; ++k) {
      auto raw = transfer(k % 4);
      auto expected = eth::to_hex(eth::keccak256(eth::from_hex(raw)));
      auto got = net->send_raw_transaction(k % 3, raw);
      EXPECT_EQ(got, expected);
      hashes.push_back(got);
    }
    return hashes;
  }

  json block(std::size_t node, std::uint64_t n) {
    return rpc[node]->call_sync("eth_getBlockByNumber",
                                json::array({eth::to_quantity(n), false}));
  }

  // Every node has the same hash and state root at every height.
  void expect_same_chain() {
    ASSERT_TRUE(net->wait_in_sync(60s)) << "nodes did not converge";
    auto head = eth::from_quantity(rpc[0]->call_sync("eth_blockNumber").get<std::string>());
    for (std::uint64_t n = 0; n <= head; ++n) {
      auto reference = block(0, static_cast<std::uint64_t>(n));
      for (std::size_t i = 1; i < rpc.size(); ++i) {
        auto b = block(i, static_cast<std::uint64_t>(n));
        ASSERT_EQ(b.at("hash"), reference.at("hash")) << "node " << i << " block " << n;
        ASSERT_EQ(b.at("stateRoot"), reference.at("stateRoot")) << "node " << i;
      }
    }
  }

  devnet::devnet_config cfg;
  std::unique_ptr<devnet::cluster> net;
  jsonrpc::io_runner io{1};
  std::vector<std::shared_ptr<jsonrpc::client>> rpc;
  std::vector<eth::private_key> keys;
  std::map<int, std::uint64_t> nonces;
  std::mutex events_m;
  std::vector<std::string> events;
};

TEST_F(DevnetTest, TwoHundredTransfersLeaveEveryNodeOnTheSameChain) {
  for (auto& n : net->nodes())   // each node in its own cgroup where one exists
    EXPECT_EQ(n.cgroup.empty(), devnet::node_cgroup::detect() == devnet::cgroup_version::none);
  auto hashes = send_transfers(200);
  expect_same_chain();
  // Automine may put transfers that arrive together into one block.
  std::uint64_t mined = 0;
  auto head = eth::from_quantity(rpc[2]->call_sync("eth_blockNumber").get<std::string>());
  for (std::uint64_t n = 1; n <= head; ++n)
    mined += block(2, n).at("transactions").size();
  EXPECT_EQ(mined, 200u);
  for (std::size_t i = 0; i < rpc.size(); ++i) {
    std::vector<jsonrpc::batch_item> receipts;
    for (auto& h : hashes)
      receipts.push_back({"eth_getTransactionReceipt", json::array({h})});
    for (auto& r : rpc[i]->batch_sync(receipts))
      ASSERT_EQ(r.value_or_throw().at("status"), "0x1") << "node " << i;
  }
  auto balance = rpc[1]->call_sync(
    "eth_getBalance", json::array({"0x000000000000000000000000000000000000dEaD", "latest"}));
  EXPECT_EQ(eth::from_quantity(balance.get<std::string>()), 200u);
}

TEST_F(DevnetTest, KilledFollowerComesBackToTheSameStateRoot) {
  send_transfers(20);
  ASSERT_TRUE(net->wait_in_sync(30s));
  // What a killed anvil leaves on disk is cleared by its restart (it
  // filled 64 GB under ~/.foundry when anvil kept it there).
  auto states = devnet::states_dir(cfg, 1);
  std::filesystem::create_directories(states);
  test::write_file(states + "/left-by-the-dead-node", "x");
  ::kill(net->nodes()[1].pid, SIGKILL);
  send_transfers(20);   // while it is down
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (net->nodes()[1].restarts == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_EQ(net->nodes()[1].restarts, 1);
  EXPECT_FALSE(std::filesystem::exists(states + "/left-by-the-dead-node"));
  auto cmdline = test::read_file("/proc/" + std::to_string(net->nodes()[1].pid) + "/cmdline");
  EXPECT_NE(cmdline.find(states), std::string::npos) << "anvil would keep its states in ~/.foundry";
  expect_same_chain();
  auto latest = [&](std::size_t i) {
    return rpc[i]->call_sync("eth_getBlockByNumber", json::array({"latest", false}));
  };
  EXPECT_EQ(latest(1).at("stateRoot"), latest(0).at("stateRoot"));
  EXPECT_EQ(eth::from_quantity(rpc[1]->call_sync(
              "eth_getTransactionCount", json::array({keys[0].address().hex(), "latest"})).get<std::string>()),
            10u);
}

TEST_F(DevnetTest, KilledSealerRecoversTheChainFromItsFollowers) {
  send_transfers(10);
  ASSERT_TRUE(net->wait_in_sync(30s));
  auto head = eth::from_quantity(rpc[0]->call_sync("eth_blockNumber").get<std::string>());
  auto before = block(0, static_cast<std::uint64_t>(head)).at("hash");
  ::kill(net->nodes()[0].pid, SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (net->nodes()[0].restarts == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(net->wait_in_sync(30s));
  EXPECT_EQ(block(0, static_cast<std::uint64_t>(head)).at("hash"), before);
  send_transfers(5);   // nonces continue where the recovered chain left off
  expect_same_chain();
  auto balance = rpc[0]->call_sync(
    "eth_getBalance", json::array({"0x000000000000000000000000000000000000dEaD", "latest"}));
  EXPECT_EQ(eth::from_quantity(balance.get<std::string>()), 15u);
}

TEST_F(DevnetTest, ARestartedSealerWaitsForAStoppedFollowerThatIsAhead) {
  send_transfers(10);
  ASSERT_TRUE(net->wait_in_sync(30s));
  auto head_of = [&](std::size_t i) {
    return static_cast<std::uint64_t>(eth::from_quantity(rpc[i]->call_sync("eth_blockNumber").get<std::string>()));
  };
  // Follower 1 stops; follower 2 alone imports five more blocks.
  auto pids = net->nodes();
  ::kill(pids[1].pid, SIGSTOP);
  send_transfers(5);
  // The sealer's stall check may add an empty block meanwhile (a loaded
  // machine shows it a transaction as pending): wait until both agree.
  std::uint64_t top = 0;
  bool same = false;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!same && std::chrono::steady_clock::now() < deadline) {
    top = head_of(0);
    same = head_of(2) == top;
    if (!same)
      std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(same) << "follower 2 never reached the sealer's head " << top;
  auto top_hash = block(0, top).at("hash");

  // Then follower 2 stops, the sealer dies, and follower 1, five blocks
  // behind, is the only one answering. Follower 2 comes back after 3 s.
  ::kill(pids[2].pid, SIGSTOP);
  ::kill(pids[0].pid, SIGKILL);
  ::kill(pids[1].pid, SIGCONT);
  std::this_thread::sleep_for(3s);
  ::kill(pids[2].pid, SIGCONT);
  ASSERT_TRUE(net->wait_in_sync(60s));
  EXPECT_EQ(block(0, top).at("hash"), top_hash) << "the sealer came back without the blocks follower 2 held";
  auto balance = rpc[0]->call_sync(
    "eth_getBalance", json::array({"0x000000000000000000000000000000000000dEaD", "latest"}));
  EXPECT_EQ(eth::from_quantity(balance.get<std::string>()), 15u);
  EXPECT_EQ(net->nodes()[2].restarts, 0) << "follower 2 was put back to genesis";
}

TEST_F(DevnetTest, TransactionSentStraightToAFollowerIsForwardedToTheSealer) {
  auto raw = transfer(0);
  auto hash = rpc[2]->call_sync("eth_sendRawTransaction", json::array({raw}));
  expect_same_chain();
  for (auto& r : rpc)
    EXPECT_EQ(r->call_sync("eth_getTransactionReceipt", json::array({hash})).at("status"), "0x1");
}

TEST_F(DevnetTest, FollowerKilledUnderConcurrentLoadRejoinsTheChain) {
  // Four senders at once put several transactions in one sealer block,
  // deploys among them; a follower restarted meanwhile must replay those
  // blocks exactly.
  std::vector<std::vector<std::string>> raws(4);
  for (int s = 0; s < 4; ++s)
    for (int i = 0; i < 60; ++i) {
      if (i % 10 == 9) {
        eth::transaction tx;
        tx.chain_id = cfg.chain_id;
        tx.nonce = nonces[s]++;
        tx.max_priority_fee_per_gas = 1;
        tx.max_fee_per_gas = 10'000'000'000ULL;
        tx.gas_limit = 100000;
        tx.data = eth::from_hex("0x600a600c600039600a6000f3602a60005260206000f3");
        tx.sign(keys[static_cast<std::size_t>(s)]);
        raws[static_cast<std::size_t>(s)].push_back(eth::to_hex(tx.raw()));
      } else {
        raws[static_cast<std::size_t>(s)].push_back(transfer(s));
      }
    }
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s)
    senders.emplace_back([&, s] {
      for (auto& raw : raws[static_cast<std::size_t>(s)])
        net->send_raw_transaction(s % 3, raw);
    });
  std::this_thread::sleep_for(100ms);
  ::kill(net->nodes()[2].pid, SIGKILL);
  for (auto& t : senders)
    t.join();
  expect_same_chain();
  std::lock_guard<std::mutex> lock(events_m);
  for (auto& e : events)
    EXPECT_EQ(e.find("left the sealer's chain"), std::string::npos) << e;
}

// A single node is the whole chain: the supervisor's restart of a node that
// is merely slow must not wipe it.
TEST_F(DevnetTest, ARunningSoleSealerIsNotRestarted) {
  devnet::devnet_config one = cfg;
  one.nodes = 1;
  one.base_port = test::free_port_range(1);
  one.data_dir = cfg.data_dir + "/one";
  std::vector<std::string> said;
  std::mutex said_m;
  devnet::cluster solo(one, [&](auto& level, auto& text) {
    std::lock_guard<std::mutex> lock(said_m);
    said.push_back(level + ": " + text);
  });
  solo.start();
  auto node = jsonrpc::client::create(io, solo.nodes()[0].url);
  ASSERT_EQ(solo.send_raw_transaction(0, transfer(0)).size(), 66u);
  auto head = [&] { return eth::from_quantity(node->call_sync("eth_blockNumber").get<std::string>()); };
  for (int i = 0; i < 250 && head() == 0; ++i)   // automine answers before it mines
    std::this_thread::sleep_for(20ms);
  // At least block 1: the sealer's stall check may mine an empty block when
  // a slow machine shows it the transaction as pending (under the sanitizers).
  ASSERT_GE(head(), 1u);
  auto before = head();
  auto pid = solo.nodes()[0].pid;
  solo.restart_node(0);
  std::this_thread::sleep_for(500ms);   // several keeper rounds
  EXPECT_EQ(solo.nodes()[0].restarts, 0);
  EXPECT_EQ(solo.nodes()[0].pid, pid);
  EXPECT_GE(head(), before) << "the chain started over";
  std::lock_guard<std::mutex> lock(said_m);
  ASSERT_FALSE(said.empty());
  EXPECT_NE(said.back().find("only copy of the chain"), std::string::npos) << said.back();
}

TEST_F(DevnetTest, ARunningSealerAheadOfItsFollowersIsNotRestarted) {
  // Followers frozen, so the sealer's next block exists nowhere else.
  send_transfers(3);
  expect_same_chain();
  for (int i : {1, 2})
    ::kill(net->nodes()[static_cast<std::size_t>(i)].pid, SIGSTOP);
  auto head = [&] { return eth::from_quantity(rpc[0]->call_sync("eth_blockNumber").get<std::string>()); };
  auto before = head();
  net->send_raw_transaction(0, transfer(0));
  for (int i = 0; i < 250 && head() == before; ++i)
    std::this_thread::sleep_for(20ms);
  auto ahead = head();
  ASSERT_GT(ahead, before);
  std::this_thread::sleep_for(300ms);   // the keeper has seen the new head
  auto pid = net->nodes()[0].pid;
  net->restart_node(0);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(net->nodes()[0].pid, pid);
  EXPECT_EQ(net->nodes()[0].restarts, 0);
  EXPECT_EQ(head(), ahead);
  for (int i : {1, 2})
    ::kill(net->nodes()[static_cast<std::size_t>(i)].pid, SIGCONT);
  {
    std::lock_guard<std::mutex> lock(events_m);
    ASSERT_FALSE(events.empty());
    EXPECT_NE(events.back().find("no follower in step"), std::string::npos) << events.back();
  }
  expect_same_chain();
}

TEST_F(DevnetTest, StartRefusesAPortInUse) {
  devnet::devnet_config again = cfg;
  again.data_dir = cfg.data_dir + "/again";
  devnet::cluster second(again);
  try {
    second.start();
    FAIL() << "a second devnet on the same ports started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("port " + std::to_string(cfg.base_port)),
              std::string::npos)
      << e.what();
  }
}

// Nodes added and removed while the devnet runs (issue 10): a new follower
// imports the whole chain and follows it; a removed one's process is gone.
TEST_F(DevnetTest, AFollowerAddedLaterImportsTheChainAndARemovedOneStops) {
  send_transfers(5);
  ASSERT_TRUE(net->wait_in_sync(30s));
  auto added = net->add_follower();
  EXPECT_EQ(added.index, 3);
  EXPECT_EQ(added.url, "http://127.0.0.1:" + std::to_string(cfg.base_port + 3));
  EXPECT_EQ(net->nodes().size(), 4u);
  send_transfers(2);
  ASSERT_TRUE(net->wait_in_sync(30s)) << "the new follower did not catch up";
  auto fourth = jsonrpc::client::create(io, added.url);
  auto head = rpc[0]->call_sync("eth_getBlockByNumber", json::array({"latest", false}));
  EXPECT_EQ(fourth->call_sync("eth_getBlockByNumber", json::array({"latest", false})).at("hash"), head.at("hash"));

  EXPECT_THROW(net->remove_node(0), std::invalid_argument) << "the sealer was removed";
  net->remove_node(added.index);
  EXPECT_EQ(net->nodes().size(), 3u);
  EXPECT_TRUE(devnet::port_free(static_cast<unsigned short>(cfg.base_port + 3))) << "its process still runs";
  EXPECT_THROW(net->remove_node(added.index), std::invalid_argument) << "removed twice";
  send_transfers(1);
  EXPECT_TRUE(net->wait_in_sync(30s)) << "the others stopped following after the removal";
}

} // namespace

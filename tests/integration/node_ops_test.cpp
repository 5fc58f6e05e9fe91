// Nodes added and removed while the platform works (issue 10), on a real
// devnet: a follower added under load answers only once it has caught up;
// a node removed under load loses no task, and every acknowledged write is
// mined exactly once; the cluster file keeps the change.
#include "actors/platform.hpp"
#include "devnet/devnet.hpp"
#include "devnet/process.hpp"
#include "protocol/eth/key.hpp"
#include "protocol/eth/uint256.hpp"
#include "protocol/jsonrpc/client.hpp"
#include "protocol/jsonrpc/io_runner.hpp"
#include "protocol/messages.hpp"
#include "tests/support/task_load.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

class NodeOps : public ::testing::Test {
protected:
  void SetUp() override {
    devnet::devnet_config net;
    net.nodes = 3;
    net.base_port = test::free_port_range(5);   // room for a fourth node
    net.data_dir = scratch.path();
    net.sync_interval = 20ms;
    platform_config cfg;
    cfg.devnet = net;
    cfg.dispatcher.chain_id = net.chain_id;
    // Admission is under test, not routing: every admitted node gets reads
    // in turn (state feedback sends them to zone II, whichever node that is).
    cfg.dispatcher.strategy = "round_robin";
    cfg.supervisor.probe_interval = 250ms;
    cfg.db_path = scratch / "journal";
    cfg.cluster_file = scratch / "cluster.json";
    plat = std::make_unique<platform>(cfg);
    plat->start();
    sealer = jsonrpc::client::create(io, plat->node_urls()[0]);
    keys = test::unlock_dev_keys(*plat);
    for (int i = 0; i < 100 && admitted() < 3; ++i)
      std::this_thread::sleep_for(100ms);
  }

  json nodes() { return json::parse(plat->status_json()).at("cluster").at("nodes"); }

  std::size_t admitted() {
    std::size_t n = 0;
    for (auto& x : nodes())
      n += x.value("admitted", false);
    return n;
  }

  std::uint64_t head() {
    return static_cast<std::uint64_t>(eth::from_quantity(sealer->call_sync("eth_blockNumber").get<std::string>()));
  }

  std::uint64_t tx_count(const std::string& who) { return test::tx_count(*sealer, who); }

  write_request transfer(std::size_t sender) {
    write_request w;
    w.kind = task_kind::contract;
    w.from = keys[sender % keys.size()].address().hex();
    w.to = "0x000000000000000000000000000000000000dEaD";
    w.value = "1";
    w.gas_limit = 21000;
    return w;
  }

  task block_number(std::uint64_t id) {
    task t;
    t.id = id;
    t.method = "eth_blockNumber";
    return t;
  }

  test::scratch_dir scratch{"nodeops"};
  jsonrpc::io_runner io{1};
  std::unique_ptr<platform> plat;
  std::shared_ptr<jsonrpc::client> sealer;
  std::vector<eth::private_key> keys;
};

TEST_F(NodeOps, AFollowerAddedUnderLoadAnswersOnlyOnceCaughtUp) {
  ASSERT_EQ(admitted(), 3u) << nodes().dump();
  // A long chain, so that the new node spends a while importing it.
  sealer->call_sync("anvil_mine", json::array({"0x3e8"}));   // 1 000 blocks

  // Readers keep asking for the head while the node joins; each answer is
  // judged against the sealer's head read just before the question.
  std::atomic<bool> stop{false};
  std::mutex m;
  std::vector<std::pair<std::uint64_t, task_result>> answers;   // sealer head before, answer
  std::thread readers([&] {
    caf::scoped_actor self{plat->system()};
    jsonrpc::io_runner own{1};
    auto s = jsonrpc::client::create(own, plat->node_urls()[0]);
    for (std::uint64_t id = 1; !stop; ++id) {
      auto before = static_cast<std::uint64_t>(eth::from_quantity(s->call_sync("eth_blockNumber").get<std::string>()));
      self->request(plat->dispatcher(), 10s, submit_atom_v, block_number(id))
        .receive([&](task_result& r) {
                   std::lock_guard<std::mutex> lock(m);
                   answers.emplace_back(before, std::move(r));
                 },
                 [](caf::error&) {});
    }
  });
  // Writes move the head meanwhile.
  std::promise<test::load_outcome> done;
  auto finished = done.get_future();
  std::vector<write_request> writes;
  for (std::size_t i = 0; i < 200; ++i)
    writes.push_back(transfer(i));
  plat->system().spawn(test::load_driver, plat->dispatcher(), plat->tx_manager(), std::vector<task>{}, writes,
                       &done);

  auto added = json::parse(plat->add_node(R"({"devnet": true})"));
  ASSERT_FALSE(added.contains("error")) << added.dump();
  auto id = added.at("node").get<std::uint32_t>();
  EXPECT_EQ(added.at("name"), "node3");
  bool seen_joining = false;
  std::size_t served = 0;
  auto start = std::chrono::steady_clock::now();
  auto until = start + 120s;
  double admitted_after = -1;
  while (served < 50 && std::chrono::steady_clock::now() < until) {
    for (auto& n : nodes())
      if (n.at("node") == id) {
        seen_joining = seen_joining || n.value("joining", false);
        if (admitted_after < 0 && n.value("admitted", false))
          admitted_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
    std::this_thread::sleep_for(100ms);
    std::lock_guard<std::mutex> lock(m);
    served = 0;
    for (auto& [before, r] : answers)
      served += r.ok() && r.node == id;
  }
  stop = true;
  readers.join();
  ASSERT_EQ(finished.wait_for(120s), std::future_status::ready);
  EXPECT_TRUE(seen_joining) << "the new node was never seen catching up";
  EXPECT_GE(served, 50u) << "the new node never took its share of the reads: " << nodes().dump();
  std::size_t behind = 0;
  for (auto& [before, r] : answers) {
    ASSERT_TRUE(r.ok()) << r.message;
    if (r.node != id)
      continue;
    auto answered = static_cast<std::uint64_t>(eth::from_quantity(json::parse(r.result).get<std::string>()));
    if (answered + 1 < before) {
      ++behind;
      ADD_FAILURE() << "node " << id << " answered block " << answered << " while the sealer was at " << before;
    }
  }
  EXPECT_EQ(behind, 0u);
  std::cout << answers.size() << " reads, " << served << " by the new node, admitted after " << admitted_after
            << " s, all caught up\n";
  std::ifstream file(scratch / "cluster.json");
  EXPECT_EQ(json::parse(file).value("devnet_nodes", 0), 4);
}

TEST_F(NodeOps, ANodeRemovedUnderLoadLosesNoTask) {
  ASSERT_EQ(admitted(), 3u) << nodes().dump();
  std::vector<task> reads;
  std::vector<write_request> writes;
  for (std::uint64_t i = 1; i <= 1500; ++i) {
    if (i % 3 == 0)
      writes.push_back(transfer(i));
    else
      reads.push_back(block_number(i));
  }
  std::map<std::string, std::uint64_t> before;
  for (auto& k : keys)
    before[k.address().hex()] = tx_count(k.address().hex());
  std::promise<test::load_outcome> done;
  auto finished = done.get_future();
  plat->system().spawn(test::load_driver, plat->dispatcher(), plat->tx_manager(), reads, writes, &done);
  std::this_thread::sleep_for(300ms);   // the load is in full flow
  auto url = plat->node_urls()[2];
  auto removed = json::parse(plat->remove_node("node2"));
  ASSERT_EQ(removed.value("removed", false), true) << removed.dump();

  ASSERT_EQ(finished.wait_for(180s), std::future_status::ready) << "the load did not finish";
  auto out = finished.get();
  ASSERT_EQ(out.reads.size(), reads.size());
  std::set<std::uint64_t> answered;
  for (auto& r : out.reads) {
    EXPECT_TRUE(r.ok()) << r.message;
    answered.insert(r.id);
  }
  EXPECT_EQ(answered.size(), reads.size()) << "some read was answered twice or not at all";
  std::set<std::uint64_t> ids;
  for (auto& w : out.writes) {
    ASSERT_EQ(w.state, "accepted") << w.error;
    ids.insert(w.task_id);
  }
  ASSERT_EQ(ids.size(), writes.size());
  // Every acknowledged write has its receipt, and each sender's nonce grew
  // by exactly its number of writes: none lost, none doubled.
  caf::scoped_actor self{plat->system()};
  std::size_t with_receipt = 0;
  for (auto id : ids)
    self->request(plat->tx_manager(), 60s, wait_atom_v, id)
      .receive(
        [&](const write_status& s) {
          if (s.state == "mined" || s.state == "confirmed")
            with_receipt += !sealer->call_sync("eth_getTransactionReceipt", json::array({s.tx_hash})).is_null();
        },
        [](caf::error&) {});
  EXPECT_EQ(with_receipt, ids.size());
  std::map<std::string, std::uint64_t> per_sender;
  for (auto& w : writes)
    ++per_sender[w.from];
  for (auto& [who, n] : per_sender)
    EXPECT_EQ(tx_count(who) - before[who], n) << who;

  for (auto& n : nodes())
    EXPECT_NE(n.at("name"), "node2") << "the removed node is still watched";
  auto port = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
  EXPECT_TRUE(devnet::port_free(port)) << "the removed node's process still runs";
  std::ifstream file(scratch / "cluster.json");
  EXPECT_EQ(json::parse(file).value("devnet_nodes", 0), 2);
}

TEST_F(NodeOps, OperatorsMistakesAreRefusedByName) {
  auto refusal = [](const std::string& answer) { return json::parse(answer); };
  auto r = refusal(plat->remove_node("node0"));
  EXPECT_EQ(r.value("status", 0), 409);
  EXPECT_NE(r.value("error", "").find("sealer"), std::string::npos) << r.dump();
  r = refusal(plat->remove_node("node9"));
  EXPECT_EQ(r.value("status", 0), 404);
  EXPECT_NE(r.value("error", "").find("node0, node1, node2"), std::string::npos) << r.dump();
  r = refusal(plat->add_node(R"({"url": "ftp://x"})"));
  EXPECT_EQ(r.value("status", 0), 400);
  EXPECT_NE(r.value("error", "").find("ftp://x"), std::string::npos) << r.dump();
  r = refusal(plat->add_node(R"({"url": ")" + plat->node_urls()[1] + R"("})"));
  EXPECT_EQ(r.value("status", 0), 409) << r.dump();
  r = refusal(plat->add_node("[1]"));
  EXPECT_EQ(r.value("status", 0), 400);
  r = refusal(plat->cordon_node("node1", true));
  ASSERT_EQ(r.value("cordoned", false), true) << r.dump();
  bool withheld = false;
  for (int i = 0; i < 40 && !withheld; ++i) {
    for (auto& n : nodes())
      withheld = withheld || (n.at("name") == "node1" && !n.value("admitted", true) && n.value("cordoned", false));
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(withheld) << nodes().dump();
  std::ifstream file(scratch / "cluster.json");
  EXPECT_EQ(json::parse(file).at("cordoned"), json::array({"node1"}));
}

} // namespace

// The elastic pool on a real devnet (issue 10): a step of load up grows the
// pool to its maximum with followers that take work; the step down shrinks
// it back to its minimum, draining each node it removes, and every task is
// answered. Each decision is in the status with the figures behind it.
//
// The step is made in the mailboxes, not in CPU: a closed loop of readers
// that always has more tasks out than the nodes may hold in flight keeps the
// read mailbox filled whatever this machine's speed, so the test does not
// depend on how busy the cores are. The CPU side (headroom) is measured by
// `petrade bench --parts elastic`.
#include "actors/platform.hpp"
#include "devnet/devnet.hpp"
#include "protocol/messages.hpp"
#include "tests/support/tools.hpp"

#include <caf/all.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

class ElasticPool : public ::testing::Test {
protected:
  // The pool's settings for both tests: mailboxes and in-flight caps small
  // enough that 48 readers fill them, windows short enough for a test.
  platform_config pool_config() {
    platform_config cfg;
    cfg.dispatcher.queues.capacity[0] = 64;   // read
    cfg.dispatcher.inflight_cap = cfg.inflight_cap = 4;
    cfg.supervisor.probe_interval = 250ms;
    auto& e = cfg.supervisor.elastic;
    e.enabled = true;
    e.min_nodes = 1;
    e.max_nodes = 3;
    e.grow_fill = 0.25;
    e.grow_window = 1s;
    e.shrink_window = 3s;
    e.cooldown = 1s;
    cfg.cluster_file = scratch / "cluster.json";
    return cfg;
  }

  void start_on_devnet() {
    devnet::devnet_config net;
    net.nodes = 1;
    net.base_port = test::free_port_range(5);
    net.data_dir = scratch.path();
    net.sync_interval = 20ms;
    auto cfg = pool_config();
    cfg.devnet = net;
    cfg.dispatcher.chain_id = net.chain_id;
    plat = std::make_unique<platform>(cfg, log_to(events));
    plat->start();
  }

  // The platform's log lines, kept for the test to read.
  struct event_lines {
    std::mutex m;
    std::vector<std::string> lines;
    std::size_t count(const std::string& part) {
      std::lock_guard<std::mutex> lock(m);
      std::size_t n = 0;
      for (auto& l : lines)
        n += l.find(part) != std::string::npos;
      return n;
    }
  };
  static platform_log log_to(event_lines& e) {
    return [&e](const std::string& level, const std::string&, const std::string& text) {
      std::lock_guard<std::mutex> lock(e.m);
      e.lines.push_back(level + ": " + text);
    };
  }
  event_lines events;

  json cluster() { return json::parse(plat->status_json()).at("cluster"); }

  std::size_t admitted() {
    auto nodes = cluster().at("nodes");
    std::size_t n = 0;
    for (auto& x : nodes)
      n += x.value("admitted", false);
    return n;
  }

  // Waits until `pred(cluster)` holds; false after `limit`.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred(cluster()))
        return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  // `concurrency` readers, each asking for the head again `pause` after it
  // has its answer, until `stop`.
  void read(std::size_t concurrency, std::chrono::milliseconds pause = 0ms) {
    for (std::size_t r = 0; r < concurrency; ++r)
      readers.emplace_back([this, r, pause] {
        caf::scoped_actor self{plat->system()};
        for (std::uint64_t i = 0; !stop; ++i) {
          task t;
          t.id = r * 1'000'000'000ull + i + 1;
          t.method = "eth_blockNumber";
          task_result out;
          self->request(plat->dispatcher(), 30s, submit_atom_v, t)
            .receive([&](task_result& x) { out = std::move(x); },
                     [&](caf::error& e) { out.error = task_error::unreachable; out.message = to_string(e); });
          {
            std::lock_guard<std::mutex> lock(m);
            if (out.ok())
              ++served[out.node];
            else
              failures.push_back(out.message);
          }
          std::this_thread::sleep_for(pause);
        }
      });
  }

  void stop_reading() {
    stop = true;
    for (auto& t : readers)
      t.join();
    readers.clear();
    stop = false;
  }

  void TearDown() override {
    stop_reading();
    plat.reset();
  }

  test::scratch_dir scratch{"elastic"};
  std::unique_ptr<platform> plat;
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  std::mutex m;
  std::map<std::uint32_t, std::size_t> served;   // answers by node
  std::vector<std::string> failures;
};

std::vector<json> decisions(const json& c, const std::string& action) {
  std::vector<json> out;
  for (auto& d : c.at("pool").at("decisions"))
    if (d.at("action") == action)
      out.push_back(d);
  return out;
}

TEST_F(ElasticPool, AStepUpGrowsThePoolAndTheStepDownShrinksItToTheMinimum) {
  start_on_devnet();
  ASSERT_TRUE(wait_for([](const json& c) { return c.at("nodes").size() == 1 && c.at("nodes")[0].value("admitted", false); }, 30s))
    << cluster().dump();
  // Idle at the minimum: nothing to decide.
  std::this_thread::sleep_for(2s);
  EXPECT_TRUE(cluster().at("pool").at("decisions").empty()) << cluster().at("pool").dump();

  // Step up: 48 readers; the nodes hold 4 tasks each in flight, so the read
  // mailbox stays about 2/3 full (44 of 64) on one node and 36 on three.
  auto step_up = std::chrono::steady_clock::now();
  read(48);
  ASSERT_TRUE(wait_for([&](const json& c) {
    std::size_t up = 0;
    for (auto& n : c.at("nodes"))
      up += n.value("admitted", false);
    return up == 3;
  }, 120s)) << cluster().dump(1);
  auto grown_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_up).count();
  std::this_thread::sleep_for(3s);   // the new nodes take reads
  auto c = cluster();
  auto grows = decisions(c, "grow");
  ASSERT_EQ(grows.size(), 2u) << c.at("pool").dump(1);
  for (auto& d : grows) {
    EXPECT_NE(d.at("reason").get<std::string>().find("mailboxes"), std::string::npos) << d.dump();
    EXPECT_GE(d.at("fill").get<double>(), 0.25) << d.dump();
    EXPECT_EQ(d.at("outcome").get<std::string>().rfind("done: ", 0), 0u) << d.dump();
  }
  EXPECT_EQ(grows[0].at("nodes"), 1);
  EXPECT_EQ(grows[1].at("nodes"), 2);
  // At the maximum it grows no further, however full the mailboxes are.
  EXPECT_NE(c.at("pool").at("waiting_for").get<std::string>().find("maximum of 3"), std::string::npos)
    << c.at("pool").dump(1);
  {
    std::lock_guard<std::mutex> lock(m);
    EXPECT_GT(served[1], 0u) << "the first added node took no reads";
    EXPECT_GT(served[2], 0u) << "the second added node took no reads";
  }

  // Step down to 2 readers at about 50 reads a second each: with one node
  // fewer the cluster still has room, so the pool drains and removes
  // followers, one at a time, to 1 node.
  stop_reading();
  read(2, 20ms);
  auto step_down = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for([](const json& c) { return c.at("nodes").size() == 1; }, 120s)) << cluster().dump(1);
  auto shrunk_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - step_down).count();
  // Past the cool-down it stays at the minimum.
  EXPECT_TRUE(wait_for([](const json& c) {
    return c.at("pool").at("waiting_for").get<std::string>().find("minimum of 1") != std::string::npos;
  }, 10s)) << cluster().at("pool").dump(1);
  stop_reading();
  c = cluster();
  EXPECT_EQ(c.at("nodes")[0].at("name"), "node0") << "the sealer must stay";
  auto shrinks = decisions(c, "shrink");
  ASSERT_EQ(shrinks.size(), 2u) << c.at("pool").dump(1);
  for (auto& d : shrinks) {
    EXPECT_GE(d.at("projected").get<double>(), 0.6) << d.dump();
    EXPECT_LE(d.at("fill").get<double>(), 0.05) << d.dump();
    EXPECT_NE(d.at("node").get<int>(), 0) << d.dump();
    EXPECT_EQ(d.at("outcome").get<std::string>().rfind("done: ", 0), 0u) << d.dump();
  }
  // Every task was answered, through the grows and the drains.
  EXPECT_TRUE(failures.empty()) << failures.size() << " reads failed, the first: " << failures.front();
  std::size_t total = 0;
  for (auto& [node, n] : served)
    total += n;
  std::ifstream file(scratch / "cluster.json");
  EXPECT_EQ(json::parse(file).value("devnet_nodes", 0), 1);
  // Every decision is logged with its figures, and its end.
  EXPECT_EQ(events.count("elastic pool: grow: mailboxes"), 2u);
  EXPECT_EQ(events.count("elastic pool: shrink (node "), 2u);
  EXPECT_EQ(events.count("[nodes "), 4u);
  EXPECT_EQ(events.count("elastic pool: grow done: "), 2u);
  EXPECT_EQ(events.count("elastic pool: shrink done: "), 2u);
  std::cout << total << " reads answered; grown to 3 nodes " << grown_after << " s after the step up, back to 1 "
            << shrunk_after << " s after the step down\n" << c.at("pool").at("decisions").dump(1) << "\n";
}

// External nodes (Kubernetes): the grow command makes a node and prints its
// URL; the shrink command is told which node the pool drained. Here the
// "made" node is a devnet follower already running, on the same chain.
TEST_F(ElasticPool, ExternalNodesComeFromTheGrowCommandAndGoThroughTheShrinkCommand) {
  devnet::devnet_config net_cfg;
  net_cfg.nodes = 2;
  net_cfg.base_port = test::free_port_range(3);
  net_cfg.data_dir = scratch / "devnet";
  devnet::cluster net(net_cfg);
  net.start();
  auto spare = net.nodes()[1].url;
  auto calls = scratch / "calls.log";
  test::write_file(scratch / "grow.sh", "echo \"grow $*\" >> " + calls + "\necho 'pod geth-1 ready'\necho " + spare + "\n");
  test::write_file(scratch / "shrink.sh", "echo \"shrink $*\" >> " + calls + "\n");
  auto cfg = pool_config();
  external_node first;
  first.name = "geth-0";
  first.url = net.nodes()[0].url;
  cfg.external = {first};
  cfg.supervisor.elastic.max_nodes = 2;
  cfg.supervisor.elastic.grow_command = {"bash", scratch / "grow.sh", "{count}"};
  cfg.supervisor.elastic.shrink_command = {"bash", scratch / "shrink.sh", "{count}", "{name}", "{url}"};
  plat = std::make_unique<platform>(cfg);
  plat->start();
  ASSERT_TRUE(wait_for([](const json& c) { return c.at("nodes").at(0).value("admitted", false); }, 30s));

  read(48);
  ASSERT_TRUE(wait_for([](const json& c) { return c.at("nodes").size() == 2 && c.at("nodes").at(1).value("admitted", false); }, 60s))
    << cluster().dump(1);
  EXPECT_EQ(cluster().at("nodes").at(1).at("name"), "node1");
  std::this_thread::sleep_for(2s);
  EXPECT_GT(served[1], 0u);
  stop_reading();
  // The shrink command runs after the drain: the change has ended only when
  // the decision says so.
  ASSERT_TRUE(wait_for([](const json& c) {
    auto shrinks = decisions(c, "shrink");
    return !shrinks.empty() && shrinks.back().at("outcome").get<std::string>() != "pending";
  }, 60s)) << cluster().dump(1);
  auto c = cluster();
  EXPECT_EQ(decisions(c, "shrink").back().at("outcome").get<std::string>().rfind("done: ", 0), 0u) << c.at("pool").dump(1);
  ASSERT_EQ(c.at("nodes").size(), 1u) << c.dump(1);
  EXPECT_EQ(c.at("nodes").at(0).at("name"), "geth-0") << "only a node the pool made may go";
  EXPECT_EQ(test::read_file(calls), "grow 2\nshrink 1 node1 " + spare + "\n");
  EXPECT_TRUE(failures.empty()) << failures.front();
  // What the pool made is kept with the nodes, so a restart can still undo it.
  auto kept = json::parse(test::read_file(scratch / "cluster.json"));
  EXPECT_EQ(kept.at("external").size(), 1u) << kept.dump();
}

} // namespace

// `petrade node` as an operator uses it against `petrade up`: a follower
// added, cordoned and removed while the platform runs, mistakes refused with
// the offending value, and the changes still there after a restart.
#include "devnet/process.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;
using json = nlohmann::json;

class NodeCommand : public ::testing::Test {
protected:
  void SetUp() override { start(); }
  void TearDown() override { stop(); }

  void start() {
    up = devnet::child_process::spawn({test::build_path("petrade"), "up", "--nodes", "2", "--base-port",
                                       std::to_string(base), "--data-dir", dir / "data", "--control-port",
                                       std::to_string(control), "--probe-interval-ms", "200"},
                                      dir / "up.log");
    ASSERT_TRUE(devnet::wait_for_port(control, 30s)) << test::read_file(dir / "up.log");
  }

  void stop() {
    up.signal(SIGTERM);
    for (int i = 0; i < 200 && up.running(); ++i)
      std::this_thread::sleep_for(50ms);
  }

  std::string node(std::vector<std::string> args) {
    std::vector<std::string> argv{test::build_path("petrade"), "node"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--control-port");
    argv.push_back(std::to_string(control));
    return devnet::run_capture(argv);
  }

  /// The refusal's message (petrade node exits non-zero and says why).
  std::string refusal(std::vector<std::string> args) {
    try {
      node(std::move(args));
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "accepted";
    return {};
  }

  json nodes() {
    return json::parse(devnet::run_capture({test::build_path("petrade"), "status", "--json", "--control-port",
                                            std::to_string(control)}))
      .at("cluster")
      .at("nodes");
  }

  /// Polls `petrade status` until `pred(nodes)` holds (maps every 200 ms).
  template <class Pred>
  bool eventually(Pred pred) {
    for (int i = 0; i < 150; ++i) {
      if (pred(nodes()))
        return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  static json named(const json& all, const std::string& name) {
    for (auto& n : all)
      if (n.value("name", "") == name)
        return n;
    return json::object();
  }

  test::scratch_dir dir{"nodecmd"};
  unsigned short base = test::free_port_range(4);
  unsigned short control = devnet::free_port();
  devnet::child_process up;
};

TEST_F(NodeCommand, AFollowerIsAddedCordonedRemovedAndTheChangesSurviveARestart) {
  auto added = json::parse(node({"add", "--devnet"}));
  EXPECT_EQ(added.at("name"), "node2");
  EXPECT_TRUE(eventually([](const json& all) { return named(all, "node2").value("admitted", false); }));

  json::parse(node({"cordon", "node1"}));
  EXPECT_TRUE(eventually([](const json& all) {
    auto n = named(all, "node1");
    return n.value("cordoned", false) && !n.value("admitted", true);
  }));
  auto table = devnet::run_capture({test::build_path("petrade"), "status", "--control-port", std::to_string(control)});
  EXPECT_NE(table.find("cordoned"), std::string::npos) << table;

  // The restart keeps three nodes, node1 cordoned, although --nodes says 2.
  stop();
  start();
  EXPECT_TRUE(eventually([](const json& all) {
    return all.size() == 3 && named(all, "node1").value("cordoned", false)
           && named(all, "node2").value("admitted", false);
  })) << nodes().dump();
  EXPECT_NE(test::read_file(dir / "up.log").find("cluster.json"), std::string::npos);

  json::parse(node({"remove", "node2"}));
  json::parse(node({"uncordon", "1"}));
  EXPECT_TRUE(eventually([](const json& all) {
    return all.size() == 2 && named(all, "node1").value("admitted", false);
  })) << nodes().dump();
  EXPECT_TRUE(devnet::port_free(static_cast<unsigned short>(base + 2))) << "the removed node still runs";
}

TEST_F(NodeCommand, MistakesAreRefusedWithTheOffendingValue) {
  EXPECT_NE(refusal({"add"}).find("either --devnet or --url"), std::string::npos);
  EXPECT_NE(refusal({"add", "--url", "ftp://x"}).find("\"ftp://x\""), std::string::npos);
  EXPECT_NE(refusal({"remove", "node0"}).find("sealer"), std::string::npos);
  EXPECT_NE(refusal({"cordon", "node7"}).find("no node \"node7\" (the nodes: node0, node1)"), std::string::npos);
  EXPECT_NE(refusal({"drain", "node1"}).find("unknown operation"), std::string::npos);
  EXPECT_EQ(nodes().size(), 2u);
}

} // namespace

// `petrade up` and `petrade status` as an operator uses them: the platform
// starts on a devnet, status reports every node with its zone and the
// dispatcher's mailboxes, and SIGTERM stops everything.
#include "devnet/process.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;

TEST(UpAndStatus, StatusShowsEveryNodeAndUpStopsCleanly) {
  test::scratch_dir dir{"up"};
  auto base = test::free_port_range(3);
  auto control = devnet::free_port();
  // Flags override the file even when they come before --config.
  test::write_file(dir / "up.json",
                   R"({"devnet": {"nodes": 1}, "dispatcher": {"strategy": "round_robin"}})");
  auto up = devnet::child_process::spawn(
    {test::build_path("petrade"), "up", "--nodes", "3", "--base-port", std::to_string(base),
     "--data-dir", dir / "data", "--control-port", std::to_string(control), "--config",
     dir / "up.json"},
    dir / "up.log");
  ASSERT_TRUE(devnet::wait_for_port(control, 30s)) << test::read_file(dir / "up.log");

  // A node probed before it answered starts in zone III and leaves it only
  // after several healthy samples, so wait until every node has settled.
  auto settled = [](nlohmann::json s) {   // a copy: operator[] may insert
    auto& nodes = s["cluster"]["nodes"];
    if (nodes.size() != 3 || s["cluster"]["version"] <= 1)
      return false;
    for (const auto& n : nodes)
      if (n.value("zone", "") != "I" && n.value("zone", "") != "II")
        return false;
    return true;
  };
  nlohmann::json status;
  for (int i = 0; i < 300; ++i) {
    status = nlohmann::json::parse(devnet::run_capture(
      {test::build_path("petrade"), "status", "--json", "--control-port", std::to_string(control)}));
    if (settled(status))
      break;
    std::this_thread::sleep_for(100ms);
  }
  auto& nodes = status.at("cluster").at("nodes");
  ASSERT_EQ(nodes.size(), 3u) << status.dump();
  for (auto& n : nodes) {
    EXPECT_TRUE(n.at("reachable").get<bool>()) << n.dump();
    EXPECT_TRUE(n.at("zone") == "I" || n.at("zone") == "II") << n.dump();
    EXPECT_EQ(n.at("state").size(), 6u);
  }
  EXPECT_GT(status.at("cluster").at("margin").get<double>(), 0);
  EXPECT_EQ(status.at("dispatcher").at("strategy"), "round_robin");   // from the file
  EXPECT_EQ(status.at("dispatcher").at("mailboxes").size(), 4u);

  auto table = devnet::run_capture(
    {test::build_path("petrade"), "status", "--control-port", std::to_string(control)});
  EXPECT_NE(table.find("LBH"), std::string::npos) << table;
  EXPECT_NE(table.find("node2"), std::string::npos) << table;

  up.signal(SIGTERM);
  for (int i = 0; i < 200 && up.running(); ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(up.exit_status().has_value()) << "petrade up did not stop";
  EXPECT_TRUE(WIFEXITED(*up.exit_status()) && WEXITSTATUS(*up.exit_status()) == 0);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(devnet::port_free(static_cast<unsigned short>(base + i))) << "node " << i << " left running";
}

TEST(UpAndStatus, StatusWithoutAPlatformSaysWhereItLooked) {
  auto port = devnet::free_port();
  try {
    devnet::run_capture({test::build_path("petrade"), "status", "--control-port", std::to_string(port)});
    FAIL() << "status succeeded with nothing running";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no petrade platform answers on 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
      << e.what();
  }
}

TEST(UpAndStatus, AnUnknownStrategyIsRefusedByName) {
  try {
    devnet::run_capture({test::build_path("petrade"), "up", "--strategy", "fastest"});
    FAIL() << "accepted an unknown strategy";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--strategy 'fastest': expected one of"), std::string::npos)
      << e.what();
  }
}

} // namespace

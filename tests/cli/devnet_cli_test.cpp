// `petrade devnet` as an operator runs it: it prints its endpoints, the nodes
// answer, and SIGTERM or even SIGKILL of the launcher leaves no node behind.
#include "devnet/process.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace {

using namespace petrade;
using namespace std::chrono_literals;

using test::read_file;

bool alive(pid_t pid) {
  return ::kill(pid, 0) == 0;
}

class DevnetCliTest : public ::testing::Test {
protected:
  void SetUp() override {
    base = test::free_port_range(2);
  }

  // Starts the launcher and returns the node pids it printed.
  std::vector<pid_t> start() {
    launcher = devnet::child_process::spawn(
      {test::build_path("petrade"), "devnet", "--nodes", "2", "--base-port",
       std::to_string(base), "--data-dir", dir + "/data"},
      dir + "/out.log");
    std::vector<pid_t> pids;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (pids.size() < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      auto out = read_file(dir + "/out.log");
      std::regex pid_re("pid (\\d+)");
      pids.clear();
      for (auto it = std::sregex_iterator(out.begin(), out.end(), pid_re);
           it != std::sregex_iterator(); ++it)
        pids.push_back(static_cast<pid_t>(std::stoi((*it)[1])));
    }
    return pids;
  }

  test::scratch_dir scratch{"devnet-cli"};
  std::string dir = scratch.path();
  unsigned short base = 0;
  devnet::child_process launcher;
};

TEST_F(DevnetCliTest, PrintsEndpointsAndStopsEveryNodeOnSigterm) {
  auto pids = start();
  ASSERT_EQ(pids.size(), 2u) << read_file(dir + "/out.log");
  auto out = read_file(dir + "/out.log");
  EXPECT_NE(out.find("sealer  http://127.0.0.1:" + std::to_string(base)), std::string::npos) << out;
  EXPECT_NE(out.find("follower  http://127.0.0.1:" + std::to_string(base + 1)), std::string::npos);
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(test::cast({"chain-id", "--rpc-url",
                          "http://127.0.0.1:" + std::to_string(base + i)}),
              "31337");
  launcher.signal(SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (launcher.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(launcher.exit_status().has_value()) << "launcher did not stop";
  EXPECT_TRUE(WIFEXITED(*launcher.exit_status()) && WEXITSTATUS(*launcher.exit_status()) == 0);
  for (auto pid : pids)
    EXPECT_FALSE(alive(pid)) << "node pid " << pid << " survived";
}

TEST_F(DevnetCliTest, NodesDieWithAKilledLauncher) {
  auto pids = start();
  ASSERT_EQ(pids.size(), 2u);
  launcher.signal(SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + 10s;
  bool any = true;
  while (any && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    any = false;
    for (auto pid : pids)
      any = any || alive(pid);
  }
  EXPECT_FALSE(any) << "a node outlived its launcher";
}

TEST(DevnetCli, BadFlagsNameTheOffendingValue) {
  try {
    devnet::run_capture({test::build_path("petrade"), "devnet", "--nodes", "many"});
    FAIL() << "accepted --nodes many";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--nodes 'many': expected an integer from 1 to 16"),
              std::string::npos)
      << e.what();
  }
  auto help = devnet::run_capture({test::build_path("petrade"), "--help"});
  EXPECT_NE(help.find("devnet"), std::string::npos);
  EXPECT_NE(help.find("account"), std::string::npos);
}

} // namespace

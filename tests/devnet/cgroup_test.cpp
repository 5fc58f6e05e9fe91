// A node's cgroup caps its CPU like a container's --cpus and exposes the
// counters its probe reads; where no hierarchy is writable it says why.
#include "devnet/cgroup.hpp"
#include "devnet/process.hpp"
#include "tests/support/tools.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <thread>

namespace {

using namespace petrade::devnet;
using namespace std::chrono_literals;

TEST(NodeCgroup, QuotaCapsABusyProcessAndCountersMove) {
  std::string why;
  auto name = "petrade-test-" + std::to_string(::getpid());
  auto g = node_cgroup::create(name, 0.2, &why);
  if (node_cgroup::detect() == cgroup_version::none) {
    EXPECT_EQ(g, nullptr);
    EXPECT_FALSE(why.empty());
    return;
  }
  ASSERT_NE(g, nullptr) << why;
  auto path = g->path();
  EXPECT_TRUE(std::filesystem::exists(path));
  auto busy = petrade::test::busy_child();
  g->add(busy.pid());
  auto before = g->cpu_usage_ns();
  ASSERT_TRUE(before.has_value());
  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(1500ms);
  auto used = static_cast<double>(*g->cpu_usage_ns() - *before) / 1e9;
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // 0.2 cores for 1.5 s is 0.3 s of CPU; an uncapped loop would use ~1.5 s.
  // Other load on the machine can only lower the share, never raise it.
  EXPECT_GT(used / elapsed, 0.05);
  EXPECT_LT(used / elapsed, 0.35);
  if (auto mem = g->memory_bytes()) {
    EXPECT_GT(*mem, 0u);
  }
  busy.stop();
  g.reset();
  EXPECT_FALSE(std::filesystem::exists(path)) << "cgroup left behind";
}

} // namespace

// What the bench reads of a process from /proc: its parent, CPU and memory.
#include "bench/platform_run.hpp"
#include "devnet/process.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>

namespace {

using petrade::bench::usage_of;

TEST(ProcessUsage, ReadsParentCpuAndMemoryOfARunningProcess) {
  auto before = usage_of(::getpid());
  ASSERT_TRUE(before);
  EXPECT_EQ(before->ppid, ::getppid());
  EXPECT_GT(before->rss, 0u);
  EXPECT_GE(before->peak_rss, before->rss);
  volatile double x = 0;   // a few hundred ms of CPU, well above a clock tick
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < until)
    x = x + 1;
  EXPECT_GT(usage_of(::getpid())->cpu_seconds, before->cpu_seconds);

  auto child = petrade::devnet::child_process::spawn({"/bin/sleep", "5"}, "/dev/null");
  auto c = usage_of(child.pid());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->ppid, ::getpid());
  child.stop(std::chrono::milliseconds(1000));
}

TEST(ProcessUsage, NothingForAProcessThatIsGone) {
  EXPECT_FALSE(usage_of(0));
  EXPECT_FALSE(usage_of(999'999'999));
}

} // namespace

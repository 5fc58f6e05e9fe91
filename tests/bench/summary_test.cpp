#include "bench/summary.hpp"

#include <gtest/gtest.h>

namespace petrade::bench {
namespace {

TEST(Summary, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i)
    v.push_back(i);
  EXPECT_EQ(percentile(v, 0.5), 50);
  EXPECT_EQ(percentile(v, 0.99), 99);
  EXPECT_EQ(percentile(v, 1.0), 100);
  EXPECT_EQ(percentile(v, 0.0), 1);
  EXPECT_EQ(median({3, 1, 2}), 2);
  std::vector<double> none;
  EXPECT_EQ(percentile(none, 0.5), 0);
}

TEST(Summary, FailuresCountAndPerOperationFilter) {
  load_result r;
  for (std::uint32_t i = 1; i <= 10; ++i)
    r.samples.push_back({static_cast<std::uint8_t>(i % 2), i != 10, i * 1000});
  auto all = summarize(r);
  EXPECT_EQ(all.count, 10u);
  EXPECT_EQ(all.failed, 1u);
  EXPECT_DOUBLE_EQ(all.p50_ms, 5);
  EXPECT_DOUBLE_EQ(all.max_ms, 10);
  auto odd = summarize(r, 1);
  EXPECT_EQ(odd.count, 5u);
  EXPECT_DOUBLE_EQ(odd.max_ms, 9);
}

} // namespace
} // namespace petrade::bench

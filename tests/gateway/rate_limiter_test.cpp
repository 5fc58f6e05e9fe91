// The token bucket per client, driven by injected time so that refills are
// exact and the suite never sleeps.
#include "gateway/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using petrade::gateway::rate_limit;
using petrade::gateway::rate_limiter;
using namespace std::chrono_literals;

const rate_limiter::clock::time_point t0 = rate_limiter::clock::now();

// How many requests `client` gets through at `now` before the first refusal.
int drain(rate_limiter& l, const std::string& client, rate_limiter::clock::time_point now) {
  unsigned retry = 0;
  int n = 0;
  while (n < 100000 && l.allow(client, retry, now))
    ++n;
  return n;
}

TEST(rate_limiter, burst_then_refusal_with_retry_after) {
  rate_limiter l(2, 5);
  unsigned retry = 0;
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(l.allow("a", retry, t0)) << i;
  EXPECT_FALSE(l.allow("a", retry, t0));
  // One token takes half a second at 2/s: rounded up to the whole second.
  EXPECT_EQ(retry, 1u);
  EXPECT_FALSE(l.allow("a", retry, t0 + 100ms));
  EXPECT_GE(retry, 1u);
}

TEST(rate_limiter, retry_after_is_the_time_to_the_next_token) {
  rate_limiter l(0.25, 1);
  unsigned retry = 0;
  EXPECT_TRUE(l.allow("a", retry, t0));
  EXPECT_FALSE(l.allow("a", retry, t0));
  EXPECT_EQ(retry, 4u);
  EXPECT_FALSE(l.allow("a", retry, t0 + 1500ms));
  EXPECT_EQ(retry, 3u);   // 2.5 s still to go, rounded up
}

TEST(rate_limiter, refills_over_time_up_to_the_burst) {
  rate_limiter l(10, 20);
  EXPECT_EQ(drain(l, "a", t0), 20);
  EXPECT_EQ(drain(l, "a", t0 + 100ms), 1);
  EXPECT_EQ(drain(l, "a", t0 + 600ms), 5);
  // Fractions add up: 0.05 s is half a token, twice is one.
  EXPECT_EQ(drain(l, "a", t0 + 650ms), 0);
  EXPECT_EQ(drain(l, "a", t0 + 700ms), 1);
  // A long pause saves up no more than the burst.
  EXPECT_EQ(drain(l, "a", t0 + 1h), 20);
}

TEST(rate_limiter, clients_are_independent) {
  rate_limiter l(1, 3);
  EXPECT_EQ(drain(l, "10.0.0.1", t0), 3);
  unsigned retry = 0;
  EXPECT_TRUE(l.allow("10.0.0.2", retry, t0));
  EXPECT_EQ(drain(l, "10.0.0.2", t0), 2);
  EXPECT_EQ(drain(l, "::1", t0), 3);
  EXPECT_EQ(l.clients(), 3u);
  EXPECT_FALSE(l.allow("10.0.0.1", retry, t0));
}

TEST(rate_limiter, rate_zero_is_unlimited_and_tracks_nobody) {
  rate_limiter l(0, 1);
  unsigned retry = 0;
  for (int i = 0; i < 10000; ++i)
    ASSERT_TRUE(l.allow("a", retry, t0)) << i;
  EXPECT_EQ(l.clients(), 0u);
}

TEST(rate_limiter, burst_below_one_still_lets_one_through) {
  rate_limiter l(1, 0);
  EXPECT_EQ(drain(l, "a", t0), 1);
  EXPECT_EQ(drain(l, "a", t0 + 1s), 1);
}

TEST(rate_limiter, late_timestamp_does_not_drain_the_bucket) {
  // The server reads the clock before taking the lock, so two I/O threads
  // can hand in their times out of order; the earlier one must not cost
  // the client anything beyond its own token.
  rate_limiter l(1, 2);
  unsigned retry = 0;
  EXPECT_TRUE(l.allow("a", retry, t0 + 10s));
  // One token is left, whatever time the late caller read.
  EXPECT_TRUE(l.allow("a", retry, t0 + 9s));
  EXPECT_FALSE(l.allow("a", retry, t0 + 10s));
  EXPECT_EQ(drain(l, "a", t0 + 11s), 1);
}

TEST(rate_limiter, full_buckets_are_forgotten_when_many_clients) {
  rate_limiter l(1, 1);
  unsigned retry = 0;
  for (int i = 0; i < 10002; ++i)
    l.allow("c" + std::to_string(i), retry, t0);
  EXPECT_EQ(l.clients(), 10002u);
  // One second later every bucket is full again and holds nothing worth keeping.
  EXPECT_TRUE(l.allow("late", retry, t0 + 2s));
  EXPECT_EQ(l.clients(), 1u);
  // A forgotten client starts again with a full bucket.
  EXPECT_EQ(drain(l, "c0", t0 + 2s), 1);
}

TEST(rate_limiter, concurrent_callers_get_exactly_the_burst) {
  rate_limiter l(1, 1000);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      unsigned retry = 0;
      for (int i = 0; i < 500; ++i)
        if (l.allow("a", retry, t0))
          ++allowed;
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(allowed, 1000);
}

// Gateway management changes limits while requests come in.
TEST(rate_limiter, a_client_limit_and_a_new_default_apply_at_once) {
  rate_limiter l(10, 5);
  l.set_client("slow", rate_limit{1, 2});
  EXPECT_EQ(drain(l, "slow", t0), 2);
  EXPECT_EQ(drain(l, "other", t0), 5);
  l.set_client("slow", std::nullopt);   // back to the default: a full default bucket later
  EXPECT_EQ(drain(l, "slow", t0 + 1s), 5);
  l.set_default(rate_limit{1, 1});   // lowered: saved-up tokens above the new burst are gone
  EXPECT_EQ(drain(l, "other", t0 + 10s), 1);
  EXPECT_EQ(l.limit_for("other").rate, 1);
  l.set_default(rate_limit{0, 1});   // no limit
  EXPECT_EQ(drain(l, "other", t0 + 10s), 100000);
  EXPECT_TRUE(l.client_limits().empty());
}

} // namespace

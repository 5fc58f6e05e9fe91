// The elastic pool's policy, round by round: windows, bounds, cool-down,
// the most idle node, and one change at a time.
#include "actors/elastic_pool.hpp"

#include <gtest/gtest.h>

namespace petrade {
namespace {

using std::chrono::milliseconds;

elastic_config pool_config() {
  elastic_config c;
  c.enabled = true;
  c.min_nodes = 1;
  c.max_nodes = 3;
  c.grow_below = 0.3;
  c.grow_fill = 0.25;
  c.shrink_above = 0.6;
  c.grow_window = milliseconds(2000);
  c.shrink_window = milliseconds(4000);
  c.cooldown = milliseconds(3000);
  return c;
}

// Nodes with loads as fractions of r_max (r_max_load 1); node 0 is never removable.
pool_round round_at(std::int64_t ms, std::vector<double> loads, double fill = 0) {
  pool_round r;
  r.at_ms = ms;
  r.fill = fill;
  for (std::uint32_t i = 0; i < loads.size(); ++i)
    r.nodes.push_back({i, loads[i], true, false, i != 0});
  return r;
}

// Feeds rounds every 500 ms from `from` until a decision or `until`.
std::optional<pool_decision> run(elastic_pool& p, std::int64_t from, std::int64_t until,
                                 std::vector<double> loads, double fill = 0) {
  for (auto t = from; t <= until; t += 500)
    if (auto d = p.observe(round_at(t, loads, fill)))
      return d;
  return std::nullopt;
}

TEST(ElasticPool, GrowsWhenHeadroomStaysLowOverTheWholeWindow) {
  elastic_pool p(pool_config());
  EXPECT_FALSE(p.observe(round_at(0, {0.9})));
  EXPECT_FALSE(p.observe(round_at(1500, {0.9})));
  EXPECT_NE(p.waiting_for().find("load to stay high"), std::string::npos) << p.waiting_for();
  // One calm round (a late probe, a pause) does not restart the window.
  EXPECT_FALSE(p.observe(round_at(1800, {0.2})));
  auto d = p.observe(round_at(2000, {0.9}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->action, "grow");
  EXPECT_NEAR(d->headroom, (0.1 + 0.1 + 0.8 + 0.1) / 4, 1e-9);   // the window's mean
  EXPECT_EQ(d->nodes, 1u);
  EXPECT_NE(d->reason.find("below 0.30"), std::string::npos) << d->reason;
  EXPECT_EQ(p.decisions().size(), 1u);
  EXPECT_EQ(p.decisions().back().outcome, "pending");
}

TEST(ElasticPool, DoesNotGrowWhenHalfTheWindowWasCalm) {
  elastic_pool p(pool_config());
  EXPECT_FALSE(run(p, 0, 1000, {0.1}));
  EXPECT_FALSE(run(p, 1500, 2500, {0.9}));   // mean headroom 0.42 or more
  // It grows once enough of the calm part has left the window.
  auto d = run(p, 3000, 6000, {0.9});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->at_ms, 3000);
  EXPECT_LT(d->headroom, 0.3);
}

TEST(ElasticPool, GrowsWhenMailboxesStayFullThoughNodesLookIdle) {
  // The dispatcher pauses at margin <= 0; its queue is then the only sign.
  elastic_pool p(pool_config());
  auto d = run(p, 0, 10000, {0.1}, 0.5);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->at_ms, 2000);
  EXPECT_NE(d->reason.find("mailboxes 50.00 % full"), std::string::npos) << d->reason;
}

TEST(ElasticPool, OneChangeAtATimeThenACoolDown) {
  elastic_pool p(pool_config());
  ASSERT_TRUE(run(p, 0, 10000, {0.9}));
  EXPECT_TRUE(p.changing());
  // Still hot, but the first change has not finished.
  EXPECT_FALSE(run(p, 10000, 20000, {0.9, 0.9}));
  p.finished(true, "node1 added", 20000);
  EXPECT_EQ(p.decisions().back().outcome, "done: node1 added");
  EXPECT_FALSE(run(p, 20000, 22500, {0.9, 0.9}));
  EXPECT_NE(p.waiting_for().find("cool-down"), std::string::npos) << p.waiting_for();
  // After the cool-down the window runs again from its start.
  auto d = run(p, 23000, 30000, {0.9, 0.9});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->at_ms, 25000);
}

TEST(ElasticPool, NeverGrowsPastTheMaximum) {
  elastic_pool p(pool_config());
  EXPECT_FALSE(run(p, 0, 20000, {0.95, 0.95, 0.95}, 1.0));
  EXPECT_NE(p.waiting_for().find("maximum of 3"), std::string::npos) << p.waiting_for();
}

TEST(ElasticPool, ShrinksTheMostIdleRemovableNodeWhenOneFewerWouldStillHaveRoom) {
  elastic_pool p(pool_config());
  // Total load 0.3 over 3 nodes: with two, headroom 0.85 >= 0.6.
  auto d = run(p, 0, 20000, {0.05, 0.2, 0.05});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->action, "shrink");
  EXPECT_EQ(d->node, 2u);   // node 0 is as idle but not removable
  EXPECT_EQ(d->at_ms, 4000);
  EXPECT_NEAR(d->projected, 0.85, 1e-9);
}

TEST(ElasticPool, DoesNotShrinkWhenTheOthersWouldBeLoaded) {
  elastic_pool p(pool_config());
  // Headroom now 0.5, but with one node fewer 0.25: below shrink_above.
  EXPECT_FALSE(run(p, 0, 60000, {0.5, 0.5}));
  // Nor with more than a few tasks waiting in the mailboxes.
  EXPECT_FALSE(run(p, 60000, 120000, {0.0, 0.0}, 0.1));
  // A task or two queued now and then is normal at any load.
  auto d = run(p, 120000, 140000, {0.0, 0.0}, 0.02);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->action, "shrink");
}

TEST(ElasticPool, StopsAtTheMinimumAndGrowsBackToIt) {
  auto cfg = pool_config();
  cfg.min_nodes = 2;
  elastic_pool p(cfg);
  EXPECT_FALSE(run(p, 0, 60000, {0.0, 0.0}));
  EXPECT_NE(p.waiting_for().find("minimum of 2"), std::string::npos) << p.waiting_for();
  // A node removed by hand: back to the minimum at once, no window.
  auto d = p.observe(round_at(60500, {0.0}));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->action, "grow");
  EXPECT_NE(d->reason.find("below the minimum"), std::string::npos);
}

TEST(ElasticPool, DoesNotGrowBeforeTheFirstNodesAreSeen) {
  // The supervisor's first round can come before its nodes are attached.
  elastic_pool p(pool_config());
  EXPECT_FALSE(p.observe(round_at(0, {})));
  EXPECT_FALSE(run(p, 500, 10000, {0.0}));
  EXPECT_TRUE(p.decisions().empty());
}

TEST(ElasticPool, WaitsWhileANodeJoinsOrLeaves) {
  elastic_pool p(pool_config());
  auto r = round_at(0, {0.9, 0.0});
  r.nodes[1].serving = false;
  r.nodes[1].changing = true;
  for (std::int64_t t = 0; t < 20000; t += 500) {
    r.at_ms = t;
    EXPECT_FALSE(p.observe(r));
  }
  EXPECT_NE(p.waiting_for().find("joining or leaving"), std::string::npos);
}

TEST(ElasticPool, DecidesNothingWhenOff) {
  auto cfg = pool_config();
  cfg.enabled = false;
  elastic_pool p(cfg);
  EXPECT_EQ(p.waiting_for(), "the pool is off");   // status shows it before any round
  EXPECT_FALSE(run(p, 0, 60000, {1.0}, 1.0));
  EXPECT_TRUE(p.decisions().empty());
}

TEST(ElasticPool, AFailedChangeIsLoggedAndCoolsDownToo) {
  elastic_pool p(pool_config());
  ASSERT_TRUE(run(p, 0, 10000, {0.9}));
  p.finished(false, "anvil did not start", 3000);
  EXPECT_EQ(p.decisions().back().outcome, "failed: anvil did not start");
  EXPECT_FALSE(p.observe(round_at(5000, {0.9})));
}

TEST(ElasticConfig, RefusesBoundsAndThresholdsThatCannotWork) {
  auto expect_refused = [](elastic_config c, const std::string& key) {
    try {
      c.validate();
      ADD_FAILURE() << "accepted " << key;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("elastic." + key), std::string::npos) << e.what();
    }
  };
  auto c = pool_config();
  EXPECT_NO_THROW(c.validate());
  c.max_nodes = 0;
  expect_refused(c, "max_nodes");
  c = pool_config();
  c.shrink_above = 0.2;   // below grow_below: every shrink would grow again
  expect_refused(c, "shrink_above");
  c = pool_config();
  c.grow_command = {"scale-up"};
  expect_refused(c, "shrink_command");
  c = pool_config();
  c.shrink_fill = 0.3;   // at or above grow_fill: a grow and a shrink at once
  expect_refused(c, "shrink_fill");
  c = pool_config();
  c.min_nodes = 0;
  expect_refused(c, "min_nodes");
}

} // namespace
} // namespace petrade

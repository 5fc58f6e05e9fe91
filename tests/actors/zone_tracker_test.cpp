// zone_tracker: zones from single samples (a table), then the hysteresis
// rules over sequences of samples, admission holds and the map's fields.
// Nodes are mostly "uniform": every dimension at x, so r = x · D and x reads
// directly against r_max = 0.8 and the band h = 0.05 (both fractions of D).
#include "actors/zone_tracker.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

using namespace petrade;

namespace {

struct spec {
  double x = 0;           // every s_k
  bool reachable = true;
  std::uint64_t lag = 0;  // raw blocks behind
  double err = 0;         // raw error rate
};

std::vector<node_state> cluster(const std::vector<spec>& specs) {
  std::vector<node_state> out;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    node_state n;
    n.node = static_cast<std::uint32_t>(i);
    n.reachable = specs[i].reachable;
    n.s.assign(dimension_count, specs[i].x);
    n.lag_blocks = specs[i].lag;
    n.error_rate = specs[i].err;
    n.head = 100 + i;
    out.push_back(n);
  }
  return out;
}

std::vector<zone> zones(const zone_map& m) {
  std::vector<zone> out;
  for (const auto& e : m.nodes)
    out.push_back(e.zone);
  return out;
}

std::string show(const std::vector<zone>& zs) {
  std::string s;
  for (auto z : zs)
    s += std::string{to_string(z)} + " ";
  return s;
}

constexpr auto I = zone::I;
constexpr auto II = zone::II;
constexpr auto III = zone::III;

} // namespace

TEST(zone_tracker, zones_from_a_single_sample) {
  struct row {
    const char* what;
    std::vector<spec> nodes;
    std::vector<zone> want;
  };
  const std::vector<row> rows = {
    {"below, at and above r̄", {{0.2}, {0.4}, {0.6}}, {I, I, II}},
    {"all equal are all zone I", {{0.5}, {0.5}, {0.5}}, {I, I, I}},
    {"a single node", {{0.7}}, {I}},
    {"r ≥ r_max", {{0.2}, {0.2}, {0.85}}, {I, I, III}},
    {"unreachable, left out of r̄", {{0.3}, {0.1, false}, {0.5}}, {I, III, II}},
    {"lag above lag_max", {{0.3}, {0.3, true, 6}, {0.5}}, {I, III, II}},
    {"lag at lag_max is fine", {{0.3}, {0.3, true, 5}, {0.5}}, {I, I, II}},
    {"errors above err_max", {{0.3}, {0.3, true, 0, 0.25}, {0.5}}, {I, III, II}},
    {"errors at err_max are fine", {{0.3}, {0.3, true, 0, 0.2}, {0.5}}, {I, I, II}},
    {"everybody unreachable", {{0.1, false}, {0.2, false}}, {III, III}},
    {"everybody saturated", {{1.0}, {0.9}, {0.95}}, {III, III, III}},
  };
  for (const auto& r : rows) {
    zone_tracker t;
    auto m = t.update(cluster(r.nodes), 1);
    EXPECT_EQ(zones(m), r.want) << r.what << ": got " << show(zones(m));
    for (const auto& e : m.nodes)
      EXPECT_EQ(e.admitted, e.zone != III) << r.what;
  }
}

TEST(zone_tracker, map_fields) {
  zone_tracker t;
  auto m = t.update(cluster({{0.2}, {0.6}, {0.4, false}}), 42);
  const double d = t.config().diagonal();
  EXPECT_EQ(m.version, 42u);
  EXPECT_NEAR(m.r_bar, 0.4 * d, 1e-12);
  EXPECT_NEAR(m.margin, (0.8 - 0.2 + 0.8 - 0.6) * d, 1e-12);
  EXPECT_EQ(m.max_head, 101u);  // node 2 (head 102) is unreachable
  // Two reachable points, |p − G| = 0.2 D each: LBH = 0.2 / 0.5 = 0.4.
  EXPECT_NEAR(m.lbh, 0.4, 1e-12);
  ASSERT_EQ(m.nodes.size(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(m.nodes[i].node, i);
    EXPECT_EQ(m.nodes[i].head, 100u + i);
  }
  EXPECT_NEAR(m.nodes[0].load, 0.2 * d, 1e-12);
  EXPECT_NEAR(m.nodes[2].load, 0.4 * d, 1e-12);  // stale, but still reported
}

TEST(zone_tracker, empty_cluster) {
  zone_tracker t;
  auto m = t.update({}, 7);
  EXPECT_EQ(m.version, 7u);
  EXPECT_TRUE(m.nodes.empty());
  EXPECT_DOUBLE_EQ(m.lbh, 0);
  EXPECT_DOUBLE_EQ(m.r_bar, 0);
  EXPECT_LE(m.margin, 0);  // nowhere to send work: the dispatcher pauses
}

TEST(zone_tracker, saturated_cluster_has_no_margin) {
  zone_tracker t;
  auto m = t.update(cluster({{1.0}, {1.0}, {1.0}}), 1);
  EXPECT_LE(m.margin, 0);
  m = t.update(cluster({{0.1}, {0.1}, {0.1}}), 2);
  EXPECT_GT(m.margin, 0);
}

TEST(zone_tracker, oscillating_inside_the_band_does_not_flap) {
  // Node 1 wobbles around r̄ by about ±0.013 D, well inside h = 0.05 D.
  zone_tracker t;
  for (int i = 0; i < 20; ++i) {
    const double x = i % 2 == 0 ? 0.38 : 0.42;
    auto m = t.update(cluster({{0.2}, {x}, {0.6}}), i);
    EXPECT_EQ(m.nodes[1].zone, I) << "sample " << i;
  }
}

TEST(zone_tracker, oscillating_past_the_band_needs_confirmation) {
  // x = 0.3 sits 0.067 D below r̄, x = 0.6 sits 0.133 D above: each sample
  // asks for the other zone, but never twice in a row.
  zone_tracker t;
  for (int i = 0; i < 20; ++i) {
    const double x = i % 2 == 0 ? 0.3 : 0.6;
    auto m = t.update(cluster({{0.2}, {x}, {0.6}}), i);
    EXPECT_EQ(m.nodes[1].zone, I) << "sample " << i;
  }
  // Without the confirmation delay the same input flaps on every sample.
  feedback_config eager;
  eager.confirm_samples = 1;
  zone_tracker flappy{eager};
  int changes = 0;
  zone last = I;
  for (int i = 0; i < 20; ++i) {
    const double x = i % 2 == 0 ? 0.3 : 0.6;
    auto z = flappy.update(cluster({{0.2}, {x}, {0.6}}), i).nodes[1].zone;
    changes += z != last;
    last = z;
  }
  EXPECT_EQ(changes, 19);
}

TEST(zone_tracker, a_sustained_move_changes_zone_after_m_samples) {
  zone_tracker t;
  EXPECT_EQ(t.update(cluster({{0.2}, {0.3}, {0.6}}), 1).nodes[1].zone, I);
  EXPECT_EQ(t.update(cluster({{0.2}, {0.6}, {0.6}}), 2).nodes[1].zone, I);   // 1 of 2
  EXPECT_EQ(t.update(cluster({{0.2}, {0.6}, {0.6}}), 3).nodes[1].zone, II);  // 2 of 2
  EXPECT_EQ(t.zone_of(1), II);
  // And back: r must fall to r̄ − h or below, twice.
  EXPECT_EQ(t.update(cluster({{0.2}, {0.2}, {0.6}}), 4).nodes[1].zone, II);
  EXPECT_EQ(t.update(cluster({{0.2}, {0.2}, {0.6}}), 5).nodes[1].zone, I);
}

TEST(zone_tracker, zone_ii_node_just_below_r_bar_stays_in_ii) {
  zone_tracker t;
  t.update(cluster({{0.2}, {0.6}, {0.5}}), 1);  // node 1 starts in II
  ASSERT_EQ(t.zone_of(1), II);
  // r̄ = 0.4, node 1 at 0.38: below r̄ but not by h, for many samples.
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(t.update(cluster({{0.2}, {0.38}, {0.62}}), 2 + i).nodes[1].zone, II);
}

TEST(zone_tracker, unreachable_is_zone_iii_at_once) {
  zone_tracker t;
  t.update(cluster({{0.2}, {0.3}, {0.6}}), 1);
  ASSERT_EQ(t.zone_of(1), I);
  auto m = t.update(cluster({{0.2}, {0.3, false}, {0.6}}), 2);
  EXPECT_EQ(m.nodes[1].zone, III);
  EXPECT_FALSE(m.nodes[1].admitted);
}

TEST(zone_tracker, every_iii_condition_is_immediate) {
  const std::vector<spec> bad = {{0.3, false}, {0.3, true, 9}, {0.3, true, 0, 0.5}, {0.9}};
  for (const auto& b : bad) {
    zone_tracker t;
    t.update(cluster({{0.2}, {0.3}, {0.6}}), 1);
    EXPECT_EQ(t.update(cluster({{0.2}, b, {0.6}}), 2).nodes[1].zone, III);
  }
}

TEST(zone_tracker, leaving_iii_needs_consecutive_healthy_samples) {
  zone_tracker t;  // exit_iii_samples = 3
  t.update(cluster({{0.2}, {0.3, false}, {0.6}}), 1);
  ASSERT_EQ(t.zone_of(1), III);
  std::uint64_t v = 2;
  auto healthy = [&] { return t.update(cluster({{0.2}, {0.3}, {0.6}}), v++).nodes[1].zone; };
  EXPECT_EQ(healthy(), III);
  EXPECT_EQ(healthy(), III);
  // A lagging sample restarts the count.
  EXPECT_EQ(t.update(cluster({{0.2}, {0.3, true, 8}, {0.6}}), v++).nodes[1].zone, III);
  EXPECT_EQ(healthy(), III);
  EXPECT_EQ(healthy(), III);
  EXPECT_EQ(healthy(), I);  // third in a row; 0.3 ≤ r̄ = 0.367
}

TEST(zone_tracker, exit_iii_count_is_configurable) {
  feedback_config cfg;
  cfg.exit_iii_samples = 5;
  zone_tracker t{cfg};
  t.update(cluster({{0.2}, {0.5, true, 0, 0.9}, {0.6}}), 1);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(t.update(cluster({{0.2}, {0.5}, {0.6}}), 2 + i).nodes[1].zone, III) << i;
  EXPECT_EQ(t.update(cluster({{0.2}, {0.5}, {0.6}}), 9).nodes[1].zone, II);  // 0.5 > r̄
}

TEST(zone_tracker, leaving_iii_for_load_needs_the_band_below_r_max) {
  zone_tracker t;
  t.update(cluster({{0.2}, {0.85}}), 1);
  ASSERT_EQ(t.zone_of(1), III);
  // 0.77 is under r_max = 0.8 but not under r_max − h = 0.75: not healthy.
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(t.update(cluster({{0.2}, {0.77}}), 2 + i).nodes[1].zone, III) << i;
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(t.update(cluster({{0.2}, {0.7}}), 10 + i).nodes[1].zone, III) << i;
  EXPECT_EQ(t.update(cluster({{0.2}, {0.7}}), 12).nodes[1].zone, II);
}

TEST(zone_tracker, hold_withholds_admission_but_keeps_tracking) {
  zone_tracker t;
  t.hold(0, true);
  auto m = t.update(cluster({{0.2}, {0.6}}), 1);
  EXPECT_EQ(m.nodes[0].zone, I);
  EXPECT_FALSE(m.nodes[0].admitted);
  EXPECT_TRUE(m.nodes[1].admitted);
  t.hold(0, false);
  EXPECT_TRUE(t.update(cluster({{0.2}, {0.6}}), 2).nodes[0].admitted);
}

TEST(zone_tracker, forget_starts_a_node_afresh) {
  zone_tracker t;
  t.update(cluster({{0.2}, {0.3, false}}), 1);
  ASSERT_EQ(t.zone_of(1), III);
  t.forget(1);
  EXPECT_EQ(t.zone_of(1), III);  // unknown
  EXPECT_EQ(t.update(cluster({{0.2}, {0.1}}), 2).nodes[1].zone, I);
  t.reset();
  EXPECT_EQ(t.zone_of(0), III);
}

TEST(zone_tracker, absent_node_keeps_its_history) {
  zone_tracker t;
  t.update(cluster({{0.2}, {0.3, false}}), 1);
  auto only0 = cluster({{0.2}});
  auto m = t.update(only0, 2);
  EXPECT_EQ(m.nodes.size(), 1u);
  // Back with a healthy sample: still III, it has not earned its way out.
  EXPECT_EQ(t.update(cluster({{0.2}, {0.3}}), 3).nodes[1].zone, III);
}

TEST(zone_tracker, rejects_an_invalid_config) {
  feedback_config cfg;
  cfg.r_max = 0;
  EXPECT_THROW(zone_tracker{cfg}, std::invalid_argument);
}

TEST(zone_tracker, same_input_same_output) {
  zone_tracker a, b;
  for (int i = 0; i < 30; ++i) {
    const double x = (i * 37 % 100) / 100.0;
    auto in = cluster({{0.2}, {x}, {0.6, i % 7 != 3}, {x / 2, true, std::uint64_t(i % 8)}});
    EXPECT_EQ(zones(a.update(in, i)), zones(b.update(in, i))) << i;
  }
}

// Routing strategies on small fixed candidate tables: preferences by task
// kind, tie breaks, empty input, fairness and seeded determinism.
#include "actors/strategy.hpp"
#include "actors/zone_tracker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace petrade;

namespace {

node_view view(std::uint32_t node, zone z, double load, std::uint32_t inflight = 0) {
  node_view v;
  v.node = node;
  v.zone = z;
  v.load = load;
  v.inflight = inflight;
  v.inflight_cap = 100;
  return v;
}

std::uint32_t picked(strategy& s, task_kind k, const std::vector<node_view>& c) {
  auto i = s.pick(k, c);
  EXPECT_TRUE(i.has_value());
  return i ? c[*i].node : ~0u;
}

std::unique_ptr<strategy> make(const char* name, std::uint64_t seed = 1) {
  return make_strategy(name, feedback_config{}, seed);
}

constexpr auto R = task_kind::read;
constexpr auto W = task_kind::contract;

} // namespace

TEST(strategy, names_and_factory) {
  const std::vector<std::string> want{"round_robin", "least_inflight", "p2c", "thesis",
                                      "state_feedback"};
  EXPECT_EQ(strategy_names(), want);
  for (const auto& n : strategy_names())
    EXPECT_EQ(make_strategy(n, feedback_config{}, 0)->name(), n);
}

TEST(strategy, unknown_name_lists_the_known_ones) {
  try {
    make_strategy("fastest", feedback_config{}, 0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("fastest"), std::string::npos) << msg;
    for (const auto& n : strategy_names())
      EXPECT_NE(msg.find(n), std::string::npos) << msg;
  }
}

TEST(strategy, empty_candidates_give_nothing) {
  for (const auto& n : strategy_names()) {
    auto s = make_strategy(n, feedback_config{}, 3);
    for (auto k : {R, task_kind::deploy, task_kind::account, W})
      EXPECT_FALSE(s->pick(k, {}).has_value()) << n;
  }
}

TEST(round_robin, rotates_by_node_id_not_position) {
  auto s = make("round_robin");
  std::vector<node_view> c{view(5, zone::I, 0), view(1, zone::I, 0), view(3, zone::I, 0)};
  std::vector<std::uint32_t> got;
  for (int i = 0; i < 7; ++i) {
    std::rotate(c.begin(), c.begin() + 1, c.end());  // positions shift every pick
    got.push_back(picked(*s, R, c));
  }
  EXPECT_EQ(got, (std::vector<std::uint32_t>{1, 3, 5, 1, 3, 5, 1}));
}

TEST(round_robin, fair_over_300_picks_with_a_changing_set) {
  auto s = make("round_robin");
  std::map<std::uint32_t, int> count;
  std::map<std::uint32_t, int> offered;
  std::uint32_t last = ~0u;
  for (int i = 0; i < 300; ++i) {
    // Nodes 0, 2, 4 always; node 1 on one pick in three; node 3 leaves for
    // picks 100..199; the order shifts every pick.
    std::vector<node_view> c{view(0, zone::I, 0), view(2, zone::I, 0), view(4, zone::I, 0)};
    if (i % 3 == 0)
      c.push_back(view(1, zone::I, 0));
    if (i < 100 || i >= 200)
      c.push_back(view(3, zone::I, 0));
    std::rotate(c.begin(), c.begin() + i % c.size(), c.end());
    for (const auto& v : c)
      ++offered[v.node];
    auto n = picked(*s, R, c);
    EXPECT_NE(n, last) << "pick " << i;  // never twice in a row with a choice
    last = n;
    ++count[n];
  }
  // Always-present nodes share evenly; nobody offered is starved.
  for (std::uint32_t n : {0u, 2u, 4u})
    EXPECT_NEAR(count[n], count[0], 2) << n;
  for (const auto& [n, k] : offered)
    EXPECT_GT(count[n], 0) << n;
  int total = 0;
  for (const auto& [n, k] : count)
    total += k;
  EXPECT_EQ(total, 300);
  // Each node's share is within a few picks of the even split it was offered.
  EXPECT_GT(count[3], 40);
  EXPECT_GT(count[1], 15);
}

TEST(least_inflight, fewest_then_load_then_id) {
  auto s = make("least_inflight");
  EXPECT_EQ(picked(*s, R, {view(0, zone::I, .1, 3), view(1, zone::I, .5, 1),
                           view(2, zone::I, .2, 1)}),
            2u);
  EXPECT_EQ(picked(*s, W, {view(7, zone::I, .2, 1), view(4, zone::I, .2, 1),
                           view(9, zone::I, .2, 2)}),
            4u);
  // Ignores zones entirely: a baseline.
  EXPECT_EQ(picked(*s, W, {view(0, zone::I, .1, 5), view(1, zone::III, .9, 0)}), 1u);
}

TEST(p2c, same_seed_same_picks) {
  std::vector<node_view> c;
  for (std::uint32_t i = 0; i < 8; ++i)
    c.push_back(view(i, zone::I, 0, (i * 5) % 7));
  auto a = make("p2c", 1234);
  auto b = make("p2c", 1234);
  auto other = make("p2c", 99);
  std::vector<std::size_t> sa, sb, so;
  for (int i = 0; i < 200; ++i) {
    sa.push_back(*a->pick(R, c));
    sb.push_back(*b->pick(R, c));
    so.push_back(*other->pick(R, c));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, so);
}

TEST(p2c, prefers_the_less_loaded) {
  auto s = make("p2c", 7);
  // Two candidates: both are always drawn (distinct), so the idle one wins.
  std::vector<node_view> two{view(0, zone::I, 0, 10), view(1, zone::I, 0, 0)};
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(picked(*s, R, two), 1u);
  // Five: the idle node wins whenever drawn (2 in 5), the busiest never.
  std::vector<node_view> five{view(0, zone::I, 0, 10), view(1, zone::I, 0, 10),
                              view(2, zone::I, 0, 0), view(3, zone::I, 0, 10),
                              view(4, zone::I, 0, 50)};
  std::map<std::uint32_t, int> count;
  for (int i = 0; i < 1000; ++i)
    ++count[picked(*s, R, five)];
  EXPECT_GT(count[2], 330);  // expected 400; uniform would be 200
  EXPECT_LT(count[2], 470);
  EXPECT_EQ(count[4], 0);
  EXPECT_EQ(picked(*s, R, {view(3, zone::III, 1, 9)}), 3u);  // only one choice
}

TEST(state_feedback, writes_to_zone_i_least_loaded_then_zone_ii) {
  auto s = make("state_feedback");
  std::vector<node_view> c{view(0, zone::II, .10), view(1, zone::I, .30),
                           view(2, zone::I, .20), view(3, zone::III, .01)};
  for (auto k : {task_kind::deploy, task_kind::account, task_kind::contract})
    EXPECT_EQ(picked(*s, k, c), 2u);
  // Equal load: fewer in-flight, then lower id.
  EXPECT_EQ(picked(*s, W, {view(4, zone::I, .2, 3), view(5, zone::I, .2, 1)}), 5u);
  EXPECT_EQ(picked(*s, W, {view(6, zone::I, .2, 1), view(5, zone::I, .2, 1)}), 5u);
  // No zone I: least loaded in zone II.
  EXPECT_EQ(picked(*s, W, {view(0, zone::II, .5), view(1, zone::II, .4),
                           view(2, zone::III, .1)}),
            1u);
}

TEST(state_feedback, reads_spread_over_zone_ii_then_zone_i) {
  auto s = make("state_feedback");
  std::vector<node_view> c{view(0, zone::I, .10, 0), view(1, zone::II, .40, 4),
                           view(2, zone::II, .60, 2), view(3, zone::III, .05, 0)};
  EXPECT_EQ(picked(*s, R, c), 2u);  // fewer in-flight beats lower load
  EXPECT_EQ(picked(*s, R, {view(1, zone::II, .6, 2), view(2, zone::II, .4, 2)}), 2u);
  EXPECT_EQ(picked(*s, R, {view(0, zone::I, .3, 5), view(1, zone::I, .2, 1),
                           view(3, zone::III, 0, 0)}),
            1u);
}

TEST(state_feedback, never_zone_iii) {
  auto s = make("state_feedback");
  std::vector<node_view> c{view(0, zone::III, 0), view(1, zone::III, 0)};
  EXPECT_FALSE(s->pick(R, c).has_value());
  EXPECT_FALSE(s->pick(W, c).has_value());
}

namespace {

// cpu and mem set; the rest 0.
node_state cpu_mem(std::uint32_t id, double cpu, double mem) {
  node_state n;
  n.node = id;
  n.reachable = true;
  n.set(dimension::cpu, cpu);
  n.set(dimension::mem, mem);
  return n;
}

} // namespace

TEST(thesis, zones_from_cpu_and_mem_over_the_candidates) {
  auto s = make("thesis");
  // 2-D loads 0.1, 0.3, 0.5, 0.9 (in units of D): r̄ = 0.45, r_max = 0.8.
  std::vector<node_state> st{cpu_mem(0, .1, .1), cpu_mem(1, .3, .3), cpu_mem(2, .5, .5),
                             cpu_mem(3, .9, .9)};
  std::vector<node_view> c;
  for (const auto& n : st) {
    auto v = view(n.node, zone::III, 0);  // node_view::zone is ignored
    v.state = &n;
    c.push_back(v);
  }
  EXPECT_EQ(picked(*s, W, c), 0u);  // zone I, least loaded
  EXPECT_EQ(picked(*s, R, c), 2u);  // the only zone II node
  // Zones are relative to the candidates: alone with node 3, node 2 is zone I.
  std::vector<node_view> pair{c[2], c[3]};
  EXPECT_EQ(picked(*s, W, pair), 2u);
  EXPECT_EQ(picked(*s, R, pair), 2u);  // no zone II: read falls back to I
  EXPECT_FALSE(s->pick(W, std::vector<node_view>{c[3]}).has_value());  // III only
  // Without a state a candidate cannot be placed and is never picked.
  auto blind = view(9, zone::I, 0);
  EXPECT_FALSE(s->pick(W, std::vector<node_view>{blind}).has_value());
}

TEST(thesis, ignores_what_it_cannot_see_but_state_feedback_does_not) {
  // Three nodes with equal cpu/mem; node 0 is slow (latency saturated) and
  // erroring (but under err_max). The supervisor's 6-D view puts it in zone
  // II; the 2-D view cannot tell the nodes apart.
  std::vector<node_state> st{cpu_mem(0, .4, .4), cpu_mem(1, .4, .4), cpu_mem(2, .4, .4)};
  st[0].set(dimension::latency, 1.0);
  st[0].set(dimension::errors, 0.15);
  st[0].error_rate = 0.15;
  zone_tracker sup;
  auto m = sup.update(st, 1);
  ASSERT_EQ(m.nodes[0].zone, zone::II);
  ASSERT_EQ(m.nodes[1].zone, zone::I);
  std::vector<node_view> c;
  for (std::size_t i = 0; i < st.size(); ++i) {
    auto v = view(m.nodes[i].node, m.nodes[i].zone, m.nodes[i].load);
    v.state = &st[i];
    c.push_back(v);
  }
  auto th = make("thesis");
  auto sf = make("state_feedback");
  for (auto k : {task_kind::deploy, task_kind::account, task_kind::contract}) {
    EXPECT_EQ(picked(*th, k, c), 0u);  // all tie in 2-D: lowest id, the slow one
    EXPECT_EQ(picked(*sf, k, c), 1u);  // avoids it
  }
}

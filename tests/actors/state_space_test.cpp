// state_space: points, centroid, LBH, r̄ and the health margin, including
// the degenerate cases (no nodes, one node, nobody reachable).
#include "actors/state_space.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace petrade;

namespace {

node_state with_s(std::vector<double> s, bool reachable = true) {
  node_state n;
  n.reachable = reachable;
  n.s = std::move(s);
  return n;
}

// Every dimension at x: then r = x · D whatever the weights.
node_state uniform(double x, bool reachable = true) {
  return with_s(std::vector<double>(dimension_count, x), reachable);
}

std::vector<state_point> points_of(const std::vector<node_state>& nodes,
                                   const weight_vector& w) {
  std::vector<state_point> out;
  for (const auto& n : nodes)
    out.push_back(point(n, w));
  return out;
}

const weight_vector default_w = feedback_config{}.weights;
const weight_vector thesis_w = feedback_config::thesis().weights;

} // namespace

TEST(state_space, point_weights_each_dimension) {
  auto p = point(with_s({1, 0.5, 0, 1, 0.5, 1}), default_w);
  state_point want{0.3, 0.1, 0, 0.2, 0.05, 0.1};
  for (std::size_t k = 0; k < dimension_count; ++k)
    EXPECT_NEAR(p[k], want[k], 1e-12) << k;
}

TEST(state_space, unmeasurable_readings_count_as_saturated) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto p = point(with_s({nan, 2.0, -1.0}), default_w);  // short vector too
  state_point want{0.3, 0.2, 0, 0.2, 0.1, 0.1};
  for (std::size_t k = 0; k < dimension_count; ++k)
    EXPECT_NEAR(p[k], want[k], 1e-12) << k;
}

TEST(state_space, uniform_node_load_is_fraction_of_d) {
  for (const auto& w : {default_w, thesis_w}) {
    EXPECT_NEAR(load(uniform(1), w), diagonal(w), 1e-12);
    EXPECT_NEAR(load(uniform(0.25), w), 0.25 * diagonal(w), 1e-12);
    EXPECT_DOUBLE_EQ(load(uniform(0), w), 0);
  }
}

TEST(state_space, centroid_is_the_mean) {
  std::vector<state_point> pts{{1, 2, 3, 4, 5, 6}, {3, 2, 1, 0, -1, -2}};
  auto g = centroid(pts);
  state_point want{2, 2, 2, 2, 2, 2};
  EXPECT_EQ(g, want);
  EXPECT_EQ(centroid({}), state_point{});
}

TEST(state_space, lbh_is_zero_for_equal_nodes_with_any_weights) {
  const weight_vector odd_w{0.05, 0.15, 0.25, 0.35, 0.1, 0.1};
  for (const auto& w : {default_w, thesis_w, odd_w}) {
    std::vector<node_state> nodes(5, with_s({0.3, 0.7, 0.1, 0.9, 0.2, 0.4}));
    EXPECT_NEAR(lbh(points_of(nodes, w), w), 0, 1e-12);
  }
}

TEST(state_space, lbh_is_one_for_half_idle_half_saturated_in_2d) {
  std::vector<node_state> nodes{with_s({0, 0, 0, 0, 0, 0}), with_s({1, 1, 0, 0, 0, 0}),
                                with_s({0, 0, 0, 0, 0, 0}), with_s({1, 1, 0, 0, 0, 0})};
  EXPECT_NEAR(lbh(points_of(nodes, thesis_w), thesis_w), 1.0, 1e-12);
  // An odd count cannot split evenly: two idle, one saturated. G sits a
  // third of the way along the diagonal, so the distances are D/3, D/3 and
  // 2D/3: mean 4D/9, LBH = 8/9.
  nodes.pop_back();
  EXPECT_NEAR(lbh(points_of(nodes, thesis_w), thesis_w), 8.0 / 9.0, 1e-12);
}

TEST(state_space, lbh_hand_computed_three_nodes_in_6d) {
  // Default weights; A busy on cpu, B on mem, C on latency:
  //   p_A = (.3,0,0,0,0,0), p_B = (0,.2,0,0,0,0), p_C = (0,0,0,.2,0,0)
  //   G = (.1, .2/3, 0, .2/3, 0, 0)
  //   |A−G| = sqrt(.2² + 2(.2/3)²), |B−G| = |C−G| = sqrt(.1² + (.4/3)² + (.2/3)²)
  //   D = sqrt(.2); LBH = mean / (D/2) ≈ 0.864791
  std::vector<node_state> nodes{with_s({1, 0, 0, 0, 0, 0}), with_s({0, 1, 0, 0, 0, 0}),
                                with_s({0, 0, 0, 1, 0, 0})};
  const double a = std::sqrt(0.04 + 2 * (0.2 / 3) * (0.2 / 3));
  const double b = std::sqrt(0.01 + (0.4 / 3) * (0.4 / 3) + (0.2 / 3) * (0.2 / 3));
  const double want = (a + 2 * b) / 3 / (std::sqrt(0.2) / 2);
  const double got = lbh(points_of(nodes, default_w), default_w);
  EXPECT_NEAR(got, want, 1e-12);
  EXPECT_NEAR(got, 0.864791, 1e-6);
}

TEST(state_space, lbh_degenerate_cases_are_zero_not_nan) {
  EXPECT_DOUBLE_EQ(lbh({}, default_w), 0);
  std::vector<state_point> one{point(uniform(0.9), default_w)};
  EXPECT_DOUBLE_EQ(lbh(one, default_w), 0);
  const weight_vector zero_w{};
  std::vector<state_point> two{state_point{}, state_point{}};
  EXPECT_DOUBLE_EQ(lbh(two, zero_w), 0);
}

TEST(state_space, r_bar_averages_reachable_nodes_only) {
  std::vector<node_state> nodes{uniform(0.2), uniform(0.9, false), uniform(0.6)};
  const double d = diagonal(default_w);
  EXPECT_NEAR(r_bar(nodes, default_w), 0.4 * d, 1e-12);
  std::vector<node_state> none{uniform(0.5, false), uniform(0.7, false)};
  EXPECT_DOUBLE_EQ(r_bar(none, default_w), 0);
  EXPECT_DOUBLE_EQ(r_bar({}, default_w), 0);
}

TEST(state_space, margin_is_positive_with_headroom) {
  const double d = diagonal(default_w);
  const double r_max = 0.8 * d;
  std::vector<node_state> nodes{uniform(0.1), uniform(0.3), uniform(1.0, false)};
  // (0.8 − 0.1) + (0.8 − 0.3) in units of D; the unreachable node is left out.
  EXPECT_NEAR(margin(nodes, default_w, r_max), 1.2 * d, 1e-12);
  EXPECT_GT(margin(nodes, default_w, r_max), 0);
}

TEST(state_space, margin_pauses_when_all_saturated) {
  const double d = diagonal(default_w);
  const double r_max = 0.8 * d;
  std::vector<node_state> saturated{uniform(1.0), uniform(1.0), uniform(1.0)};
  // 3 · (0.8 − 1) D = −0.6 D: at or past saturation, the dispatcher pauses.
  EXPECT_NEAR(margin(saturated, default_w, r_max), -0.6 * d, 1e-12);
  EXPECT_LE(margin(saturated, default_w, r_max), 0);
  // H is a cluster-wide sum: one idle node brings it back above 0 (+0.2 D).
  saturated.push_back(uniform(0.0));
  EXPECT_NEAR(margin(saturated, default_w, r_max), 0.2 * d, 1e-12);
  EXPECT_GT(margin(saturated, default_w, r_max), 0);
}

TEST(state_space, margin_with_nobody_reachable_is_a_pause) {
  const double r_max = 0.8 * diagonal(default_w);
  std::vector<node_state> nodes{uniform(0.0, false)};
  EXPECT_LE(margin(nodes, default_w, r_max), 0);
  EXPECT_LE(margin({}, default_w, r_max), 0);
}

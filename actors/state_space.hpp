// The geometry of design §3 as free functions: node i is the point
// p_i = (w_k · s_ik)_k; G is the centroid, D = sqrt(Σ w_k²) the largest |p|.
// Pure math, no state; every function is defined for 0 nodes, 1 node and all
// nodes unreachable, and never returns NaN.
#pragma once

#include "actors/feedback_config.hpp"
#include "protocol/node_state.hpp"

#include <array>
#include <span>

namespace petrade {

using state_point = std::array<double, dimension_count>;

/// p = (w_k · s_k)_k. A reading that is missing (short `s`) or not finite
/// counts as 1 (saturated), and the rest are clamped to [0, 1]: a node we
/// cannot measure must not look idle and attract work.
state_point point(const node_state& state, const weight_vector& weights);

/// |p|, the Euclidean norm.
double norm(const state_point& p);

/// Mean of the points; the origin for no points.
state_point centroid(std::span<const state_point> points);

/// D = sqrt(Σ w_k²).
double diagonal(const weight_vector& weights);

/// LBH = mean_i |p_i − G| / (D / 2), clamped to [0, 1]. D/2 is the largest
/// possible mean distance (half the points at the origin, half at the far
/// corner). 0 for fewer than two points or D = 0.
double lbh(std::span<const state_point> points, const weight_vector& weights);

/// Slack, relative to D, for "r ≤ r̄": the mean of n equal loads need not
/// round back to exactly that load, and equal nodes must all be zone I.
inline constexpr double tie_tolerance = 1e-9;

/// r ≤ r̄ within tie_tolerance · D: zone I rather than II.
inline bool within_mean(double r, double r_bar, double d) {
  return r <= r_bar + tie_tolerance * d;
}

/// r_i = |p_i|, the node's load.
double load(const node_state& state, const weight_vector& weights);

/// r̄: mean load over the reachable nodes; 0 when none is reachable.
double r_bar(std::span<const node_state> nodes, const weight_vector& weights);

/// H = Σ (r_max − r_i) over the reachable nodes, with r_max absolute (see
/// feedback_config::r_max_load). 0 when none is reachable, so the dispatcher
/// (which pauses at H ≤ 0) pauses with nowhere to send work.
double margin(std::span<const node_state> nodes, const weight_vector& weights, double r_max);

} // namespace petrade

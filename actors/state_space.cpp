#include "actors/state_space.hpp"

#include <algorithm>
#include <cmath>

namespace petrade {

state_point point(const node_state& state, const weight_vector& weights) {
  state_point p{};
  for (std::size_t k = 0; k < dimension_count; ++k) {
    double s = k < state.s.size() ? state.s[k] : 1.0;
    s = std::isfinite(s) ? std::clamp(s, 0.0, 1.0) : 1.0;
    p[k] = weights[k] * s;
  }
  return p;
}

double norm(const state_point& p) {
  double sum = 0;
  for (double x : p)
    sum += x * x;
  return std::sqrt(sum);
}

state_point centroid(std::span<const state_point> points) {
  state_point g{};
  if (points.empty())
    return g;
  for (const auto& p : points)
    for (std::size_t k = 0; k < dimension_count; ++k)
      g[k] += p[k];
  for (auto& x : g)
    x /= static_cast<double>(points.size());
  return g;
}

double diagonal(const weight_vector& weights) {
  double sum = 0;
  for (double w : weights)
    sum += w * w;
  return std::sqrt(sum);
}

double lbh(std::span<const state_point> points, const weight_vector& weights) {
  const double d = diagonal(weights);
  // One point is trivially balanced; D = 0 (all weights 0) would divide by 0.
  if (points.size() < 2 || !(d > 0))
    return 0;
  const auto g = centroid(points);
  double total = 0;
  for (const auto& p : points) {
    state_point diff;
    for (std::size_t k = 0; k < dimension_count; ++k)
      diff[k] = p[k] - g[k];
    total += norm(diff);
  }
  const double mean = total / static_cast<double>(points.size());
  return std::clamp(mean / (d / 2), 0.0, 1.0);
}

double load(const node_state& state, const weight_vector& weights) {
  return norm(point(state, weights));
}

double r_bar(std::span<const node_state> nodes, const weight_vector& weights) {
  double sum = 0;
  std::size_t n = 0;
  for (const auto& node : nodes) {
    if (!node.reachable)
      continue;
    sum += load(node, weights);
    ++n;
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

double margin(std::span<const node_state> nodes, const weight_vector& weights, double r_max) {
  double h = 0;
  for (const auto& node : nodes)
    if (node.reachable)
      h += r_max - load(node, weights);
  return h;
}

} // namespace petrade

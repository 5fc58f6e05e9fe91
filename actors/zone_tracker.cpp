#include "actors/zone_tracker.hpp"

#include "actors/state_space.hpp"

#include <algorithm>

namespace petrade {

zone_tracker::zone_tracker(feedback_config cfg) : cfg_(cfg) {
  cfg_.validate();
}

void zone_tracker::step(track& t, const node_state& s, double r, double r_bar) const {
  const double r_max = cfg_.r_max_load();
  const double h = cfg_.band();
  const bool lag_ok = s.lag_blocks <= cfg_.lag_max;
  // Written so that a NaN error rate counts as too high.
  const bool err_ok = s.error_rate <= cfg_.err_max;
  const auto plain = within_mean(r, r_bar, cfg_.diagonal()) ? zone::I : zone::II;

  // Rule 1: immediate III.
  if (!s.reachable || !lag_ok || !err_ok || r >= r_max) {
    t.seen = true;
    t.current = zone::III;
    t.pending = 0;
    t.healthy = 0;
    return;
  }
  // Rule 4: first sample.
  if (!t.seen) {
    t.seen = true;
    t.current = plain;
    t.pending = 0;
    t.healthy = 0;
    return;
  }
  // Rule 2: leaving III.
  if (t.current == zone::III) {
    if (r < r_max - h) {
      if (++t.healthy >= cfg_.exit_iii_samples) {
        t.current = plain;
        t.healthy = 0;
        t.pending = 0;
      }
    } else {
      t.healthy = 0;
    }
    return;
  }
  // Rule 3: I <-> II with band and confirmation.
  const bool asks = t.current == zone::I ? r > r_bar + h : r <= r_bar - h;
  if (!asks) {
    t.pending = 0;
    return;
  }
  if (++t.pending >= cfg_.confirm_samples) {
    t.current = t.current == zone::I ? zone::II : zone::I;
    t.pending = 0;
  }
}

zone_map zone_tracker::update(const std::vector<node_state>& nodes, std::uint64_t version) {
  zone_map out;
  out.version = version;

  std::vector<state_point> reachable_points;
  std::vector<double> loads;
  loads.reserve(nodes.size());
  for (const auto& n : nodes) {
    auto p = point(n, cfg_.weights);
    loads.push_back(norm(p));
    if (n.reachable) {
      reachable_points.push_back(p);
      out.max_head = std::max(out.max_head, n.head);
    }
  }
  out.lbh = lbh(reachable_points, cfg_.weights);
  out.r_bar = r_bar(nodes, cfg_.weights);
  out.margin = margin(nodes, cfg_.weights, cfg_.r_max_load());

  out.nodes.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto& t = tracks_[nodes[i].node];
    step(t, nodes[i], loads[i], out.r_bar);
    zone_entry e;
    e.node = nodes[i].node;
    e.zone = t.current;
    e.load = loads[i];
    e.admitted = t.current != zone::III && !t.held;
    e.head = nodes[i].head;
    out.nodes.push_back(e);
  }
  return out;
}

void zone_tracker::hold(std::uint32_t node, bool held) {
  tracks_[node].held = held;
}

void zone_tracker::forget(std::uint32_t node) {
  tracks_.erase(node);
}

void zone_tracker::reset() {
  tracks_.clear();
}

zone zone_tracker::zone_of(std::uint32_t node) const {
  auto i = tracks_.find(node);
  return i == tracks_.end() || !i->second.seen ? zone::III : i->second.current;
}

} // namespace petrade

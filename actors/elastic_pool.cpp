#include "actors/elastic_pool.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace petrade {

namespace {

std::string figure(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string seconds(std::chrono::milliseconds d) {
  return figure(static_cast<double>(d.count()) / 1000.0) + " s";
}

void refuse(const std::string& key, const std::string& value, const std::string& expected) {
  throw std::invalid_argument("elastic." + key + " = " + value + ": " + expected);
}

} // namespace

void elastic_config::validate() const {
  if (min_nodes < 1)
    refuse("min_nodes", std::to_string(min_nodes), "must be >= 1");
  if (max_nodes < min_nodes)
    refuse("max_nodes", std::to_string(max_nodes), "must be >= min_nodes (" + std::to_string(min_nodes) + ")");
  if (!(grow_below > 0 && grow_below < 1))
    refuse("grow_below", figure(grow_below), "must be in (0, 1)");
  if (!(grow_fill > 0 && grow_fill <= 1))
    refuse("grow_fill", figure(grow_fill), "must be in (0, 1]");
  if (!(shrink_fill >= 0 && shrink_fill < grow_fill))
    refuse("shrink_fill", figure(shrink_fill), "must be in [0, grow_fill)");
  if (!(shrink_above > grow_below && shrink_above < 1))
    refuse("shrink_above", figure(shrink_above),
           "must be in (grow_below, 1), or a shrink would call for the next grow");
  if (!grow_command.empty() && shrink_command.empty())
    refuse("shrink_command", "[]", "needed with grow_command: the pool must be able to undo what it made");
}

elastic_pool::elastic_pool(elastic_config cfg)
  : cfg_(std::move(cfg)), waiting_(cfg_.enabled ? "the first round" : "the pool is off") {}

pool_decision elastic_pool::decide(const pool_round& r, std::string action, std::string reason,
                                   const pool_figures& on, std::uint32_t node) {
  pool_decision d;
  d.at_ms = r.at_ms;
  d.action = std::move(action);
  d.node = node;
  d.reason = std::move(reason);
  d.nodes = static_cast<std::uint32_t>(r.nodes.size());
  d.headroom = on.headroom;
  d.projected = on.projected;
  d.fill = on.fill;
  decisions_.push_back(d);
  if (decisions_.size() > history)
    decisions_.pop_front();
  changing_ = true;
  seen_.clear();
  watching_since_ = -1;
  waiting_ = d.action == "grow" ? "the new node to start" : "node " + std::to_string(node) + " to drain";
  return d;
}

pool_figures elastic_pool::means(std::int64_t now, std::chrono::milliseconds window) const {
  pool_figures m;
  std::size_t n = 0;
  for (auto& [at, f] : seen_)
    if (at >= now - window.count()) {
      m.headroom += f.headroom;
      m.projected += f.projected;
      m.fill += f.fill;
      ++n;
    }
  if (n) {
    m.headroom /= static_cast<double>(n);
    m.projected /= static_cast<double>(n);
    m.fill /= static_cast<double>(n);
  }
  return m;
}

std::optional<pool_decision> elastic_pool::observe(const pool_round& r) {
  now_.fill = r.fill;
  double load = 0;
  std::size_t serving = 0;
  const pool_round::node* idlest = nullptr;
  bool in_transit = false;
  for (auto& n : r.nodes) {
    in_transit = in_transit || n.changing;
    if (!n.serving)
      continue;
    ++serving;
    load += n.load;
    if (n.removable && (!idlest || n.load < idlest->load))
      idlest = &n;
  }
  auto rmax = r.r_max_load > 0 ? r.r_max_load : 1.0;
  now_.headroom = serving ? std::clamp(1.0 - load / (serving * rmax), 0.0, 1.0) : 0.0;
  now_.projected = serving > 1 ? std::clamp(1.0 - load / ((serving - 1) * rmax), 0.0, 1.0) : 0.0;
  auto count = static_cast<std::uint32_t>(r.nodes.size());

  auto hold = [&](std::string why) -> std::optional<pool_decision> {
    seen_.clear();
    watching_since_ = -1;
    waiting_ = std::move(why);
    return std::nullopt;
  };
  if (!cfg_.enabled)
    return hold("the pool is off");
  // Before the first nodes are attached the cluster is not empty, only unseen.
  if (r.nodes.empty())
    return hold("the nodes to report");
  if (changing_)
    return hold(waiting_);
  if (in_transit)
    return hold("a node to finish joining or leaving");
  if (r.at_ms < cooldown_until_)
    return hold("the cool-down (" + seconds(std::chrono::milliseconds(cooldown_until_ - r.at_ms)) + " left)");
  if (count < cfg_.min_nodes)
    return decide(r, "grow", std::to_string(count) + " nodes, below the minimum of " + std::to_string(cfg_.min_nodes),
                  now_);
  if (serving == 0)
    return hold("a node that serves (repair brings them back)");

  // Decisions go by the means over each window, not by every sample: one
  // late probe or one calm moment under a heavy load must not restart the
  // window (on the benchmark's 0.02-core nodes it did, every few seconds).
  if (watching_since_ < 0)
    watching_since_ = r.at_ms;
  seen_.push_back({r.at_ms, now_});
  auto longest = std::max(cfg_.grow_window, cfg_.shrink_window).count();
  while (!seen_.empty() && seen_.front().at_ms < r.at_ms - longest)
    seen_.pop_front();
  auto watched = r.at_ms - watching_since_;
  auto g = means(r.at_ms, cfg_.grow_window);
  auto s = means(r.at_ms, cfg_.shrink_window);
  bool hot = g.headroom < cfg_.grow_below || g.fill >= cfg_.grow_fill;
  bool idle = !hot && s.fill <= cfg_.shrink_fill && s.projected >= cfg_.shrink_above && idlest;

  if (hot && count < cfg_.max_nodes) {
    if (watched >= cfg_.grow_window.count()) {
      std::string why = g.headroom < cfg_.grow_below
                          ? "headroom " + figure(g.headroom) + " below " + figure(cfg_.grow_below)
                          : "mailboxes " + figure(g.fill * 100) + " % full, at or above " + figure(cfg_.grow_fill * 100) + " %";
      return decide(r, "grow", why + " (means over " + seconds(cfg_.grow_window) + ")", g);
    }
    waiting_ = "load to stay high for " + seconds(cfg_.grow_window);
    return std::nullopt;
  }
  if (hot) {
    waiting_ = "nothing: loaded, but at the maximum of " + std::to_string(cfg_.max_nodes) + " nodes";
    return std::nullopt;
  }
  if (idle && count > cfg_.min_nodes) {
    if (watched >= cfg_.shrink_window.count())
      return decide(r, "shrink",
                    "headroom with one node fewer " + figure(s.projected) + ", at or above "
                      + figure(cfg_.shrink_above) + ", mailboxes " + figure(s.fill * 100) + " % full, at most "
                      + figure(cfg_.shrink_fill * 100) + " % (means over " + seconds(cfg_.shrink_window)
                      + "); node " + std::to_string(idlest->id) + " is the most idle (load "
                      + figure(idlest->load / rmax) + " of r_max)",
                    s, idlest->id);
    waiting_ = "the cluster to stay under-used for " + seconds(cfg_.shrink_window);
    return std::nullopt;
  }
  waiting_ = count > cfg_.min_nodes ? "load to change" : "load to rise (at the minimum of "
                                                            + std::to_string(cfg_.min_nodes) + " nodes)";
  return std::nullopt;
}

void elastic_pool::finished(bool ok, const std::string& outcome, std::int64_t at_ms) {
  changing_ = false;
  cooldown_until_ = at_ms + cfg_.cooldown.count();
  if (!decisions_.empty()) {
    decisions_.back().outcome = (ok ? "done: " : "failed: ") + outcome;
    decisions_.back().finished_ms = at_ms;
  }
  waiting_ = "the cool-down";
}

} // namespace petrade

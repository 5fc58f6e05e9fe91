// The repair state machine of one node, separate from the actor so its
// steps can be tested sample by sample.
#pragma once

#include "actors/supervisor.hpp"
#include "protocol/node_state.hpp"

#include <optional>

namespace petrade {

class repair_plan {
public:
  enum class action : std::uint8_t { none, hold, restart, admit };

  explicit repair_plan(const supervisor_config& cfg) : cfg_(&cfg) {}

  /// Feeds one sample (health judged with the feedback limits) and returns
  /// what the supervisor must do now.
  action step(const node_state& s);
  repair_phase phase() const { return phase_; }
  /// A node added at runtime: it starts out catching up, and is admitted
  /// only once it is at most one block behind, then warm.
  void join();
  bool joining() const { return joining_; }
  std::uint32_t restarts() const { return restarts_; }

private:
  /// Answers nothing and does nothing: a node that burns CPU while its
  /// answers are late is overloaded (followers replaying a burst on a small
  /// quota were restarted over and over for it).
  bool silent(const node_state& s) const { return !s.reachable && !s.busy; }
  bool stuck(const node_state& s) const;
  const supervisor_config* cfg_;
  repair_phase phase_ = repair_phase::serving;
  std::uint32_t silent_for = 0;   // consecutive unreachable samples while serving
  std::uint32_t stuck_for = 0;    // consecutive stuck-behind samples while serving
  std::uint32_t waited = 0;       // samples since the last restart
  std::uint32_t healthy = 0;      // consecutive healthy samples while warming
  std::uint32_t backoff = 0;      // samples to wait for this restart
  std::uint32_t restarts_ = 0;
  bool joining_ = false;
  std::uint64_t last_head = 0;    // to tell catching up from stuck
  std::optional<std::uint64_t> serving_head;   // highest head seen while serving, none since a restart
};

} // namespace petrade

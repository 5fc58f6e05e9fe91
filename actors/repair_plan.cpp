#include "actors/repair_plan.hpp"

#include <algorithm>

namespace petrade {

const char* to_string(repair_phase p) {
  switch (p) {
    case repair_phase::serving: return "serving";
    case repair_phase::draining: return "draining";
    case repair_phase::restarting: return "restarting";
    case repair_phase::catching_up: return "catching-up";
    case repair_phase::warming: return "warming";
  }
  return "?";
}

bool repair_plan::stuck(const node_state& s) const {
  // A serving node that lags but whose head moves is catching up, not
  // failing: restarting it would send it back to genesis, further behind
  // (under a write burst that loop restarted followers every few seconds).
  // The error rate is no reason either: a node whose calls time out under
  // load still answers, and the zones already keep work away from it.
  bool moving = serving_head && s.head > *serving_head;
  return s.reachable && s.lag_blocks > cfg_->feedback.lag_max && !moving;
}

void repair_plan::join() {
  phase_ = repair_phase::catching_up;
  joining_ = true;
  backoff = cfg_->backoff_samples;
  waited = 0;
  last_head = 0;
  serving_head.reset();
}

repair_plan::action repair_plan::step(const node_state& s) {
  // After a restart only reachability and lag tell whether it worked. A
  // joining node must have caught up all the way: lag_max is what a serving
  // node may fall behind, not where a new one starts taking reads.
  bool bad_now = !s.reachable || s.lag_blocks > (joining_ ? 1 : cfg_->feedback.lag_max);
  // A restarted node that works (CPU) is starting or importing: its wait
  // for an answer starts over, as it does when its head moves.
  bool working = s.busy || (s.reachable && s.head > last_head);
  switch (phase_) {
    case repair_phase::serving: {
      // A node stuck behind usually waits on its source (a sealer too busy
      // to hand out blocks), which a restart cannot fix and a re-import from
      // genesis makes worse: it gets a longer window than a silent one.
      // So does one that answers nothing while it burns CPU (overloaded, or
      // in a loop that only a restart ends); every unanswered sample counts
      // here, so a node flapping between busy and idle is not spared.
      bool stuck_now = stuck(s) || !s.reachable;
      serving_head = std::max(serving_head.value_or(0), s.head);
      silent_for = silent(s) ? silent_for + 1 : 0;
      stuck_for = stuck_now ? stuck_for + 1 : 0;
      if (silent_for >= cfg_->repair_after || stuck_for >= cfg_->stuck_after) {
        silent_for = stuck_for = 0;
        phase_ = repair_phase::draining;
        return action::hold;
      }
      return action::none;
    }
    case repair_phase::draining:
      // One interval of grace lets in-flight calls finish or fail over.
      phase_ = repair_phase::restarting;
      backoff = backoff ? std::min(backoff * 2, cfg_->backoff_max_samples)
                        : cfg_->backoff_samples;
      waited = 0;
      ++restarts_;
      last_head = 0;
      serving_head.reset();   // a new process starts its own count
      return action::restart;
    case repair_phase::restarting:
    case repair_phase::catching_up:
      if (!bad_now) {
        phase_ = repair_phase::warming;
        healthy = 1;
        return action::none;
      }
      phase_ = s.reachable ? repair_phase::catching_up : repair_phase::restarting;
      // A node importing blocks is making progress: restarting it again
      // would only send it back to genesis.
      if (working) {
        last_head = std::max(last_head, s.head);
        waited = 0;
        return action::none;
      }
      if (++waited >= backoff) {
        phase_ = repair_phase::draining;   // restart again, after a longer wait
        return action::none;
      }
      return action::none;
    case repair_phase::warming:
      if (bad_now) {
        phase_ = repair_phase::catching_up;
        healthy = 0;
        return action::none;
      }
      if (++healthy >= cfg_->warm_samples) {
        phase_ = repair_phase::serving;
        backoff = 0;
        joining_ = false;
        return action::admit;
      }
      return action::none;
  }
  return action::none;
}

} // namespace petrade

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

bool repair_plan::failing(const node_state& s) const {
  auto& f = cfg_->feedback;
  // A serving node that lags but whose head moves is catching up, not
  // failing: restarting it would send it back to genesis, further behind
  // (under a write burst that loop restarted followers every few seconds).
  bool moving = serving_head && s.head > *serving_head;
  // The error rate is not a reason to restart: a node whose calls time out
  // under load still answers (it is reachable), and the zones already keep
  // work away from it; a restart would only cost it its mempool and, for a
  // sealer, minutes of re-import (seen repeatedly in the benchmark).
  return !s.reachable || (s.lag_blocks > f.lag_max && !moving);
}

repair_plan::action repair_plan::step(const node_state& s) {
  bool bad_now = failing(s);
  if (phase_ == repair_phase::serving)
    serving_head = std::max(serving_head.value_or(0), s.head);
  // After a restart only reachability and lag tell whether it worked; the
  // error average still carries the calls that failed before it.
  if (phase_ == repair_phase::restarting || phase_ == repair_phase::catching_up)
    bad_now = !s.reachable || s.lag_blocks > cfg_->feedback.lag_max;
  switch (phase_) {
    case repair_phase::serving:
      bad = bad_now ? bad + 1 : 0;
      if (bad >= cfg_->repair_after) {
        bad = 0;
        phase_ = repair_phase::draining;
        return action::hold;
      }
      return action::none;
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
      if (s.reachable && s.head > last_head) {
        last_head = s.head;
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
        return action::admit;
      }
      return action::none;
  }
  return action::none;
}

} // namespace petrade

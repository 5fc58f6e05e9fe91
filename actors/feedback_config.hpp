// Tuning of the state-feedback strategy (design §3): the weights that place a
// node in the state space, the zone III thresholds and the hysteresis that
// keeps nodes from flapping between zones. Plain data plus validation; no I/O.
#pragma once

#include "protocol/node_state.hpp"

#include <array>
#include <cstdint>

namespace petrade {

/// One weight per `dimension`, in `dimension` order.
using weight_vector = std::array<double, dimension_count>;

struct feedback_config {
  /// w_k. Default: cpu .3, mem .2, lag .1, latency .2, errors .1, inflight .1.
  /// cpu and latency weigh most because they are what a client feels first;
  /// lag and errors also have hard zone III limits below, so they need less.
  weight_vector weights{0.3, 0.2, 0.1, 0.2, 0.1, 0.1};

  /// Zone III load limit as a FRACTION of D = sqrt(Σ w_k²), the largest
  /// possible |p| (a node saturated on every dimension). Expressing it
  /// relative to D keeps one value meaningful whatever the weights are.
  /// Default 0.8; the absolute limit is `r_max_load()`. Must be in (0, 1].
  double r_max = 0.8;

  /// Zone III when the node is more than this many blocks behind (raw lag).
  std::uint64_t lag_max = 5;

  /// Zone III when the node's error rate (EWMA, 0..1) is above this.
  double err_max = 0.2;

  /// Hysteresis band h as a fraction of D (the r scale): a node leaves zone I
  /// for II only once r > r̄ + h, and II for I only once r ≤ r̄ − h. Default
  /// 0.05. Must be in [0, 1).
  double hysteresis = 0.05;

  /// A zone I <-> II change takes effect only after the band test has asked
  /// for it on this many consecutive samples. Default 2; 1 = no delay.
  std::uint32_t confirm_samples = 2;

  /// Consecutive healthy samples a zone III node needs before it leaves III.
  /// Default 3 (1.5 s at the 500 ms probe interval).
  std::uint32_t exit_iii_samples = 3;

  /// D = sqrt(Σ w_k²).
  double diagonal() const;
  /// r_max · D: the absolute load at and above which a node is in zone III.
  double r_max_load() const;
  /// h · D: the absolute hysteresis band.
  double band() const;

  /// Throws std::invalid_argument naming the offending key and its value,
  /// e.g. "feedback_config: weights.cpu = -0.1: must be >= 0".
  void validate() const;

  /// The thesis's 2-D case: cpu/mem at 0.5/0.5, every other weight 0; other
  /// settings keep their defaults.
  static feedback_config thesis();
};

/// "cpu", "mem", "lag", "latency", "errors", "inflight".
const char* to_string(dimension d);

} // namespace petrade

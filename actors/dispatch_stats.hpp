// What the dispatcher counts for /metrics (design §9): a latency histogram of
// task attempts per node and the tasks it answered, by kind and outcome.
// Plain data without actor machinery, so tests can check the arithmetic.
#pragma once

#include "protocol/task.hpp"

#include <array>
#include <cstdint>

namespace petrade {

/// Latencies of task attempts, in seconds, in Prometheus histogram shape:
/// `cumulative[i]` counts observations <= `bounds[i]`; observations above
/// the last bound are only in `count` (the implicit +Inf bucket).
struct latency_histogram {
  // From 1 ms (a local node answering a cached read) to 10 s (the default
  // per-attempt timeout), so timed-out attempts land in the last buckets.
  static constexpr std::array<double, 13> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                 0.25,  0.5,    1,     2.5,  5,     10};
  std::array<std::uint64_t, bounds.size()> cumulative{};
  double sum = 0;
  std::uint64_t count = 0;

  void observe(double seconds);
};

/// How a task ended, as /metrics labels it; one per task_error.
enum class task_outcome : std::uint8_t { ok, rpc_error, unreachable, busy, invalid };
inline constexpr std::size_t task_outcome_count = 5;

const char* to_string(task_outcome o);
task_outcome outcome_of(task_error e);

/// Tasks answered, by kind and outcome (every answer counts once, however
/// many attempts it took).
struct task_tally {
  std::array<std::array<std::uint64_t, task_outcome_count>, task_kind_count> n{};

  /// Ignores a kind outside task_kind (a refused task can carry anything).
  void add(task_kind k, task_error e);
  std::uint64_t get(task_kind k, task_outcome o) const {
    return n[static_cast<std::size_t>(k)][static_cast<std::size_t>(o)];
  }
};

} // namespace petrade

// The elastic pool's load step (issue 10): one node at its quota with the
// pool on, a light /rpc read load, a step up to many clients, and the step
// back down. It measures, window by window, p50/p99 and how many nodes
// serve, and keeps the pool's decision log.
#pragma once

#include "bench/profile.hpp"

#include <string>
#include <vector>

namespace petrade::bench {

struct elastic_window {
  std::string phase;          // low, high, after
  double start_s = 0;         // since the first window began
  double seconds = 0;
  std::size_t clients = 0, requests = 0, failed = 0;
  double p50_ms = 0, p99_ms = 0;
  int serving = 0, nodes = 0; // admitted nodes and all nodes, at the window's end
};

struct elastic_outcome {
  std::vector<elastic_window> windows;
  std::string decisions_json;   // the pool's log at the end
  int most_serving = 0;
  bool grew = false, back_to_min = false, p99_recovered = false;
  double peak_high_p99 = 0, last_high_p99 = 0, low_p99 = 0;
};

/// Runs the step on a fresh platform routing by `strategy`; writes
/// elastic-<strategy>.csv, .md and _decisions.json into o.out_dir.
elastic_outcome run_elastic_step(const bench_options& o, const std::string& strategy);

} // namespace petrade::bench

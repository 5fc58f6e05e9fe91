// The experiment: thesis table 5.1 over a matrix of concurrency × nodes ×
// strategies, plus the baselines the thesis left out (nginx in front of the
// same nodes, the nodes called directly, an instant upstream for the proxy's
// own cost, raw transaction ingestion) and a cluster with one slowed node.
// Writes runs.csv, targets.csv, charts and report.md into the output folder.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace petrade::bench {

/// The elastic pool's load step (`--parts elastic`).
struct elastic_plan {
  int min_nodes = 1, max_nodes = 4;
  int grow_window_ms = 5000, shrink_window_ms = 20000, cooldown_ms = 10000;
  /// Low load: a few clients pausing between requests (a closed loop of
  /// even one client keeps a 0.1-core node at its quota); high: a closed
  /// loop of many, more than max_nodes nodes can serve.
  std::size_t low_clients = 2, high_clients = 128;
  int low_think_ms = 200;
  int low_windows = 3;
  int high_s = 150;       // the step up lasts this long
  int after_s = 300;      // the step down: until back at the minimum, at most this long
  double window_s = 5;    // one measurement window, about
};

struct profile {
  std::string name;
  std::vector<std::size_t> concurrency;            // table 5.1 mix, one request per client
  std::vector<std::size_t> business_concurrency;   // business mix
  std::vector<int> nodes;                          // 1 = the single-node baseline
  std::vector<std::string> strategies;             // for nodes > 1
  std::vector<std::string> hetero_strategies;
  int hetero_nodes = 3;
  double hetero_slow_share = 0.25;   // the slowed node's quota, as a share of the others'
  std::size_t rpc_clients = 64;
  std::size_t rpc_per_client = 40;
  std::size_t writes = 600;          // transfers for ingestion vs business writes
  std::size_t proxy_requests = 40'000;
  std::size_t users = 48;
  elastic_plan elastic;
};

profile quick_profile();
profile full_profile();

struct bench_options {
  std::string exe;          // the petrade binary (the bench starts `petrade up` with it)
  std::string out_dir;      // bench/results/<profile>
  std::string work_dir;     // platforms' configs, journals and logs
  double quota = 0.1;       // cores per node
  profile p;
  unsigned short base_port = 18545;
  /// Which parts to run: "matrix" (the cells of nodes × strategies),
  /// "hetero" (the slowed node), "proxy" (the instant upstream); and,
  /// only when asked for, "elastic" (the elastic pool's load step).
  std::vector<std::string> parts = {"matrix", "hetero", "proxy"};
};

/// Runs the whole profile; returns 0 when every run completed, 1 when a
/// target was missed (the report says which), throws when a run could not
/// be made at all.
int run_profile(const bench_options& o);

} // namespace petrade::bench

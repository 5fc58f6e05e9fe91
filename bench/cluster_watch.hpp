// Watches a platform while a load runs: every half second it reads
// /api/cluster (per-node CPU and zone, mailbox depths) and the platform
// process's memory, so each run reports per-node CPU, zone shares, where the
// dispatcher sent its attempts, the deepest queue and the memory it took.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace petrade::bench {

struct node_share {
  std::string name;
  double cpu = 0;            // mean normalised CPU (the probe's s.cpu)
  double zone[3] = {0, 0, 0};// share of samples in zone I, II, III
  double attempts = 0;       // share of the dispatcher's attempts in the run
};

struct watch_report {
  std::vector<node_share> nodes;
  std::size_t peak_queued = 0;     // tasks not yet done (queued_tasks), most seen
  std::uint64_t peak_rss = 0;      // platform process, bytes, most seen
  double platform_cpu_seconds = 0; // CPU the platform used during the run
  int samples = 0;
};

/// Tasks the platform holds and has not finished, from its /metrics text:
/// waiting in the dispatcher's mailboxes, in flight at a node, or
/// journalled writes not yet mined.
double queued_tasks(const std::string& metrics_text);

class cluster_watch {
public:
  /// Starts watching; `admin_token` empty = only the process is watched.
  cluster_watch(unsigned short port, std::string admin_token, int platform_pid);
  ~cluster_watch();
  /// Stops and returns what was seen.
  watch_report finish();

private:
  void loop();
  void sample(bool final);

  unsigned short port_;
  std::string token_;
  int pid_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  watch_report report_;
  std::map<std::string, std::array<double, 3>> zone_counts_;
  std::map<std::string, double> cpu_sum_;
  std::map<std::string, double> attempts_start_, attempts_end_;
  double cpu_start_ = 0;
  bool first_ = true;
};

} // namespace petrade::bench

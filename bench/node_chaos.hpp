// Node faults for the chaos soak: every `kill_every` a random node's process
// is SIGKILLed, and every `stop_every` another one is SIGSTOPped for
// `stop_for`, then continued. Nodes are found by their port among the
// devnet's child processes each time, because a killed node comes back
// under a new pid.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace petrade::bench {

struct chaos_plan {
  int devnet_pid = 0;                        // the nodes' parent
  std::vector<unsigned short> ports;         // one per node
  std::chrono::milliseconds kill_every{10'000};
  std::chrono::milliseconds stop_every{15'000};
  std::chrono::milliseconds stop_for{3'000};
  unsigned seed = 1;
};

struct chaos_event {
  double at = 0;          // seconds since the chaos started
  std::string what;       // "SIGKILL node 1 (pid 4242)", ...
};

/// The pid of the child of `parent` whose command line holds `--port <port>`,
/// or 0 when there is none (a node being restarted).
int node_pid(int parent, unsigned short port);

class node_chaos {
public:
  explicit node_chaos(chaos_plan plan);
  /// Stops the faults and continues a node left stopped.
  ~node_chaos();
  node_chaos(const node_chaos&) = delete;
  node_chaos& operator=(const node_chaos&) = delete;

  std::vector<chaos_event> events() const;

private:
  void run();
  void note(const std::string& what);

  chaos_plan plan_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> stop_{false};
  mutable std::mutex m_;
  std::vector<chaos_event> events_;
  int stopped_pid_ = 0;
  std::thread thread_;
};

} // namespace petrade::bench

// State probes (design §3): how a node actor learns the CPU and memory use of
// its Ethereum node. Three kinds, chosen by config:
//   cgroup        the node's cgroup counters (v1 cpuacct/memory, v2 cpu.stat/memory.current)
//   proc          /proc/<pid>/stat and /proc/<pid>/statm of the node's process
//   geth_metrics  geth's Prometheus endpoint (/debug/metrics/prometheus), over HTTP
// Each sample gives the cores used since the previous sample (from cumulative
// counters) and the memory in use, both raw and normalised to [0, 1].
// No CAF here: the node actor wraps a probe and turns samples into messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace petrade::devnet {
class node_cgroup;
} // namespace petrade::devnet

namespace petrade::jsonrpc {
class io_runner;
} // namespace petrade::jsonrpc

namespace petrade {

enum class probe_kind : std::uint8_t { none, cgroup, proc, geth_metrics };

const char* to_string(probe_kind k);
/// "none", "cgroup", "proc", "geth_metrics"; throws std::invalid_argument.
probe_kind parse_probe_kind(const std::string& text);

struct probe_config {
  probe_kind kind = probe_kind::none;

  // cgroup: a group this process manages (not owned; must outlive the probe),
  // or else the folder of one (devnet::node_info::cgroup; on v1 the cpu
  // controller's folder, the cpuacct and memory folders are found beside it).
  const devnet::node_cgroup* cgroup = nullptr;
  std::string cgroup_dir;

  // proc: the node's process. `pid_source`, when set, is asked on every
  // sample (a restarted node has a new pid) and wins over `pid`.
  int pid = -1;
  std::function<int()> pid_source;

  // geth_metrics: e.g. "http://127.0.0.1:6060/debug/metrics/prometheus".
  std::string metrics_url;
  std::chrono::milliseconds timeout{400};   // per HTTP fetch

  // Normalisation. cpu = cores used / cpu_cores; 0 = the cgroup's quota when
  // there is one, else 1 core. mem = bytes / mem_limit_bytes; 0 = the
  // cgroup's limit when there is one, else the machine's memory.
  double cpu_cores = 0;
  double mem_limit_bytes = 0;
};

struct probe_sample {
  bool ok = false;        // false: nothing could be read (see `error`)
  double cpu_cores = 0;   // cores used since the previous sample (0 on the first)
  double mem_bytes = 0;
  double cpu = 0;         // normalised, [0, 1]
  double mem = 0;         // normalised, [0, 1]
  std::string error;
};

/// One probe per node. Samples are taken one at a time: the caller waits for
/// `done` before asking again.
class probe {
public:
  using callback = std::function<void(probe_sample)>;
  virtual ~probe() = default;
  /// Takes a sample; `done` runs exactly once, inline for the local kinds
  /// (cgroup, proc: a few small reads of kernel files) and on an I/O thread
  /// of the runner for geth_metrics. Never blocks on the network.
  virtual void sample(callback done) = 0;
  virtual probe_kind kind() const = 0;
};

/// A probe of kind `cfg.kind`; `none` gives a probe whose samples are ok and
/// zero. geth_metrics needs `io` (else std::invalid_argument); a bad URL or
/// a cgroup kind with neither `cgroup` nor `cgroup_dir` throws too. Returns
/// nullptr for a cgroup probe whose folder does not exist.
std::unique_ptr<probe> make_probe(const probe_config& cfg, jsonrpc::io_runner* io = nullptr);

/// Turns a cumulative CPU-time counter into cores used between readings.
class cpu_meter {
public:
  using clock = std::chrono::steady_clock;
  /// Cores used since the previous reading: 0 for the first reading and after
  /// the counter went backwards (a restarted process), which restarts the
  /// baseline.
  double update(double cpu_seconds, clock::time_point now = clock::now());
  void reset() { has_last_ = false; }

private:
  bool has_last_ = false;
  double last_seconds_ = 0;
  clock::time_point last_at_{};
};

/// value / limit clamped to [0, 1]; 0 when limit <= 0 or value is not finite.
double normalise(double value, double limit);

/// Total memory of this machine, bytes.
double machine_memory_bytes();

/// Fills the normalised fields of `s` from its raw ones.
void normalise_sample(probe_sample& s, double cpu_cores, double mem_limit_bytes);

} // namespace petrade

// What a node actor reports about its Ethereum node every probe interval:
// the state vector of design §3, normalised to [0, 1], with the raw readings
// it came from. Plain data: crosses process boundaries through `inspect`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace petrade {

/// The six dimensions of the state vector, in this order everywhere
/// (weights in config, points in the state space, metrics).
enum class dimension : std::uint8_t { cpu, mem, lag, latency, errors, inflight };
inline constexpr std::size_t dimension_count = 6;

struct node_state {
  std::uint32_t node = 0;          // index in the cluster config
  std::string name;                // e.g. "node1"
  bool reachable = false;          // the last probe, or a task call since, got an answer
  /// This round's CPU sample succeeded and shows the process at work (at
  /// least a fifth of its cores): a node that answers nothing but burns
  /// CPU is overloaded, not hung, and a restart would only cost it its work.
  bool busy = false;
  std::uint64_t head = 0;          // latest block number seen on the node
  std::uint64_t sampled_at_ms = 0; // steady-clock milliseconds of the sample
  // Normalised state vector s, each in [0, 1], indexed by `dimension`.
  std::vector<double> s = std::vector<double>(dimension_count, 0.0);
  // Raw readings behind s, for metrics and the dashboard.
  double cpu_cores = 0;            // cores in use
  double mem_bytes = 0;
  double latency_ms = 0;           // EWMA of RPC round trips
  double error_rate = 0;           // EWMA of failed calls, 0..1
  std::uint32_t inflight = 0;      // open calls
  std::uint32_t inflight_cap = 0;
  std::uint64_t lag_blocks = 0;    // behind the highest head seen

  double get(dimension d) const { return s[static_cast<std::size_t>(d)]; }
  void set(dimension d, double v) { s[static_cast<std::size_t>(d)] = v; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_state& x) {
  return f(x.node, x.name, x.reachable, x.busy, x.head, x.sampled_at_ms, x.s, x.cpu_cores, x.mem_bytes,
           x.latency_ms, x.error_rate, x.inflight, x.inflight_cap, x.lag_blocks);
}

} // namespace petrade

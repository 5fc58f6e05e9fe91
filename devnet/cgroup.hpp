// A node's own cgroup: the CPU quota a container's `--cpus` would give, and
// the counters the node's probe reads. Works on cgroup v1 (cpu, cpuacct,
// memory controllers) and v2; where neither is writable it is simply absent
// and the node runs as a plain process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace petrade::devnet {

enum class cgroup_version { none, v1, v2 };

/// The whole text of a small kernel file (cgroup or /proc), or nothing when
/// it cannot be read (gone, no permission, empty path).
std::optional<std::string> read_kernel_file(const std::string& path);

class node_cgroup {
public:
  /// Creates (or re-uses) a cgroup named `name` below this process's own
  /// cgroup. `cpus` > 0 sets a quota in cores (0.5 = half a core); 0 = none.
  /// Returns nullptr when the machine allows no cgroup here; `why` says why.
  static std::unique_ptr<node_cgroup> create(const std::string& name, double cpus,
                                             std::string* why = nullptr);
  ~node_cgroup();   // removes the cgroup (its processes must be gone)

  node_cgroup(const node_cgroup&) = delete;
  node_cgroup& operator=(const node_cgroup&) = delete;

  void add(pid_t pid) const;                // throws std::runtime_error
  cgroup_version version() const { return version_; }
  double cpus() const { return cpus_; }
  /// Cumulative CPU time of the group, nanoseconds.
  std::optional<std::uint64_t> cpu_usage_ns() const;
  /// Current memory use of the group, bytes.
  std::optional<std::uint64_t> memory_bytes() const;
  /// Memory limit in bytes when one is set below the machine's memory.
  std::optional<std::uint64_t> memory_limit() const;
  /// Where it lives (the cpu controller's folder on v1).
  const std::string& path() const { return cpu_dir_; }

  /// Which hierarchy this machine offers, without creating anything.
  static cgroup_version detect();

private:
  node_cgroup() = default;
  cgroup_version version_ = cgroup_version::none;
  double cpus_ = 0;
  std::string cpu_dir_;      // v1: cpu (+cpuacct when co-mounted); v2: the group
  std::string cpuacct_dir_;  // v1 only
  std::string memory_dir_;   // v1 only
};

} // namespace petrade::devnet

// The cgroup probe: CPU and memory of a node's cgroup, v1 (cpuacct.usage,
// memory.usage_in_bytes) or v2 (cpu.stat usage_usec, memory.current).
#pragma once

#include "actors/probe.hpp"

#include <optional>
#include <string>

namespace petrade::probes {

/// The files a cgroup probe reads. Empty = not available.
struct cgroup_files {
  int version = 0;          // 1 or 2
  std::string cpu_usage;    // v1 cpuacct.usage (ns); v2 cpu.stat (usage_usec)
  std::string mem_usage;    // v1 memory.usage_in_bytes; v2 memory.current
  std::string mem_limit;    // v1 memory.limit_in_bytes; v2 memory.max
  std::string cpu_quota;    // v1 cpu.cfs_quota_us; v2 cpu.max
  std::string cpu_period;   // v1 cpu.cfs_period_us; v2: in cpu.max
};

/// Finds the files of the group in `dir`: a v2 group, or on v1 the cpu
/// controller's folder (cpuacct and memory beside it: co-mounted, under
/// <root>/cpuacct and <root>/memory at the same path, or the memory folder
/// of this process's own memory cgroup with the same name). nullopt when
/// `dir` has no CPU counter.
std::optional<cgroup_files> locate_cgroup(const std::string& dir);

struct cgroup_reading {
  std::optional<double> cpu_seconds;   // cumulative
  std::optional<double> mem_bytes;
  std::optional<double> mem_limit;     // set and below the machine's memory
  std::optional<double> quota_cores;   // CPU quota in cores
};

cgroup_reading read_cgroup(const cgroup_files& files);

/// From cfg.cgroup, else cfg.cgroup_dir; nullptr when neither leads to
/// a readable group.
std::unique_ptr<probe> make_cgroup_probe(const probe_config& cfg);

} // namespace petrade::probes
